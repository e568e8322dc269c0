// Cross-origin callers{% if api.cors.enabled %}: exactly these origins{% else %}: none (same-origin API, no Access-Control-* headers){% endif %}.
const CORS = {
  enabled: {{ api.cors.enabled|js }},
  {{ api.cors.origins|js_prop("origins", 2) }},
  credentials: {{ api.cors.credentials|js }},
  maxAge: {{ api.cors.max_age_seconds|js }},
  {{ api.cors.allow_headers|js_prop("allowHeaders", 2) }},
};

const LIMITS = { bodyBytes: {{ api.limits.body_bytes|js }} };
{% if api.operations|selectattr("body_resource")|list %}

// The fields of each resource: what create and update bodies are validated against.
const SCHEMAS = {
{% for r in api.resources %}
{% if r.fields %}
  {{ r.name.spec|js_key }}: {
{% for f in r.fields %}
    {{ f|js_prop(f.name, 4) }},
{% endfor %}
  },
{% else %}
  {{ r.name.spec|js_key }}: {},
{% endif %}
{% endfor %}
};
{% endif %}

{#- One route at column `at`: its path, shape, `Allow` and CORS lists, and each method's operation. -#}
{% macro route(r, at) %}
{{ " " * at }}{
{{ " " * at }}  {{ r.path|js_prop("path", at + 2) }},
{{ " " * at }}  {{ r.segments|js_prop("segments", at + 2) }},
{{ " " * at }}  {{ r.allow|js_prop("allow", at + 2) }},
{{ " " * at }}  {{ r.cors_methods|js_prop("corsMethods", at + 2) }},
{{ " " * at }}  methods: {
{% for m in r.operations %}
{% set op = m.op %}
{% set schema %}{% if op.body_resource %}SCHEMAS[{{ op.body_resource|js }}]{% else %}null{% endif %}{% endset %}
{% set loader %}{{ load }}('{{ methods }}/{{ op.stem }}.{{ "ts" if api.language == "typescript" else "js" }}'){% endset %}
{{ " " * at }}    {{ [["name", op.name.camel], ["load", loader|safe, "arrow"], ["public", op.public], ["roles", op.roles], ["schema", schema|safe]]|js_object(m.method, at + 4) }},
{% endfor %}
{{ " " * at }}  },
{{ " " * at }}},
{% endmacro %}

// The routes, grouped by their first segment: a parameter (`param`), or each fixed segment
// (`fixed`). A group is a function, so that a cold start compiles and
// builds none of them: the dispatcher builds a group's routes on the first request into it. In
// match order: at the first segment where two paths differ, a fixed one wins over a parameter.
// Each method holds its operation: its name, its handler file's loader (the file is loaded on the
// operation's first request; the literal paths let bundlers include every file), whether it runs
// without a user, the roles it needs (any one), and the schema its body must match.
const ROUTES = {
{% if routing.param %}
  param: () => [
{% for r in routing.param %}
{{ route(r, 4) -}}
{% endfor %}
  ],
{% else %}
  param: null,
{% endif %}
{% if routing.fixed %}
  fixed: new Map([
{% for g in routing.fixed %}
    [
      {{ g.segment|js }},
      () => [
{% for r in g.routes %}
{{ route(r, 8) -}}
{% endfor %}
      ],
    ],
{% endfor %}
  ]),
{% else %}
  fixed: new Map(),
{% endif %}
};
