// ---- The dispatcher: the same on every platform. The platform adapter below turns the
// platform's request into `request` and the result back into the platform's response. ----

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const UTF8 = new TextEncoder();
// Names a handler cannot set: the shared headers, the request id, CORS and Vary (the dispatcher's),
// and headers that advertise the server's software.
const PROTECTED_HEADERS = new Set(
  [...Object.keys(securityHeaders), 'X-Request-Id', 'Vary', 'Server', 'X-Powered-By'].map((h) => h.toLowerCase()),
);
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
// Path parameters: what ids and slugs are made of. Anything else is refused before a handler sees it.
const PARAM = /^[A-Za-z0-9._~-]{1,128}$/;
// Keys that reach Object.prototype when merged into a plain object.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const JSON_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json$/;
// An encoded slash or backslash in a path, and a slash or backslash in a decoded segment.
const ENCODED_SLASH = /%(2f|5c)/i;
const SLASH = /[/\\]/;
// String formats: strict expressions that cannot backtrack (each quantified part is followed by a
// character it cannot match), the same as scaffold checks defaults with; dates are also checked
// against the calendar, email addresses and URLs against a length.
const FORMATS = {
  email: /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+$/,
  url: /^https?:\/\/(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?(?:[/?#][!-~]*)?$/,
  uuid: /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/,
  date: /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/,
  'date-time':
    /^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]{1,9})?(?:[Zz]|[+-]([0-9]{2}):([0-9]{2}))$/,
};
const MAX_EMAIL = 254;
const MAX_URL = 2048;
const FORMAT_PROBLEMS = {
  email: 'expected an email address',
  url: 'expected an http or https URL',
  uuid: 'expected a UUID',
  date: 'expected a date (YYYY-MM-DD)',
  'date-time': 'expected a date-time (RFC 3339, e.g. 2024-05-01T12:00:00Z)',
};
// Fields' `pattern`s, each compiled on its first use and kept. scaffold refuses a pattern outside a
// safe subset (anchored, no nested or overlapping quantifiers), so none can make this engine spin.
const PATTERNS = new Map();

/** A header value from a handler: a string, or an array of strings for a repeated header. */
function headerValue(name, value) {
  const values = Array.isArray(value) ? value.map(String) : [String(value)];
  if (!HEADER_NAME.test(name) || !values.every((v) => HEADER_VALUE.test(v))) {
    throw new TypeError(`invalid response header ${JSON.stringify(name)}: control characters or bad name`);
  }
  return Array.isArray(value) ? values : values[0];
}

/**
 * A JSON response: the shared headers, then the dispatcher's own (`fixed`: CORS, Allow, ...), then
 * a handler's (`extra`), which cannot replace a protected one. `body === undefined` sends no body.
 * Header values are strings, or arrays of strings for a repeated header such as Set-Cookie.
 */
function reply(status, body, requestId, fixed, extra) {
  const headers = { ...securityHeaders, 'X-Request-Id': requestId, ...fixed };
  for (const [name, value] of Object.entries(extra || {})) {
    const lower = name.toLowerCase();
    if (!PROTECTED_HEADERS.has(lower) && !lower.startsWith('access-control-')) headers[name] = headerValue(name, value);
  }
  return { status, headers, body: body === undefined ? '' : JSON.stringify(body) };
}

/**
 * CORS response headers for a request's Origin: none for a same-origin API; `Vary: Origin` and, for
 * an allowed origin only, the allow headers. Never `*`, never `null`.
 */
function corsHeaders(origin) {
  if (!CORS.enabled) return {};
  const headers = { Vary: 'Origin' };
  if (typeof origin === 'string' && CORS.origins.includes(origin)) {
    headers['Access-Control-Allow-Origin'] = origin;
    headers['Access-Control-Expose-Headers'] = 'X-Request-Id';
    if (CORS.credentials) headers['Access-Control-Allow-Credentials'] = 'true';
  }
  return headers;
}

/**
 * The path below the API's mount, split into decoded segments; `null` when the path is not
 * under a mount (404), `false` when it is malformed (400).
 */
function pathSegments(path) {
  if (typeof path !== 'string' || !path.startsWith('/')) return false;
  if (path.includes('\\') || path.includes('//') || ENCODED_SLASH.test(path)) return false;
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
    if (segment === '.' || segment === '..' || raw === '.' || raw === '..' || SLASH.test(segment)) {
      return false;
    }
    segments.push(segment);
  }
  return segments;
}

/**
 * Routes as a tree of path segments: a request walks it one segment at a time, whatever the number
 * of routes. A node holds its fixed children by name, its parameter child, and the route that ends
 * there.
 */
