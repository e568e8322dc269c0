{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// The dispatcher that {{ target.typescript.entry }} hands every request to: the same JavaScript on every
// platform, typed for TypeScript by dispatcher.d.ts next to it. In order: bad paths 400, unknown
// paths 404, OPTIONS 204 (CORS preflight), other methods 405 + Allow, auth (401/403), path
// parameters (400), the JSON body (413/415/400) and its fields (422), then the operation's handler;
// any error thrown becomes a 500 whose body holds only a request id. Every response carries the
// shared headers of headers.js (and the CORS headers, if any).

{{ m.esm_imports(".") }}

{% if target.typescript.mounts %}
// The function's own path, then the public path (the platform hands over either).
{{ (target.typescript.mounts + [api.base_path])|js_assign("const MOUNTS") }};
{% else %}
// The public path: the platform keeps the URL the caller asked for.
{{ [api.base_path]|js_assign("const MOUNTS") }};
{% endif %}

{# Handlers (.ts) load by `import()` from here. #}
{% set load = "import" %}
{% set methods = target.typescript.handlers_from_shared %}
{% include "_shared/tables.js" %}

{% include "_shared/dispatch-core.js" %}

{% include "_shared/fetch-adapter.js" %}

{% include "_shared/fetch-response.js" %}

export { dispatch, fromRequest, toResponse };
