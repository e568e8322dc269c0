// Node-level tests of the generated Netlify dispatcher (netlify/functions/api.js) of a project
// generated from specs/bookclub.yaml, with tests/node/overlay/ copied over it.
//
//   PROJECT_DIR=/path/to/generated/project node --test tests/node/netlify-dispatcher.test.js
//
// tests/node_dispatcher.rs does the generating, the copying and the running. Only node:test and
// node:assert: no npm packages. The events are recorded `netlify dev` events
// (tests/fixtures/netlify-events/) with path, method, body, headers and user changed per case.
'use strict';

const { describe, it, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const PROJECT_DIR = process.env.PROJECT_DIR;
if (!PROJECT_DIR) {
  throw new Error('set PROJECT_DIR to a project generated from specs/bookclub.yaml with tests/node/overlay/ copied over it');
}
const { handler } = require(path.join(PROJECT_DIR, 'netlify/functions/api.js'));

// ---- What every response must carry. Hard-coded on purpose: reading them from the generated
// headers.js would make the test agree with whatever the generator produced. ----

const SECURITY_HEADERS = Object.freeze({
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  // bookclub.yaml overrides the default and adds X-Robots-Tag.
  'Permissions-Policy': 'camera=(), microphone=()',
  'X-Permitted-Cross-Domain-Policies': 'none',
  'X-Robots-Tag': 'noindex',
});
const ABSENT_HEADERS = ['Server', 'X-Powered-By'];
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Every value of header `name` in a v1 result, whatever the letter case of its key(s). */
function headerValues(res, name) {
  const lower = name.toLowerCase();
  const single = Object.entries(res.headers || {})
    .filter(([key]) => key.toLowerCase() === lower)
    .map(([, value]) => value);
  const multi = Object.entries(res.multiValueHeaders || {})
    .filter(([key]) => key.toLowerCase() === lower)
    .flatMap(([, values]) => values);
  return [...single, ...multi];
}

/** The one value of header `name`, or undefined; fails when the header is there more than once. */
function header(res, name) {
  const values = headerValues(res, name);
  assert.ok(values.length <= 1, `header ${name} sent ${values.length} times: ${JSON.stringify(values)}`);
  return values[0];
}

function assertSecurityHeaders(res) {
  assert.equal(typeof res.headers, 'object', 'result has a headers object');
  assert.notEqual(res.headers, null, 'result has a headers object');
  for (const [name, value] of Object.entries(res.headers)) {
    assert.equal(typeof value, 'string', `header ${name} is a string`);
  }
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    assert.deepEqual(headerValues(res, name), [value], `security header ${name} (exactly once, exact value)`);
  }
  for (const name of ABSENT_HEADERS) {
    assert.deepEqual(headerValues(res, name), [], `header ${name} must not be sent`);
  }
  const ids = headerValues(res, 'X-Request-Id');
  assert.equal(ids.length, 1, `exactly one X-Request-Id, got ${JSON.stringify(ids)}`);
  assert.match(ids[0], REQUEST_ID);
}

function assertNoCors(res) {
  const cors = Object.keys(res.headers).filter((key) => key.toLowerCase().startsWith('access-control-'));
  assert.deepEqual(cors, [], 'no Access-Control-* headers (same-origin API)');
}

/** Status and exact JSON body. */
function assertJson(res, status, expected) {
  assert.equal(res.statusCode, status, `status (body: ${res.body})`);
  assert.equal(typeof res.body, 'string');
  let json;
  assert.doesNotThrow(() => { json = JSON.parse(res.body); }, `body is JSON: ${res.body}`);
  assert.deepEqual(json, expected);
  return json;
}

function assertNoContent(res, status = 204) {
  assert.equal(res.statusCode, status);
  assert.ok(res.body === '' || res.body === undefined || res.body === null, `no body, got ${JSON.stringify(res.body)}`);
}

// ---- Events: a recorded fixture, changed as a case needs. ----

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'netlify-events');
const ORIGIN = 'http://127.0.0.1:8877';

function fixture(name) {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
}

