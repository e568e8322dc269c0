{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// The one function every API request reaches (netlify.toml sends {{ api.base_path }}/* here). In order:
// unknown paths 404, known paths with another method 405 + Allow, OPTIONS 204, auth (401/403),
// JSON body (400), then the operation's handler; any error thrown becomes a 500 whose body holds
// only a request id. Every response carries the shared headers of _shared/headers.js.
'use strict';

const crypto = require('node:crypto');
const securityHeaders = require('./_shared/headers.js');
const { authenticate } = require('./_shared/auth.js');

{% for op in api.operations %}
const {{ op.name.camel }} = require('./api-methods/{{ op.stem }}.js');
{% endfor %}

// The function's own path, then the public path behind the redirect (event.path keeps it).
const MOUNTS = ['/.netlify/functions/api', {{ api.base_path|js }}];

// Each operation: its handler, whether it runs without a user, and the roles it needs (any one).
const OPERATIONS = {
{% for op in api.operations %}
  {{ op.name.camel }}: { name: {{ op.name.camel|js }}, run: {{ op.name.camel }}, public: {{ op.public|js }}, roles: {{ op.roles|js }} },
{% endfor %}
};

// Paths in match order: at the first segment where two differ, a fixed one wins over a parameter.
const ROUTES = [
{% for route in api.routes %}
  {
    path: {{ route.path|js }},
    segments: [{% for s in route.segments %}{% if s.param %}{ param: {{ s.param|js }} }{% else %}{{ s.literal|js }}{% endif %}{% if not loop.last %}, {% endif %}{% endfor %}],
    allow: {{ route.allow|js }},
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
