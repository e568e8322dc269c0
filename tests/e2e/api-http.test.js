// End-to-end behaviour of a project generated from specs/jwt-cors.yaml (JWT auth, CORS for two
// origins, a 4096-byte body limit) with the handlers of tests/node/overlay-esm/ (or overlay-jwt/ on
// Netlify v1), served by a platform's local runtime and driven over HTTP. The same file runs
// against every target's runtime.
//
// Environment: BASE_URL (the runtime's origin, e.g. http://127.0.0.1:3000), JWT_STATE (the state
// file of tests/e2e/jwks-server.mjs, whose JWKS the project's JWT_JWKS_URL points to).
// Optional: E2E_TARGET (named in failure messages); E2E_RUNTIME_X_POWERED_BY, the `X-Powered-By`
// value the local runtime's own proxy adds to every response (netlify dev: `Express`), which is then
// expected instead of no such header. Only node: modules.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { test } from 'node:test';

const BASE_URL = process.env.BASE_URL;
const STATE = JSON.parse(fs.readFileSync(process.env.JWT_STATE, 'utf8'));
const TARGET = process.env.E2E_TARGET || 'the target';
const RUNTIME_X_POWERED_BY = process.env.E2E_RUNTIME_X_POWERED_BY || null;
const PRIVATE_KEY = crypto.createPrivateKey(STATE.privateKeyPem);
const ALLOWED_ORIGIN = 'https://app.example.com';

// The shared security headers of a spec without `headers:` overrides (the tests' one hard-coded
// table), names in lower case as fetch reports them.
const SECURITY_HEADERS = Object.fromEntries(
  Object.entries(JSON.parse(fs.readFileSync(new URL('../security-headers.json', import.meta.url), 'utf8'))).map(
    ([name, value]) => [name.toLowerCase(), value],
  ),
);

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A JWT: RS256 with the served key unless `alg` says otherwise (`none`, `HS256` key confusion). */
function token(claims = {}, { alg = 'RS256' } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: STATE.issuer, aud: STATE.audience, sub: 'user-1', iat: now, exp: now + 600, ...claims };
  for (const [key, value] of Object.entries(payload)) if (value === undefined) delete payload[key];
  const header = { alg, typ: 'JWT', kid: STATE.kid };
  const input = `${b64url(header)}.${b64url(payload)}`;
  if (alg === 'none') return `${input}.`;
  if (alg === 'HS256') return `${input}.${crypto.createHmac('sha256', STATE.hs256Secret).update(input).digest('base64url')}`;
  return `${input}.${crypto.sign('sha256', Buffer.from(input), PRIVATE_KEY).toString('base64url')}`;
}
const bearer = (claims, options) => ({ authorization: `Bearer ${token(claims, options)}` });
const USER = bearer({ app_metadata: { roles: ['user'] }, email: 'u@example.com' });
const ADMIN = bearer({ sub: 'admin-1', app_metadata: { roles: ['admin'] } });

async function call(method, path, { headers = {}, body } = {}) {
  const response = await fetch(`${BASE_URL}${path}`, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  const out = { status: response.status, headers: response.headers, text };
  try {
    out.json = text === '' ? undefined : JSON.parse(text);
  } catch {
    out.json = undefined;
  }
  return out;
}

/** Status, the shared headers and a request id: what every response of the API must carry. */
function expectApi(res, status, what) {
  const where = `${what} on ${TARGET} (body: ${res.text.slice(0, 300)})`;
  assert.equal(res.status, status, where);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (name === 'content-type' && (status === 204 || res.text === '')) continue;
    assert.equal(res.headers.get(name), value, `${name}: ${where}`);
  }
  assert.match(res.headers.get('x-request-id') || '', /^[A-Za-z0-9._-]{1,64}$/, `x-request-id: ${where}`);
  assert.equal(res.headers.get('x-powered-by'), RUNTIME_X_POWERED_BY, `x-powered-by: ${where}`);
}

const json = (value, extra = {}) => ({
  headers: { 'content-type': 'application/json', ...extra },
  body: JSON.stringify(value),
});

test('a signed-in user reaches the handler, which sees the verified claims', async () => {
  const res = await call('GET', '/api/notes', { headers: USER });
  expectApi(res, 200, 'GET /api/notes');
  assert.deepEqual(res.json, { id: 'user-1', email: 'u@example.com', roles: ['user'], iss: STATE.issuer });
});

test('refused tokens get 401 with WWW-Authenticate: Bearer', async () => {
  const now = Math.floor(Date.now() / 1000);
  const cases = {
    'no token': {},
    'not a JWT': { authorization: 'Bearer nope' },
    expired: bearer({ exp: now - 3600, iat: now - 7200 }),
    'wrong audience': bearer({ aud: 'https://other.example' }),
    'wrong issuer': bearer({ iss: 'https://evil.example/' }),
    'alg none': bearer({}, { alg: 'none' }),
    'HS256 with the public key as secret': bearer({}, { alg: 'HS256' }),
    'bad signature': { authorization: `Bearer ${token().slice(0, -4)}AAAA` },
  };
  for (const [name, headers] of Object.entries(cases)) {
    const res = await call('GET', '/api/notes', { headers });
    expectApi(res, 401, `GET /api/notes, ${name}`);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer', name);
    assert.deepEqual(res.json, { error: 'unauthorized' }, name);
  }
});

