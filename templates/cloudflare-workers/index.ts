{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// The Worker every request reaches. For paths under {{ api.base_path }}/ it hands the request to the
// dispatcher (shared/dispatcher.js), which answers bad paths, unknown paths, preflights, other
// methods, auth, parameters and bodies itself, and calls the operation's handler. Every response
// carries the shared headers of shared/headers.js.

import { dispatch, fromRequest, toResponse } from './shared/dispatcher.js';

/** What a Worker's `fetch` gets besides the request: `waitUntil` and friends. */
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
}

// ---- Cloudflare Workers: an ES module fetch handler. Configuration comes from `env`. ----

export default {
  async fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext): Promise<Response> {
    const result = await dispatch(
      await fromRequest(request, {
        requestId: request.headers.get('cf-ray'),
        env,
        platform: { request, ctx },
      }),
    );
    return toResponse(result);
  },
};
