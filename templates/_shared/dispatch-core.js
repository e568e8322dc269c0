// ---- The dispatcher: the same on every platform. The platform adapter below turns the
// platform's request into `request` and the result back into the platform's response. ----

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
// Names a handler cannot set: the shared headers, the request id, and headers that advertise the
// server's software.
const PROTECTED_HEADERS = new Set(
  [...Object.keys(securityHeaders), 'X-Request-Id', 'Server', 'X-Powered-By'].map((h) => h.toLowerCase()),
);
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A header value from a handler: a string, or an array of strings for a repeated header. */
function headerValue(name, value) {
  const values = Array.isArray(value) ? value.map(String) : [String(value)];
  if (!HEADER_NAME.test(name) || !values.every((v) => HEADER_VALUE.test(v))) {
    throw new TypeError(`invalid response header ${JSON.stringify(name)}: control characters or bad name`);
  }
  return Array.isArray(value) ? values : values[0];
}

/**
 * A JSON response with the shared headers. `body === undefined` sends no body. Header values are
 * strings, or arrays of strings for a repeated header such as Set-Cookie.
 */
function reply(status, body, requestId, extraHeaders) {
  const headers = { ...securityHeaders, 'X-Request-Id': requestId };
  for (const [name, value] of Object.entries(extraHeaders || {})) {
    if (!PROTECTED_HEADERS.has(name.toLowerCase())) headers[name] = headerValue(name, value);
  }
  return { status, headers, body: body === undefined ? '' : JSON.stringify(body) };
}

/**
 * The path below the API's mount, split into decoded segments; `null` when the path is not
 * under a mount (404), `false` when it is malformed (400).
 */
function pathSegments(path) {
  if (typeof path !== 'string' || !path.startsWith('/')) return false;
  if (path.includes('\\') || path.includes('//') || /%(2f|5c)/i.test(path)) return false;
  const mount = MOUNTS.find((m) => path === m || path.startsWith(m + '/'));
  if (mount === undefined) return null;
  let rest = path.slice(mount.length);
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  if (rest === '') return [];
  const segments = [];
  for (const raw of rest.slice(1).split('/')) {
    let segment;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return false;
    }
    if (segment === '.' || segment === '..' || raw === '.' || raw === '..' || /[/\\]/.test(segment)) {
      return false;
    }
    segments.push(segment);
  }
  return segments;
}

/** The first route whose segments match, with its params. */
function matchRoute(segments) {
  for (const route of ROUTES) {
    if (route.segments.length !== segments.length) continue;
    const params = Object.create(null);
    const ok = route.segments.every((want, i) => {
      if (typeof want === 'string') return want === segments[i];
      params[want.param] = segments[i];
      return true;
    });
    if (ok) return { route, params };
  }
  return null;
}

function lowerCaseKeys(object) {
  const out = Object.create(null);
  for (const [name, value] of Object.entries(object || {})) out[name.toLowerCase()] = value;
  return out;
}

/**
 * Handles one request: `{ method, path, headers, query, body, requestId, platform }`, where `body` is
 * the decoded text or null and `platform` holds what the handlers may need from the platform.
 * Returns `{ status, headers, body }`. Never throws.
 */
async function dispatch(request) {
  const requestId = REQUEST_ID.test(request.requestId || '') ? request.requestId : crypto.randomUUID();
  try {
    return await handle(request, requestId);
  } catch (err) {
    console.error(JSON.stringify({
      level: 'error',
      requestId,
      method: request.method,
      path: request.path,
      error: err && err.stack ? String(err.stack) : String(err),
    }));
    return reply(500, { error: 'internal_error', requestId }, requestId);
  }
}

async function handle(request, requestId) {
  const method = String(request.method || '').toUpperCase();
  const segments = pathSegments(request.path);
  if (segments === false) return reply(400, { error: 'bad_path' }, requestId);
  const found = segments && matchRoute(segments);
  if (!found) return reply(404, { error: 'not_found' }, requestId);
  const { route, params } = found;
  if (method === 'OPTIONS') return reply(204, undefined, requestId, { Allow: route.allow });
  const operation = Object.prototype.hasOwnProperty.call(route.methods, method) ? route.methods[method] : undefined;
  if (!operation) {
    return reply(405, { error: 'method_not_allowed' }, requestId, { Allow: route.allow });
  }

  const headers = lowerCaseKeys(request.headers);
  const user = await authenticate({ headers, platform: request.platform });
  if (!operation.public) {
    if (!user) {
      return reply(401, { error: 'unauthorized' }, requestId, { 'WWW-Authenticate': 'Bearer' });
    }
    if (operation.roles.length > 0 && !operation.roles.some((role) => user.roles.includes(role))) {
      return reply(403, { error: 'forbidden' }, requestId);
    }
  }

  let body = null;
  if (BODY_METHODS.has(method) && request.body != null && request.body !== '') {
    try {
      body = JSON.parse(request.body);
    } catch {
      return reply(400, { error: 'invalid_json' }, requestId);
    }
  }

  const query = Object.assign(Object.create(null), request.query || {});
  const result = await operation.run({
    user,
    params,
    query,
    body,
    headers,
    requestId,
    ...request.platform,
  });
  if (result === undefined || result === null) return reply(204, undefined, requestId);
  if (typeof result !== 'object' || Array.isArray(result)) {
    throw new TypeError(`operation ${operation.name} must return { status, body, headers } or nothing`);
  }
  const status = result.status === undefined ? 200 : result.status;
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new TypeError(`operation ${operation.name} returned an invalid status: ${String(status)}`);
  }
  if (result.headers !== undefined && (typeof result.headers !== 'object' || result.headers === null || Array.isArray(result.headers))) {
    throw new TypeError(`operation ${operation.name} returned headers that are not an object`);
  }
  const noBody = status === 204 || status === 304;
  return reply(status, noBody ? undefined : result.body, requestId, result.headers);
}
