// End to end through Netlify's own local runtime (`netlify dev --offline`): real HTTP, the /api/*
// redirect from netlify.toml, Netlify's event building and its Identity token decoding.
// Expects BASE_URL (set by tests/e2e/netlify-dev.sh) and a project generated from specs/bookclub.yaml
// with the handler overlay of tests/node/overlay.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');

const BASE = process.env.BASE_URL;
assert.ok(BASE, 'BASE_URL must be set');

const EXPECTED_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=()',
  'x-permitted-cross-domain-policies': 'none',
  'x-robots-tag': 'noindex',
};

// netlify dev decodes the token's claims into context.clientContext.user without checking the
// signature (production Netlify Identity verifies it), so a made-up token stands in for a login.
function token(claims) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const full = { exp: Math.floor(Date.now() / 1000) + 3600, ...claims };
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(full)}.c2ln`;
}
const READER = token({ sub: 'user-reader-1', email: 'r@example.test', app_metadata: { roles: [] } });
const ADMIN = token({ sub: 'user-admin-1', email: 'a@example.test', app_metadata: { roles: ['admin'] } });

async function call(method, path, { auth, body, headers = {} } = {}) {
  const h = { ...headers };
  if (auth) h.authorization = `Bearer ${auth}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await fetch(BASE + path, { method, headers: h, body, redirect: 'manual' });
  const text = await res.text();
  let json;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = { unparsed: text };
  }
  return { status: res.status, headers: res.headers, json, text };
}

function assertHeaders(res) {
  for (const [name, value] of Object.entries(EXPECTED_HEADERS)) {
    assert.equal(res.headers.get(name), value, `header ${name}`);
  }
  assert.match(res.headers.get('x-request-id') || '', /^[A-Za-z0-9._-]{1,64}$/);
  // `netlify dev`'s local proxy adds `server: Netlify` and `x-powered-by: Express` to every
  // response; that the function itself sends neither is checked by tests/node.
}

test('public operation without a token reaches the starter handler (501)', async () => {
  const res = await call('GET', '/api/books');
  assert.equal(res.status, 501);
  assert.equal(res.json.error, 'not_implemented');
  assert.equal(res.json.operation, 'booksList');
  assertHeaders(res);
});

test('no token on a protected operation: 401 with WWW-Authenticate', async () => {
  const res = await call('POST', '/api/books', { body: '{"title":"Dune"}' });
  assert.equal(res.status, 401);
  assert.deepEqual(res.json, { error: 'unauthorized' });
  assert.equal(res.headers.get('www-authenticate'), 'Bearer');
  assertHeaders(res);
});

test('the bare mount /api is not a route: 404', async () => {
  const res = await call('GET', '/api');
  assert.equal(res.status, 404);
  assert.deepEqual(res.json, { error: 'not_found' });
  assertHeaders(res);
});

// (fetch itself resolves dot segments, `%2e%2e` included, before sending: those are covered by
// tests/node.)
test('a path with an encoded slash or backslash: 400 bad_path', async () => {
  for (const path of ['/api/books/a%2Fb', '/api/books/a%5Cb']) {
    const res = await call('GET', path, { auth: ADMIN });
    assert.equal(res.status, 400, path);
    assert.deepEqual(res.json, { error: 'bad_path' });
    assertHeaders(res);
  }
});

test('a lower-case bearer scheme is not a login', async () => {
  const res = await call('POST', '/api/books', { body: '{}', headers: { authorization: `bearer ${READER}` } });
  assert.equal(res.status, 401);
  assertHeaders(res);
});

test('signed in without the role: 403', async () => {
  const res = await call('DELETE', '/api/books/1', { auth: READER });
  assert.equal(res.status, 403);
  assert.deepEqual(res.json, { error: 'forbidden' });
  assertHeaders(res);
});

test('the edited handler gets user.id from the token, params, query and body', async () => {
  const res = await call('POST', '/api/books/42/borrow?days=14', { auth: READER, body: '{"note":"soon"}' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.userId, 'user-reader-1');
  assert.equal(res.json.params.id, '42');
  assert.equal(res.json.query.days, '14');
  assert.deepEqual(res.json.body, { note: 'soon' });
  assertHeaders(res);
});

test('the function path works like the redirected path', async () => {
  const res = await call('POST', '/.netlify/functions/api/books/7/borrow', { auth: READER, body: '{}' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.params.id, '7');
  assertHeaders(res);
});

test('unknown path: 404', async () => {
  const res = await call('GET', '/api/nothing-here', { auth: ADMIN });
  assert.equal(res.status, 404);
  assert.deepEqual(res.json, { error: 'not_found' });
  assertHeaders(res);
});

test('known path, wrong method: 405 with Allow', async () => {
  const res = await call('PATCH', '/api/books', { auth: ADMIN, body: '{}' });
  assert.equal(res.status, 405);
  assert.deepEqual(res.json, { error: 'method_not_allowed' });
  assert.equal(res.headers.get('allow'), 'GET, POST, OPTIONS');
  assertHeaders(res);
});

test('OPTIONS: 204 with Allow and no CORS headers (same-origin)', async () => {
  const res = await call('OPTIONS', '/api/books/3', { headers: { origin: 'https://evil.example' } });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('allow'), 'GET, PUT, DELETE, OPTIONS');
  assert.equal(res.headers.get('access-control-allow-origin'), null);
  assertHeaders(res);
});

test('bad JSON: 400 invalid_json without the parser message', async () => {
  const res = await call('POST', '/api/books', { auth: READER, body: '{"title": ' });
  assert.equal(res.status, 400);
  assert.deepEqual(res.json, { error: 'invalid_json' });
  assertHeaders(res);
});

test('a throwing handler: 500 with only a request id', async () => {
  const res = await call('GET', '/api/stats', { auth: ADMIN });
  assert.equal(res.status, 500);
  assert.deepEqual(Object.keys(res.json).sort(), ['error', 'requestId']);
  assert.equal(res.json.error, 'internal_error');
  assert.equal(res.json.requestId, res.headers.get('x-request-id'));
  assert.doesNotMatch(res.text, /hunter2|Error|at /);
  assertHeaders(res);
});
