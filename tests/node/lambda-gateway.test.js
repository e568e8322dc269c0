// The aws-lambda target with `auth.provider: api-gateway-jwt` (specs/lambda-gateway.yaml): API Gateway's
// JWT authorizer has verified the token; the function gets its claims in
// event.requestContext.authorizer.jwt.claims, every value a string (arrays in API Gateway's
// `[a b]` form), and must turn them into the user, refuse requests without them on protected
// operations (a route that lost its authorizer fails closed), and check expiry and roles.
//
//   PROJECT_DIR=/path/to/project node --test tests/node/lambda-gateway.test.js
//
// PROJECT_DIR: a project generated from specs/lambda-gateway.yaml with tests/node/overlay-gateway/
// copied over src/methods/ (tests/targets_node.rs does it). Requests go through the aws-lambda
// driver (tests/node/drivers/aws-lambda.js), in both of its stage variants. Only node: modules.
'use strict';

const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const { DEFAULT_SECURITY_HEADERS, captureConsoleError } = require('./lib/netlify.js');
const driver = require('./drivers/aws-lambda.js');
const { rows, plan } = require('./lib/plan.js');

const PROJECT_DIR = process.env.PROJECT_DIR;
if (!PROJECT_DIR) throw new Error('set PROJECT_DIR to a project generated from specs/lambda-gateway.yaml with tests/node/overlay-gateway/');

const SECURITY_HEADERS = Object.fromEntries(Object.entries(DEFAULT_SECURITY_HEADERS).map(([k, v]) => [k.toLowerCase(), v]));
const SHOP = 'https://shop.example.com';
const ISSUER = 'https://issuer.example.test/';

// ---- Claims as API Gateway hands them over: strings only ----

const now = () => Math.floor(Date.now() / 1000);

/** Claims of a verified token, changed by `changes` (undefined drops a claim). */
function claims(changes = {}) {
  const out = {
    aud: 'inventory-api',
    email: 'sam@example.test',
    exp: String(now() + 300),
    iat: String(now()),
    iss: ISSUER,
    roles: '[staff]',
    scope: 'openid email',
    sub: 'staff-1',
    token_use: 'access',
    ...changes,
  };
  for (const [key, value] of Object.entries(out)) if (value === undefined) delete out[key];
  return out;
}

const CLAIMS = {
  staff: () => claims(),
  admin: () => claims({ sub: 'admin-1', email: 'ada@example.test', roles: '[staff admin]' }),
  'admin (JSON array string)': () => claims({ sub: 'admin-2', roles: '["admin"]' }),
  'admin (a single string)': () => claims({ sub: 'admin-3', roles: 'admin' }),
  'no roles claim': () => claims({ roles: undefined }),
  'empty roles': () => claims({ roles: '[]' }),
  expired: () => claims({ exp: String(now() - 5), iat: String(now() - 305) }),
  'no exp': () => claims({ exp: undefined }),
  'a non-numeric exp': () => claims({ exp: 'soon' }),
  'no sub': () => claims({ sub: undefined }),
  'an empty sub': () => claims({ sub: '' }),
};

// ---- The table ----
// req: method, path, claims (a CLAIMS name), json, headers, origin, preflight
// expect: status, json (exact), empty, headers ({ name: value | ABSENT }), cors ('allowed' | 'none')

const ABSENT = Symbol('absent');
const UNAUTHORIZED = { status: 401, json: { error: 'unauthorized' }, headers: { 'www-authenticate': 'Bearer' } };
const FORBIDDEN = { status: 403, json: { error: 'forbidden' }, headers: { 'www-authenticate': ABSENT } };
const ITEM = { sku: 'A-1', quantity: 3 };
const STAFF_USER = { id: 'staff-1', email: 'sam@example.test', roles: ['staff'] };
const ok = (status, op, user, params = {}, body = null) => ({ status, json: { op, user, params, body } });

