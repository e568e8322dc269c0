{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// The one HTTP function every API request reaches (every method, route `{*path}` below the host's
// route prefix, which host.json sets to {{ api.base_path }}). It hands the request to the dispatcher
// (../shared/dispatcher.js), which answers bad paths, unknown paths, preflights, other methods, auth,
// parameters and bodies itself, and calls the operation's handler. Every response carries the
// shared headers of ../shared/headers.js. `npm run build` bundles this file into
// dist/functions/api.js, the file package.json's `main` gives the Functions host.

// @azure/functions is a CommonJS package: its named exports come from the default import.
import azureFunctions from '@azure/functions';
import type { Cookie, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';

import { dispatch, fromRequest } from '../shared/dispatcher.js';

const { app } = azureFunctions;

// ---- Azure Functions adapter: an HttpRequest (fetch-shaped) in, an HttpResponseInit out. ----

/** A Set-Cookie value as the cookie object of an Azure response (attributes it has no field for are dropped). */
function azureCookie(text: string): Cookie {
  const [pair, ...attributes] = text.split(';');
  const eq = pair.indexOf('=');
  const cookie: Cookie = { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim() };
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
        cookie.sameSite = value as Cookie['sameSite'];
        break;
      default:
        break;
    }
  }
  return cookie;
}

export async function handler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const result = await dispatch(
    // An HttpRequest is fetch-shaped (url, method, headers, a body stream): what fromRequest reads.
    await fromRequest(request as unknown as Request, {
      requestId: context.invocationId,
      env: process.env,
      platform: { request, context },
    }),
  );
  // The Functions host keeps one value per header name: cookies travel in `cookies` instead.
  const headers = new Headers();
  const cookies: Cookie[] = [];
  for (const [name, value] of Object.entries(result.headers)) {
    const values = Array.isArray(value) ? value : [value];
    if (name.toLowerCase() === 'set-cookie') cookies.push(...values.map(azureCookie));
    else headers.set(name, values.join(', '));
  }
  const response: HttpResponseInit = {
    status: result.status,
    headers,
    body: result.body === '' ? undefined : result.body,
  };
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
