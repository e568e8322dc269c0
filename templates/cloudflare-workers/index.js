{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// The Worker every request reaches. For paths under {{ api.base_path }}/, in order: bad paths 400, unknown
// paths 404, OPTIONS 204 (CORS preflight), other methods 405 + Allow, auth (401/403), path
// parameters (400), the JSON body (413/415/400) and its fields (422), then the operation's handler;
// any error thrown becomes a 500 whose body holds only a request id. Every response carries the
// shared headers of shared/headers.js (and the CORS headers, if any).

{{ m.esm_imports("./shared") }}

{{ [api.base_path]|js_assign("const MOUNTS") }};

{# Handlers load by `import()` from here. #}
{% set load = "import" %}
{% set methods = "./methods" %}
{% include "_shared/tables.js" %}

{% include "_shared/dispatch-core.js" %}

{% include "_shared/fetch-adapter.js" %}

{% include "_shared/fetch-response.js" %}

// ---- Cloudflare Workers: an ES module fetch handler. Configuration comes from `env`. ----

export default {
  async fetch(request, env, ctx) {
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
