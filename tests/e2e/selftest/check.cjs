'use strict';
// Checks run by tests/e2e/harness-selftest.sh against the fixture project
// under `netlify dev` (BASE_URL set by netlify-dev.sh). They pin down the
// behaviour of the real local runtime that the scaffold's end-to-end tests rely on.
// Needs Node >= 18 (global fetch is not used; plain http/net keep every
// method and byte under our control). Exits 1 if any check fails.

const http = require('node:http');
const net = require('node:net');
const assert = require('node:assert/strict');

const BASE_URL = process.env.BASE_URL;
if (!BASE_URL) {
  console.error('BASE_URL is not set; run me through tests/e2e/netlify-dev.sh');
  process.exit(2);
}
const base = new URL(BASE_URL);
const REQUEST_TIMEOUT_MS = 30_000;

function request(method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: base.hostname, port: base.port, method, path, headers, agent: false },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, headers: res.headers, rawHeaders: res.rawHeaders, text, json });
        });
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// Node's HTTP client upper-cases methods, so send a raw request for that case.
function rawRequest(requestText) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: base.hostname, port: Number(base.port) });
    const chunks = [];
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy(new Error('raw request timed out')));
    socket.on('connect', () => socket.write(requestText));
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

function b64url(value) {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

// An unsigned-looking HS256 token: netlify dev decodes it without checking
// the signature (or exp).
const claims = {
  sub: 'user-123',
  email: 'alice@example.com',
  exp: 4102444800,
  app_metadata: { roles: ['admin', 'editor'] },
};
const JWT = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}.${b64url('made-up-signature')}`;

const checks = [];
const check = (name, fn) => checks.push({ name, fn });

check('static file from public/', async () => {
  const r = await request('GET', '/');
  assert.equal(r.status, 200);
  assert.match(r.text, /static ok/);
});

check('GET /api/... reaches the function with the original path', async () => {
  const r = await request('GET', '/api/movies/42?a=1&a=2&b=x');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.path, '/api/movies/42');
  assert.equal(r.json.method, 'GET');
  assert.equal(r.json.user, null);
  assert.deepEqual(r.json.query, { a: '1, 2', b: 'x' });
  assert.deepEqual(r.json.multiQuery, { a: ['1', '2'], b: ['x'] });
});

check('sibling modules are bundled into the function', async () => {
  const r = await request('GET', '/api/x');
  assert.equal(r.json.shared, 'shared-ok');
  assert.equal(r.json.methods, 'methods-ok');
});

check('a directory without an entry file is not a separate function', async () => {
  for (const name of ['api-methods', '_shared', 'y', 'x']) {
    const r = await request('GET', `/.netlify/functions/${name}`);
    assert.equal(r.status, 404, `${name}: ${r.status} ${r.text}`);
  }
});

check('direct /.netlify/functions/api URL shows that path', async () => {
  const r = await request('GET', '/.netlify/functions/api/movies/42');
  assert.equal(r.json.path, '/.netlify/functions/api/movies/42');
});

check('/api without a trailing slash also matches /api/*', async () => {
  const r = await request('GET', '/api');
  assert.equal(r.status, 200);
  assert.equal(r.json.path, '/api');
});

check('Bearer JWT is decoded into context.clientContext.user', async () => {
  const r = await request('GET', '/api/me', { headers: { Authorization: `Bearer ${JWT}` } });
  assert.deepEqual(r.json.user, claims);
});

check('scheme must be exactly "Bearer": "bearer" gives no user', async () => {
  const r = await request('GET', '/api/me', { headers: { authorization: `bearer ${JWT}` } });
  assert.equal(r.json.user, null);
});

check('a token that is not a JWT gives no user and no error', async () => {
  const r = await request('GET', '/api/me', { headers: { Authorization: 'Bearer not-a-jwt' } });
  assert.equal(r.status, 200);
  assert.equal(r.json.user, null);
});

for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
  check(`${method} reaches the function`, async () => {
    const r = await request(method, '/api/movies/42');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.method, method);
  });
}

check('HEAD reaches the function (no body in the answer)', async () => {
  const r = await request('HEAD', '/api/movies/42');
  assert.equal(r.status, 200);
  assert.equal(r.text, '');
});

check('JSON body arrives as text when Content-Type is application/json', async () => {
  const body = JSON.stringify({ title: 'Héllo' });
  const r = await request('POST', '/api/movies', {
    headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    body,
  });
  assert.equal(r.json.isBase64Encoded, false);
  assert.equal(r.json.body, body);
});

check('a binary Content-Type body arrives base64-encoded', async () => {
  const body = '{"title":"x"}';
  const r = await request('POST', '/api/movies', {
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': Buffer.byteLength(body) },
    body,
  });
  assert.equal(r.json.isBase64Encoded, true);
  assert.equal(Buffer.from(r.json.body, 'base64').toString('utf8'), body);
});

check('a body sent WITHOUT Content-Type is dropped (event.body absent)', async () => {
  const body = '{"title":"x"}';
  const r = await request('POST', '/api/movies', { headers: { 'Content-Length': Buffer.byteLength(body) }, body });
  assert.equal(r.json.body, null);
  assert.equal(r.json.isBase64Encoded, true);
});

check('a form-urlencoded body arrives as plain text', async () => {
  const body = 'a=1&b=h%C3%A9';
  const r = await request('POST', '/api/movies', {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) },
    body,
  });
  assert.equal(r.json.isBase64Encoded, false);
  assert.equal(r.json.body, body);
});

check('no body: event.body is absent (null here) and isBase64Encoded is true', async () => {
  const r = await request('GET', '/api/movies');
  assert.equal(r.json.body, null);
  assert.equal(r.json.isBase64Encoded, true);
});

check('request header names arrive lower-cased', async () => {
  const r = await request('GET', '/api/x', { headers: { 'X-Mixed-Case': 'Yes' } });
  assert.equal(r.json.headers['x-mixed-case'], 'Yes');
  assert.equal(r.json.headers['X-Mixed-Case'], undefined);
});

check("a function's 405 passes through with its headers and cookies", async () => {
  const r = await request('PATCH', '/api/movies/42?status=405');
  assert.equal(r.status, 405);
  assert.equal(r.headers.allow, 'GET, POST');
  assert.equal(r.headers['x-custom-header'], 'MixedCase');
  assert.deepEqual(r.headers['set-cookie'], ['a=1; Path=/', 'b=2; Path=/']);
  assert.deepEqual(r.json, { error: 'status 405', method: 'PATCH' });
  // Response header names come back lower-cased on the wire.
  assert.ok(r.rawHeaders.includes('x-custom-header'), r.rawHeaders.join(' '));
});

check('netlify dev adds its own response headers', async () => {
  const r = await request('GET', '/api/x');
  assert.equal(r.headers.server, 'Netlify');
  assert.match(r.headers['x-nf-request-id'], /^[0-9A-Z]{26}$/);
  assert.equal(r.headers.connection, 'close');
});

check('a lower-case method is refused with 400 before any function runs', async () => {
  const answer = await rawRequest(`patch /api/movies/42 HTTP/1.1\r\nHost: ${base.host}\r\nConnection: close\r\n\r\n`);
  assert.match(answer, /^HTTP\/1\.1 400 /);
  assert.doesNotMatch(answer, /"method"/);
});

(async () => {
  let passed = 0;
  let failed = 0;
  for (const { name, fn } of checks) {
    try {
      await fn();
      passed += 1;
      console.log(`ok - ${name}`);
    } catch (err) {
      failed += 1;
      console.log(`not ok - ${name}\n  ${String(err && err.stack ? err.stack : err).split('\n').join('\n  ')}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
})();
