// One behaviour table for the generated dispatcher of every target, each request sent through the
// target's own request shape by its driver (tests/node/drivers/<TARGET>.js: a Netlify v1 event, a
// Web Request, an API Gateway payload 2.0 event, an Azure HttpRequest, ...), in process.
//
//   TARGET=vercel PROJECT_DIR=/path/to/project node --test tests/node/targets.test.js
//
// PROJECT_DIR: a project generated from specs/jwt-cors.yaml for TARGET (JWT with jose + JWKS, CORS
// for two exact origins with credentials, a 4096-byte body limit), with the handlers of
// tests/node/overlay-esm/ (ES module targets) or tests/node/overlay-jwt/ (Netlify v1, CommonJS)
// copied over the generated ones, and <project>/node_modules linked to the install of
// tests/node/install-node-deps.sh. tests/targets_node.rs does all that.
//
// Keys come from jose (RS256, ES256, a rogue ES256), the JWKS is served on 127.0.0.1 (port 0). The
// settings (JWT_*) go to the driver, which puts them where the platform keeps them (process.env,
// or the Worker's env). Every row runs once per variant the driver offers (e.g. a named API Gateway
// stage); every response, whatever the row, must carry the shared security headers, a well-formed
// X-Request-Id, `Vary: Origin` and exactly the CORS headers its Origin earns.
'use strict';

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { rows, plan } = require('./lib/plan.js');
const { createRequire } = require('node:module');
const { pathToFileURL } = require('node:url');
const { DEFAULT_SECURITY_HEADERS, captureConsoleError, paddedJson } = require('./lib/netlify.js');

const TARGET = process.env.TARGET;
const PROJECT_DIR = process.env.PROJECT_DIR;
if (!TARGET || !/^[a-z0-9-]+$/.test(TARGET)) throw new Error(`set TARGET to a target name (got ${JSON.stringify(TARGET)})`);
if (!PROJECT_DIR) throw new Error('set PROJECT_DIR to a project generated from specs/jwt-cors.yaml for TARGET, with its overlay and node_modules');
const DRIVER_FILE = path.join(__dirname, 'drivers', `${TARGET}.js`);
if (!fs.existsSync(DRIVER_FILE)) throw new Error(`no driver for target ${TARGET}: ${DRIVER_FILE}`);
const driver = require(DRIVER_FILE);

// ---- The spec's fixed values (specs/jwt-cors.yaml), hard-coded on purpose ----

const SECURITY_HEADERS = Object.fromEntries(Object.entries(DEFAULT_SECURITY_HEADERS).map(([k, v]) => [k.toLowerCase(), v]));
const ALLOWED_ORIGINS = ['https://app.example.com', 'http://localhost:5173'];
const APP = ALLOWED_ORIGINS[0];
const LOCAL = ALLOWED_ORIGINS[1];
const EVIL = 'https://app.example.com.evil.test';
const ALLOW_HEADERS = 'Authorization, Content-Type';
const MAX_AGE = '600';
const LIMIT = 4096;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const ISSUER = 'https://issuer.example.test/';
const AUDIENCE = 'notes-api';

// ---- Keys, JWKS, tokens ----

let jose;
let server;
let jwksHits = 0;
const KEYS = {};
const base = () => `http://127.0.0.1:${server.address().port}`;