const ROWS = [
  // -- Public operations: no claims needed (template.yaml gives them no authorizer) --
  { what: 'public list without claims', req: { path: '/api/items' }, expect: ok(200, 'itemsList', null) },
  { what: 'public read without claims', req: { path: '/api/items/i-1' }, expect: ok(200, 'itemsRead', null, { id: 'i-1' }) },
  { what: 'public health without claims', req: { path: '/api/health' }, expect: ok(200, 'health', null) },
  { what: 'public list with claims gets the user', req: { path: '/api/items', claims: 'staff' }, expect: ok(200, 'itemsList', STAFF_USER) },

  // -- Protected operations without claims: 401, even with an Authorization header (never verified here) --
  { what: 'create without claims', req: { method: 'POST', path: '/api/items', json: ITEM }, expect: UNAUTHORIZED },
  { what: 'update without claims', req: { method: 'PUT', path: '/api/items/i-1', json: ITEM }, expect: UNAUTHORIZED },
  { what: 'delete without claims', req: { method: 'DELETE', path: '/api/items/i-1' }, expect: UNAUTHORIZED },
  { what: 'delete with a Bearer header but no claims (a route without its authorizer)', req: { method: 'DELETE', path: '/api/items/i-1', headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiIsInJvbGVzIjpbImFkbWluIl19.' } }, expect: UNAUTHORIZED },

  // -- Claims -> user, roles --
  { what: 'create by staff', req: { method: 'POST', path: '/api/items', claims: 'staff', json: ITEM }, expect: ok(201, 'itemsCreate', STAFF_USER, {}, ITEM) },
  { what: 'update by staff', req: { method: 'PUT', path: '/api/items/i-9', claims: 'staff', json: ITEM }, expect: ok(200, 'itemsUpdate', STAFF_USER, { id: 'i-9' }, ITEM) },
  { what: 'delete by staff (admin only)', req: { method: 'DELETE', path: '/api/items/i-1', claims: 'staff' }, expect: FORBIDDEN },
  { what: 'delete by an admin, roles "[staff admin]"', req: { method: 'DELETE', path: '/api/items/i-1', claims: 'admin' }, expect: { status: 204, empty: true } },
  { what: 'delete by an admin, roles \'["admin"]\'', req: { method: 'DELETE', path: '/api/items/i-1', claims: 'admin (JSON array string)' }, expect: { status: 204, empty: true } },
  { what: 'delete by an admin, roles "admin"', req: { method: 'DELETE', path: '/api/items/i-1', claims: 'admin (a single string)' }, expect: { status: 204, empty: true } },
  { what: 'create without a roles claim', req: { method: 'POST', path: '/api/items', claims: 'no roles claim', json: ITEM }, expect: FORBIDDEN },
  { what: 'create with roles "[]"', req: { method: 'POST', path: '/api/items', claims: 'empty roles', json: ITEM }, expect: FORBIDDEN },

  // -- Claims that make no user: 401 --
  ...['expired', 'no exp', 'a non-numeric exp', 'no sub', 'an empty sub'].map((name) => (
    { what: `create with claims with ${name}`, req: { method: 'POST', path: '/api/items', claims: name, json: ITEM }, expect: UNAUTHORIZED })),
  { what: 'expired claims on a public route: no user, still 200', req: { path: '/api/items/i-2', claims: 'expired' }, expect: ok(200, 'itemsRead', null, { id: 'i-2' }) },

  // -- The rest of the dispatcher, with claims --
  { what: '422 after the role check', req: { method: 'POST', path: '/api/items', claims: 'staff', json: { sku: '' } }, expect: { status: 422, json: { error: 'validation_failed', problems: [{ field: 'quantity', problem: 'required' }, { field: 'sku', problem: 'at least 1 character' }] } } },
  { what: '405 + Allow', req: { method: 'PATCH', path: '/api/items', claims: 'staff' }, expect: { status: 405, json: { error: 'method_not_allowed' }, headers: { allow: 'GET, POST, OPTIONS' } } },
  { what: 'preflight from the allowed origin, no claims', req: { method: 'OPTIONS', path: '/api/items/i-1', origin: SHOP, preflight: 'DELETE' }, expect: { status: 204, empty: true, cors: 'preflight', headers: { allow: 'GET, PUT, DELETE, OPTIONS', 'access-control-allow-methods': 'GET, PUT, DELETE' } } },
  { what: 'an allowed origin on a 401', req: { method: 'POST', path: '/api/items', origin: SHOP, json: ITEM }, expect: { ...UNAUTHORIZED, cors: 'simple' } },
  { what: 'another origin: no Access-Control-*', req: { path: '/api/items', origin: 'https://evil.example.com' }, expect: ok(200, 'itemsList', null) },
];

const log = captureConsoleError();

function assertResponse(res, req, expect) {
  assert.equal(res.status, expect.status, `status (body: ${res.body}; log: ${log.text()})`);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.equal(res.headers[name], value, `security header ${name}`);
  assert.equal(res.headers['x-request-id'], res.platformRequestId, 'X-Request-Id is the Lambda request id');
  assert.equal(res.headers.vary, 'Origin');
  if (expect.json !== undefined) assert.deepEqual(JSON.parse(res.body), expect.json);
  if (expect.empty) assert.equal(res.body, '');
  for (const [name, value] of Object.entries(expect.headers || {})) {
    assert.equal(res.headers[name], value === ABSENT ? undefined : value, `header ${name}`);
  }
  const cors = Object.keys(res.headers).filter((name) => name.startsWith('access-control-')).sort();
  const want = {
    undefined: [],
    simple: ['access-control-allow-origin', 'access-control-expose-headers'],
    preflight: ['access-control-allow-headers', 'access-control-allow-methods', 'access-control-allow-origin', 'access-control-expose-headers', 'access-control-max-age'],
  }[expect.cors];
  assert.deepEqual(cors, want, 'the Access-Control-* headers (no credentials: none of Allow-Credentials)');
  if (expect.cors) assert.equal(res.headers['access-control-allow-origin'], SHOP);
}

for (const variant of driver.variants) {
  describe(`aws-lambda api-gateway-jwt [${variant}]`, () => {
    let call;
    before(async () => {
      // No JWT_* settings: the function verifies nothing itself.
      call = await driver.load(PROJECT_DIR, { variant });
    });
    for (const row of rows(ROWS)) {
      it(`${row.what} -> ${row.expect.status}`, async () => {
        log.clear();
        const { req } = row;
        const headers = { ...(req.headers || {}) };
        if (req.origin) headers.origin = req.origin;
        if (req.preflight) headers['access-control-request-method'] = req.preflight;
        let body;
        if (req.json !== undefined) {
          body = JSON.stringify(req.json);
          headers['content-type'] = 'application/json';
        }
        const res = await call({
          method: req.method || 'GET',
          path: req.path,
          headers,
          body,
          claims: req.claims === undefined ? undefined : CLAIMS[req.claims](),
        });
        assertResponse(res, req, row.expect);
      });
    }
  });
}

// No test written out one by one: rows(ROWS) counts the table, once per variant.
plan(0);
