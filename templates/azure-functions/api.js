{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// The one HTTP function every API request reaches (every method, route `{*path}` below the host's
// route prefix, which host.json sets to {{ api.base_path }}). In order: bad paths 400, unknown paths 404,
// OPTIONS 204 (CORS preflight), other methods 405 + Allow, auth (401/403), path parameters (400),
// the JSON body (413/415/400) and its fields (422), then the operation's handler; any error thrown
// becomes a 500 whose body holds only a request id. Every response carries the shared headers of
// shared/headers.js (and the CORS headers, if any).

// @azure/functions is a CommonJS package: its named exports come from the default import.
import azureFunctions from '@azure/functions';
{{ m.esm_imports("../shared") }}

const { app } = azureFunctions;

{{ [api.base_path]|js_assign("const MOUNTS") }};

{# Handlers load by `import()` from here. #}
{% set load = "import" %}
{% set methods = "../methods" %}
{% include "_shared/tables.js" %}

{% include "_shared/dispatch-core.js" %}

{% include "_shared/fetch-adapter.js" %}

// ---- Azure Functions adapter: an HttpRequest (fetch-shaped) in, an HttpResponseInit out. ----

/** A Set-Cookie value as the cookie object of an Azure response (attributes it has no field for are dropped). */
function azureCookie(text) {
  const [pair, ...attributes] = text.split(';');
  const eq = pair.indexOf('=');
  const cookie = { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() };
  for (const attribute of attributes) {
    const [key, ...rest] = attribute.split('=');
    const value = rest.join('=').trim();
    switch (key.trim().toLowerCase()) {
      case 'domain':
        cookie.domain = value;
        break;
      case 'path':
        cookie.path = value;
        break;
      case 'expires':
        cookie.expires = new Date(value);
        break;
      case 'max-age':
        cookie.maxAge = Number(value);
        break;
      case 'secure':
        cookie.secure = true;
        break;
      case 'httponly':
        cookie.httpOnly = true;
        break;
      case 'samesite':
        cookie.sameSite = value;
        break;
      default:
        break;
    }
  }
  return cookie;
}

export async function handler(request, context) {
  const result = await dispatch(
    await fromRequest(request, {
      requestId: context.invocationId,
      env: process.env,
      platform: { request, context },
    }),
  );
  // The Functions host keeps one value per header name: cookies travel in `cookies` instead.
  const headers = new Headers();
  const cookies = [];
  for (const [name, value] of Object.entries(result.headers)) {
    const values = Array.isArray(value) ? value : [value];
    if (name.toLowerCase() === 'set-cookie') cookies.push(...values.map(azureCookie));
    else headers.set(name, values.join(', '));
  }
  const response = { status: result.status, headers, body: result.body === '' ? undefined : result.body };
  if (cookies.length > 0) response.cookies = cookies;
  return response;
}

// Every method is registered, so that 404 and 405 come from the dispatcher, with the API's headers.
// `anonymous`: the dispatcher checks the caller (function keys are not user authentication).
app.http('api', {
  route: '{*path}',
  methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'],
  authLevel: 'anonymous',
  handler,
});
