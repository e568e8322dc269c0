// Cross-origin callers{% if api.cors.enabled %}: exactly these origins{% else %}: none (same-origin API, no Access-Control-* headers){% endif %}.
const CORS = {
  enabled: {{ api.cors.enabled|js }},
  origins: {{ api.cors.origins|js }},
  credentials: {{ api.cors.credentials|js }},
  maxAge: {{ api.cors.max_age_seconds|js }},
  allowHeaders: {{ api.cors.allow_headers|js }},
};

const LIMITS = { bodyBytes: {{ api.limits.body_bytes|js }} };

// The fields of each resource: what create and update bodies are validated against.
const SCHEMAS = {
{% for r in api.resources %}
  {{ r.name.spec|js }}: {
{% for f in r.fields %}
    {{ f.name|js }}: {{ f|js }},
{% endfor %}
  },
{% endfor %}
};

// Each operation: its handler, whether it runs without a user, the roles it needs (any one), and
// the schema its body must match.
const OPERATIONS = {
{% for op in api.operations %}
  {{ op.name.camel }}: { name: {{ op.name.camel|js }}, run: HANDLERS.{{ op.name.camel }}, public: {{ op.public|js }}, roles: {{ op.roles|js }}, schema: {% if op.body_resource %}SCHEMAS[{{ op.body_resource|js }}]{% else %}null{% endif %} },
{% endfor %}
};

// Paths in match order: at the first segment where two differ, a fixed one wins over a parameter.
const ROUTES = [
{% for route in api.routes %}
  {
    path: {{ route.path|js }},
    segments: [{% for s in route.segments %}{% if s.param %}{ param: {{ s.param|js }} }{% else %}{{ s.literal|js }}{% endif %}{% if not loop.last %}, {% endif %}{% endfor %}],
    allow: {{ route.allow|js }},
    corsMethods: {{ route.cors_methods|js }},
    methods: { {% for m in route.methods %}{{ m.method }}: OPERATIONS.{{ m.operation }}{% if not loop.last %}, {% endif %}{% endfor %} },
  },
{% endfor %}
];