async function makeKeys() {
  const pair = (alg) => jose.generateKeyPair(alg, { extractable: true });
  KEYS.rsa = await pair('RS256');
  KEYS.ec = await pair('ES256');
  // Not in the JWKS: signs under the trusted kid `ec-1` (EC: quick to make).
  KEYS.rogue = await pair('ES256');
  KEYS.rsaPem = await jose.exportSPKI(KEYS.rsa.publicKey);
  KEYS.jwks = {
    keys: [
      { ...(await jose.exportJWK(KEYS.rsa.publicKey)), kid: 'rsa-1', use: 'sig' },
      { ...(await jose.exportJWK(KEYS.ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ],
  };
}

function startJwksServer() {
  const srv = http.createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      jwksHits += 1;
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
      res.end(JSON.stringify(KEYS.jwks));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}

/** A port nothing listens on (a JWKS that cannot be reached). */
function closedPort() {
  return new Promise((resolve) => {
    const probe = http.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const now = () => Math.floor(Date.now() / 1000);

function claims(changes = {}) {
  const out = {
    sub: 'user-42', email: 'ada@example.test', iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 300,
    app_metadata: { roles: ['member'] }, ...changes,
  };
  for (const [key, value] of Object.entries(out)) if (value === undefined) delete out[key];
  return out;
}

function sign(payload, { alg = 'RS256', key = KEYS.rsa.privateKey, kid = 'rsa-1' } = {}) {
  return new jose.SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT', kid }).sign(key);
}

/** Named tokens the rows refer to: name -> async () => the token. */
const TOKENS = {
  member: () => sign(claims()),
  admin: () => sign(claims({ sub: 'admin-1', app_metadata: { roles: ['admin'] } })),
  es256: () => sign(claims({ sub: 'ec-user', email: undefined, app_metadata: { roles: ['editor'] } }), { alg: 'ES256', key: KEYS.ec.privateKey, kid: 'ec-1' }),
  // 120 s past exp: beyond the 30 s clock skew.
  expired: () => sign(claims({ iat: now() - 420, exp: now() - 120 })),
  'wrong audience': () => sign(claims({ aud: 'other-api' })),
  'wrong issuer': () => sign(claims({ iss: 'https://evil.example.test/' })),
  'alg none': async () => new jose.UnsecuredJWT(claims({ app_metadata: { roles: ['admin'] } })).encode(),
  // The RSA public key (which anyone can fetch) used as an HMAC secret.
  'HS256 key confusion': () => sign(claims(), { alg: 'HS256', key: new TextEncoder().encode(KEYS.rsaPem) }),
  // Signed by a key the JWKS does not hold, under the trusted kid.
  'bad signature': () => sign(claims(), { alg: 'ES256', key: KEYS.rogue.privateKey, kid: 'ec-1' }),
  // A good token whose payload was swapped for one with more roles.
  'tampered payload': async () => {
    const [header, , signature] = (await sign(claims())).split('.');
    const payload = Buffer.from(JSON.stringify(claims({ app_metadata: { roles: ['admin'] } }))).toString('base64url');
    return `${header}.${payload}.${signature}`;
  },
  'no sub': () => sign(claims({ sub: undefined })),
};

/** Named settings the rows refer to (`settings:`); the loaded one is `good`. */
const SETTINGS = {
  good: () => ({ JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWT_JWKS_URL: `${base()}/.well-known/jwks.json` }),
  none: async () => ({}),
  'no JWKS URL': () => ({ JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWT_JWKS_URL: '' }),
  'JWKS unreachable': async () => ({ JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWT_JWKS_URL: `http://127.0.0.1:${await closedPort()}/jwks.json` }),
};

// ---- The table ----
//
// Each row: `what`, the request `req`, and `expect` (or `expectByPaths: { raw, url }` where the
// platform's way of handing over the path matters: `raw` = the path string as sent, in an event;
// `url` = a parsed WHATWG URL, which resolves dot segments and reads `\` as `/` before any code runs).
//
// req:    method, path, query, headers, origin, preflight (Access-Control-Request-Method),
//         token (a TOKENS name) or authorization (a raw header), json (sent as application/json) or
//         body (+ headers['content-type']), settings (a SETTINGS name, for this request only)
// expect: status, json (exact; a function of the response for values it holds, e.g. the request id),
//         empty (no body), headers ({ lower-case name: value, or ABSENT }), preflight (the
//         Access-Control-Allow-Methods an allowed origin's preflight gets), bodyLacks, logged (RegExp)

const ABSENT = Symbol('absent');
const UNAUTHORIZED = { status: 401, json: { error: 'unauthorized' }, headers: { 'www-authenticate': 'Bearer' } };
const STATS = { status: 200, json: { userId: null }, headers: { 'x-stats': 'ok' } };
const BAD_PATH = { status: 400, json: { error: 'bad_path' } };
const NOT_FOUND = { status: 404, json: { error: 'not_found' } };
const NOTE = { text: 'Buy milk' };
const internalError = (more = {}) => ({
  status: 500,
  json: (res) => ({ error: 'internal_error', requestId: res.headers['x-request-id'] }),
  headers: { 'www-authenticate': ABSENT },
  ...more,
});

const ROWS = [
  // -- 400 bad_path: paths that could climb or smuggle segments --
  { what: 'dot segments', req: { path: '/api/notes/../stats' }, expectByPaths: { raw: BAD_PATH, url: STATS } },
  { what: 'encoded dot segments (%2e%2e)', req: { path: '/api/notes/%2e%2e/stats' }, expectByPaths: { raw: BAD_PATH, url: STATS } },
  { what: 'dot segments above the mount', req: { path: '/api/../../etc/passwd' }, expectByPaths: { raw: BAD_PATH, url: NOT_FOUND } },
  { what: 'an empty segment (//)', req: { path: '/api//stats', origin: APP }, expect: BAD_PATH },
  { what: 'an encoded slash (%2F)', req: { path: '/api/notes/a%2Fb' }, expect: BAD_PATH },
  { what: 'an encoded backslash (%5C)', req: { path: '/api/notes/a%5Cb' }, expect: BAD_PATH },
  { what: 'a backslash', req: { path: '/api\\stats' }, expectByPaths: { raw: BAD_PATH, url: STATS } },
  { what: 'a backslash between segments', req: { path: '/api/notes\\n-1' }, expectByPaths: { raw: BAD_PATH, url: UNAUTHORIZED } },

  // -- 404 and 405 --
  { what: '404 for an unknown path, with the CORS headers of an allowed origin', req: { path: '/api/nope', origin: APP }, expect: NOT_FOUND },
  { what: '404 for a path beside the mount (/apix)', req: { path: '/apix' }, expect: NOT_FOUND },
  { what: '404 for a path too deep', req: { path: '/api/notes/n-1/share/more', token: 'member' }, expect: NOT_FOUND },
  { what: '405 + Allow for PATCH on a collection', req: { method: 'PATCH', path: '/api/notes', token: 'member', origin: LOCAL }, expect: { status: 405, json: { error: 'method_not_allowed' }, headers: { allow: 'GET, POST, OPTIONS' } } },
  { what: '405 + Allow for DELETE on a read-only route, before auth', req: { method: 'DELETE', path: '/api/stats' }, expect: { status: 405, json: { error: 'method_not_allowed' }, headers: { allow: 'GET, OPTIONS', 'www-authenticate': ABSENT } } },

  // -- OPTIONS and CORS --
  { what: 'preflight from an allowed origin: 204 + Access-Control-Allow-*', req: { method: 'OPTIONS', path: '/api/notes', origin: APP, preflight: 'POST' }, expect: { status: 204, empty: true, preflight: 'GET, POST', headers: { allow: 'GET, POST, OPTIONS', 'www-authenticate': ABSENT } } },
  { what: 'preflight from the second allowed origin on the admin route, no token', req: { method: 'OPTIONS', path: '/api/notes/n-1', origin: LOCAL, preflight: 'DELETE', headers: { 'access-control-request-headers': 'authorization' } }, expect: { status: 204, empty: true, preflight: 'GET, PUT, DELETE', headers: { allow: 'GET, PUT, DELETE, OPTIONS' } } },
  { what: 'preflight from another origin: 204, no Access-Control-*', req: { method: 'OPTIONS', path: '/api/notes', origin: EVIL, preflight: 'POST' }, expect: { status: 204, empty: true, headers: { allow: 'GET, POST, OPTIONS' } } },
  { what: 'preflight from the "null" origin: no Access-Control-*', req: { method: 'OPTIONS', path: '/api/stats', origin: 'null', preflight: 'GET' }, expect: { status: 204, empty: true, headers: { allow: 'GET, OPTIONS' } } },
  { what: 'OPTIONS without Access-Control-Request-Method: no Allow-Methods/-Headers/Max-Age', req: { method: 'OPTIONS', path: '/api/notes', origin: APP }, expect: { status: 204, empty: true, headers: { allow: 'GET, POST, OPTIONS' } } },
  { what: 'CORS and Vary set by a handler are dropped (allowed origin)', req: { path: '/api/stats', origin: APP }, expect: STATS },
  { what: 'CORS and Vary set by a handler are dropped (other origin)', req: { path: '/api/stats', origin: EVIL }, expect: STATS },

  // -- 401: no token or a refused one --
  { what: '401 without a token', req: { path: '/api/notes', origin: APP }, expect: UNAUTHORIZED },
  { what: '401 for a Basic Authorization header', req: { path: '/api/notes', authorization: 'Basic YWRtaW46YWRtaW4=' }, expect: UNAUTHORIZED },
  { what: '401 for a lower-case "bearer" scheme', req: { path: '/api/notes', authorization: 'bearer', token: 'member' }, expect: UNAUTHORIZED },
  ...['expired', 'wrong audience', 'wrong issuer', 'alg none', 'HS256 key confusion', 'bad signature', 'tampered payload', 'no sub']
    .map((token) => ({ what: `401 for a token with ${token}`, req: { path: '/api/notes', token }, expect: UNAUTHORIZED })),
  { what: '401 for an admin route with a refused token (alg none claiming admin)', req: { method: 'DELETE', path: '/api/notes/n-1', token: 'alg none' }, expect: UNAUTHORIZED },

  // -- 200, 201, 204, 403: accepted tokens --
  { what: '200: the user of an RS256 token (sub, email, roles from app_metadata.roles)', req: { path: '/api/notes', token: 'member', origin: APP }, expect: { status: 200, json: { id: 'user-42', email: 'ada@example.test', roles: ['member'], iss: ISSUER }, headers: { 'www-authenticate': ABSENT } } },
  { what: '200: the user of an ES256 token', req: { path: '/api/notes', token: 'es256' }, expect: { status: 200, json: { id: 'ec-user', email: null, roles: ['editor'], iss: ISSUER } } },
  { what: '200: a public route gets the user of a valid token', req: { path: '/api/stats', token: 'member' }, expect: { status: 200, json: { userId: 'user-42' } } },
  {
    what: '200: the handler gets the user, params, query, body and request id',
    req: { method: 'POST', path: '/api/notes/n-7/share', query: { via: 'mail', tag: 'a b' }, token: 'member', json: { to: 'bob' }, origin: APP },
    expect: {
      status: 200,
      json: (res) => ({
        user: { id: 'user-42', email: 'ada@example.test', roles: ['member'] },
        params: { id: 'n-7' },
        query: { via: 'mail', tag: 'a b' },
        body: { to: 'bob' },
        requestId: res.headers['x-request-id'],
      }),
    },
  },
  { what: '201: create, with the handler\'s Location header', req: { method: 'POST', path: '/api/notes', token: 'member', json: NOTE, origin: APP }, expect: { status: 201, json: { id: 'n-1', owner: 'user-42', note: NOTE }, headers: { location: '/api/notes/n-1' } } },
  { what: '201: a +json media type with a charset', req: { method: 'POST', path: '/api/notes', token: 'member', body: JSON.stringify(NOTE), headers: { 'content-type': 'application/vnd.api+json; charset=utf-8' } }, expect: { status: 201, json: { id: 'n-1', owner: 'user-42', note: NOTE } } },
  { what: '204: delete by an admin (the handler returns nothing)', req: { method: 'DELETE', path: '/api/notes/n-1', token: 'admin', origin: APP }, expect: { status: 204, empty: true } },
  { what: '403: delete without the admin role', req: { method: 'DELETE', path: '/api/notes/n-1', token: 'member', origin: APP }, expect: { status: 403, json: { error: 'forbidden' }, headers: { 'www-authenticate': ABSENT } } },

  // -- Bodies: 413, 415, 400, 422 --
  { what: `200: a body of exactly ${LIMIT} bytes`, req: { method: 'POST', path: '/api/notes/n-1/share', token: 'member', body: paddedJson({ to: 'bob' }, LIMIT), headers: { 'content-type': 'application/json' } }, expect: { status: 200 } },
  { what: `413: a body of ${LIMIT + 1} bytes`, req: { method: 'POST', path: '/api/notes/n-1/share', token: 'member', body: paddedJson({ to: 'bob' }, LIMIT + 1), headers: { 'content-type': 'application/json' } }, expect: { status: 413, json: { error: 'payload_too_large' } } },
  { what: '413: a 64 KiB body, counted in bytes (multi-byte characters)', req: { method: 'POST', path: '/api/notes', token: 'member', json: { text: 'é'.repeat(32 * 1024) }, origin: APP }, expect: { status: 413, json: { error: 'payload_too_large' } } },
  { what: '415: text/plain', req: { method: 'POST', path: '/api/notes', token: 'member', body: JSON.stringify(NOTE), headers: { 'content-type': 'text/plain' } }, expect: { status: 415, json: { error: 'unsupported_media_type' } } },
  { what: '415: a form', req: { method: 'POST', path: '/api/notes', token: 'member', body: 'text=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, expect: { status: 415, json: { error: 'unsupported_media_type' } } },
  { what: '400 invalid_json', req: { method: 'POST', path: '/api/notes/n-1/share', token: 'member', body: '{bad', headers: { 'content-type': 'application/json' }, origin: APP }, expect: { status: 400, json: { error: 'invalid_json' } } },
  { what: '400 forbidden_key: __proto__', req: { method: 'POST', path: '/api/notes/n-1/share', token: 'member', body: '{"__proto__":{"isAdmin":true}}', headers: { 'content-type': 'application/json' } }, expect: { status: 400, json: { error: 'forbidden_key' } } },
  { what: '400 forbidden_key: a nested constructor.prototype', req: { method: 'POST', path: '/api/notes/n-1/share', token: 'member', body: '{"a":[{"constructor":{"prototype":{"x":1}}}]}', headers: { 'content-type': 'application/json' } }, expect: { status: 400, json: { error: 'forbidden_key' } } },
  { what: '422: a missing required field', req: { method: 'POST', path: '/api/notes', token: 'member', json: {}, origin: APP }, expect: { status: 422, json: { error: 'validation_failed', problems: [{ field: 'text', problem: 'required' }] } } },
  {
    what: '422: every problem at once, sorted by field',
    req: { method: 'PUT', path: '/api/notes/n-1', token: 'member', json: { text: '', stars: 9, pinned: 'no', labels: ['a', 2], owner: 'mallory' } },
    expect: {
      status: 422,
      json: {
        error: 'validation_failed',
        problems: [
          { field: 'labels[1]', problem: 'expected a string' },
          { field: 'owner', problem: 'unknown field' },
          { field: 'pinned', problem: 'expected true or false' },
          { field: 'stars', problem: 'at most 5' },
          { field: 'text', problem: 'at least 1 character' },
        ],
      },
    },
  },
  { what: '401 comes before validation', req: { method: 'POST', path: '/api/notes', json: {} }, expect: UNAUTHORIZED },

  // -- 400 invalid_param --
  { what: '400 invalid_param: a space in an id', req: { path: '/api/notes/a%20b', token: 'member' }, expect: { status: 400, json: { error: 'invalid_param' } } },
  { what: '400 invalid_param: a 129-character id', req: { path: `/api/notes/${'x'.repeat(129)}`, token: 'member', origin: APP }, expect: { status: 400, json: { error: 'invalid_param' } } },

  // -- 500 --
  { what: '500 from a throwing handler, without its message', req: { path: '/api/stats', query: { boom: '1' }, origin: APP }, expect: internalError({ bodyLacks: ['hunter2', 'stats store'], logged: /hunter2/ }) },

  // -- JWT settings: missing or broken ones fail closed --
  { what: 'no JWT settings: a token is refused with 500, not accepted', req: { path: '/api/notes', token: 'member', settings: 'none' }, expect: internalError({ logged: /JWT auth is not configured \(issuer, audience, jwksUrl missing\)/ }) },
  { what: 'no JWT settings: no token is 500 too', req: { path: '/api/notes', settings: 'none', origin: APP }, expect: internalError({ logged: /not configured/ }) },
  { what: 'no JWT settings: a public route is 500', req: { path: '/api/stats', settings: 'none' }, expect: internalError({ logged: /not configured/ }) },
  { what: 'no JWT settings: the admin route with an admin token is 500', req: { method: 'DELETE', path: '/api/notes/n-1', token: 'admin', settings: 'none' }, expect: internalError({ logged: /not configured/ }) },
  { what: 'no JWT settings: a preflight is still answered', req: { method: 'OPTIONS', path: '/api/notes', origin: APP, preflight: 'POST', settings: 'none' }, expect: { status: 204, empty: true, preflight: 'GET, POST' } },
  { what: 'an empty JWKS URL: 500', req: { path: '/api/notes', token: 'member', settings: 'no JWKS URL' }, expect: internalError({ logged: /jwksUrl missing/ }) },
  { what: 'the JWKS unreachable: a token is 500, not 401', req: { path: '/api/notes', token: 'member', settings: 'JWKS unreachable' }, expect: internalError() },
  { what: 'the settings back: the same token is accepted again', req: { path: '/api/notes', token: 'member' }, expect: { status: 200, json: { id: 'user-42', email: 'ada@example.test', roles: ['member'], iss: ISSUER } } },
];

// ---- Running a row ----

const log = captureConsoleError();

async function send(call, req) {
  const headers = { ...(req.headers || {}) };
  if (req.origin !== undefined) headers.origin = req.origin;
  if (req.preflight !== undefined) headers['access-control-request-method'] = req.preflight;
  if (req.token !== undefined) {
    const token = await TOKENS[req.token]();
    headers.authorization = req.authorization !== undefined ? `${req.authorization} ${token}` : `Bearer ${token}`;
  } else if (req.authorization !== undefined) {
    headers.authorization = req.authorization;
  }
  let { body } = req;
  if (req.json !== undefined) {
    body = JSON.stringify(req.json);
    headers['content-type'] = 'application/json';
  }
  const settings = req.settings === undefined ? undefined : await SETTINGS[req.settings]();
  return call({ method: req.method || 'GET', path: req.path, query: req.query || {}, headers, body, settings });
}

/** What every response must be, whatever the row. */
function assertEveryResponse(res, req, expect) {
  const where = `(status ${res.status}, body ${res.body})`;
  assert.equal(typeof res.body, 'string', 'the body is a string');
  for (const [name, value] of Object.entries(res.headers)) {
    assert.equal(name, name.toLowerCase(), `header names in lower case: ${name}`);
    assert.equal(typeof value, 'string', `header ${name} is a string`);
  }
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    assert.equal(res.headers[name], value, `security header ${name} ${where}`);
  }
  for (const name of ['server', 'x-powered-by']) assert.equal(res.headers[name], undefined, `no ${name} header`);

  const id = res.headers['x-request-id'];
  assert.match(String(id), REQUEST_ID, `one well-formed X-Request-Id ${where}`);
  if (REQUEST_ID.test(res.platformRequestId || '')) {
    assert.equal(id, res.platformRequestId, 'X-Request-Id is the platform\'s request id');
  } else {
    assert.notEqual(id, res.platformRequestId, 'a platform id that is not a well-formed id is replaced');
  }

  assert.equal(res.headers.vary, 'Origin', `Vary: Origin, exactly ${where}`);
  const cors = Object.fromEntries(Object.entries(res.headers).filter(([name]) => name.startsWith('access-control-')));
  const expected = {};
  if (ALLOWED_ORIGINS.includes(req.origin)) {
    expected['access-control-allow-origin'] = req.origin;
    expected['access-control-allow-credentials'] = 'true';
    expected['access-control-expose-headers'] = 'X-Request-Id';
    if (expect.preflight) {
      expected['access-control-allow-methods'] = expect.preflight;
      expected['access-control-allow-headers'] = ALLOW_HEADERS;
      expected['access-control-max-age'] = MAX_AGE;
    }
  }
  assert.deepEqual(cors, expected, `exactly these Access-Control-* headers for Origin ${JSON.stringify(req.origin)}`);

  if (res.status === 204) assert.equal(res.body, '', 'a 204 has no body');
  else assert.doesNotThrow(() => JSON.parse(res.body), `the body is JSON: ${res.body}`);
}

function assertRow(res, expect) {
  assert.equal(res.status, expect.status, `status (body: ${res.body}; log: ${log.text()})`);
  if (expect.json !== undefined) {
    const want = typeof expect.json === 'function' ? expect.json(res) : expect.json;
    assert.deepEqual(JSON.parse(res.body), want);
  }
  if (expect.empty) assert.equal(res.body, '');
  for (const [name, value] of Object.entries(expect.headers || {})) {
    assert.equal(res.headers[name], value === ABSENT ? undefined : value, `header ${name}`);
  }
  for (const text of expect.bodyLacks || []) assert.ok(!res.body.includes(text), `the body must not hold ${JSON.stringify(text)}`);
  if (expect.logged) {
    assert.match(log.text(), expect.logged, 'the log says why');
    assert.ok(log.text().includes(res.headers['x-request-id']), 'the log line carries the request id');
  }
}

before(async () => {
  const projectRequire = createRequire(path.join(PROJECT_DIR, 'package.json'));
  jose = await import(pathToFileURL(projectRequire.resolve('jose')).href);
  await makeKeys();
  server = await startJwksServer();
});

after(() => new Promise((resolve) => server.close(resolve)));

describe(`driver ${TARGET}`, () => {
  it('declares how its platform hands over paths and its variants', () => {
    assert.ok(['raw', 'url'].includes(driver.paths), `paths: ${driver.paths}`);
    assert.ok(Array.isArray(driver.variants) && driver.variants.length > 0, 'variants');
    assert.equal(typeof driver.load, 'function');
  });
});

for (const variant of driver.variants) {
  describe(`${TARGET} [${variant}]: the behaviour table`, () => {
    let call;
    before(async () => {
      call = await driver.load(PROJECT_DIR, { settings: SETTINGS.good(), variant });
    });

    for (const row of rows(ROWS)) {
      const expect = row.expect || row.expectByPaths[driver.paths];
      it(`${row.what} -> ${expect.status}`, async () => {
        log.clear();
        const res = await send(call, row.req);
        assertEveryResponse(res, row.req, expect);
        assertRow(res, expect);
      });
    }

    it('the JWKS was fetched, and not once per request', () => {
      assert.ok(jwksHits >= 1, 'the JWKS server was asked');
      assert.ok(jwksHits <= 3 * driver.variants.length, `JWKS fetched ${jwksHits} times`);
    });
  });
}

// The driver check, and the JWKS check once per variant; rows(ROWS) counts the table, once per variant.
plan(1 + driver.variants.length);
