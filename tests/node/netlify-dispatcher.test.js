// Node-level tests of the generated Netlify dispatcher (netlify/functions/api.js) of a project
// generated from specs/bookclub.yaml, with tests/node/overlay/ copied over it.
//
//   PROJECT_DIR=/path/to/generated/project node --test tests/node/netlify-dispatcher.test.js
//
// tests/node_dispatcher.rs does the generating, the copying and the running. Only node: modules and
// ./lib/netlify.js: no npm packages. The events are recorded `netlify dev` events
// (tests/fixtures/netlify-events/) with path, method, body, headers and user changed per case.
// bookclub.yaml has no `cors:`, so every response is also checked for the absence of
// Access-Control-* and Vary.
'use strict';

const { describe, it, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { rows, plan } = require('./lib/plan.js');
const {
  DEFAULT_SECURITY_HEADERS,
  ORIGIN,
  netlifyEvent,
  headerValues,
  header,
  headersStartingWith,
  assertJson,
  assertNoContent,
  assertSecurityHeaders: assertHeaders,
  assertV1Result,
  jsonOfSize,
  paddedJson,
  captureConsoleError,
} = require('./lib/netlify.js');

const PROJECT_DIR = process.env.PROJECT_DIR;
if (!PROJECT_DIR) {
  throw new Error('set PROJECT_DIR to a project generated from specs/bookclub.yaml with tests/node/overlay/ copied over it');
}
const { handler } = require(path.join(PROJECT_DIR, 'netlify/functions/api.js'));

// ---- What every response must carry. Hard-coded on purpose: reading them from the generated
// headers.js would make the test agree with whatever the generator produced. ----

const SECURITY_HEADERS = Object.freeze({
  ...DEFAULT_SECURITY_HEADERS,
  // bookclub.yaml overrides the default and adds X-Robots-Tag.
  'Permissions-Policy': 'camera=(), microphone=()',
  'X-Robots-Tag': 'noindex',
});
// bookclub.yaml has no `cors:`: a same-origin API sends no Vary (and no Access-Control-*, below).
const ABSENT_HEADERS = ['Server', 'X-Powered-By', 'Vary'];

function assertSecurityHeaders(res) {
  assertHeaders(res, SECURITY_HEADERS, ABSENT_HEADERS);
}

function assertNoCors(res) {
  assert.deepEqual(headersStartingWith(res, 'access-control-'), {}, 'no Access-Control-* headers (same-origin API)');
  assert.deepEqual(headerValues(res, 'Vary'), [], 'no Vary (same-origin API)');
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

// console.error, captured so the tests can look at the log (and keep the output clean).
const log = captureConsoleError();
afterEach(() => log.clear());

/** Calls the handler with a fixture-based event and checks what every response must carry. */
async function call(name, changes) {
  const { event, context } = netlifyEvent(name, changes);
  return callRaw(event, context);
}

async function callRaw(event, context) {
  const res = await handler(event, context);
  assertV1Result(res);
  assertSecurityHeaders(res);
  assertNoCors(res);
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
const INVALID_PARAM = { error: 'invalid_param' };
const PAYLOAD_TOO_LARGE = { error: 'payload_too_large' };
const UNSUPPORTED_MEDIA_TYPE = { error: 'unsupported_media_type' };
const FORBIDDEN_KEY = { error: 'forbidden_key' };
const invalid = (...problems) => ({ error: 'validation_failed', problems });
const NOT_AN_OBJECT = invalid({ field: '', problem: 'expected a JSON object' });

// Valid bodies for the two schemas (bookclub.yaml's `books` and `reviews` fields).
const DUNE = Object.freeze({ title: 'Dune', author: 'Frank Herbert' });
const REVIEW = Object.freeze({ book_id: 'b-1', body: 'Great.', stars: 5 });

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
        path: '/api/books/1',
        body: JSON.stringify(DUNE),
        headers: { 'content-type': 'application/json' },
        user: claims({ roles }),
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
  for (const p of rows(paths)) {
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
  for (const [method, p, allow] of rows(cases)) {
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

  // Was 400 invalid_json before the Content-Type check: the dispatcher now refuses a non-JSON type
  // before it tries to parse.
  it('a form-urlencoded body (recorded) on a JSON operation is 415 unsupported_media_type', async () => {
    assertJson(await call('post-form-urlencoded', { path: '/api/reviews' }), 415, UNSUPPORTED_MEDIA_TYPE);
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

  // Was 501 (the starter) before field validation: an update with no body is now refused with 422.
  // (No 415: the Content-Type of an empty body is not looked at.)
  it('the recorded empty octet-stream PUT (base64, empty body) is 422: an update needs an object', async () => {
    assertJson(await call('put-octet-stream', { path: '/api/books/42' }), 422, NOT_AN_OBJECT);
  });

  it('an empty or missing body on a POST without a schema reaches the handler, whatever the Content-Type', async () => {
    for (const [body, type] of [['', undefined], [null, undefined], ['', 'text/plain'], [null, 'application/octet-stream']]) {
      const res = await call('post-json-identity-user', {
        path: '/api/books/42/borrow', body, headers: { 'content-type': type },
      });
      assertJson(res, 200, { ...borrowed(), body: null });
    }
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
  for (const p of rows(paths)) {
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
    const logText = log.text();
    assert.match(logText, /hunter2/, 'the error goes to the log');
    assert.ok(logText.includes(requestId), 'the log line carries the request id');
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

  // Was `a%20b%C3%A9` -> 'a bé': a space and non-ASCII letters are no longer allowed in a parameter
  // (400 invalid_param, below); decoding is still done for the characters that are.
  it('path parameters are percent-decoded', async () => {
    const res = await call('post-json-identity-user', { path: '/api/books/v1%2E2%7Ex%2D%5F/borrow' });
    assertJson(res, 200, { ...borrowed(), params: { id: 'v1.2~x-_' } });
  });

  it('a fixed segment wins over a parameter: /api/books/search is not a book id', async () => {
    const res = await call('get-list-anonymous', { path: '/api/books/search', query: {} });
    assertJson(res, 200, { userId: null, query: {} });
  });

  it('two path parameters (moderator route)', async () => {
    const res = await call('get-read-identity-user', {
      path: '/api/members/m-1/reviews/r%7E2', user: claims({ roles: ['moderator'] }),
    });
    // (Was r%3A2 -> 'r:2'; a colon is now an invalid_param.)
    assertJson(res, 200, { params: { member_id: 'm-1', review_id: 'r~2' }, roles: ['moderator'] });
  });
});

describe('response headers and bodies from handlers', () => {
  it('a handler can add headers (Location, custom) but cannot override security headers or the request id', async () => {
    const res = await call('post-json-identity-user', { path: '/api/reviews', body: JSON.stringify(REVIEW) });
    assertJson(res, 201, { id: 'r-1', received: REVIEW });
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

  // The overlay picks a misbehaving result by `book_id` (the body must be a valid review now).
  const mode = (m) => call('post-json-identity-user', {
    path: '/api/reviews', body: JSON.stringify({ ...REVIEW, book_id: `mode-${m}` }),
  });

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

// ---- The stricter rules: path parameters, body size, content type, prototype keys, fields. ----

describe('400 invalid_param (path parameters must match /^[A-Za-z0-9._~-]{1,128}$/ once decoded)', () => {
  const bad = [
    ['a space and non-ASCII letters', 'a%20b%C3%A9'],
    ['a space', 'a%20b'],
    ['a raw space', 'a b'],
    ['non-ASCII only', '%C3%A9'],
    ['an emoji', '%F0%9F%93%9A'],
    ['a colon', 'r%3A2'],
    ['markup', '%3Cscript%3E'],
    ['a NUL', 'a%00b'],
    ['a tab', 'a%09b'],
    ['a CR LF', 'a%0D%0AX-Evil:%201'],
    ['a plus', 'a+b'],
    ['an encoded plus', 'a%2Bb'],
    ['a quote', "a'b"],
    ['a double quote', 'a%22b'],
    ['an at sign', '@me'],
    ['a comma', 'a,b'],
    ['a semicolon', 'a;b'],
    ['an equals sign', 'a=b'],
    ['a percent sign', '100%25'],
    ['129 characters', 'x'.repeat(129)],
  ];
  for (const [what, param] of rows(bad)) {
    it(`${what}: GET /api/books/${param.length > 40 ? `${param.slice(0, 20)}...` : param} (public read)`, async () => {
      assertJson(await call('get-list-anonymous', { path: `/api/books/${param}` }), 400, INVALID_PARAM);
    });
  }

  it('the same on a POST route with a user and a valid body, the handler is not called', async () => {
    for (const [, param] of bad) {
      const res = await call('post-json-identity-user', { path: `/api/books/${param}/borrow` });
      assertJson(res, 400, INVALID_PARAM);
    }
  });

  it('every allowed character, and exactly 128 characters, pass', async () => {
    for (const param of ['AZaz09._~-', 'x'.repeat(128), '...', '~', '-']) {
      const res = await call('post-json-identity-user', { path: `/api/books/${param}/borrow` });
      assertJson(res, 200, { ...borrowed(), params: { id: param } });
    }
  });

  it('each of two parameters is checked', async () => {
    const moderator = claims({ roles: ['moderator'] });
    for (const p of ['/api/members/m%201/reviews/r1', '/api/members/m1/reviews/r%201']) {
      assertJson(await call('get-read-identity-user', { path: p, user: moderator }), 400, INVALID_PARAM);
    }
  });

  it('comes after auth: 401 without a user, 403 without the role', async () => {
    assertUnauthorized(await call('post-json-identity-user', { path: '/api/books/a%20b/borrow', user: ANON }));
    assertJson(await call('get-read-identity-user', { path: '/api/members/m%201/reviews/r1' }), 403, FORBIDDEN);
  });

  it('comes after 404 and 405, and before the body: a bad param with bad JSON is invalid_param', async () => {
    assertJson(await call('get-list-anonymous', { path: '/api/books/a%20b/unknown' }), 404, NOT_FOUND);
    assertJson(await call('post-json-identity-user', { path: '/api/books/a%20b' }), 405, METHOD_NOT_ALLOWED);
    assertJson(await call('post-json-identity-user', { path: '/api/books/a%20b/borrow', body: '{bad' }), 400, INVALID_PARAM);
    assertJson(await call('post-json-identity-user', {
      path: '/api/books/a%20b/borrow', body: 'x', headers: { 'content-type': 'text/plain' },
    }), 400, INVALID_PARAM);
  });

  it('OPTIONS on a route with a bad parameter is still a 204 (answered before parameters are checked)', async () => {
    const res = await call('options-preflight', { path: '/api/books/a%20b' });
    assertNoContent(res);
    assert.equal(header(res, 'Allow'), 'GET, PUT, DELETE, OPTIONS');
  });
});

describe('413 payload_too_large (bookclub: the default limit, 100000 bytes of decoded body)', () => {
  const LIMIT = 100000;
  const borrow = (body, more = {}) => call('post-json-identity-user', { path: '/api/books/42/borrow', body, ...more });

  it('exactly at the limit passes and reaches the handler', async () => {
    const text = jsonOfSize(LIMIT);
    assertJson(await borrow(text), 200, { ...borrowed(), body: JSON.parse(text) });
  });

  it('one byte over the limit is 413', async () => {
    assertJson(await borrow(jsonOfSize(LIMIT + 1)), 413, PAYLOAD_TOO_LARGE);
  });

  it('far over the limit is 413', async () => {
    assertJson(await borrow(jsonOfSize(5 * LIMIT)), 413, PAYLOAD_TOO_LARGE);
  });

  it('bytes are counted, not characters: 2-byte characters over the limit in bytes only', async () => {
    const atLimit = jsonOfSize(LIMIT, 'é');
    assert.ok(atLimit.length < LIMIT);
    assertJson(await borrow(atLimit), 200, { ...borrowed(), body: JSON.parse(atLimit) });
    const over = jsonOfSize(LIMIT + 2, 'é');
    assert.ok(over.length < LIMIT, 'fewer characters than the limit');
    assertJson(await borrow(over), 413, PAYLOAD_TOO_LARGE);
  });

  it('a base64 body is measured decoded: at the limit passes (longer encoded), one over is 413', async () => {
    const atLimit = jsonOfSize(LIMIT);
    const { event, context } = netlifyEvent('post-json-identity-user', { path: '/api/books/42/borrow', body: atLimit, base64: true });
    assert.ok(event.body.length > LIMIT, 'the encoded body is over the limit');
    assertJson(await callRaw(event, context), 200, { ...borrowed(), body: JSON.parse(atLimit) });
    assertJson(await borrow(jsonOfSize(LIMIT + 1), { base64: true }), 413, PAYLOAD_TOO_LARGE);
  });

  it('on a create operation: a valid book padded to the limit reaches the starter, one byte more is 413', async () => {
    const create = (body) => call('post-json-identity-user', { path: '/api/books', body });
    assertNotImplemented(await create(paddedJson(DUNE, LIMIT)), 'booksCreate');
    assertJson(await create(paddedJson(DUNE, LIMIT + 1)), 413, PAYLOAD_TOO_LARGE);
  });

  it('comes before the Content-Type and JSON checks', async () => {
    const big = 'x'.repeat(LIMIT + 1);
    assertJson(await borrow(big), 413, PAYLOAD_TOO_LARGE);
    assertJson(await borrow(big, { headers: { 'content-type': 'text/plain' } }), 413, PAYLOAD_TOO_LARGE);
    assertJson(await borrow(big, { headers: { 'content-type': undefined } }), 413, PAYLOAD_TOO_LARGE);
  });

  it('comes after auth and the role check', async () => {
    assertUnauthorized(await borrow(jsonOfSize(LIMIT + 1), { user: ANON }));
    const res = await call('put-octet-stream', {
      path: '/api/books/1', body: jsonOfSize(LIMIT + 1), user: claims({ roles: ['reader'] }),
    });
    assertJson(res, 403, FORBIDDEN);
  });

  it('a GET body is not measured (bodies are read for POST, PUT, PATCH only)', async () => {
    const res = await call('get-list-anonymous', { path: '/api/books/search', query: {}, body: 'x'.repeat(LIMIT + 1) });
    assertJson(res, 200, { userId: null, query: {} });
  });
});

describe('415 unsupported_media_type (a non-empty body must be application/json or application/*+json)', () => {
  const borrow = (type, body = '{"a":1}') => call('post-json-identity-user', {
    path: '/api/books/42/borrow', body, headers: { 'content-type': type },
  });
  const refused = [
    'text/plain',
    'text/plain; charset=utf-8',
    undefined,
    '',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=xyz',
    'application/octet-stream',
    'application/xml',
    'text/json',
    'text/html',
    'application/json5',
    'application/jsonp',
    'application/json-patch',
    'application/+json',
    'application/json, text/plain',
    'json',
    'application/*',
    '*/*',
  ];
  for (const type of rows(refused)) {
    it(`Content-Type ${type === undefined ? '(missing)' : JSON.stringify(type)} is 415`, async () => {
      assertJson(await borrow(type), 415, UNSUPPORTED_MEDIA_TYPE);
    });
  }

  const accepted = [
    'application/json',
    'application/json; charset=utf-8',
    'application/json;charset=UTF-8',
    'Application/JSON',
    ' application/json ',
    'application/merge-patch+json',
    'application/vnd.api+json',
    'application/problem+json',
    'application/ld+json; profile="x"',
  ];
  for (const type of rows(accepted)) {
    it(`Content-Type ${JSON.stringify(type)} is JSON`, async () => {
      assertJson(await borrow(type), 200, { ...borrowed(), body: { a: 1 } });
    });
  }

  it('application/merge-patch+json on an update operation is parsed and validated like JSON', async () => {
    const put = (body) => call('put-octet-stream', {
      path: '/api/books/1', body, headers: { 'content-type': 'application/merge-patch+json' }, user: claims({ roles: ['editor'] }),
    });
    assertNotImplemented(await put(JSON.stringify(DUNE)), 'booksUpdate');
    assertJson(await put('{"title":"Dune"}'), 422, invalid({ field: 'author', problem: 'required' }));
    assertJson(await put('{bad'), 400, INVALID_JSON);
  });

  it('a non-empty base64 body sent as application/octet-stream (recorded PUT, body added) is 415', async () => {
    const res = await call('put-octet-stream', {
      path: '/api/books/1', body: JSON.stringify(DUNE), base64: true, user: claims({ roles: ['editor'] }),
    });
    assertJson(res, 415, UNSUPPORTED_MEDIA_TYPE);
  });

  it('comes before the JSON parse: text/plain with bad JSON is 415, not 400', async () => {
    assertJson(await borrow('text/plain', '{bad'), 415, UNSUPPORTED_MEDIA_TYPE);
  });

  it('comes after auth: text/plain without a user is 401', async () => {
    assertUnauthorized(await call('post-json-identity-user', {
      path: '/api/books', body: 'hello', headers: { 'content-type': 'text/plain' }, user: ANON,
    }));
  });
});

describe('400 forbidden_key (__proto__, constructor, prototype as a key at any depth)', () => {
  const refused = [
    ['__proto__ at the top', '{"__proto__":{"admin":true}}'],
    ['constructor at the top', '{"constructor":{"prototype":{"admin":true}}}'],
    ['prototype at the top', '{"prototype":1}'],
    ['__proto__ at depth 3', '{"a":{"b":{"__proto__":{"isAdmin":true}}}}'],
    ['constructor at depth 4', '{"a":{"b":{"c":{"constructor":1}}}}'],
    ['__proto__ in an array element', '{"list":[1,{"__proto__":{"isAdmin":true}}]}'],
    ['constructor in an element of a top-level array', '[{"constructor":{}}]'],
    ['prototype in a nested array', '{"a":[[{"prototype":null}]]}'],
    ['__proto__ spelled with a JSON escape', '{"\\u005f_proto__":{"isAdmin":true}}'],
    ['__proto__ after valid keys', '{"until":"2030-01-01","copies":2,"__proto__":null}'],
  ];
  for (const [what, body] of rows(refused)) {
    it(`${what}: ${body}`, async () => {
      assertJson(await call('post-json-identity-user', { path: '/api/books/42/borrow', body }), 400, FORBIDDEN_KEY);
    });
  }

  it('a base64-encoded body is checked too', async () => {
    const res = await call('post-json-identity-user', {
      path: '/api/books/42/borrow', body: '{"a":{"b":{"__proto__":{}}}}', base64: true,
    });
    assertJson(res, 400, FORBIDDEN_KEY);
  });

  it('the words as values, or keys that only look like them, are fine', async () => {
    const sent = {
      note: '__proto__', kind: 'constructor', list: ['prototype'],
      __proto: 1, proto: 2, Constructor: 3, PROTOTYPE: 4, '__proto__ ': 5, _constructor: 6,
    };
    const res = await call('post-json-identity-user', { path: '/api/books/42/borrow', body: JSON.stringify(sent) });
    assertJson(res, 200, { ...borrowed(), body: sent });
  });

  it('comes before field validation: a book with a __proto__ key is 400, not 422', async () => {
    const res = await call('post-json-identity-user', {
      path: '/api/books', body: '{"title":"Dune","author":"Frank Herbert","__proto__":{"isAdmin":true}}',
    });
    assertJson(res, 400, FORBIDDEN_KEY);
  });

  it('comes after auth: without a user it is 401', async () => {
    assertUnauthorized(await call('post-json-identity-user', { path: '/api/books/42/borrow', body: '{"__proto__":{}}', user: ANON }));
  });

  it('nothing reached Object.prototype', () => {
    const probe = {};
    for (const key of ['admin', 'isAdmin']) assert.equal(probe[key], undefined, key);
  });
});

describe('422 validation_failed (books: title string 1..300 required, author string ..200 required, pages integer 1..20000, rating number 0..5, genres array of string ..10)', () => {
  const p = (field, problem) => ({ field, problem });
  const cases = [
    ['an array', '[]', [p('', 'expected a JSON object')]],
    ['a string', '"Dune"', [p('', 'expected a JSON object')]],
    ['a number', '42', [p('', 'expected a JSON object')]],
    ['JSON null', 'null', [p('', 'expected a JSON object')]],
    ['true', 'true', [p('', 'expected a JSON object')]],
    ['an empty object: both required fields', {}, [p('author', 'required'), p('title', 'required')]],
    ['null for a required field', { ...DUNE, title: null }, [p('title', 'required')]],
    ['an unknown field', { ...DUNE, isbn: '978-0441013593' }, [p('isbn', 'unknown field')]],
    ['unknown fields, sorted', { ...DUNE, zeta: 1, alpha: 2 }, [p('alpha', 'unknown field'), p('zeta', 'unknown field')]],
    ['a number for a string', { ...DUNE, title: 5 }, [p('title', 'expected a string')]],
    ['an array for a string', { ...DUNE, author: ['Frank'] }, [p('author', 'expected a string')]],
    ['a string for an integer', { ...DUNE, pages: '412' }, [p('pages', 'expected an integer')]],
    ['a fraction for an integer', { ...DUNE, pages: 1.5 }, [p('pages', 'expected an integer')]],
    ['an unsafe integer', { ...DUNE, pages: 2 ** 53 }, [p('pages', 'expected an integer')]],
    ['a boolean for a number', { ...DUNE, rating: true }, [p('rating', 'expected a number')]],
    ['a string for an array', { ...DUNE, genres: 'scifi' }, [p('genres', 'expected an array')]],
    ['an object for an array', { ...DUNE, genres: { 0: 'scifi' } }, [p('genres', 'expected an array')]],
    ['an empty string under min_length 1', { ...DUNE, title: '' }, [p('title', 'at least 1 character')]],
    ['301 characters over max_length 300', { ...DUNE, title: 't'.repeat(301) }, [p('title', 'at most 300 characters')]],
    ['201 characters over max_length 200', { ...DUNE, author: 'a'.repeat(201) }, [p('author', 'at most 200 characters')]],
    ['an integer under min 1', { ...DUNE, pages: 0 }, [p('pages', 'at least 1')]],
    ['a negative integer', { ...DUNE, pages: -5 }, [p('pages', 'at least 1')]],
    ['an integer over max 20000', { ...DUNE, pages: 20001 }, [p('pages', 'at most 20000')]],
    ['a number under min 0', { ...DUNE, rating: -0.1 }, [p('rating', 'at least 0')]],
    ['a number over max 5', { ...DUNE, rating: 5.01 }, [p('rating', 'at most 5')]],
    ['11 items over max_items 10', { ...DUNE, genres: Array(11).fill('g') }, [p('genres', 'at most 10 items')]],
    ['array items of the wrong type', { ...DUNE, genres: ['a', 1, null, ['b']] }, [
      p('genres[1]', 'expected a string'),
      p('genres[2]', 'expected a string'),
      p('genres[3]', 'expected a string'),
    ]],
    ['several problems, sorted by field', { pages: 0, isbn: 1, title: '', rating: 'x', genres: [2] }, [
      p('author', 'required'),
      p('genres[0]', 'expected a string'),
      p('isbn', 'unknown field'),
      p('pages', 'at least 1'),
      p('rating', 'expected a number'),
      p('title', 'at least 1 character'),
    ]],
  ];
  for (const [what, body, problems] of rows(cases)) {
    it(`POST /api/books, ${what}`, async () => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      assertJson(await call('post-json-identity-user', { path: '/api/books', body: text }), 422, invalid(...problems));
    });
  }

  it('a number too large for a double (1e400 parses to Infinity) is not a number', async () => {
    const res = await call('post-json-identity-user', {
      path: '/api/books', body: '{"title":"Dune","author":"Frank Herbert","rating":1e400}',
    });
    assertJson(res, 422, invalid(p('rating', 'expected a number')));
  });

  it('POST /api/books without a body is 422 (create needs an object)', async () => {
    for (const body of [null, '']) {
      assertJson(await call('post-json-identity-user', { path: '/api/books', body }), 422, NOT_AN_OBJECT);
    }
  });

  it('valid bodies at every bound reach the starter', async () => {
    const valid = [
      DUNE,
      { title: 't', author: '' },
      { title: 't'.repeat(300), author: 'a'.repeat(200), pages: 20000, rating: 5, genres: Array(10).fill('g') },
      { ...DUNE, pages: 1, rating: 0, genres: [] },
      { ...DUNE, rating: 4.5, pages: 1.0 },
      // Lengths are counted in characters (code points), not UTF-16 units or bytes.
      { ...DUNE, title: '📚'.repeat(300), author: 'é'.repeat(200) },
      // An optional field may be null (treated as absent).
      { ...DUNE, pages: null, rating: null, genres: null },
    ];
    for (const body of valid) {
      const res = await call('post-json-identity-user', { path: '/api/books', body: JSON.stringify(body) });
      assertNotImplemented(res, 'booksCreate');
    }
  });

  it('PUT /api/books/1 (update) is validated against the same fields', async () => {
    const put = (body) => call('put-octet-stream', {
      path: '/api/books/1', body, headers: { 'content-type': 'application/json' }, user: claims({ roles: ['editor'] }),
    });
    assertJson(await put('{}'), 422, invalid(p('author', 'required'), p('title', 'required')));
    assertJson(await put(JSON.stringify({ ...DUNE, pages: 0, extra: true })), 422, invalid(p('extra', 'unknown field'), p('pages', 'at least 1')));
    assertJson(await put('[]'), 422, NOT_AN_OBJECT);
    assertNotImplemented(await put(JSON.stringify(DUNE)), 'booksUpdate');
  });

  it('POST /api/reviews (book_id string required, body string ..5000 required, stars integer 1..5 required)', async () => {
    const post = (body) => call('post-json-identity-user', { path: '/api/reviews', body: JSON.stringify(body) });
    assertJson(await post({}), 422, invalid(p('body', 'required'), p('book_id', 'required'), p('stars', 'required')));
    assertJson(await post({ ...REVIEW, stars: 0 }), 422, invalid(p('stars', 'at least 1')));
    assertJson(await post({ ...REVIEW, stars: 6 }), 422, invalid(p('stars', 'at most 5')));
    assertJson(await post({ ...REVIEW, stars: 3.5 }), 422, invalid(p('stars', 'expected an integer')));
    assertJson(await post({ ...REVIEW, stars: '5' }), 422, invalid(p('stars', 'expected an integer')));
    assertJson(await post({ ...REVIEW, body: 'b'.repeat(5001) }), 422, invalid(p('body', 'at most 5000 characters')));
    assertJson(await post({ ...REVIEW, book_id: 7 }), 422, invalid(p('book_id', 'expected a string')));
    const longest = { ...REVIEW, body: 'b'.repeat(5000), stars: 1 };
    assertJson(await post(longest), 201, { id: 'r-1', received: longest });
  });

  it('comes after auth and after the JSON checks', async () => {
    assertUnauthorized(await call('post-json-identity-user', { path: '/api/books', body: '{}', user: ANON }));
    assertJson(await call('post-json-identity-user', { path: '/api/books', body: '{"title":' }), 400, INVALID_JSON);
    assertJson(await call('post-json-identity-user', {
      path: '/api/books', body: '{}', headers: { 'content-type': 'text/plain' },
    }), 415, UNSUPPORTED_MEDIA_TYPE);
  });

  it('an operation without a schema is not validated (custom route: any JSON reaches the handler)', async () => {
    for (const body of [[], 'text', 42, { anything: { goes: [1] } }]) {
      const res = await call('post-json-identity-user', { path: '/api/books/42/borrow', body: JSON.stringify(body) });
      assertJson(res, 200, { ...borrowed(), body });
    }
  });
});

describe('no CORS on a spec without `cors:` (every response is also checked by call())', () => {
  it('a GET with an Origin gets no Access-Control-* and no Vary', async () => {
    for (const origin of ['https://app.example.com', ORIGIN, 'null']) {
      const res = await call('get-list-anonymous', { path: '/api/books/search', headers: { origin } });
      assert.equal(res.statusCode, 200);
      assertNoCors(res);
    }
  });

  it('a preflight with Origin, Access-Control-Request-Method and -Headers is only 204 + Allow', async () => {
    const res = await call('options-preflight', {
      path: '/api/books',
      headers: { origin: 'https://app.example.com', 'access-control-request-headers': 'authorization, content-type' },
    });
    assertNoContent(res);
    assert.equal(header(res, 'Allow'), 'GET, POST, OPTIONS');
    assertNoCors(res);
  });

  it('errors with an Origin carry none either', async () => {
    const origin = { origin: 'https://app.example.com' };
    assertUnauthorized(await call('post-json-identity-user', { path: '/api/books', user: ANON, headers: origin }));
    assertJson(await call('get-list-anonymous', { path: '/api/nope', headers: origin }), 404, NOT_FOUND);
    assertJson(await call('post-json-identity-user', { path: '/api/books', body: '{}', headers: origin }), 422,
      invalid({ field: 'author', problem: 'required' }, { field: 'title', problem: 'required' }));
  });

  it('a handler cannot add Access-Control-* or Vary', async () => {
    const res = await call('post-json-identity-user', {
      path: '/api/reviews', body: JSON.stringify(REVIEW), headers: { origin: 'https://evil.example.test' },
    });
    assert.equal(res.statusCode, 201);
    assertNoCors(res);
    assert.equal(header(res, 'X-Custom-Header'), 'kept', 'the handler\'s other headers are kept');
  });
});

// The tests written out one by one; rows(...) counts the others.
plan(92);
