{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// The one function every API request reaches (its `config.path` below claims {{ api.base_path }} and
// {{ api.base_path }}/*). In order: bad paths 400, unknown paths 404, OPTIONS 204 (CORS preflight), other
// methods 405 + Allow, auth (401/403), path parameters (400), the JSON body (413/415/400) and its
// fields (422), then the operation's handler; any error thrown becomes a 500 whose body holds only
// a request id. Every response carries the shared headers of _shared/headers.js (and the CORS
// headers, if any).

{{ m.esm_imports("./_shared") }}

// The public path: `config.path` keeps the URL the caller asked for.
{{ [api.base_path]|js_assign("const MOUNTS") }};

{# Handlers load by `import()` from here. #}
{% set load = "import" %}
{% set methods = "./api-methods" %}
{% include "_shared/tables.js" %}

{% include "_shared/dispatch-core.js" %}

{% include "_shared/fetch-adapter.js" %}

{% include "_shared/fetch-response.js" %}

// ---- Netlify Functions, modern format: a Web Request in, a Response out. ----

export default async (request, context) => {
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
