{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// A client for the {{ api.name.spec }} API: an ES module without dependencies, for browsers and Node.js
// >= 20 (global fetch). One async method per operation; each resolves to the parsed JSON body
// (undefined for 204 No Content) or rejects with an ApiError subclass for the error status.
//
//   import { createClient, ValidationError } from './client/api.js';
//
//   const api = createClient({
//     baseUrl: '',          // the API's origin; '' (the default) is the page's own origin in a
//                           // browser; Node needs one, e.g. 'http://127.0.0.1:3000'
{% if api.auth.provider == "netlify-identity" %}
//     getToken: undefined,  // the default asks Netlify Identity (see `netlifyIdentityToken` below)
{% elif api.auth.none %}
//     getToken: undefined,  // no operation needs a user
{% else %}
//     getToken: () => auth.accessToken(),  // yours: see "Auth" below
{% endif %}
//     fetch: undefined,     // a fetch to use instead of globalThis.fetch
//   });
//   try {
//     const result = await api.{{ api.operations[0].name.camel }}({% for p in api.operations[0].params %}{{ p }}, {% endfor %}{% if api.operations[0].takes_body %}{ ... }{% endif %});
//   } catch (err) {
//     if (err instanceof ValidationError) console.log(err.problems); // [{ field, problem }]
//     else throw err;
//   }
//
// Methods: path parameters first (strings or numbers, percent-encoded into one path segment each;
// '', '.' and '..' are refused), then the JSON body for methods that take one, then `options`:
//   { query }    query string values (sent as strings; undefined and null are left out)
//   { headers }  extra request headers (they win over the client's own, e.g. Content-Type)
//   { signal }   an AbortSignal, to cancel the call
{% for op in api.operations %}
//   {{ op.name.camel }}({% for p in op.params %}{{ p }}, {% endfor %}{% if op.takes_body %}body, {% endif %}options?)  {{ op.method }} {{ op.full_path }}  ({{ op.access.plain }})
{% if op.query %}
//     query: limit, cursor (the `next` of the previous page), sort (a field, or - and a field:
//     {% for f in op.query.sort %}{{ f.name }}{% if not loop.last %}, {% endif %}{% endfor %}){% if op.query.filters %}, and the filters{% for f in op.query.filters %} {{ f.name }}{% if not loop.last %},{% endif %}{% endfor %}{% endif %}

{% endif %}
{% endfor %}
//
// Errors: ApiError has `status`, `code` (the body's `error`, e.g. 'validation_failed'; null when the
// body is not the API's JSON), `requestId` (the body's, else the X-Request-Id header), `problems`
// (422: [{ field, problem }], else []) and `body` (the parsed body, or its text). Subclasses by
// status: 400 BadRequestError, 401 UnauthorizedError, 403 ForbiddenError, 404 NotFoundError,
// 405 MethodNotAllowedError, 409 ConflictError, 413 PayloadTooLargeError,
// 415 UnsupportedMediaTypeError, 422 ValidationError, 5xx ServerError; other statuses ApiError.
// A network failure rejects with fetch's own error (a TypeError); a call with bad arguments
// rejects with a TypeError before anything is sent.
//
// Auth: `getToken({ forceRefresh })` returns the access token (or a promise of it), or null when
// nobody is signed in; the client calls it before every request and sends
// `Authorization: Bearer <token>` when there is one, public operations included. When the API
// answers 401 to a request that carried a token, the client asks again with `forceRefresh: true`
// and, given a different token, sends the request once more.
//
{% if api.auth.provider == "netlify-identity" %}
// This API uses Netlify Identity: without `getToken`, the client uses `netlifyIdentityToken`, which
// reads the signed-in user of netlify-identity-widget (`window.netlifyIdentity`) and asks gotrue-js
// for its token, refreshed when it is about to expire.
{% elif api.auth.none %}
// Every operation of this API is public, so `getToken` is not needed.
{% else %}
// This API verifies tokens itself (`auth.provider: {{ api.auth.provider }}`): pass `getToken` from your
// identity provider's SDK (e.g. one that returns its cached access token and renews it on
// `forceRefresh`). Without it, no token is sent and signed-in operations answer 401.
{% endif %}

/** Any error status from the API. */
export class ApiError extends Error {
  constructor(message, { status, code = null, requestId = null, problems = [], body, method, path } = {}) {
    super(message);
    /** The HTTP status, e.g. 404. */
    this.status = status;
    /** The API's error code (`error` in the body), e.g. 'not_found'; null for a body that is not the API's. */
    this.code = code;
    /** The request's id, to find it in the API's logs. */
    this.requestId = requestId;
    /** `[{ field, problem }]` for 422, else []. */
    this.problems = problems;
    /** The parsed JSON body, or the body's text when it is not JSON. */
    this.body = body;
    this.method = method;
    this.path = path;
  }
}
ApiError.prototype.name = 'ApiError';

/** 400: a malformed path, path parameter or JSON body (`bad_path`, `invalid_param`, `invalid_json`, ...). */
export class BadRequestError extends ApiError {}
BadRequestError.prototype.name = 'BadRequestError';

/** 401: the operation needs a signed-in user and the request had no valid token. */
export class UnauthorizedError extends ApiError {}
UnauthorizedError.prototype.name = 'UnauthorizedError';

/** 403: the user lacks the operation's role. */
export class ForbiddenError extends ApiError {}
ForbiddenError.prototype.name = 'ForbiddenError';

/** 404: no such path (or a handler found nothing). */
export class NotFoundError extends ApiError {}
NotFoundError.prototype.name = 'NotFoundError';

/** 405: the path exists, the method does not. */
export class MethodNotAllowedError extends ApiError {}
MethodNotAllowedError.prototype.name = 'MethodNotAllowedError';

/** 409: a handler refused a conflicting change. */
export class ConflictError extends ApiError {}
ConflictError.prototype.name = 'ConflictError';

/** 413: the body is over the API's limit of {{ api.limits.body_bytes }} bytes. */
export class PayloadTooLargeError extends ApiError {}
PayloadTooLargeError.prototype.name = 'PayloadTooLargeError';

/** 415: the body is not JSON (its Content-Type). */
export class UnsupportedMediaTypeError extends ApiError {}
UnsupportedMediaTypeError.prototype.name = 'UnsupportedMediaTypeError';

/** 422: the body does not match the resource's fields; `problems` says how. */
export class ValidationError extends ApiError {}
ValidationError.prototype.name = 'ValidationError';

/** 5xx: the API failed; `requestId` finds the details in its logs. */
export class ServerError extends ApiError {}
ServerError.prototype.name = 'ServerError';

const ERRORS = {
  400: BadRequestError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  405: MethodNotAllowedError,
  409: ConflictError,
  413: PayloadTooLargeError,
  415: UnsupportedMediaTypeError,
  422: ValidationError,
};

const OPTIONS = new Set(['query', 'headers', 'signal']);

/** A path parameter as one encoded path segment; values that would change the path are refused. */
function segment(name, value) {
  const ok =
    typeof value === 'string' || typeof value === 'bigint' || (typeof value === 'number' && Number.isFinite(value));
  const text = ok ? String(value) : '';
  // An empty segment, `.` or `..` (even percent-encoded) would be removed or resolved by URL parsing.
  if (!ok || text === '' || text === '.' || text === '..') {
    throw new TypeError(
      `path parameter \`${name}\` must be a non-empty string or a number other than '.' and '..', got ${typeof value === 'string' ? JSON.stringify(value) : typeof value}`,
    );
  }
  return encodeURIComponent(text);
}

function queryString(query) {
  if (query === undefined || query === null) return '';
  if (typeof query !== 'object') throw new TypeError('options.query must be an object');
  const params = new URLSearchParams();
  const entries = query instanceof URLSearchParams ? query : Object.entries(query);
  for (const [key, value] of entries) {
    if (value !== undefined && value !== null) params.append(key, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

async function tokenFrom(getToken, forceRefresh) {
  if (typeof getToken !== 'function') return null;
  const token = await getToken({ forceRefresh });
  return typeof token === 'string' && token !== '' ? token : null;
}

/** The body of a response: undefined for 204 or no body, the parsed JSON, or an ApiError. */
async function result(method, path, response) {
  const text = await response.text();
  let data;
  let json = false;
  if (text !== '') {
    try {
      data = JSON.parse(text);
      json = true;
    } catch {
      // Not JSON: a proxy's or platform's error page, for instance.
    }
  }
  const { status } = response;
  if (response.ok) {
    if (status === 204 || text === '') return undefined;
    if (json) return data;
    throw new ApiError(`${method} ${path}: ${status} with a body that is not JSON`, {
      status,
      code: 'invalid_response',
      requestId: response.headers.get('x-request-id'),
      body: text,
      method,
      path,
    });
  }
  const fields = json && data !== null && typeof data === 'object' && !Array.isArray(data) ? data : {};
  const code = typeof fields.error === 'string' ? fields.error : null;
  const problems = Array.isArray(fields.problems) ? fields.problems : [];
  const requestId = typeof fields.requestId === 'string' ? fields.requestId : response.headers.get('x-request-id');
  const Class = ERRORS[status] || (status >= 500 && status <= 599 ? ServerError : ApiError);
  let message = `${method} ${path}: ${status} ${code || response.statusText || 'error'}`;
  if (problems.length > 0) message += ` (${problems.map((p) => `${p.field || 'body'}: ${p.problem}`).join('; ')})`;
  throw new Class(message, { status, code, requestId, problems, body: json ? data : text, method, path });
}
{% if api.auth.provider == "netlify-identity" %}

/**
 * The signed-in Netlify Identity user's access token, or null. What it relies on, as the two
 * libraries' sources define it:
 * - netlify-identity-widget (github.com/netlify/netlify-identity-widget, src/netlify-identity.tsx):
 *   the script puts the widget on `window.netlifyIdentity`; `currentUser()` returns the gotrue-js
 *   User, or null while signed out and before the widget has initialised (its 'init' event).
 * - gotrue-js (github.com/netlify/gotrue-js, src/user.ts and index.d.ts):
 *   `user.jwt(forceRefresh?: boolean): Promise<string>` resolves to the stored access token, after
 *   refreshing it with the refresh token when it expires within 60 seconds or when `forceRefresh`
 *   is true (concurrent refreshes share one request). A failed refresh clears the session and
 *   rejects: the user is signed out, so this returns null.
 */
export async function netlifyIdentityToken({ forceRefresh = false } = {}) {
  const identity = typeof window === 'undefined' ? undefined : window.netlifyIdentity;
  const user = identity && typeof identity.currentUser === 'function' ? identity.currentUser() : null;
  if (!user || typeof user.jwt !== 'function') return null;
  try {
    return await user.jwt(forceRefresh);
  } catch {
    return null;
  }
}
{% endif %}

/**
 * The API's operations as methods. `baseUrl`: the API's origin, or whatever precedes
 * `{{ api.base_path }}` in its URLs (every method adds its full path). `getToken`: see "Auth" above.
 * `fetch`: a fetch implementation (default: globalThis.fetch, looked up at each call).
 */
export function createClient({ baseUrl = '', getToken{% if api.auth.provider == "netlify-identity" %} = netlifyIdentityToken{% endif %}, fetch: fetchImpl } = {}) {
  const root = String(baseUrl).replace(/\/+$/, '');
  const doFetch = fetchImpl || ((url, init) => globalThis.fetch(url, init));

  /** One call: `template` is the operation's path, `names` its parameters, `args` the method's arguments. */
  async function call(method, template, names, takesBody, args) {
    const values = Object.create(null);
    names.forEach((name, i) => {
      values[name] = segment(name, args[i]);
    });
    const path = template.replace(/\{([A-Za-z][A-Za-z0-9_]*)\}/g, (_, name) => values[name]);
    const body = takesBody ? args[names.length] : undefined;
    const options = args[names.length + (takesBody ? 1 : 0)];
    if (options !== undefined && (options === null || typeof options !== 'object')) {
      throw new TypeError(`${method} ${template}: options must be an object of ${[...OPTIONS].join(', ')}`);
    }
    for (const key of Object.keys(options || {})) {
      if (!OPTIONS.has(key))
        throw new TypeError(
          `${method} ${template}: unknown option \`${key}\` (options are ${[...OPTIONS].join(', ')})`,
        );
    }
    const { query, headers: extra, signal } = options || {};
    const url = `${root}${path}${queryString(query)}`;
    const payload = body === undefined ? undefined : JSON.stringify(body);

    const send = (token) => {
      const headers = new Headers({ Accept: 'application/json' });
      if (payload !== undefined) headers.set('Content-Type', 'application/json');
      if (token) headers.set('Authorization', `Bearer ${token}`);
      new Headers(extra || {}).forEach((value, name) => headers.set(name, value));
      return doFetch(url, { method, headers, body: payload, signal });
    };
    const token = await tokenFrom(getToken, false);
    let response = await send(token);
    if (response.status === 401 && token) {
      // The token may have expired since it was handed out: once, with a refreshed one.
      const fresh = await tokenFrom(getToken, true);
      if (fresh && fresh !== token) {
        await response.text().catch(() => {});
        response = await send(fresh);
      }
    }
    return result(method, path, response);
  }

  return {
{% for op in api.operations %}
    /** `{{ op.method }} {{ op.full_path }}`: {{ op.summary }}. Arguments: {% for p in op.params %}{{ p }}, {% endfor %}{% if op.takes_body %}body, {% endif %}options. */
    async {{ op.name.camel }}(...args) {
      {{ [op.method|js, op.full_path|js, op.params|js, op.takes_body|js, "args"]|js_call("return call", 6) }};
    },
{% endfor %}
  };
}
