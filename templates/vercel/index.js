{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// The one function every API request reaches (vercel.json rewrites {{ api.base_path }}/* here). In order:
// bad paths 400, unknown paths 404, OPTIONS 204 (CORS preflight), other methods 405 + Allow, auth
// (401/403), path parameters (400), the JSON body (413/415/400) and its fields (422), then the
// operation's handler; any error thrown becomes a 500 whose body holds only a request id. Every
// response carries the shared headers of _lib/headers.js (and the CORS headers, if any).

{{ m.esm_imports("./_lib") }}

// The public path: a rewrite keeps the URL the caller asked for.
{{ [api.base_path]|js_assign("const MOUNTS") }};

{# Handlers load by `import()` from here. #}
{% set load = "import" %}
{% set methods = "./_lib/methods" %}
{% include "_shared/tables.js" %}

{% include "_shared/dispatch-core.js" %}

{% include "_shared/fetch-adapter.js" %}

{% include "_shared/fetch-response.js" %}

// ---- Vercel: a Web-standard fetch handler. ----

export default {
  async fetch(request) {
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