test('roles: delete needs admin', async () => {
  expectApi(await call('DELETE', '/api/notes/n-1', { headers: USER }), 403, 'DELETE as user');
  const res = await call('DELETE', '/api/notes/n-1', { headers: ADMIN });
  expectApi(res, 204, 'DELETE as admin');
  assert.equal(res.text, '');
});

test('bodies: valid 201, then 422, 415, 413, 400 invalid_json, 400 forbidden_key', async () => {
  const created = await call('POST', '/api/notes', { ...json({ text: 'hello', stars: 3 }, USER) });
  expectApi(created, 201, 'POST valid');
  assert.deepEqual(created.json, { id: 'n-1', owner: 'user-1', note: { text: 'hello', stars: 3 } });
  assert.equal(created.headers.get('location'), '/api/notes/n-1');

  const invalid = await call('POST', '/api/notes', { ...json({ text: '', stars: 9, admin: true }, USER) });
  expectApi(invalid, 422, 'POST invalid fields');
  assert.equal(invalid.json.error, 'validation_failed');
  assert.deepEqual(invalid.json.problems.map((p) => p.field), ['admin', 'stars', 'text']);

  const plain = await call('POST', '/api/notes', { headers: { ...USER, 'content-type': 'text/plain' }, body: '{"text":"x"}' });
  expectApi(plain, 415, 'POST text/plain');

  const big = await call('POST', '/api/notes', { ...json({ text: 'x'.repeat(5000) }, USER) });
  expectApi(big, 413, 'POST 5000 bytes');

  const broken = await call('POST', '/api/notes', { headers: { ...USER, 'content-type': 'application/json' }, body: '{"text":' });
  expectApi(broken, 400, 'POST broken JSON');
  assert.deepEqual(broken.json, { error: 'invalid_json' });

  const proto = await call('POST', '/api/notes', { headers: { ...USER, 'content-type': 'application/json' }, body: '{"text":"x","__proto__":{"admin":true}}' });
  expectApi(proto, 400, 'POST __proto__');
  assert.deepEqual(proto.json, { error: 'forbidden_key' });
});

test('routing: 404 and 405 come from the dispatcher, with the headers', async () => {
  const missing = await call('GET', '/api/nothing-here', { headers: USER });
  expectApi(missing, 404, 'GET unknown path');
  assert.deepEqual(missing.json, { error: 'not_found' });
  const wrong = await call('PATCH', '/api/notes', { headers: USER });
  expectApi(wrong, 405, 'PATCH /api/notes');
  assert.equal(wrong.headers.get('allow'), 'GET, POST, OPTIONS');
});

test('params and query reach the handler', async () => {
  const res = await call('POST', '/api/notes/abc-1/share?to=bob', { headers: USER });
  expectApi(res, 200, 'POST share');
  assert.deepEqual(res.json.params, { id: 'abc-1' });
  assert.equal(res.json.query.to, 'bob');
  assert.equal(res.json.requestId, res.headers.get('x-request-id'));
});

test('CORS: preflight for an allowed origin, nothing for others', async () => {
  const ok = await call('OPTIONS', '/api/notes', {
    headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });
  expectApi(ok, 204, 'preflight, allowed origin');
  assert.equal(ok.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
  assert.equal(ok.headers.get('access-control-allow-credentials'), 'true');
  assert.match(ok.headers.get('access-control-allow-methods') || '', /POST/);
  assert.match(ok.headers.get('vary') || '', /Origin/);

  const evil = await call('OPTIONS', '/api/notes', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  expectApi(evil, 204, 'preflight, other origin');
  assert.equal(evil.headers.get('access-control-allow-origin'), null);

  const simple = await call('GET', '/api/notes', { headers: { ...USER, origin: ALLOWED_ORIGIN } });
  expectApi(simple, 200, 'GET with allowed origin');
  assert.equal(simple.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
});

test('a public operation: no token needed; handler CORS headers dropped; a throw is a bare 500', async () => {
  const res = await call('GET', '/api/stats');
  expectApi(res, 200, 'GET /api/stats');
  assert.deepEqual(res.json, { userId: null });
  assert.equal(res.headers.get('x-stats'), 'ok');
  assert.equal(res.headers.get('access-control-allow-origin'), null);

  const boom = await call('GET', '/api/stats?boom=1');
  expectApi(boom, 500, 'GET /api/stats?boom=1');
  assert.equal(boom.json.error, 'internal_error');
  assert.equal(boom.json.requestId, boom.headers.get('x-request-id'));
  assert.doesNotMatch(boom.text, /hunter2|stats store/);
});
