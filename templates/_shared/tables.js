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

// Each operation: its handler's loader, whether it runs without a user, the roles it needs (any one), and
// the schema its body must match.
const OPERATIONS = {
{% for op in api.operations %}
{% set schema %}{% if op.body_resource %}SCHEMAS[{{ op.body_resource|js }}]{% else %}null{% endif %}{% endset %}
  {{ [["name", op.name.camel], ["load", ("HANDLERS." ~ op.name.camel)|safe], ["public", op.public], ["roles", op.roles], ["schema", schema|safe]]|js_object(op.name.camel, 2) }},
{% endfor %}
};

// Paths in match order: at the first segment where two differ, a fixed one wins over a parameter.
const ROUTES = [
{% for route in api.routes %}
{% set methods = namespace(parts=[]) %}
{% for m in route.methods %}
{% set methods.parts = methods.parts + [[m.method, ("OPERATIONS." ~ m.operation)|safe]] %}
{% endfor %}
  {
    {{ route.path|js_prop("path", 4) }},
    {{ route.segments|js_prop("segments", 4) }},
    {{ route.allow|js_prop("allow", 4) }},
    {{ route.cors_methods|js_prop("corsMethods", 4) }},
    {{ methods.parts|js_object("methods", 4) }},
  },
{% endfor %}
];