function routeTree(routes) {
  const node = () => ({ fixed: new Map(), param: null, route: null });
  const root = node();
  for (const route of routes) {
    let at = root;
    for (const want of route.segments) {
      if (typeof want === 'string') {
        if (!at.fixed.has(want)) at.fixed.set(want, node());
        at = at.fixed.get(want);
      } else {
        if (at.param === null) at.param = node();
        at = at.param;
      }
    }
    if (at.route === null) at.route = route;
  }
  return root;
}

/** Each group of ROUTES that a request reached -> the tree of its routes, built on its first use. */
const ROUTE_TREES = new Map();

/**
 * A group's tree: a group is the loader of the module that holds its routes (a CommonJS module
 * exports them, an ES module as `default`). Only a group's first request waits for it; concurrent
 * first requests share one load, and a load that failed is tried again by the next request.
 */
function treeOf(group) {
  let tree = ROUTE_TREES.get(group);
  if (tree === undefined) {
    // `.then(group)`: a loader that throws (require) fails the promise, as one that rejects (import).
    tree = Promise.resolve()
      .then(group)
      .then((loaded) => {
        const built = routeTree(Array.isArray(loaded) ? loaded : loaded.default);
        ROUTE_TREES.set(group, built);
        return built;
      });
    tree.catch(() => ROUTE_TREES.delete(group));
    ROUTE_TREES.set(group, tree);
  }
  return tree;
}

/** The route under `node` for `segments` from `i` on: a fixed segment is tried before a parameter. */
function findRoute(node, segments, i) {
  if (i === segments.length) return node.route;
  const fixed = node.fixed.get(segments[i]);
  const found = fixed === undefined ? null : findRoute(fixed, segments, i + 1);
  if (found !== null || node.param === null) return found;
  return findRoute(node.param, segments, i + 1);
}

/**
 * The route that matches the segments, with its params: in the group of the first segment, then
 * in the group of the routes that start with a parameter (every route has a first segment).
 */
async function matchRoute(segments) {
  if (segments.length === 0) return null;
  const fixed = ROUTES.fixed.get(segments[0]);
  let route = null;
  if (fixed !== undefined) {
    const tree = treeOf(fixed);
    route = findRoute(tree instanceof Promise ? await tree : tree, segments, 0);
  }
  if (route === null && ROUTES.param !== null) {
    const tree = treeOf(ROUTES.param);
    route = findRoute(tree instanceof Promise ? await tree : tree, segments, 0);
  }
  if (route === null) return null;
  const params = Object.create(null);
  route.segments.forEach((want, i) => {
    if (typeof want !== 'string') params[want.param] = segments[i];
  });
  return { route, params };
}

/**
 * An operation's handler: its file is loaded on the operation's first request and kept. A CommonJS
 * file exports the function, an ES module exports it as `default`.
 */
async function handlerOf(operation) {
  if (operation.run === undefined) {
    const loaded = await operation.load();
    const run = typeof loaded === 'function' ? loaded : loaded && loaded.default;
    if (typeof run !== 'function') {
      throw new TypeError(`the handler file of operation ${operation.name} must export a function`);
    }
    operation.run = run;
  }
  return operation.run;
}

function lowerCaseKeys(object) {
  const out = Object.create(null);
  for (const [name, value] of Object.entries(object || {})) out[name.toLowerCase()] = value;
  return out;
}

function patternOf(source) {
  let pattern = PATTERNS.get(source);
  if (pattern === undefined) {
    pattern = new RegExp(source, 'u');
    PATTERNS.set(source, pattern);
  }
  return pattern;
}

function isDate(year, month, day) {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days;
}

function inFormat(format, value) {
  const m = FORMATS[format].exec(value);
  if (m === null) return false;
  switch (format) {
    case 'email':
      return value.length <= MAX_EMAIL;
    case 'url':
      return value.length <= MAX_URL;
    case 'date':
      return isDate(+m[1], +m[2], +m[3]);
    case 'date-time':
      return isDate(+m[1], +m[2], +m[3]) && +m[4] <= 23 && +m[5] <= 59 && +m[6] <= 60 && !(+m[7] > 23 || +m[8] > 59);
    default:
      return true;
  }
}

/** An item id as routes take it (the path parameter rule, not `.` or `..`): what `ref` fields hold. */
function isId(value) {
  return PARAM.test(value) && value !== '.' && value !== '..';
}

/**
 * The problem of one value against a field rule, pushed to `out` as `{ field, problem }` with the
 * value's path (`address.city`, `lines[2].sku`); nested objects and array items each get theirs.
 */
