{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// The one function every API request reaches (netlify.toml sends {{ api.base_path }}/* here). In order:
// bad paths 400, unknown paths 404, OPTIONS 204 (CORS preflight), other methods 405 + Allow, auth
// (401/403), path parameters (400), the JSON body (413/415/400) and its fields (422), then the
// operation's handler; any error thrown becomes a 500 whose body holds only a request id. Every
// response carries the shared headers of _shared/headers.js (and the CORS headers, if any).
'use strict';

const crypto = require('node:crypto');
const securityHeaders = require('./_shared/headers.js');
const { authenticate } = require('./_shared/auth.js');

// The handlers, one file per operation, kept in one object so that no operation name can clash
// with a name of the dispatcher's.
const HANDLERS = {
{% for op in api.operations %}
  {{ op.name.camel }}: require('./api-methods/{{ op.stem }}.js'),
{% endfor %}
};

// The function's own path, then the public path behind the redirect (event.path keeps it).
const MOUNTS = ['/.netlify/functions/api', {{ api.base_path|js }}];

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

{% include "_shared/dispatch-core.js" %}

// ---- Netlify adapter: a v1 function event in, a v1 result out. ----

function eventBody(event) {
  if (typeof event.body !== 'string') return null;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

exports.handler = async (event, context) => {
  const headers = event.headers || {};
  const response = await dispatch({
    method: event.httpMethod,
    path: event.path,
    headers,
    query: event.queryStringParameters,
    body: eventBody(event),
    requestId: headers['x-nf-request-id'],
    platform: { event, context },
  });
  // Repeated headers (e.g. Set-Cookie) go in multiValueHeaders; the rest in headers.
  const single = {};
  const multi = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (Array.isArray(value)) multi[name] = value;
    else single[name] = value;
  }
  const result = { statusCode: response.status, headers: single, body: response.body };
  if (Object.keys(multi).length > 0) result.multiValueHeaders = multi;
  return result;
};
