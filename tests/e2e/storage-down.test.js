// A starter project (`scaffold new`, resource `movies`) whose database cannot be reached: served by
// its own `npm start` server with the store pointed at a port where nothing listens (the engine
// stopped) or at settings that cannot work (a missing table, a wrong key). Every CRUD call must
// answer 503 `{"error":"storage_unavailable","requestId":...}` with the same id in X-Request-Id,
// within a few seconds (the SDK's retries and timeouts are bounded), without a word of the cause
// (no address, no SDK error, no setting).
//
// Environment: BASE_URL (the server's origin), JWT_STATE (the state file of
// tests/e2e/jwks-server.mjs), E2E_TARGET (named in failure messages), STORAGE_DOWN_SECRETS (text
// that must not appear in any response, separated by `|`: the endpoint, the table, ...).
// Only node: modules.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { test } from 'node:test';

const BASE = `${process.env.BASE_URL}/api`;
const TARGET = process.env.E2E_TARGET || 'the target';
const STATE = JSON.parse(fs.readFileSync(process.env.JWT_STATE, 'utf8'));
const SECRETS = (process.env.STORAGE_DOWN_SECRETS || '').split('|').filter(Boolean);
const b64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

function token(sub) {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64url({ alg: 'RS256', typ: 'JWT', kid: STATE.kid })}.${b64url({ iss: STATE.issuer, aud: STATE.audience, sub, iat: now, exp: now + 600 })}`;
  const signature = crypto.sign('sha256', Buffer.from(input), crypto.createPrivateKey(STATE.privateKeyPem));
  return `${input}.${signature.toString('base64url')}`;
}

const USER = `carol-${crypto.randomUUID()}`;
const ID = '01a24fb0-cd39-7472-8e3d-b9a82708513e';

const CALLS = [
  ['GET', '/movies?limit=2', undefined],
  ['POST', '/movies', { title: 'Down' }],
  ['GET', `/movies/${ID}`, undefined],
  ['PUT', `/movies/${ID}`, { title: 'Down' }],
  ['DELETE', `/movies/${ID}`, undefined],
];

test(`every CRUD call answers 503 storage_unavailable with its request id, quickly, leaking nothing (${TARGET})`, async () => {
  for (const [method, path, body] of CALLS) {
    const headers = { authorization: `Bearer ${token(USER)}`, connection: 'close' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const started = Date.now();
    const res = await fetch(`${BASE}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20000),
    });
    const elapsed = Date.now() - started;
    const text = await res.text();
    const what = `${method} ${path} on ${TARGET}`;
    assert.equal(res.status, 503, `${what}: ${text.slice(0, 300)}`);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${what}: security headers`);
    const json = JSON.parse(text);
    assert.deepEqual(Object.keys(json).sort(), ['error', 'requestId'], `${what}: ${text}`);
    assert.equal(json.error, 'storage_unavailable', what);
    assert.equal(json.requestId, res.headers.get('x-request-id'), `${what}: the id of X-Request-Id`);
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `${what} leaks ${secret}: ${text}`);
    assert.doesNotMatch(text, /ECONNREFUSED|127\.0\.0\.1|Exception|RestError|stack|at /, `${what}: ${text}`);
    assert.ok(elapsed < 10000, `${what} took ${elapsed} ms: the store must give up within seconds`);
  }
});
