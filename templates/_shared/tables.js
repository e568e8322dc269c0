// Cross-origin callers{% if api.cors.enabled %}: exactly these origins{% else %}: none (same-origin API, no Access-Control-* headers){% endif %}.
const CORS = {
  enabled: {{ api.cors.enabled|js }},
  {{ api.cors.origins|js_prop("origins", 2) }},
  credentials: {{ api.cors.credentials|js }},
  maxAge: {{ api.cors.max_age_seconds|js }},
  {{ api.cors.allow_headers|js_prop("allowHeaders", 2) }},
};

const LIMITS = { bodyBytes: {{ api.limits.body_bytes|js }} };

// The routes, grouped by their first segment: a parameter (`param`), or each fixed segment
// (`fixed`). Each group is a module of its own, loaded on the first request into it: a cold start
// reads and compiles none of them, whatever the size of the API (the literal paths let bundlers
// include every file). In match order: at the first segment where two paths differ, a fixed one
// wins over a parameter.
const ROUTES = {
{% if routing.param %}
  {{ routing.param|js_route_loader(load, file)|js_arrow_prop("param", 2) }},
{% else %}
  param: null,
{% endif %}
  {{ routing.fixed|js_route_map("fixed", load, file, 2) }},
};
