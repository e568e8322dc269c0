// End-to-end CRUD of a starter project (`scaffold new`, resource `movies`), served by a platform's
// local runtime with its own store (Netlify Blobs' sandbox under netlify dev, KV under wrangler
// dev, memory elsewhere) and driven over HTTP: create, read, list with paging, update, delete, and
// a second user who sees none of the first user's items.
//
// Environment: BASE_URL (the runtime's origin). JWT_STATE (the state file of
// tests/e2e/jwks-server.mjs) for projects with `provider: jwt`; without it, tokens are Netlify
// Identity-shaped JWTs that `netlify dev` decodes without checking the signature (as documented in
// tests/e2e/README.md), which is what the starter's `netlify-identity` provider receives locally.
// Optional: E2E_TARGET (named in failure messages). Only node: modules.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { test } from 'node:test';

const BASE = `${process.env.BASE_URL}/api`;
const TARGET = process.env.E2E_TARGET || 'the target';
const STATE = process.env.JWT_STATE ? JSON.parse(fs.readFileSync(process.env.JWT_STATE, 'utf8')) : null;
const b64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

function token(sub) {
  const now = Math.floor(Date.now() / 1000);
  if (!STATE) {
    const claims = { sub, email: `${sub}@example.com`, exp: now + 600, app_metadata: { roles: [] } };
    return `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}.c2lnbmF0dXJl`;
  }
  const input = `${b64url({ alg: 'RS256', typ: 'JWT', kid: STATE.kid })}.${b64url({ iss: STATE.issuer, aud: STATE.audience, sub, iat: now, exp: now + 600 })}`;
  const signature = crypto.sign('sha256', Buffer.from(input), crypto.createPrivateKey(STATE.privateKeyPem));
  return `${input}.${signature.toString('base64url')}`;
}

async function call(method, path, user, body) {
  const headers = { authorization: `Bearer ${token(user)}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${BASE}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text === '' ? undefined : JSON.parse(text), text };
}

function expectStatus(res, status, what) {
  assert.equal(res.status, status, `${what} on ${TARGET}: ${res.text.slice(0, 300)}`);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${what}: security headers`);
}

// Unique per run: a store that outlives runs (a sandbox on disk) must not make this test flaky.
const ALICE = `alice-${crypto.randomUUID()}`;
const BOB = `bob-${crypto.randomUUID()}`;

test('create, read, list with paging, update, delete; a second user sees nothing', async () => {
  const made = [];
  for (let i = 0; i < 5; i += 1) {
    const res = await call('POST', '/movies', ALICE, { title: `Movie ${i}`, year: 2000 + i, tags: ['a'] });
    expectStatus(res, 201, `create ${i}`);
    assert.match(res.json.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(res.headers.get('location'), `/api/movies/${res.json.id}`);
    assert.equal(res.json.title, `Movie ${i}`);
    assert.equal(res.json.createdAt, res.json.updatedAt);
    made.push(res.json);
  }

  const read = await call('GET', `/movies/${made[2].id}`, ALICE);
  expectStatus(read, 200, 'read');
  assert.deepEqual(read.json, made[2]);

  const seen = [];
  let cursor = null;
  let pages = 0;
  do {
    const res = await call('GET', `/movies?limit=2${cursor ? `&cursor=${cursor}` : ''}`, ALICE);
    expectStatus(res, 200, `list page ${pages}`);
    assert.ok(res.json.items.length <= 2);
    seen.push(...res.json.items);
    cursor = res.json.next;
    pages += 1;
    assert.ok(pages <= 5, 'paging does not end');
  } while (cursor);
  assert.equal(pages, 3);
  assert.deepEqual(seen.map((m) => m.title), made.map((m) => m.title));
  expectStatus(await call('GET', '/movies?limit=0', ALICE), 400, 'limit 0');
  expectStatus(await call('GET', '/movies?limit=500', ALICE), 400, 'limit 500');

  const updated = await call('PUT', `/movies/${made[1].id}`, ALICE, { title: 'Renamed', watched: true });
  expectStatus(updated, 200, 'update');
  assert.equal(updated.json.title, 'Renamed');
  assert.equal(updated.json.year, undefined, 'update replaces the writable fields');
  assert.equal(updated.json.createdAt, made[1].createdAt);
  assert.ok(updated.json.updatedAt >= made[1].updatedAt);
  const mass = await call('PUT', `/movies/${made[1].id}`, ALICE, { title: 'x', id: 'mine', createdAt: 'then' });
  expectStatus(mass, 422, 'update with server fields');

  // Another user: nothing of Alice's, by list or by id.
  const bobList = await call('GET', '/movies', BOB);
  expectStatus(bobList, 200, 'list as another user');
  assert.deepEqual(bobList.json, { items: [], next: null });
  expectStatus(await call('GET', `/movies/${made[0].id}`, BOB), 404, 'read as another user');
  expectStatus(await call('PUT', `/movies/${made[0].id}`, BOB, { title: 'mine now' }), 404, 'update as another user');
  expectStatus(await call('DELETE', `/movies/${made[0].id}`, BOB), 404, 'delete as another user');
  expectStatus(await call('GET', `/movies/${made[0].id}`, ALICE), 200, 'still there for its owner');

  const removed = await call('DELETE', `/movies/${made[0].id}`, ALICE);
  expectStatus(removed, 204, 'delete');
  expectStatus(await call('GET', `/movies/${made[0].id}`, ALICE), 404, 'read after delete');
  expectStatus(await call('DELETE', `/movies/${made[0].id}`, ALICE), 404, 'delete again');
  const after = await call('GET', '/movies?limit=100', ALICE);
  assert.equal(after.json.items.length, 4);
});