const FUTURE_EXP = 4102444800; // 2100-01-01
/** Netlify Identity claims as `context.clientContext.user` holds them. */
/** `sub: undefined` leaves the claim out. */
function claims(options = {}) {
  const { email = 'reader@example.test', roles = [], exp = FUTURE_EXP } = options;
  const sub = 'sub' in options ? options.sub : 'user-7';
  const out = { email, exp, app_metadata: { provider: 'email', roles }, user_metadata: { full_name: 'Reader' } };
  if (sub !== undefined) out.sub = sub;
  return out;
}
const ANON = null;

function setHeader(event, name, value) {
  const key = name.toLowerCase();
  if (value === undefined) {
    delete event.headers[key];
    if (event.multiValueHeaders) delete event.multiValueHeaders[key];
  } else {
    event.headers[key] = value;
    if (event.multiValueHeaders) event.multiValueHeaders[key] = [value];
  }
}

/**
 * A `{ event, context }` from fixture `name` with changes:
 *   method, path        event.httpMethod / event.path (rawUrl follows)
 *   query               object of strings: queryStringParameters and friends
 *   body                string (undefined: keep the fixture's; null: none), `base64: true` encodes it
 *   headers             { name: value | undefined } set / remove
 *   user                claims object, or null for no user (the Authorization header goes too)
 */
