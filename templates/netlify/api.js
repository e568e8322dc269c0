{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// The one function every API request reaches (netlify.toml sends {{ api.base_path }}/* here). In order:
// bad paths 400, unknown paths 404, OPTIONS 204 (CORS preflight), other methods 405 + Allow, auth
// (401/403), path parameters (400), the JSON body (413/415/400) and its fields (422), then the
// operation's handler; any error thrown becomes a 500 whose body holds only a request id. Every
// response carries the shared headers of _shared/headers.js (and the CORS headers, if any).
'use strict';

const securityHeaders = require('./_shared/headers.js');
const { authenticate } = require('./_shared/auth.js');

// The function's own path, then the public path behind the redirect (event.path keeps it).
{{ ["/.netlify/functions/api", api.base_path]|js_assign("const MOUNTS") }};

{# Handlers load by `require` from here. #}
{% set load = "require" %}
{% set methods = "./api-methods" %}
{% include "_shared/tables.js" %}

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
    env: process.env,
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
