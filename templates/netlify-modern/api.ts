{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// The one function every API request reaches (its `config.path` below claims {{ api.base_path }} and
// {{ api.base_path }}/*). It hands the request to the dispatcher (_shared/dispatcher.js), which answers
// bad paths, unknown paths, preflights, other methods, auth, parameters and bodies itself, and calls
// the operation's handler. Every response carries the shared headers of _shared/headers.js.

import { dispatch, fromRequest, toResponse } from './_shared/dispatcher.js';

// ---- Netlify Functions, modern format: a Web Request in, a Response out. ----

export default async (request: Request, context: unknown): Promise<Response> => {
  const result = await dispatch(
    await fromRequest(request, {
      requestId: request.headers.get('x-nf-request-id'),
      env: process.env,
      platform: { request, context },
    }),
  );
  return toResponse(result);
};

// Netlify reads `config` without running the module: `path` must be string literals.
export const config = {
  {{ [api.base_path, api.base_path ~ "/*"]|js_prop("path", 2) }},
};