function netlifyEvent(name, changes = {}) {
  const { event, context } = fixture(name);
  if (changes.method !== undefined) event.httpMethod = changes.method;
  if (changes.path !== undefined) event.path = changes.path;
  if (changes.query !== undefined) {
    event.queryStringParameters = { ...changes.query };
    event.multiValueQueryStringParameters = Object.fromEntries(
      Object.entries(changes.query).map(([key, value]) => [key, [value]]),
    );
    event.rawQuery = new URLSearchParams(changes.query).toString();
  }
  event.rawUrl = `${ORIGIN}${event.path}${event.rawQuery ? `?${event.rawQuery}` : ''}`;
  if (changes.body === null) {
    delete event.body;
  } else if (changes.body !== undefined) {
    event.body = changes.base64 ? Buffer.from(changes.body, 'utf8').toString('base64') : changes.body;
    event.isBase64Encoded = !!changes.base64;
    setHeader(event, 'content-length', String(Buffer.byteLength(changes.body, 'utf8')));
  }
  for (const [key, value] of Object.entries(changes.headers || {})) setHeader(event, key, value);
  if (changes.user !== undefined) {
    context.clientContext = context.clientContext || {};
    if (changes.user === null) {
      delete context.clientContext.user;
      delete context.clientContext.identity;
      setHeader(event, 'authorization', undefined);
    } else {
      context.clientContext.user = changes.user;
      if (!event.headers.authorization) setHeader(event, 'authorization', 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln');
    }
  }
  return { event, context };
}

// console.error, captured so the tests can look at the log (and keep the output clean).
let logged = [];
const realConsoleError = console.error;
console.error = (...args) => { logged.push(args.map(String).join(' ')); };
afterEach(() => { logged = []; });
process.on('exit', () => { console.error = realConsoleError; });

/** Calls the handler with a fixture-based event and checks what every response must carry. */
async function call(name, changes) {
  const { event, context } = netlifyEvent(name, changes);
  return callRaw(event, context);
}

async function callRaw(event, context) {
  const res = await handler(event, context);
  assert.equal(typeof res, 'object', 'handler returns a v1 result object');
  assert.ok(Number.isInteger(res.statusCode), `statusCode is an integer: ${res.statusCode}`);
  assert.ok(res.body === undefined || typeof res.body === 'string', 'body is a string');
  assertSecurityHeaders(res);
  return res;
}

// Request ids the fixtures carry as x-nf-request-id.
const ID = {
  list: '01M8999RYCVDANJVZVVHYQQM7N',
  post: '01M8999RZE25BZKS9XNQVVFZEY',
  options: '01M8999S0VRCJ6EQW1E1CDP2KT',
  delete: '01M8999S17S05TP58ATE5KQ2KF',
};
// The fixtures' signed-in user (post-json-identity-user, get-read-identity-user, ...).
const ADA = { id: '6a1b2c3d-user', email: 'ada@example.test', roles: ['admin'] };

const UNAUTHORIZED = { error: 'unauthorized' };
const FORBIDDEN = { error: 'forbidden' };
const NOT_FOUND = { error: 'not_found' };
const METHOD_NOT_ALLOWED = { error: 'method_not_allowed' };
const BAD_PATH = { error: 'bad_path' };
const INVALID_JSON = { error: 'invalid_json' };

function assertUnauthorized(res) {
  assertJson(res, 401, UNAUTHORIZED);
  assert.equal(header(res, 'WWW-Authenticate'), 'Bearer');
}

function assertNotImplemented(res, operation) {
  assert.equal(res.statusCode, 501, `status (body: ${res.body})`);
  const json = JSON.parse(res.body);
  assert.deepEqual(
    { ...json, message: typeof json.message },
    { error: 'not_implemented', operation, message: 'string' },
  );
}

// ---------------------------------------------------------------------------------------------

describe('recorded events through the dispatcher', () => {
  it('GET /api/books (public, anonymous, recorded GET event) reaches the starter: 501', async () => {
    const res = await call('get-list-anonymous', { path: '/api/books' });
    assertNotImplemented(res, 'booksList');
    assert.equal(header(res, 'X-Request-Id'), ID.list, 'X-Request-Id is Netlify\'s x-nf-request-id');
    assert.equal(header(res, 'WWW-Authenticate'), undefined);
    assert.equal(header(res, 'Allow'), undefined);
  });

  it('GET /api/books/1 (public) with a signed-in user reaches the starter: 501', async () => {
    assertNotImplemented(await call('get-read-identity-user', { path: '/api/books/1' }), 'booksRead');
  });

  it('public GET /api/books/search: the query (repeated key joined by Netlify) and no user', async () => {
    const res = await call('get-list-anonymous', { path: '/api/books/search' });
    assertJson(res, 200, { userId: null, query: { limit: '10', tag: 'a, b' } });
  });

  it('public GET /api/books/search with a user: the handler gets the user', async () => {
    const res = await call('get-read-identity-user', { path: '/api/books/search', query: { q: 'dune' } });
    assertJson(res, 200, { userId: ADA.id, query: { q: 'dune' } });
  });

  it('public GET /api/books/search with an expired token: runs without a user', async () => {
    const res = await call('get-read-identity-user', {
      path: '/api/books/search',
      query: {},
      user: claims({ exp: Math.floor(Date.now() / 1000) - 60 }),
    });
    assertJson(res, 200, { userId: null, query: {} });
  });

  it('a GET body is ignored (no JSON parsing outside POST/PUT/PATCH)', async () => {
    const res = await call('get-list-anonymous', { path: '/api/books/search', query: {}, body: 'not json{' });
    assertJson(res, 200, { userId: null, query: {} });
  });
});

describe('401 unauthorized', () => {
  it('POST /api/books without a user (recorded POST event, user removed)', async () => {
    assertUnauthorized(await call('post-json-identity-user', { path: '/api/books', user: ANON }));
  });

  it('a lower-case "bearer" scheme gets no user from Netlify: GET /api/reviews is 401', async () => {
    assertUnauthorized(await call('get-lowercase-bearer', { path: '/api/reviews' }));
  });

  it('claims without sub', async () => {
    assertUnauthorized(await call('post-json-identity-user', {
      path: '/api/books', user: claims({ sub: undefined, roles: ['admin'] }),
    }));
  });

  it('claims with an empty or non-string sub', async () => {
    for (const sub of ['', 42, null, { id: 'x' }]) {
      assertUnauthorized(await call('post-json-identity-user', { path: '/api/books', user: claims({ sub }) }));
    }
  });

  it('claims with an expired exp', async () => {
    const exp = Math.floor(Date.now() / 1000) - 60;
    assertUnauthorized(await call('post-json-identity-user', { path: '/api/books', user: claims({ exp, roles: ['admin'] }) }));
    assertUnauthorized(await call('get-read-identity-user', { path: '/api/stats', user: claims({ exp, roles: ['admin'] }) }));
  });

  it('claims that are not an object', async () => {
    for (const user of ['6a1b2c3d-user', 1, true]) {
      assertUnauthorized(await call('post-json-identity-user', { path: '/api/books', user }));
    }
  });

  it('no clientContext at all, or no context', async () => {
    const { event } = netlifyEvent('post-json-identity-user', { path: '/api/books' });
    assertUnauthorized(await callRaw(event, {}));
    assertUnauthorized(await callRaw(structuredClone(event), undefined));
  });

  it('comes before the JSON body check: a bad body without a user is 401, not 400', async () => {
    assertUnauthorized(await call('post-json-identity-user', { path: '/api/books', user: ANON, body: '{bad' }));
  });

  it('a user id in the body or query does not sign anyone in', async () => {
    assertUnauthorized(await call('post-json-identity-user', {
      path: '/api/books/42/borrow',
      query: { userId: ADA.id, sub: ADA.id },
      body: JSON.stringify({ userId: ADA.id, sub: ADA.id, roles: ['admin'] }),
      user: ANON,
    }));
  });
});

describe('403 forbidden', () => {
  it('DELETE /api/books/1 needs admin: an editor and a user without roles are refused', async () => {
    for (const roles of [['editor'], [], ['moderator', 'editor']]) {
      const res = await call('delete-direct-function-path', { path: '/api/books/1', user: claims({ roles }) });
      assertJson(res, 403, FORBIDDEN);
      assert.equal(header(res, 'WWW-Authenticate'), undefined);
    }
  });

  it('DELETE /api/books/1 as admin (recorded direct-path DELETE) reaches the starter', async () => {
    const res = await call('delete-direct-function-path', { path: '/.netlify/functions/api/books/1' });
    assertNotImplemented(res, 'booksDelete');
    assert.equal(header(res, 'X-Request-Id'), ID.delete);
  });

  it('PUT /api/books/1 needs editor OR admin', async () => {
    for (const roles of [['editor'], ['admin'], ['reader', 'editor']]) {
      const res = await call('put-octet-stream', {
        path: '/api/books/1', body: '{"title":"Dune"}', user: claims({ roles }),
      });
      assertNotImplemented(res, 'booksUpdate');
    }
    for (const roles of [[], ['reader'], ['moderator'], ['Editor'], ['editor ']]) {
      const res = await call('put-octet-stream', { path: '/api/books/1', body: '{}', user: claims({ roles }) });
      assertJson(res, 403, FORBIDDEN);
    }
  });

  it('roles come only from app_metadata.roles (not user_metadata, not a string)', async () => {
    for (const appMetadata of [{ provider: 'email' }, { provider: 'email', roles: [] }, undefined, null]) {
      const elsewhere = claims();
      elsewhere.app_metadata = appMetadata;
      elsewhere.user_metadata.roles = ['admin'];
      elsewhere.roles = ['admin'];
      elsewhere.role = 'admin';
      assertJson(await call('get-read-identity-user', { path: '/api/stats', user: elsewhere }), 403, FORBIDDEN);
    }
    const asString = claims();
    asString.app_metadata.roles = 'admin';
    assertJson(await call('get-read-identity-user', { path: '/api/stats', user: asString }), 403, FORBIDDEN);
  });

  it('comes before the JSON body check: a bad body from a user without the role is 403', async () => {
    const res = await call('put-octet-stream', { path: '/api/books/1', body: '{bad', user: claims({ roles: ['reader'] }) });
    assertJson(res, 403, FORBIDDEN);
  });

  it('GET /api/stats as editor and the moderator route as admin are refused', async () => {
    assertJson(await call('get-read-identity-user', { path: '/api/stats', user: claims({ roles: ['editor'] }) }), 403, FORBIDDEN);
    assertJson(await call('get-read-identity-user', { path: '/api/members/m1/reviews/r1' }), 403, FORBIDDEN);
  });
});

describe('404 not_found', () => {
  const paths = [
    '/api/nope',
    '/api/books/1/2',
    '/api/books/1/borrow/now',
    '/api/Books',
    '/api',
    '/api/',
    '/.netlify/functions/api',
    '/.netlify/functions/api/',
    '/other',
    '/other/books',
    '/apix/books',
    '/',
    '/.netlify/functions/apibooks',
    '/.netlify/functions/api-methods/books-list',
  ];
  for (const p of paths) {
    it(`GET ${p}`, async () => {
      assertJson(await call('get-list-anonymous', { path: p }), 404, NOT_FOUND);
    });
  }

  it('an unknown path is 404 for any method, without a user, before auth', async () => {
    for (const method of ['POST', 'DELETE', 'TRACE', 'OPTIONS']) {
      const res = await call('post-json-identity-user', { path: '/api/secret-admin', method, user: ANON });
      assertJson(res, 404, NOT_FOUND);
      assert.equal(header(res, 'Allow'), undefined);
    }
  });
});

describe('405 method_not_allowed', () => {
  const cases = [
    ['PATCH', '/api/books', 'GET, POST, OPTIONS'],
    ['DELETE', '/api/books', 'GET, POST, OPTIONS'],
    ['TRACE', '/api/books', 'GET, POST, OPTIONS'],
    ['TRACE', '/api/books/1', 'GET, PUT, DELETE, OPTIONS'],
    ['POST', '/api/books/1', 'GET, PUT, DELETE, OPTIONS'],
    ['GET', '/api/books/1/borrow', 'POST, OPTIONS'],
    ['HEAD', '/api/stats', 'GET, OPTIONS'],
    ['GET', '/api/reviews/9', 'DELETE, OPTIONS'],
    ['PUT', '/api/books/search', 'GET, OPTIONS'],
    ['CONNECT', '/.netlify/functions/api/members/m/reviews/r', 'GET, OPTIONS'],
    ['__proto__', '/api/books', 'GET, POST, OPTIONS'],
    ['constructor', '/api/books', 'GET, POST, OPTIONS'],
  ];
  for (const [method, p, allow] of cases) {
    it(`${method} ${p} -> Allow: ${allow}`, async () => {
      const res = await call('post-json-identity-user', { method, path: p });
      assertJson(res, 405, METHOD_NOT_ALLOWED);
      assert.equal(header(res, 'Allow'), allow);
    });
  }

  it('comes before auth: wrong method without a user is 405, not 401', async () => {
    const res = await call('post-json-identity-user', { method: 'PATCH', path: '/api/stats', user: ANON });
    assertJson(res, 405, METHOD_NOT_ALLOWED);
    assert.equal(header(res, 'Allow'), 'GET, OPTIONS');
    assert.equal(header(res, 'WWW-Authenticate'), undefined);
  });
});

describe('OPTIONS', () => {
  it('recorded preflight on /api/books: 204, no body, Allow, no CORS headers', async () => {
    const res = await call('options-preflight', { path: '/api/books' });
    assertNoContent(res);
    assert.equal(header(res, 'Allow'), 'GET, POST, OPTIONS');
    assert.equal(header(res, 'X-Request-Id'), ID.options);
    assertNoCors(res);
  });

  it('on a role-protected path without a user: 204 (no auth for OPTIONS)', async () => {
    const res = await call('options-preflight', { path: '/api/stats' });
    assertNoContent(res);
    assert.equal(header(res, 'Allow'), 'GET, OPTIONS');
    assert.equal(header(res, 'WWW-Authenticate'), undefined);
    assertNoCors(res);
  });

  it('routes with parameters, the function path, a lower-case method, a trailing slash', async () => {
    const cases = [
      ['OPTIONS', '/api/books/42', 'GET, PUT, DELETE, OPTIONS'],
      ['OPTIONS', '/.netlify/functions/api/books/42/borrow', 'POST, OPTIONS'],
      ['options', '/api/members/m/reviews/r', 'GET, OPTIONS'],
      ['OPTIONS', '/api/reviews/', 'GET, POST, OPTIONS'],
    ];
    for (const [method, p, allow] of cases) {
      const res = await call('options-preflight', { method, path: p });
      assertNoContent(res);
      assert.equal(header(res, 'Allow'), allow, `${method} ${p}`);
      assertNoCors(res);
    }
  });

  it('on an unknown path: 404', async () => {
    assertJson(await call('options-preflight', { path: '/api/nope' }), 404, NOT_FOUND);
  });

  it('a cross-origin GET gets no CORS headers either', async () => {
    const res = await call('get-list-anonymous', {
      path: '/api/books/search', headers: { origin: 'https://evil.example.test' },
    });
    assert.equal(res.statusCode, 200);
    assertNoCors(res);
  });
});

describe('JSON request bodies', () => {
  it('a malformed JSON body on POST is 400 invalid_json, without the parser message', async () => {
    for (const body of ['{"title":', '{bad', 'undefined', "{'a':1}", '{"a":1}}']) {
      const res = await call('post-json-identity-user', { path: '/api/books/42/borrow', body });
      assertJson(res, 400, INVALID_JSON);
    }
  });

  it('a form-urlencoded body (recorded) on a JSON operation is 400 invalid_json', async () => {
    assertJson(await call('post-form-urlencoded', { path: '/api/reviews' }), 400, INVALID_JSON);
  });

  it('a base64-encoded (isBase64Encoded) JSON body is decoded and reaches the handler', async () => {
    const sent = { note: 'Élan ✓ 📚', n: [1, 2.5, null], nested: { ok: true } };
    const res = await call('post-json-identity-user', {
      path: '/api/books/42/borrow', body: JSON.stringify(sent), base64: true,
    });
    const json = assertJson(res, 200, { ...borrowed(), body: sent });
    assert.equal(json.requestId, ID.post);
  });

  it('base64-encoded invalid JSON is 400 invalid_json', async () => {
    const res = await call('post-json-identity-user', { path: '/api/books/42/borrow', body: '{nope', base64: true });
    assertJson(res, 400, INVALID_JSON);
  });

  it('an empty or missing body reaches the handler as null', async () => {
    for (const body of ['', null]) {
      const res = await call('post-json-identity-user', { path: '/api/books/42/borrow', body });
      assertJson(res, 200, { ...borrowed(), body: null });
    }
  });

  it('the recorded empty octet-stream PUT (base64, empty body) reaches the starter', async () => {
    assertNotImplemented(await call('put-octet-stream', { path: '/api/books/42' }), 'booksUpdate');
  });
});

describe('400 bad_path', () => {
  const paths = [
    '/api/books/../stats',
    '/api/books/./1',
    '/api/books/..',
    '/api/../api/stats',
    '/api//books',
    '/api/books//',
    '/.netlify/functions/api//books',
    '/api/books/a%2Fb',
    '/api/books/a%2fb/borrow',
    '/api/books/%2e%2e',
    '/api/books/%2E',
    '/api/books\\1',
    '/api\\books',
    '/api/books/a%5Cb',
    '/api/books/%E0%A4%A',
    '/api/books/%',
    'api/books',
  ];
  for (const p of paths) {
    it(`GET ${JSON.stringify(p)}`, async () => {
      assertJson(await call('get-list-anonymous', { path: p }), 400, BAD_PATH);
    });
  }

  it('a missing event.path', async () => {
    const { event, context } = netlifyEvent('get-list-anonymous');
    delete event.path;
    assertJson(await callRaw(event, context), 400, BAD_PATH);
  });

  it('comes before auth: a traversal without a user is 400', async () => {
    assertJson(await call('post-json-identity-user', { path: '/api/books/../stats', user: ANON, method: 'GET' }), 400, BAD_PATH);
  });
});

describe('500 internal_error', () => {
  it('a throwing handler: only the request id reaches the client, the details reach the log', async () => {
    const res = await call('get-read-identity-user', { path: '/api/stats' });
    assert.equal(res.statusCode, 500);
    const requestId = header(res, 'X-Request-Id');
    assertJson(res, 500, { error: 'internal_error', requestId });
    assert.equal(typeof requestId, 'string');
    for (const secret of ['hunter2', 'database password', 'Error', 'stack', 'stats.js', '    at ']) {
      assert.ok(!res.body.includes(secret), `body must not contain ${JSON.stringify(secret)}: ${res.body}`);
    }
    const log = logged.join('\n');
    assert.match(log, /hunter2/, 'the error goes to the log');
    assert.ok(log.includes(requestId), 'the log line carries the request id');
  });

  it('the request id is Netlify\'s x-nf-request-id when it is well-formed', async () => {
    const res = await call('get-read-identity-user', { path: '/api/stats', headers: { 'x-nf-request-id': 'req-1.A_b' } });
    assertJson(res, 500, { error: 'internal_error', requestId: 'req-1.A_b' });
    assert.equal(header(res, 'X-Request-Id'), 'req-1.A_b');
  });

  it('a missing or malformed x-nf-request-id is replaced by a fresh id', async () => {
    const seen = new Set();
    for (const id of [undefined, '', 'has space', 'a'.repeat(65), 'x\r\nSet-Cookie: a=b', '<script>']) {
      const res = await call('get-read-identity-user', { path: '/api/stats', headers: { 'x-nf-request-id': id } });
      const requestId = header(res, 'X-Request-Id');
      assertJson(res, 500, { error: 'internal_error', requestId });
      assert.notEqual(requestId, id);
      assert.ok(!seen.has(requestId), 'a fresh id per request');
      seen.add(requestId);
    }
  });

  it('a handler returning an invalid status is a 500 too, without its body', async () => {
    const res = await call('get-read-identity-user', { path: '/api/reviews' });
    const requestId = header(res, 'X-Request-Id');
    assertJson(res, 500, { error: 'internal_error', requestId });
    assert.ok(!res.body.includes('not for the client'));
  });
});

/** What the borrow-book overlay answers for the recorded POST's user at /api/books/42/borrow. */
function borrowed() {
  return {
    userId: ADA.id,
    email: ADA.email,
    roles: ADA.roles,
    params: { id: '42' },
    query: {},
    body: { title: 'Alien', year: 1979 },
    hasEvent: true,
    hasContext: true,
    requestId: ID.post,
  };
}

describe('the handler contract (borrow-book overlay)', () => {
  it('POST /api/books/42/borrow?x=1 with a JSON body and a user', async () => {
    const res = await call('post-json-identity-user', {
      path: '/api/books/42/borrow',
      query: { x: '1' },
      body: JSON.stringify({ until: '2030-01-01', copies: 2 }),
    });
    assertJson(res, 200, { ...borrowed(), query: { x: '1' }, body: { until: '2030-01-01', copies: 2 } });
    assert.equal(header(res, 'X-Request-Id'), ID.post);
  });

  it('the user comes from the claims, never from the body or query', async () => {
    const res = await call('post-json-identity-user', {
      path: '/api/books/42/borrow',
      query: { userId: 'mallory' },
      body: JSON.stringify({ userId: 'mallory', roles: ['admin'] }),
      user: claims({ sub: 'sub-from-token', email: 'who@example.test', roles: ['reader'] }),
    });
    assertJson(res, 200, {
      ...borrowed(),
      userId: 'sub-from-token',
      email: 'who@example.test',
      roles: ['reader'],
      query: { userId: 'mallory' },
      body: { userId: 'mallory', roles: ['admin'] },
    });
  });

  it('the recorded request body as is', async () => {
    assertJson(await call('post-json-identity-user', { path: '/api/books/42/borrow' }), 200, borrowed());
  });

  it('the function path /.netlify/functions/api/books/42/borrow works like /api/books/42/borrow', async () => {
    const res = await call('post-json-identity-user', { path: '/.netlify/functions/api/books/42/borrow' });
    assertJson(res, 200, borrowed());
  });

  it('a lower-case method works', async () => {
    assertJson(await call('post-json-identity-user', { path: '/api/books/42/borrow', method: 'post' }), 200, borrowed());
  });

  it('a trailing slash is tolerated (both mounts)', async () => {
    assertJson(await call('post-json-identity-user', { path: '/api/books/42/borrow/' }), 200, borrowed());
    assertJson(await call('post-json-identity-user', { path: '/.netlify/functions/api/books/42/borrow/' }), 200, borrowed());
  });

  it('path parameters are percent-decoded', async () => {
    const res = await call('post-json-identity-user', { path: '/api/books/a%20b%C3%A9/borrow' });
    assertJson(res, 200, { ...borrowed(), params: { id: 'a bé' } });
  });

  it('a fixed segment wins over a parameter: /api/books/search is not a book id', async () => {
    const res = await call('get-list-anonymous', { path: '/api/books/search', query: {} });
    assertJson(res, 200, { userId: null, query: {} });
  });

  it('two path parameters (moderator route)', async () => {
    const res = await call('get-read-identity-user', {
      path: '/api/members/m-1/reviews/r%3A2', user: claims({ roles: ['moderator'] }),
    });
    assertJson(res, 200, { params: { member_id: 'm-1', review_id: 'r:2' }, roles: ['moderator'] });
  });
});

describe('response headers and bodies from handlers', () => {
  it('a handler can add headers (Location, custom) but cannot override security headers or the request id', async () => {
    const res = await call('post-json-identity-user', { path: '/api/reviews', body: '{"stars":5}' });
    assertJson(res, 201, { id: 'r-1', received: { stars: 5 } });
    assert.equal(header(res, 'Location'), '/api/reviews/r-1');
    assert.equal(header(res, 'X-Custom-Header'), 'kept');
    assert.equal(header(res, 'X-Request-Id'), ID.post, 'the handler cannot replace X-Request-Id');
    // assertSecurityHeaders (run by call) has checked that every security header is there once,
    // with its own value, in any letter case.
  });

  it('a handler returning nothing gives 204 with no body', async () => {
    const res = await call('delete-direct-function-path', { path: '/api/reviews/9' });
    assertNoContent(res);
    assert.equal(header(res, 'X-Request-Id'), ID.delete);
  });

  const mode = (m) => call('post-json-identity-user', { path: '/api/reviews', body: JSON.stringify({ mode: m }) });

  it('Server and X-Powered-By from a handler are dropped', async () => {
    const res = await mode('server');
    assert.equal(res.statusCode, 201);
    assert.equal(header(res, 'Location'), '/x');
    // assertSecurityHeaders (run by call) has checked that Server and X-Powered-By are absent.
  });

  it('a header value with CR/LF is refused with a 500, not sent', async () => {
    const res = await mode('crlf');
    assert.equal(res.statusCode, 500);
    assert.equal(header(res, 'Location'), undefined);
    assert.equal(headerValues(res, 'Set-Cookie').length, 0);
  });

  it('repeated headers (Set-Cookie) go out as multiValueHeaders', async () => {
    const res = await mode('cookies');
    assert.equal(res.statusCode, 201);
    assert.deepEqual(res.multiValueHeaders, { 'Set-Cookie': ['a=1; Path=/', 'b=2; Path=/'] });
  });

  it('a result that is not an object, or headers that are not an object, give a 500', async () => {
    for (const m of ['string', 'badheaders']) {
      const res = await mode(m);
      assert.equal(res.statusCode, 500, m);
      assert.deepEqual(Object.keys(JSON.parse(res.body)).sort(), ['error', 'requestId'], m);
    }
  });
});

describe('Netlify Identity claims without an expiry', () => {
  it('a user without `exp` is not signed in (401)', async () => {
    const user = claims({ roles: ['admin'] });
    delete user.exp;
    const res = await call('get-read-identity-user', { method: 'DELETE', path: '/api/books/1', user });
    assertJson(res, 401, { error: 'unauthorized' });
  });
});
