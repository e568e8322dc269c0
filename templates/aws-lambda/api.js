{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// The one Lambda function every API request reaches (API Gateway HTTP API, payload format 2.0;
// template.yaml routes {{ api.base_path }} and {{ api.base_path }}/* here). In order: bad paths 400, unknown paths 404, OPTIONS
// 204 (CORS preflight), other methods 405 + Allow, auth (401/403), path parameters (400), the JSON
// body (413/415/400) and its fields (422), then the operation's handler; any error thrown becomes a
// 500 whose body holds only a request id. Every response carries the shared headers of
// shared/headers.js (and the CORS headers, if any).

{{ m.esm_imports("./shared") }}

{{ [api.base_path]|js_assign("const MOUNTS") }};

{# Handlers load by `import()` from here. #}
{% set load = "import" %}
{% set methods = "./methods" %}
{% include "_shared/tables.js" %}

{% include "_shared/dispatch-core.js" %}

// ---- AWS Lambda adapter: a payload 2.0 event in, a payload 2.0 result out. ----

/** The path without the stage prefix (`/prod/api/...` -> `/api/...`; `$default` has none). */
function eventPath(event) {
  const path = typeof event.rawPath === 'string' ? event.rawPath : '';
  const stage = event.requestContext && event.requestContext.stage;
  if (typeof stage === 'string' && stage !== '$default' && stage !== '') {
    const prefix = `/${stage}`;
    if (path === prefix) return '/';
    if (path.startsWith(`${prefix}/`)) return path.slice(prefix.length);
  }
  return path;
}

function eventBody(event) {
  if (typeof event.body !== 'string') return null;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

export const handler = async (event, context) => {
  const http = (event.requestContext && event.requestContext.http) || {};
  const headers = { ...(event.headers || {}) };
  // Payload 2.0 moves the Cookie header into `cookies`.
  if (Array.isArray(event.cookies) && event.cookies.length > 0) headers.cookie = event.cookies.join('; ');
  const response = await dispatch({
    method: http.method,
    path: eventPath(event),
    headers,
    query: event.queryStringParameters,
    body: eventBody(event),
    requestId: context && context.awsRequestId,
    env: process.env,
    platform: { event, context },
  });
  // Set-Cookie goes in `cookies`; other repeated headers are joined with commas.
  const single = {};
  const cookies = [];
  for (const [name, value] of Object.entries(response.headers)) {
    if (name.toLowerCase() === 'set-cookie') cookies.push(...(Array.isArray(value) ? value : [value]));
    else single[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const result = { statusCode: response.status, headers: single, body: response.body, isBase64Encoded: false };
  if (cookies.length > 0) result.cookies = cookies;
  return result;
};
