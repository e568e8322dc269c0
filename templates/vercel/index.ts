{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// The one function every API request reaches (vercel.json rewrites {{ api.base_path }}/* here). It hands
// the request to the dispatcher (_lib/dispatcher.js), which answers bad paths, unknown paths,
// preflights, other methods, auth, parameters and bodies itself, and calls the operation's handler.
// Every response carries the shared headers of _lib/headers.js.

import { dispatch, fromRequest, toResponse } from './_lib/dispatcher.js';

// ---- Vercel: a Web-standard fetch handler. ----

export default {
  async fetch(request: Request): Promise<Response> {
    const result = await dispatch(
      await fromRequest(request, {
        requestId: request.headers.get('x-vercel-id'),
        env: process.env,
        platform: { request },
      }),
    );
    return toResponse(result);
  },
};
