// Node-level tests of the generated Netlify dispatcher of a project generated from
// specs/jwt-cors.yaml (auth: jwt with jose against a JWKS; cors: two exact origins with credentials;
// limits.body_bytes: 4096), with tests/node/overlay-jwt/ copied over it and <project>/node_modules
// linked to an install of jose (tests/node/install-jose.sh).
//
//   PROJECT_DIR=/path/to/generated/project node --test tests/node/netlify-jwt-cors.test.js
//
// tests/node_dispatcher.rs does the installing, generating, copying, linking and running.
// The test makes its own keys (node:crypto: RSA and P-256), serves them as a JWKS from an HTTP
// server on 127.0.0.1 (random port), and sets JWT_ISSUER / JWT_AUDIENCE / JWT_JWKS_URL before it
// loads api.js. Good tokens are minted with jose's SignJWT; malicious ones by hand. The fail-closed
// cases (no configuration, JWKS unreachable) run api.js in child processes.
'use strict';

const { describe, it, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const http = require('node:http');
const path = require('node:path');
const { rows, plan } = require('./lib/plan.js');
const { createRequire } = require('node:module');
const { pathToFileURL } = require('node:url');
const { spawnSync, execFile } = require('node:child_process');
const {
  DEFAULT_SECURITY_HEADERS,
  netlifyEvent,
  headerValues,
  header,
  headersStartingWith,
  assertJson,
  assertNoContent,
  assertSecurityHeaders,
  assertV1Result,
  paddedJson,
  captureConsoleError,
} = require('./lib/netlify.js');

const PROJECT_DIR = process.env.PROJECT_DIR;
if (!PROJECT_DIR) {
  throw new Error('set PROJECT_DIR to a project generated from specs/jwt-cors.yaml with tests/node/overlay-jwt/ copied over it and node_modules/jose installed');
}
const API = path.join(PROJECT_DIR, 'netlify/functions/api.js');
// jose as the project resolves it (<project>/node_modules -> the cached install).
const projectRequire = createRequire(path.join(PROJECT_DIR, 'package.json'));

// ---- What every response must carry (hard-coded: jwt-cors.yaml does not override headers). ----

const SECURITY_HEADERS = DEFAULT_SECURITY_HEADERS;
const ABSENT_HEADERS = ['Server', 'X-Powered-By', 'X-Robots-Tag'];

// jwt-cors.yaml's cors.origins, and the fixed values the dispatcher sends.
const ALLOWED_ORIGINS = ['https://app.example.com', 'http://localhost:5173'];
const ALLOW_HEADERS = 'Authorization, Content-Type';
const MAX_AGE = '600';

const ISSUER = 'https://issuer.example.test/';
const AUDIENCE = 'notes-api';
const SKEW = 30; // seconds, as the generated auth.js documents

// ---- Keys, JWKS server, jose ----

let jose;
let handler;
let jwksServer;
let jwksUrl;
// Requests to the JWKS server, by who asked: this process (`jwks`), child processes (`child`,
// their URL has ?from=child), the attacker's key set (`evil`), the broken endpoints (`broken`).
const jwksHits = { jwks: 0, child: 0, evil: 0, broken: 0 };
const KEYS = {};

function makeKeys() {
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rogue = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rogueEc = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  KEYS.rsa = { ...rsa, kid: 'rsa-1' };
  KEYS.ec = { ...ec, kid: 'ec-1' };
  KEYS.rogue = { ...rogue, kid: 'rogue-1' };
  KEYS.rogueEc = rogueEc;
  KEYS.jwks = {
    keys: [
      // No `alg` on the RSA key (many issuers leave it out): jose's key selection then does not
      // pin the algorithm, so only the dispatcher's allowed list refuses RS512 or PS256 with it.
      { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', use: 'sig' },
      { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ],
  };
}

function startJwksServer() {
  const server = http.createServer((req, res) => {
    const send = (status, type, text) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'max-age=300' });
      res.end(text);
    };
    if (req.url === '/.well-known/jwks.json' || req.url === '/.well-known/jwks.json?from=child') {
      jwksHits[req.url.endsWith('child') ? 'child' : 'jwks'] += 1;
      send(200, 'application/json', JSON.stringify(KEYS.jwks));
    } else if (req.url === '/evil/jwks.json') {
      jwksHits.evil += 1;
      send(200, 'application/json', JSON.stringify({ keys: [{ ...KEYS.rogue.publicKey.export({ format: 'jwk' }), kid: 'rogue-1' }] }));
    } else if (req.url === '/broken/503') {
      jwksHits.broken += 1;
      send(503, 'text/plain', 'unavailable');
    } else if (req.url === '/broken/html') {
      jwksHits.broken += 1;
      send(200, 'text/html', '<html>not a key set</html>');
    } else {
      send(404, 'text/plain', 'not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const base = () => `http://127.0.0.1:${jwksServer.address().port}`;

before(async () => {
  jose = await import(pathToFileURL(projectRequire.resolve('jose')).href);
  makeKeys();
  jwksServer = await startJwksServer();
  jwksUrl = `${base()}/.well-known/jwks.json`;
  // The generated auth.js reads its configuration when it is loaded: set it first.
  process.env.JWT_ISSUER = ISSUER;
  process.env.JWT_AUDIENCE = AUDIENCE;
  process.env.JWT_JWKS_URL = jwksUrl;
  ({ handler } = require(API));
});

after(() => new Promise((resolve) => jwksServer.close(resolve)));

const log = captureConsoleError();
afterEach(() => log.clear());

// ---- Tokens ----

const now = () => Math.floor(Date.now() / 1000);

/** Good claims, changed by `changes` (a key set to undefined is left out). */
function claims(changes = {}) {
  const out = {
    sub: 'user-42',
    email: 'ada@example.test',
    iss: ISSUER,
    aud: AUDIENCE,
    iat: now(),
    exp: now() + 300,
    app_metadata: { roles: ['member'] },
    ...changes,
  };
  for (const [key, value] of Object.entries(out)) if (value === undefined) delete out[key];
  return out;
}

/** A token signed by jose. `key`: KEYS.rsa / KEYS.ec / KEYS.rogue (its kid is used unless `kid`). */
function mint(payload = claims(), { alg = 'RS256', key = KEYS.rsa, kid = key.kid, header = {} } = {}) {
  return new jose.SignJWT(payload)
    .setProtectedHeader({ alg, typ: 'JWT', ...(kid === undefined ? {} : { kid }), ...header })
    .sign(key.privateKey);
}

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A token built by hand: header and payload as given, `sign(input)` gives the signature (base64url). */
function handmade(headerJson, payload, sign = () => '') {
  const input = `${b64url(headerJson)}.${b64url(payload)}`;
  return `${input}.${sign(input)}`;
}

// ---- Requests ----

// The recorded event each method starts from. The Identity fixtures keep their
// context.clientContext.user (an admin): the jwt provider must ignore it.
const FIXTURE_FOR = {
  GET: 'get-read-identity-user',
  DELETE: 'delete-direct-function-path',
  POST: 'post-json-identity-user',
  PUT: 'put-octet-stream',
  PATCH: 'post-json-identity-user',
  OPTIONS: 'options-preflight',
};

/**
 * `{ event, context }` for one request:
 *   token          sent as `Authorization: Bearer <token>`; `authorization` sends a raw header;
 *                  neither: no Authorization header at all
 *   origin, acrm   Origin and Access-Control-Request-Method (absent unless given)
 *   body, base64, query, headers   as in netlifyEvent; `json` is a body sent as application/json
 */
function jwtEvent({ method = 'GET', path: p, token, authorization, origin, acrm, body, json, base64, query = {}, headers = {} }) {
  const name = FIXTURE_FOR[method.toUpperCase()] || 'get-read-identity-user';
  let sentBody = body;
  const extra = {};
  if (json !== undefined) {
    sentBody = JSON.stringify(json);
    extra['content-type'] = 'application/json';
  }
  return netlifyEvent(name, {
    method,
    path: p,
    query,
    body: sentBody,
    base64,
    headers: {
      authorization: authorization !== undefined ? authorization : token !== undefined ? `Bearer ${token}` : undefined,
      origin,
      'access-control-request-method': acrm,
      ...extra,
      ...headers,
    },
  });
}

async function call(options) {
  const { event, context } = jwtEvent(options);
  const res = await handler(event, context);
  assertV1Result(res);
  assertSecurityHeaders(res, SECURITY_HEADERS, ABSENT_HEADERS);
  assertNeverWildcard(res);
  return res;
}

function assertNeverWildcard(res) {
  for (const [name, values] of Object.entries(headersStartingWith(res, 'access-control-'))) {
    for (const value of values) {
      assert.ok(!/(^|[\s,])(\*|null)($|[\s,])/.test(value), `${name}: ${JSON.stringify(value)} (never * or null)`);
    }
  }
}

/**
 * The exact Access-Control-* set and Vary of a response: Vary: Origin always; for an allowed
 * origin, Allow-Origin (that origin), Allow-Credentials, Expose-Headers, plus `preflight` extras.
 */
function assertCors(res, origin, { preflight } = {}) {
  const allowed = ALLOWED_ORIGINS.includes(origin);
  const expected = {};
  if (allowed) {
    expected['access-control-allow-origin'] = [origin];
    expected['access-control-allow-credentials'] = ['true'];
    expected['access-control-expose-headers'] = ['X-Request-Id'];
    if (preflight) {
      expected['access-control-allow-methods'] = [preflight];
      expected['access-control-allow-headers'] = [ALLOW_HEADERS];
      expected['access-control-max-age'] = [MAX_AGE];
    }
  }
  assert.deepEqual(headersStartingWith(res, 'access-control-'), expected, `Access-Control-* for Origin ${JSON.stringify(origin)}`);
  assert.deepEqual(headerValues(res, 'Vary'), ['Origin'], 'Vary: Origin, exactly once');
}

function assertUnauthorized(res) {
  assertJson(res, 401, { error: 'unauthorized' });
  assert.equal(header(res, 'WWW-Authenticate'), 'Bearer');
}

const FORBIDDEN = { error: 'forbidden' };
const invalid = (...problems) => ({ error: 'validation_failed', problems });
const NOTE = Object.freeze({ text: 'Buy milk' });

// ---------------------------------------------------------------------------------------------

describe('JWT: accepted tokens', () => {
  it('a valid RS256 token: user.id is sub, roles from app_metadata.roles, email', async () => {
    const token = await mint(claims({ app_metadata: { roles: ['member', 'editor'] } }));
    const res = await call({ path: '/api/notes', token });
    assertJson(res, 200, { id: 'user-42', email: 'ada@example.test', roles: ['member', 'editor'], iss: ISSUER });
    assert.equal(header(res, 'WWW-Authenticate'), undefined);
  });

  it('a valid ES256 token (P-256 key from the same JWKS)', async () => {
    const token = await mint(claims({ sub: 'ec-user', email: undefined, app_metadata: { roles: ['admin'] } }), { alg: 'ES256', key: KEYS.ec });
    assertJson(await call({ path: '/api/notes', token }), 200, { id: 'ec-user', email: null, roles: ['admin'], iss: ISSUER });
  });

  it('the handler gets the user, params and body (share-note overlay)', async () => {
    const token = await mint();
    const res = await call({ method: 'POST', path: '/api/notes/n-7/share', token, json: { to: 'bob' }, query: { via: 'mail' } });
    const json = assertJson(res, 200, {
      user: { id: 'user-42', email: 'ada@example.test', roles: ['member'] },
      params: { id: 'n-7' },
      query: { via: 'mail' },
      body: { to: 'bob' },
      requestId: header(res, 'X-Request-Id'),
    });
    assert.equal(json.requestId, '01M8999RZE25BZKS9XNQVVFZEY');
  });

  it('expired 10 s ago (inside the 30 s clock skew) is accepted', async () => {
    const token = await mint(claims({ exp: now() - 10, iat: now() - 310 }));
    assert.equal((await call({ path: '/api/notes', token })).statusCode, 200);
  });

  it('nbf 10 s in the future (inside the skew) is accepted', async () => {
    const token = await mint(claims({ nbf: now() + 10 }));
    assert.equal((await call({ path: '/api/notes', token })).statusCode, 200);
  });

  it('aud as an array that contains the audience is accepted', async () => {
    const token = await mint(claims({ aud: ['other-api', AUDIENCE] }));
    assert.equal((await call({ path: '/api/notes', token })).statusCode, 200);
  });

  it('no roles claim, or roles that are not an array of strings, give roles []', async () => {
    for (const appMetadata of [undefined, {}, { roles: 'admin' }, { roles: null }]) {
      const token = await mint(claims({ app_metadata: appMetadata }));
      assertJson(await call({ path: '/api/notes', token }), 200, { id: 'user-42', email: 'ada@example.test', roles: [], iss: ISSUER });
    }
    const mixed = await mint(claims({ app_metadata: { roles: ['a', 1, null, 'b'] } }));
    assertJson(await call({ path: '/api/notes', token: mixed }), 200, { id: 'user-42', email: 'ada@example.test', roles: ['a', 'b'], iss: ISSUER });
  });

  it('a token signed by hand (the helper the malicious cases use) is accepted when it is well-formed', async () => {
    const rs = handmade({ alg: 'RS256', kid: 'rsa-1' }, claims({ sub: 'by-hand' }),
      (input) => crypto.sign('sha256', Buffer.from(input), KEYS.rsa.privateKey).toString('base64url'));
    assert.equal(JSON.parse((await call({ path: '/api/notes', token: rs })).body).id, 'by-hand');
    const es = handmade({ alg: 'ES256', kid: 'ec-1' }, claims({ sub: 'by-hand-ec' }),
      (input) => crypto.sign('sha256', Buffer.from(input), { key: KEYS.ec.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url'));
    assert.equal(JSON.parse((await call({ path: '/api/notes', token: es })).body).id, 'by-hand-ec');
  });

  it('a public route with a valid token gets the user', async () => {
    assertJson(await call({ path: '/api/stats', token: await mint() }), 200, { userId: 'user-42' });
  });
});

describe('JWT: refused tokens are 401 with WWW-Authenticate: Bearer', () => {
  // Each entry: [what, async () => Authorization header value].
  const cases = [
    ['no Authorization header', async () => undefined],
    ['expired 120 s ago (beyond the 30 s skew)', async () => `Bearer ${await mint(claims({ exp: now() - 120, iat: now() - 600 }))}`],
    ['expired 31+ s ago, just beyond the skew', async () => `Bearer ${await mint(claims({ exp: now() - SKEW - 5 }))}`],
    ['not yet valid: nbf 120 s in the future', async () => `Bearer ${await mint(claims({ nbf: now() + 120 }))}`],
    ['wrong issuer', async () => `Bearer ${await mint(claims({ iss: 'https://evil.example.test/' }))}`],
    ['issuer without the trailing slash', async () => `Bearer ${await mint(claims({ iss: ISSUER.slice(0, -1) }))}`],
    ['no issuer', async () => `Bearer ${await mint(claims({ iss: undefined }))}`],
    ['wrong audience', async () => `Bearer ${await mint(claims({ aud: 'other-api' }))}`],
    ['no audience', async () => `Bearer ${await mint(claims({ aud: undefined }))}`],
    ['missing sub', async () => `Bearer ${await mint(claims({ sub: undefined }))}`],
    ['empty sub', async () => `Bearer ${await mint(claims({ sub: '' }))}`],
    ['a numeric sub', async () => `Bearer ${await mint(claims({ sub: 42 }))}`],
    ['missing exp', async () => `Bearer ${await mint(claims({ exp: undefined }))}`],
    ['exp as a string', async () => `Bearer ${await mint(claims({ exp: String(now() + 300) }))}`],
    ['alg none, no signature', async () => `Bearer ${handmade({ alg: 'none', typ: 'JWT' }, claims())}`],
    ['alg none with the kid of a real key', async () => `Bearer ${handmade({ alg: 'none', kid: 'rsa-1' }, claims())}`],
    ['HS256 signed with the RSA public key PEM as the secret (key confusion)', async () => {
      const secret = KEYS.rsa.publicKey.export({ type: 'spki', format: 'pem' });
      return `Bearer ${handmade({ alg: 'HS256', typ: 'JWT', kid: 'rsa-1' }, claims(), (input) => crypto.createHmac('sha256', secret).update(input).digest('base64url'))}`;
    }],
    ['HS256 signed with the public JWK JSON as the secret', async () => {
      const secret = JSON.stringify(KEYS.jwks.keys[0]);
      return `Bearer ${handmade({ alg: 'HS256', kid: 'rsa-1' }, claims(), (input) => crypto.createHmac('sha256', secret).update(input).digest('base64url'))}`;
    }],
    ['RS512 (a real signature by the JWKS key, but not an allowed algorithm)', async () => `Bearer ${await mint(claims(), { alg: 'RS512' })}`],
    ['PS256 (not an allowed algorithm)', async () => `Bearer ${await mint(claims(), { alg: 'PS256' })}`],
    ['a kid not in the JWKS (signed by a key the issuer never published)', async () => `Bearer ${await mint(claims(), { key: KEYS.rogue })}`],
    ['no kid, signed by an unknown key', async () => `Bearer ${await mint(claims(), { key: KEYS.rogue, kid: undefined })}`],
    ['the kid of the RSA key, signed by another RSA key', async () => `Bearer ${await mint(claims(), { key: KEYS.rogue, kid: 'rsa-1' })}`],
    ['the kid of the EC key, signed by another EC key', async () => `Bearer ${await mint(claims(), { alg: 'ES256', key: { privateKey: KEYS.rogueEc.privateKey }, kid: 'ec-1' })}`],
    ['ES256 with the kid of the RSA key', async () => `Bearer ${await mint(claims(), { alg: 'ES256', key: KEYS.ec, kid: 'rsa-1' })}`],
    ['an embedded jwk header with an attacker key', async () => {
      const jwk = KEYS.rogue.publicKey.export({ format: 'jwk' });
      return `Bearer ${await mint(claims(), { key: KEYS.rogue, kid: 'rogue-1', header: { jwk } })}`;
    }],
    ['a jku header pointing at an attacker JWKS', async () => `Bearer ${await mint(claims(), { key: KEYS.rogue, header: { jku: `${base()}/evil/jwks.json` } })}`],
    // jose will not sign this one itself: by hand, a correct RS256 signature by the published key.
    ['an unknown critical header (correctly signed by the published key)', async () => `Bearer ${handmade(
      { alg: 'RS256', kid: 'rsa-1', crit: ['x-must'], 'x-must': 1 }, claims(),
      (input) => crypto.sign('sha256', Buffer.from(input), KEYS.rsa.privateKey).toString('base64url'),
    )}`],
    ['a tampered payload (sub and roles changed, signature kept)', async () => {
      const [h, , s] = (await mint()).split('.');
      return `Bearer ${h}.${b64url(claims({ sub: 'admin', app_metadata: { roles: ['admin'] } }))}.${s}`;
    }],
    ['a tampered header (kid switched, signature kept)', async () => {
      const [, p, s] = (await mint()).split('.');
      return `Bearer ${b64url({ alg: 'ES256', kid: 'ec-1' })}.${p}.${s}`;
    }],
    ['the signature cut off', async () => {
      const [h, p] = (await mint()).split('.');
      return `Bearer ${h}.${p}.`;
    }],
    ['the signature of another valid token', async () => {
      const [h, p] = (await mint(claims({ sub: 'admin' }))).split('.');
      const [, , s] = (await mint()).split('.');
      return `Bearer ${h}.${p}.${s}`;
    }],
    ['garbage', async () => 'Bearer garbage'],
    ['three garbage parts', async () => 'Bearer a.b.c'],
    ['a payload that is not JSON', async () => `Bearer ${b64url({ alg: 'RS256', kid: 'rsa-1' })}.${b64url('not json')}.c2ln`],
    ['a header that is not JSON', async () => `Bearer ${b64url('nope')}.${b64url(claims())}.c2ln`],
    ['two parts', async () => `Bearer ${(await mint()).split('.').slice(0, 2).join('.')}`],
    ['four parts', async () => `Bearer ${await mint()}.x`],
    ['an empty token', async () => 'Bearer '],
    ['the scheme alone', async () => 'Bearer'],
    ['lower-case bearer scheme', async () => `bearer ${await mint()}`],
    ['upper-case BEARER scheme', async () => `BEARER ${await mint()}`],
    ['two spaces after the scheme', async () => `Bearer  ${await mint()}`],
    ['a trailing space', async () => `Bearer ${await mint()} `],
    ['no scheme', async () => `${await mint()}`],
    ['Basic credentials', async () => `Basic ${Buffer.from('ada:secret').toString('base64')}`],
    ['the fixtures\' Netlify Identity style token (HS256, fake signature)', async () => 'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI2YTFiMmMzZC11c2VyIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2ln'],
  ];
  for (const [what, authorization] of rows(cases)) {
    it(what, async () => {
      const value = await authorization();
      const res = await call({ path: '/api/notes', authorization: value });
      assertUnauthorized(res);
      // The same token on a public route is no user at all, not an error.
      assertJson(await call({ path: '/api/stats', authorization: value }), 200, { userId: null });
    });
  }

  it('the attacker JWKS named in a jku header was never fetched', () => {
    assert.equal(jwksHits.evil, 0);
  });

  it('Netlify Identity claims in context.clientContext.user do not sign anyone in', async () => {
    const { event, context } = jwtEvent({ method: 'DELETE', path: '/api/notes/n-1' });
    assert.equal(context.clientContext.user.app_metadata.roles[0], 'admin', 'the fixture carries admin claims');
    const res = await handler(event, context);
    assertUnauthorized(res);
  });

  it('a token in the query string or the body does not sign anyone in', async () => {
    const token = await mint();
    assertUnauthorized(await call({ path: '/api/notes', query: { access_token: token, token } }));
    assertUnauthorized(await call({ method: 'POST', path: '/api/notes', json: { text: token, access_token: token } }));
  });
});

describe('JWT: 403 forbidden (DELETE /api/notes/{id} needs the admin role in app_metadata.roles)', () => {
  it('admin in app_metadata.roles: the handler runs (204)', async () => {
    const token = await mint(claims({ app_metadata: { roles: ['member', 'admin'] } }));
    assertNoContent(await call({ method: 'DELETE', path: '/api/notes/n-1', token }));
  });

  it('other roles, no roles, or admin outside app_metadata.roles: 403 without WWW-Authenticate', async () => {
    const variants = [
      claims({ app_metadata: { roles: [] } }),
      claims({ app_metadata: { roles: ['editor', 'member'] } }),
      claims({ app_metadata: { roles: ['Admin'] } }),
      claims({ app_metadata: { roles: 'admin' } }),
      claims({ app_metadata: undefined, roles: ['admin'] }),
      claims({ app_metadata: { role: 'admin' }, user_metadata: { roles: ['admin'] } }),
      claims({ 'app_metadata.roles': ['admin'], app_metadata: undefined }),
    ];
    for (const payload of variants) {
      const res = await call({ method: 'DELETE', path: '/api/notes/n-1', token: await mint(payload) });
      assertJson(res, 403, FORBIDDEN);
      assert.equal(header(res, 'WWW-Authenticate'), undefined);
    }
  });

  it('an invalid token on the admin route is 401, not 403', async () => {
    assertUnauthorized(await call({ method: 'DELETE', path: '/api/notes/n-1', token: await mint(claims({ app_metadata: { roles: ['admin'] }, aud: 'x' })) }));
  });
});

describe('JWT: the body rules on this project (limit 4096 bytes, notes fields)', () => {
  it('a note padded to exactly 4096 bytes is created; 4097 bytes is 413', async () => {
    const token = await mint();
    const send = (body) => call({ method: 'POST', path: '/api/notes', token, body, headers: { 'content-type': 'application/json' } });
    assertJson(await send(paddedJson(NOTE, 4096)), 201, { id: 'n-1', owner: 'user-42', note: NOTE });
    assertJson(await send(paddedJson(NOTE, 4097)), 413, { error: 'payload_too_large' });
  });

  it('422 with the exact problems for each kind (text 1..500 required, stars integer 1..5, pinned boolean, labels array of string ..5, weight number >= 0)', async () => {
    const token = await mint();
    const p = (field, problem) => ({ field, problem });
    const cases = [
      [{}, [p('text', 'required')]],
      [[NOTE], [p('', 'expected a JSON object')]],
      [{ ...NOTE, pinned: 'yes' }, [p('pinned', 'expected true or false')]],
      [{ ...NOTE, pinned: 1 }, [p('pinned', 'expected true or false')]],
      [{ ...NOTE, stars: 0 }, [p('stars', 'at least 1')]],
      [{ ...NOTE, stars: 2.5 }, [p('stars', 'expected an integer')]],
      [{ ...NOTE, weight: -1 }, [p('weight', 'at least 0')]],
      [{ ...NOTE, weight: '1' }, [p('weight', 'expected a number')]],
      [{ ...NOTE, labels: ['a', 'b', 'c', 'd', 'e', 'f'] }, [p('labels', 'at most 5 items')]],
      [{ ...NOTE, labels: [true] }, [p('labels[0]', 'expected a string')]],
      [{ text: '' }, [p('text', 'at least 1 character')]],
      [{ text: 'x'.repeat(501) }, [p('text', 'at most 500 characters')]],
      [{ text: 'x', owner: 'mallory' }, [p('owner', 'unknown field')]],
      [{ stars: 9, pinned: 'no', text: 5 }, [p('pinned', 'expected true or false'), p('stars', 'at most 5'), p('text', 'expected a string')]],
    ];
    for (const [body, problems] of cases) {
      assertJson(await call({ method: 'POST', path: '/api/notes', token, json: body }), 422, invalid(...problems));
    }
    const full = { text: 'x'.repeat(500), stars: 5, pinned: false, labels: ['a', 'b', 'c', 'd', 'e'], weight: 0 };
    assertJson(await call({ method: 'POST', path: '/api/notes', token, json: full }), 201, { id: 'n-1', owner: 'user-42', note: full });
  });

  it('validation comes after auth: an invalid body without a token is 401', async () => {
    assertUnauthorized(await call({ method: 'POST', path: '/api/notes', json: {} }));
  });
});

// ---- CORS ----

const ORIGINS = [
  ['allowed', 'https://app.example.com'],
  ['the second allowed', 'http://localhost:5173'],
  ['disallowed', 'https://evil.example.com'],
  ['a look-alike suffix', 'https://app.example.com.evil.test'],
  ['a look-alike prefix', 'https://evilapp.example.com'],
  ['another scheme', 'http://app.example.com'],
  ['another port', 'https://app.example.com:8443'],
  ['upper case', 'HTTPS://APP.EXAMPLE.COM'],
  ['a trailing slash', 'https://app.example.com/'],
  ['two origins', 'https://app.example.com http://localhost:5173'],
  ['"null"', 'null'],
  ['"*"', '*'],
  ['no', undefined],
];

describe('CORS on every kind of response (exact Access-Control-* set, Vary: Origin)', () => {
  // [what, request options (a function: tokens are minted per call), expected status]
  const responses = [
    ['200 from a public route whose handler tries to set CORS and Vary itself', async () => ({ path: '/api/stats' }), 200],
    ['201 from a handler', async () => ({ method: 'POST', path: '/api/notes', token: await mint(), json: NOTE }), 201],
    ['204 from a handler', async () => ({ method: 'DELETE', path: '/api/notes/n-1', token: await mint(claims({ app_metadata: { roles: ['admin'] } })) }), 204],
    ['401', async () => ({ path: '/api/notes' }), 401],
    ['403', async () => ({ method: 'DELETE', path: '/api/notes/n-1', token: await mint() }), 403],
    ['404', async () => ({ path: '/api/nope' }), 404],
    ['405', async () => ({ method: 'PATCH', path: '/api/notes', token: await mint() }), 405],
    ['400 bad_path', async () => ({ path: '/api/notes/../stats' }), 400],
    ['400 invalid_param', async () => ({ path: '/api/notes/a%20b', token: await mint() }), 400],
    ['400 invalid_json', async () => ({ method: 'POST', path: '/api/notes/n-1/share', token: await mint(), body: '{bad', headers: { 'content-type': 'application/json' } }), 400],
    ['413', async () => ({ method: 'POST', path: '/api/notes', token: await mint(), body: paddedJson(NOTE, 5000), headers: { 'content-type': 'application/json' } }), 413],
    ['415', async () => ({ method: 'POST', path: '/api/notes', token: await mint(), body: 'text=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415],
    ['422', async () => ({ method: 'POST', path: '/api/notes', token: await mint(), json: {} }), 422],
    ['500 from a throwing handler', async () => ({ path: '/api/stats', query: { boom: '1' } }), 500],
  ];
  for (const [what, request, status] of responses) {
    for (const [whichOrigin, origin] of rows(ORIGINS)) {
      it(`${what}, ${whichOrigin} Origin`, async () => {
        const res = await call({ ...(await request()), origin });
        assert.equal(res.statusCode, status, `status (body: ${res.body})`);
        assertCors(res, origin);
        if (status === 200) assert.equal(header(res, 'X-Stats'), 'ok', 'the handler\'s other headers are kept');
        if (status === 401) assert.equal(header(res, 'WWW-Authenticate'), 'Bearer');
        if (status === 405) assert.equal(header(res, 'Allow'), 'GET, POST, OPTIONS');
      });
    }
  }

  it('the 500 keeps its details in the log', async () => {
    const res = await call({ path: '/api/stats', query: { boom: '1' }, origin: 'https://app.example.com' });
    const requestId = header(res, 'X-Request-Id');
    assertJson(res, 500, { error: 'internal_error', requestId });
    assert.match(log.text(), /hunter2/);
    assert.ok(!res.body.includes('hunter2'));
  });

  it('the Origin header is matched whatever the letter case of its name', async () => {
    const { event, context } = jwtEvent({ path: '/api/stats' });
    event.headers.Origin = 'https://app.example.com';
    const res = await handler(event, context);
    assertSecurityHeaders(res, SECURITY_HEADERS, ABSENT_HEADERS);
    assertCors(res, 'https://app.example.com');
  });
});

describe('CORS preflight (OPTIONS + Origin + Access-Control-Request-Method), answered before auth', () => {
  const routes = [
    ['/api/notes', 'GET, POST'],
    ['/api/notes/n-1', 'GET, PUT, DELETE'],
    ['/api/notes/n-1/share', 'POST'],
    ['/api/stats', 'GET'],
    ['/.netlify/functions/api/notes/', 'GET, POST'],
  ];
  for (const [p, methods] of routes) {
    for (const [whichOrigin, origin] of rows(ORIGINS)) {
      it(`OPTIONS ${p} from ${whichOrigin} origin with a request method`, async () => {
        const res = await call({ method: 'OPTIONS', path: p, origin, acrm: methods.split(', ').at(-1) });
        assertNoContent(res);
        assert.equal(header(res, 'Allow'), `${methods}, OPTIONS`);
        assertCors(res, origin, { preflight: methods });
        assert.equal(header(res, 'WWW-Authenticate'), undefined);
      });
    }
  }

  it('without Access-Control-Request-Method it is a plain OPTIONS: 204 + Allow, no Allow-Methods/-Headers/Max-Age', async () => {
    for (const [, origin] of ORIGINS) {
      const res = await call({ method: 'OPTIONS', path: '/api/notes', origin });
      assertNoContent(res);
      assert.equal(header(res, 'Allow'), 'GET, POST, OPTIONS');
      assertCors(res, origin);
    }
  });

  it('Allow-Methods is the route\'s, whatever method or headers are asked for', async () => {
    const res = await call({
      method: 'OPTIONS', path: '/api/notes', origin: 'https://app.example.com', acrm: 'DELETE',
      headers: { 'access-control-request-headers': 'x-evil, authorization, content-type, cookie' },
    });
    assertNoContent(res);
    assertCors(res, 'https://app.example.com', { preflight: 'GET, POST' });
  });

  it('comes before auth: a preflight with a bad token or none, on the admin route, is 204', async () => {
    for (const authorization of [undefined, 'Bearer a.b.c', 'Basic x']) {
      const res = await call({ method: 'OPTIONS', path: '/api/notes/n-1', origin: 'http://localhost:5173', acrm: 'DELETE', authorization });
      assertNoContent(res);
      assertCors(res, 'http://localhost:5173', { preflight: 'GET, PUT, DELETE' });
    }
  });

  it('a lower-case method is a preflight too', async () => {
    const res = await call({ method: 'options', path: '/api/stats', origin: 'https://app.example.com', acrm: 'GET' });
    assertNoContent(res);
    assertCors(res, 'https://app.example.com', { preflight: 'GET' });
  });

  it('on an unknown path: 404 with the simple CORS headers only', async () => {
    const res = await call({ method: 'OPTIONS', path: '/api/nope', origin: 'https://app.example.com', acrm: 'GET' });
    assertJson(res, 404, { error: 'not_found' });
    assertCors(res, 'https://app.example.com');
  });

  it('the recorded preflight (Origin https://app.example.test, not in the list): 204, no Access-Control-*', async () => {
    const { event, context } = netlifyEvent('options-preflight', { path: '/api/notes' });
    const res = await handler(event, context);
    assertSecurityHeaders(res, SECURITY_HEADERS, ABSENT_HEADERS);
    assertNoContent(res);
    assertCors(res, 'https://app.example.test');
  });
});

// ---- Fails closed: child processes with their own configuration ----

/** Node code that loads api.js, sends each of REQUESTS (JSON in env) and prints the results. */
const CHILD = `
const { handler } = require(process.env.API);
(async () => {
  const out = [];
  for (const { event, context } of JSON.parse(process.env.REQUESTS)) out.push(await handler(event, context));
  process.stdout.write(JSON.stringify(out));
})().catch((err) => { process.stderr.write('CHILD FAILED ' + (err && err.stack)); process.exit(3); });
`;

function childEnv(config, requests) {
  const env = { ...process.env, API, REQUESTS: JSON.stringify(requests) };
  for (const key of ['JWT_ISSUER', 'JWT_AUDIENCE', 'JWT_JWKS_URL', 'NODE_OPTIONS']) delete env[key];
  for (const [key, value] of Object.entries(config)) if (value !== undefined) env[key] = value;
  return env;
}

function parseChild(out, status) {
  assert.equal(status, 0, `child exited ${status}:\n${out.stdout}\n${out.stderr}`);
  let results;
  assert.doesNotThrow(() => { results = JSON.parse(out.stdout); }, `child output: ${out.stdout}\n${out.stderr}`);
  for (const res of results) {
    assertV1Result(res);
    assertSecurityHeaders(res, SECURITY_HEADERS, ABSENT_HEADERS);
  }
  return results;
}

/** Runs the requests in a child (synchronously: the JWKS server of this process cannot answer). */
function runChildSync(config, requests) {
  const out = spawnSync(process.execPath, ['-e', CHILD], { env: childEnv(config, requests), encoding: 'utf8', timeout: 30000 });
  return { results: parseChild(out, out.status), stderr: out.stderr };
}

/** Runs the requests in a child, asynchronously (it may fetch from this process's JWKS server). */
function runChild(config, requests) {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', CHILD], { env: childEnv(config, requests), encoding: 'utf8', timeout: 30000 }, (err, stdout, stderr) => {
      resolve({ results: parseChild({ stdout, stderr }, err ? err.code : 0), stderr });
    });
  });
}

function assertInternalError(res) {
  assertJson(res, 500, { error: 'internal_error', requestId: header(res, 'X-Request-Id') });
}

describe('JWT fails closed', () => {
  it('JWT_JWKS_URL unset: protected requests (with or without a token) are 500 internal_error, the log says why', async () => {
    const token = await mint();
    const { results, stderr } = runChildSync({ JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE }, [
      jwtEvent({ path: '/api/notes', token }),
      jwtEvent({ path: '/api/notes' }),
      jwtEvent({ method: 'POST', path: '/api/notes', token, json: NOTE, origin: 'https://app.example.com' }),
      jwtEvent({ method: 'DELETE', path: '/api/notes/n-1', token }),
      // The documented "every request is a 500": a public route too.
      jwtEvent({ path: '/api/stats', token }),
      jwtEvent({ path: '/api/stats' }),
      // What comes before auth is unchanged: a preflight and a 404.
      jwtEvent({ method: 'OPTIONS', path: '/api/notes', origin: 'https://app.example.com', acrm: 'POST' }),
      jwtEvent({ path: '/api/nope' }),
    ]);
    for (const res of results.slice(0, 6)) {
      assertInternalError(res);
      assert.equal(header(res, 'WWW-Authenticate'), undefined);
    }
    assertCors(results[2], 'https://app.example.com');
    assertNoContent(results[6]);
    assertCors(results[6], 'https://app.example.com', { preflight: 'GET, POST' });
    assertJson(results[7], 404, { error: 'not_found' });
    assert.match(stderr, /JWT auth is not configured \(jwksUrl missing\)/);
    assert.ok(stderr.includes(header(results[0], 'X-Request-Id')), 'the log line carries the request id');
  });

  it('every variable unset or empty: 500, and the log names each one', async () => {
    const { results, stderr } = runChildSync({ JWT_ISSUER: '', JWT_JWKS_URL: '' }, [jwtEvent({ path: '/api/notes', token: await mint() })]);
    assertInternalError(results[0]);
    assert.match(stderr, /JWT auth is not configured \(issuer, audience, jwksUrl missing\)/);
  });

  it('the JWKS unreachable (a closed port): a request with a token is 500, not 401, not 200', async () => {
    const closed = await new Promise((resolve) => {
      const probe = http.createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address();
        probe.close(() => resolve(port));
      });
    });
    const token = await mint();
    const { results, stderr } = runChildSync(
      { JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWT_JWKS_URL: `http://127.0.0.1:${closed}/.well-known/jwks.json` },
      [
        jwtEvent({ path: '/api/notes', token }),
        jwtEvent({ method: 'POST', path: '/api/notes/n-1/share', token, json: {} }),
        jwtEvent({ path: '/api/stats', token }),
        // Without a token nothing is fetched: a plain 401.
        jwtEvent({ path: '/api/notes' }),
      ],
    );
    assertInternalError(results[0]);
    assertInternalError(results[1]);
    assertInternalError(results[2]);
    assertUnauthorized(results[3]);
    assert.ok(stderr.includes(header(results[0], 'X-Request-Id')), `the failure is logged with the request id:\n${stderr}`);
  });

  it('a JWKS endpoint that answers 503 or HTML: 500, not 401', async () => {
    const token = await mint();
    for (const broken of ['/broken/503', '/broken/html']) {
      const { results } = await runChild(
        { JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWT_JWKS_URL: `${base()}${broken}` },
        [jwtEvent({ path: '/api/notes', token })],
      );
      assertInternalError(results[0]);
    }
    assert.ok(jwksHits.broken >= 2, 'the child did reach the broken endpoints');
  });

  it('a working configuration in a child process accepts the token (the harness itself is sound)', async () => {
    const { results } = await runChild(
      { JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWT_JWKS_URL: `${jwksUrl}?from=child` },
      [jwtEvent({ path: '/api/notes', token: await mint() })],
    );
    assert.equal(jwksHits.child, 1, 'the child fetched the key set once');
    assertJson(results[0], 200, { id: 'user-42', email: 'ada@example.test', roles: ['member'], iss: ISSUER });
  });
});

describe('the JWKS is fetched once per process', () => {
  it('many verifications with both keys, few JWKS requests', async () => {
    const before = jwksHits.jwks;
    assert.ok(before >= 1, 'the earlier cases fetched the JWKS');
    for (let i = 0; i < 5; i += 1) {
      assert.equal((await call({ path: '/api/notes', token: await mint() })).statusCode, 200);
      assert.equal((await call({ path: '/api/notes', token: await mint(claims(), { alg: 'ES256', key: KEYS.ec }) })).statusCode, 200);
    }
    assert.equal(jwksHits.jwks, before, 'no fetch for tokens whose key is cached');
    // Every verification of the whole file in this process (well over a hundred, some with unknown
    // kids, which may make jose refetch once after its 30 s cooldown).
    assert.ok(jwksHits.jwks <= 2, `JWKS fetched ${jwksHits.jwks} times by this process`);
  });
});

// The tests written out one by one; rows(...) counts the others.
plan(32);