function valueProblems(rule, value, path, out) {
  if (value === null && rule.nullable) return;
  const one = (problem) => {
    out.push({ field: path, problem });
  };
  const count = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  switch (rule.type) {
    case 'string': {
      if (typeof value !== 'string') return one('expected a string');
      const length = [...value].length;
      if (rule.min_length != null && length < rule.min_length)
        return one(`at least ${count(rule.min_length, 'character')}`);
      if (rule.max_length != null && length > rule.max_length)
        return one(`at most ${count(rule.max_length, 'character')}`);
      if (rule.enum !== undefined && !rule.enum.includes(value)) return one(`expected one of: ${rule.enum.join(', ')}`);
      if (rule.format !== undefined && !inFormat(rule.format, value)) return one(FORMAT_PROBLEMS[rule.format]);
      if (rule.pattern !== undefined && !patternOf(rule.pattern).test(value)) {
        return one(`expected text matching ${rule.pattern}`);
      }
      if (rule.ref !== undefined && !isId(value)) return one(`expected the id of an item of ${rule.ref}`);
      return undefined;
    }
    case 'integer':
    case 'number': {
      const integer = rule.type === 'integer';
      if (integer ? !Number.isSafeInteger(value) : typeof value !== 'number' || !Number.isFinite(value)) {
        return one(integer ? 'expected an integer' : 'expected a number');
      }
      if (rule.min != null && value < rule.min) return one(`at least ${rule.min}`);
      if (rule.max != null && value > rule.max) return one(`at most ${rule.max}`);
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : one('expected true or false');
    case 'array': {
      if (!Array.isArray(value)) return one('expected an array');
      if (rule.min_items != null && value.length < rule.min_items)
        return one(`at least ${count(rule.min_items, 'item')}`);
      if (rule.max_items != null && value.length > rule.max_items)
        return one(`at most ${count(rule.max_items, 'item')}`);
      const item = { type: rule.items, fields: rule.fields };
      value.forEach((v, i) => valueProblems(item, v, `${path}[${i}]`, out));
      return undefined;
    }
    case 'object':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return one('expected an object');
      return objectProblems(rule.fields, value, path, out);
    default:
      return one(`unknown type ${rule.type}`);
  }
}

/** An object's problems against its fields: unknown and read-only ones, required ones, each value. */
function objectProblems(fields, object, path, out) {
  const at = (name) => (path === '' ? name : `${path}.${name}`);
  for (const key of Object.keys(object)) {
    if (!Object.prototype.hasOwnProperty.call(fields, key)) out.push({ field: at(key), problem: 'unknown field' });
    else if (fields[key].readonly) out.push({ field: at(key), problem: 'read-only: set by the server' });
  }
  for (const [name, rule] of Object.entries(fields)) {
    if (rule.readonly) continue;
    const value = Object.prototype.hasOwnProperty.call(object, name) ? object[name] : undefined;
    if (value === undefined || (value === null && !rule.nullable)) {
      if (rule.required) out.push({ field: at(name), problem: 'required' });
      continue;
    }
    valueProblems(rule, value, at(name), out);
  }
}

/** `[{ field, problem }]` for a body against a resource's fields, at every level, sorted by path. */
function bodyProblems(schema, body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return [{ field: '', problem: 'expected a JSON object' }];
  }
  const problems = [];
  objectProblems(schema, body, '', problems);
  return problems.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}

/** Fills in the `default` of each absent field (null counts as absent unless nullable), nested ones too. */
function fillDefaults(fields, object) {
  for (const [name, rule] of Object.entries(fields)) {
    const value = Object.prototype.hasOwnProperty.call(object, name) ? object[name] : undefined;
    if (value === undefined || (value === null && !rule.nullable)) {
      if (rule.default !== undefined) object[name] = JSON.parse(JSON.stringify(rule.default));
    } else if (rule.fields !== undefined && value !== null) {
      for (const inner of rule.type === 'object' ? [value] : value) fillDefaults(rule.fields, inner);
    }
  }
}

/** JSON.parse that refuses prototype keys at any depth. */
function parseJson(text) {
  let forbidden = false;
  const value = JSON.parse(text, (key, v) => {
    if (FORBIDDEN_KEYS.has(key)) forbidden = true;
    return v;
  });
  return { value, forbidden };
}

/**
 * Handles one request: `{ method, path, headers, query, body, requestId, env, platform }`, where
 * `body` is the decoded text or null, `env` holds the configuration (environment variables or the
 * platform's bindings) and `platform` what the handlers may need from the platform.
 * Returns `{ status, headers, body }`. Never throws.
 */
