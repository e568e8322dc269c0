// Cross-origin callers{% if api.cors.enabled %}: exactly these origins{% else %}: none (same-origin API, no Access-Control-* headers){% endif %}.
const CORS = {
  enabled: {{ api.cors.enabled|js }},
  {{ api.cors.origins|js_prop("origins", 2) }},
  credentials: {{ api.cors.credentials|js }},
  maxAge: {{ api.cors.max_age_seconds|js }},
  {{ api.cors.allow_headers|js_prop("allowHeaders", 2) }},
};

const LIMITS = { bodyBytes: {{ api.limits.body_bytes|js }} };
{% import "_shared/routes.j2" as rt %}
{% if routing.inline and api.operations|selectattr("body_resource")|list %}

// The fields of each resource: what create and update bodies are validated against.
const SCHEMAS = {
{% for r in api.resources %}
{{ rt.schema(r, 2) -}}
{% endfor %}
};
{% endif %}

{% if routing.inline %}
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
{% for r in routing.param.routes %}
{{ rt.route(r, 4, load, file, handlers) -}}
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
{{ rt.route(r, 8, load, file, handlers) -}}
{% endfor %}
      ],
    ],
{% endfor %}
  ]),
{% else %}
  fixed: new Map(),
{% endif %}
};
{% else %}
// The routes, grouped by their first segment: a parameter (`param`), or each fixed segment
// (`fixed`). Each group is a module of its own, loaded on the first request into it: a cold start
// reads and compiles none of them, whatever the size of the API (the literal paths let bundlers
// include every file). In match order: at the first segment where two paths differ, a fixed one
// wins over a parameter.
const ROUTES = {
{% if routing.param %}
  {{ (load ~ "(" ~ (routing.param.file|import_from(file)|js) ~ ")")|js_arrow_prop("param", 2) }},
{% else %}
  param: null,
{% endif %}
  {{ routing.fixed|js_route_map("fixed", load, file, 2) }},
};
{% endif %}