async function dispatch(request) {
  const requestId = REQUEST_ID.test(request.requestId || '') ? request.requestId : globalThis.crypto.randomUUID();
  const headers = lowerCaseKeys(request.headers);
  const cors = corsHeaders(headers.origin);
  try {
    return await handle(request, headers, requestId, cors);
  } catch (err) {
    // A store that cannot reach or use its database throws an error named `StorageUnavailable`
    // (the store module's): 503, the client may retry. Anything else is a 500. Either way the
    // body holds only the request id; the details (and the driver's error) go to the log.
    const unavailable = Boolean(err && err.name === 'StorageUnavailable');
    console.error(
      JSON.stringify({
        level: 'error',
        requestId,
        method: request.method,
        path: request.path,
        error: err && err.stack ? String(err.stack) : String(err),
        cause: err && err.cause ? String(err.cause.stack || err.cause) : undefined,
      }),
    );
    if (unavailable) return reply(503, { error: 'storage_unavailable', requestId }, requestId, cors);
    return reply(500, { error: 'internal_error', requestId }, requestId, cors);
  }
}

async function handle(request, headers, requestId, cors) {
  const fail = (status, body, more) => reply(status, body, requestId, { ...cors, ...more });
  const method = String(request.method || '').toUpperCase();
  const segments = pathSegments(request.path);
  if (segments === false) return fail(400, { error: 'bad_path' });
  const found = segments && (await matchRoute(segments));
  if (!found) return fail(404, { error: 'not_found' });
  const { route, params } = found;

  // Preflight: answered before auth. Only an allowed origin gets the Access-Control-Allow-* headers.
  if (method === 'OPTIONS') {
    const preflight = { Allow: route.allow };
    if (cors['Access-Control-Allow-Origin'] && headers['access-control-request-method']) {
      preflight['Access-Control-Allow-Methods'] = route.corsMethods;
      preflight['Access-Control-Allow-Headers'] = CORS.allowHeaders;
      preflight['Access-Control-Max-Age'] = String(CORS.maxAge);
    }
    return fail(204, undefined, preflight);
  }
  const operation = Object.prototype.hasOwnProperty.call(route.methods, method) ? route.methods[method] : undefined;
  if (!operation) return fail(405, { error: 'method_not_allowed' }, { Allow: route.allow });

  const user = await authenticate({ headers, env: request.env || {}, platform: request.platform });
  if (!operation.public) {
    if (!user) return fail(401, { error: 'unauthorized' }, { 'WWW-Authenticate': 'Bearer' });
    if (operation.roles.length > 0 && !operation.roles.some((role) => user.roles.includes(role))) {
      return fail(403, { error: 'forbidden' });
    }
  }
  for (const value of Object.values(params)) {
    if (!PARAM.test(value)) return fail(400, { error: 'invalid_param' });
  }

  let body = null;
  if (BODY_METHODS.has(method)) {
    const text = request.body;
    if (text != null && text !== '') {
      if (UTF8.encode(text).length > LIMITS.bodyBytes) return fail(413, { error: 'payload_too_large' });
      const type = String(headers['content-type'] || '')
        .split(';')[0]
        .trim()
        .toLowerCase();
      if (!JSON_TYPE.test(type)) return fail(415, { error: 'unsupported_media_type' });
      let parsed;
      try {
        parsed = parseJson(text);
      } catch {
        return fail(400, { error: 'invalid_json' });
      }
      if (parsed.forbidden) return fail(400, { error: 'forbidden_key' });
      body = parsed.value;
    }
    if (operation.schema) {
      const problems = bodyProblems(operation.schema, body);
      if (problems.length > 0) return fail(422, { error: 'validation_failed', problems });
      // Create (the only POST with a schema) fills in the fields' defaults.
      if (method === 'POST') fillDefaults(operation.schema, body);
    }
  }

  const query = Object.assign(Object.create(null), request.query || {});
  const run = await handlerOf(operation);
  const result = await run({
    user,
    params,
    query,
    body,
    headers,
    requestId,
    env: request.env || {},
    ...request.platform,
  });
  if (result === undefined || result === null) return fail(204, undefined);
  if (typeof result !== 'object' || Array.isArray(result)) {
    throw new TypeError(`operation ${operation.name} must return { status, body, headers } or nothing`);
  }
  const status = result.status === undefined ? 200 : result.status;
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new TypeError(`operation ${operation.name} returned an invalid status: ${String(status)}`);
  }
  if (
    result.headers !== undefined &&
    (typeof result.headers !== 'object' || result.headers === null || Array.isArray(result.headers))
  ) {
    throw new TypeError(`operation ${operation.name} returned headers that are not an object`);
  }
  const noBody = status === 204 || status === 304;
  return reply(status, noBody ? undefined : result.body, requestId, cors, result.headers);
}
