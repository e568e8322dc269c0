// The CRUD table every storage passes: a starter project (`scaffold new`, resource `movies`),
// served by a platform's local runtime with its storage's real local engine (Netlify Blobs'
// sandbox under netlify dev, KV or D1 under wrangler dev, a PostgreSQL server the test started,
// ...) and driven over HTTP: create, read, list with paging (limit + cursor, stable while other
// items are inserted), update, delete, server ids and timestamps, a second user who sees nothing
// and cannot reach another's item by id or by cursor; and, where the test can stop the engine,
// the database down: 503 with the request id, nothing about the database in the body, no partial
// write once it is back. And lists sorted and filtered (`?sort=`, the filterable `year` and
// `watched`, the `ref` `sequel_of`) over pages, the same in every storage, another user's items in
// none of them, and every bad list query a 400.
//
// Environment: BASE_URL (the runtime's origin). JWT_STATE (the state file of
// tests/e2e/jwks-server.mjs) for projects with `provider: jwt`; without it, tokens are Netlify
// Identity-shaped JWTs that `netlify dev` decodes without checking the signature (as documented in
// tests/e2e/README.md), which is what the starter's `netlify-identity` provider receives locally.
// Optional: E2E_TARGET (named in failure messages); E2E_DB_STOP and E2E_DB_START, shell commands
// that stop and start the database engine (then the database-down test runs too: two tests, else
// one). E2E_MISCONFIGURED (a description): the server has no usable database settings; only the
// test that every CRUD call is a 503 runs (the table is skipped). Only node: modules.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execSync } from 'node:child_process';
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
  // A connection per request: a kept-alive one can be closed by the server (its 5 s idle timeout)
  // just as the next request goes out, e.g. after the seconds an engine takes to restart.
  const headers = { authorization: `Bearer ${token(user)}`, connection: 'close' };
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
const CAROL = `carol-${crypto.randomUUID()}`;
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Every page of `user`'s movies (at most `max` pages); `during(page)` runs before each fetch. */
async function listAll(user, limit, max, during = async () => {}) {
  const seen = [];
  let cursor = null;
  let pages = 0;
  do {
    await during(pages);
    const res = await call('GET', `/movies?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, user);
    expectStatus(res, 200, `list page ${pages}`);
    assert.ok(res.json.items.length <= limit, 'a page holds at most `limit` items');
    seen.push(...res.json.items);
    cursor = res.json.next;
    pages += 1;
    assert.ok(pages <= max, 'paging does not end');
  } while (cursor);
  return { seen, pages };
}

const MISCONFIGURED = process.env.E2E_MISCONFIGURED;

/** A 503 `storage_unavailable` with the request id and nothing else in the body. */
function assertUnavailable(res, what) {
  assert.equal(res.status, 503, `${what} on ${TARGET} without a usable database: ${res.text.slice(0, 300)}`);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${what}: security headers`);
  const requestId = res.headers.get('x-request-id');
  assert.ok(requestId, `${what}: X-Request-Id`);
  assert.deepEqual(res.json, { error: 'storage_unavailable', requestId }, `${what}: the body holds only that`);
}

if (MISCONFIGURED) {
  test(`the database misconfigured (${MISCONFIGURED}): every CRUD call is a 503, nothing leaked`, async () => {
    assertUnavailable(await call('POST', '/movies', ALICE, { title: 'x' }), 'create');
    assertUnavailable(await call('GET', '/movies', ALICE), 'list');
    assertUnavailable(await call('GET', `/movies/${crypto.randomUUID()}`, ALICE), 'read');
    assertUnavailable(await call('PUT', `/movies/${crypto.randomUUID()}`, ALICE, { title: 'x' }), 'update');
    assertUnavailable(await call('DELETE', `/movies/${crypto.randomUUID()}`, ALICE), 'delete');
  });
}

// Without a usable database only the test above runs.
const table = MISCONFIGURED ? () => {} : test;

table('create, read, list with paging, update, delete; server ids and timestamps; a second user sees and reaches nothing', async () => {
  const before = Date.now();
  const made = [];
  for (let i = 0; i < 5; i += 1) {
    const res = await call('POST', '/movies', ALICE, { title: `Movie ${i}`, year: 2000 + i, tags: ['a'] });
    expectStatus(res, 201, `create ${i}`);
    assert.match(res.json.id, UUID_V7);
    assert.equal(res.headers.get('location'), `/api/movies/${res.json.id}`);
    assert.equal(res.json.title, `Movie ${i}`);
    assert.match(res.json.createdAt, ISO);
    assert.equal(res.json.createdAt, res.json.updatedAt);
    const at = Date.parse(res.json.createdAt);
    assert.ok(at >= before - 60000 && at <= Date.now() + 60000, 'createdAt is the server\'s now');
    made.push(res.json);
  }
  assert.equal(new Set(made.map((m) => m.id)).size, 5, 'ids are unique');
  assert.deepEqual([...made.map((m) => m.id)].sort(), made.map((m) => m.id), 'ids sort in creation order');
  // The server makes ids and timestamps: a client's are refused, not stored.
  expectStatus(await call('POST', '/movies', ALICE, { title: 'x', id: 'mine' }), 422, 'create with an id');
  expectStatus(await call('POST', '/movies', ALICE, { title: 'x', createdAt: 'then' }), 422, 'create with a timestamp');

  const read = await call('GET', `/movies/${made[2].id}`, ALICE);
  expectStatus(read, 200, 'read');
  assert.deepEqual(read.json, made[2]);

  // Paging, while another request inserts: every item that existed is seen exactly once, in order;
  // what is inserted meanwhile comes after all of them (ids are time-ordered) or not at all.
  const inserted = [];
  const { seen, pages } = await listAll(ALICE, 2, 10, async (page) => {
    if (page === 1 || page === 2) {
      const res = await call('POST', '/movies', ALICE, { title: `During ${page}` });
      expectStatus(res, 201, `create during paging ${page}`);
      inserted.push(res.json);
    }
  });
  const ids = seen.map((m) => m.id);
  assert.equal(new Set(ids).size, ids.length, 'no item on two pages');
  assert.deepEqual(ids.slice(0, 5), made.map((m) => m.id), 'the existing items first, in order');
  for (const extra of seen.slice(5)) {
    assert.ok(inserted.some((m) => m.id === extra.id), `only items inserted meanwhile after them: ${extra.title}`);
  }
  assert.ok(pages >= 3);
  const all = await listAll(ALICE, 100, 2);
  assert.deepEqual(all.seen.map((m) => m.id), [...made, ...inserted].map((m) => m.id), 'one page of 100 holds all');
  expectStatus(await call('GET', '/movies?limit=0', ALICE), 400, 'limit 0');
  expectStatus(await call('GET', '/movies?limit=500', ALICE), 400, 'limit 500');
  expectStatus(await call('GET', '/movies?cursor=%27%3B--', ALICE), 400, 'a cursor that is not an id');

  const updated = await call('PUT', `/movies/${made[1].id}`, ALICE, { title: 'Renamed', watched: true });
  expectStatus(updated, 200, 'update');
  assert.equal(updated.json.id, made[1].id);
  assert.equal(updated.json.title, 'Renamed');
  assert.equal(updated.json.year, undefined, 'update replaces the writable fields');
  assert.equal(updated.json.createdAt, made[1].createdAt);
  assert.match(updated.json.updatedAt, ISO);
  assert.ok(updated.json.updatedAt >= made[1].updatedAt);
  assert.deepEqual((await call('GET', `/movies/${made[1].id}`, ALICE)).json, updated.json, 'the update is stored');
  const mass = await call('PUT', `/movies/${made[1].id}`, ALICE, { title: 'x', id: 'mine', createdAt: 'then' });
  expectStatus(mass, 422, 'update with server fields');

  // Another user: nothing of Alice's, by list, by id or by Alice's cursor.
  const bobList = await call('GET', '/movies', BOB);
  expectStatus(bobList, 200, 'list as another user');
  assert.deepEqual(bobList.json, { items: [], next: null });
  const bobCursor = await call('GET', `/movies?limit=2&cursor=${made[0].id}`, BOB);
  expectStatus(bobCursor, 200, 'list with another user\'s cursor');
  assert.deepEqual(bobCursor.json, { items: [], next: null });
  expectStatus(await call('GET', `/movies/${made[0].id}`, BOB), 404, 'read as another user');
  expectStatus(await call('PUT', `/movies/${made[0].id}`, BOB, { title: 'mine now' }), 404, 'update as another user');
  expectStatus(await call('DELETE', `/movies/${made[0].id}`, BOB), 404, 'delete as another user');
  assert.deepEqual((await call('GET', `/movies/${made[0].id}`, ALICE)).json, made[0], 'untouched for its owner');
  const bobsOwn = await call('POST', '/movies', BOB, { title: 'Bob\'s' });
  expectStatus(bobsOwn, 201, 'create as another user');
  const bobAfter = await call('GET', '/movies', BOB);
  assert.deepEqual(bobAfter.json, { items: [bobsOwn.json], next: null }, 'each user sees only their own');

  const removed = await call('DELETE', `/movies/${made[0].id}`, ALICE);
  expectStatus(removed, 204, 'delete');
  expectStatus(await call('GET', `/movies/${made[0].id}`, ALICE), 404, 'read after delete');
  expectStatus(await call('PUT', `/movies/${made[0].id}`, ALICE, { title: 'back' }), 404, 'update after delete');
  expectStatus(await call('GET', `/movies/${made[0].id}`, ALICE), 404, 'an update does not bring it back');
  expectStatus(await call('DELETE', `/movies/${made[0].id}`, ALICE), 404, 'delete again');
  const after = await call('GET', '/movies?limit=100', ALICE);
  assert.equal(after.json.items.length, 4 + inserted.length);
});

// Lists sorted and filtered (the spec's `year` and `watched` have `filter: true`, `sequel_of` is a
// `ref`): the same answers from every storage, whether it sorts in SQL or in the function.
const DAVE = `dave-${crypto.randomUUID()}`;
const ERIN = `erin-${crypto.randomUUID()}`;
const query = (params) => `/movies?${new URLSearchParams(params)}`;

/** Every page of `user`'s movies for `params` (limit 2): the items in order. */
async function listQuery(user, params) {
  const seen = [];
  let cursor = null;
  for (let pages = 0; pages < 20; pages += 1) {
    const res = await call('GET', query({ ...params, limit: '2', ...(cursor ? { cursor } : {}) }), user);
    expectStatus(res, 200, `list ${JSON.stringify(params)} page ${pages}`);
    assert.ok(res.json.items.length <= 2, 'a page holds at most `limit` items');
    seen.push(...res.json.items);
    cursor = res.json.next;
    if (!cursor) return seen;
  }
  throw new Error(`paging ${JSON.stringify(params)} does not end`);
}

/** What a list of `items` must answer: filtered, then by the sort's value (none last), then id. */
function expected(items, { sort, ...filters }) {
  const by = (x, y) => (x < y ? -1 : x > y ? 1 : 0);
  const desc = sort !== undefined && sort.startsWith('-');
  const field = sort === undefined ? null : sort.replace(/^-/, '');
  const value = (item) => (field === null || item[field] === undefined ? null : item[field]);
  return items
    .filter((item) => Object.entries(filters).every(([f, v]) => String(item[f]) === v))
    .sort((a, b) => {
      if ((value(a) === null) !== (value(b) === null)) return value(a) === null ? 1 : -1;
      const order = (value(a) === null ? 0 : by(value(a), value(b))) || by(a.id, b.id);
      return desc ? -order : order;
    })
    .map((item) => item.id);
}

table('lists sorted and filtered, over pages; another user\'s items never in them; every bad query a 400', async () => {
  const mine = [];
  const rows = [
    { title: 'Delta', year: 2001, watched: true },
    { title: 'alpha', year: 1999 },
    { title: 'Charlie', watched: false },
    { title: 'Bravo', year: 2001, watched: false },
    { title: 'Echo', year: 1999, watched: true },
    { title: 'Foxtrot', year: 2010, watched: true },
  ];
  for (const row of rows) {
    const res = await call('POST', '/movies', DAVE, row);
    expectStatus(res, 201, `create ${row.title}`);
    mine.push(res.json);
  }
  const sequel = await call('POST', '/movies', DAVE, { title: 'Delta 2', year: 2003, sequel_of: mine[0].id });
  expectStatus(sequel, 201, 'create a sequel');
  mine.push(sequel.json);
  // Another user with the same kinds of values (and a sequel of Dave's movie, by id).
  const theirs = [];
  for (const row of [...rows.slice(0, 4), { title: 'Erin 2', sequel_of: mine[0].id, watched: true }]) {
    const res = await call('POST', '/movies', ERIN, row);
    expectStatus(res, 201, `create ${row.title} as another user`);
    theirs.push(res.json);
  }
  const ids = (items) => items.map((m) => m.id);
  for (const params of [
    { sort: 'year' },
    { sort: '-year' },
    { sort: 'title' },
    { sort: '-title' },
    { sort: 'watched' },
    { sort: '-watched' },
    { sort: '-createdAt' },
    { sort: 'sequel_of' },
    { watched: 'true' },
    { watched: 'false' },
    { year: '1999' },
    { year: '2001', watched: 'false' },
    { sequel_of: mine[0].id },
    { watched: 'true', sort: '-title' },
    { year: '2001', sort: '-year' },
  ]) {
    const seen = await listQuery(DAVE, params);
    assert.deepEqual(ids(seen), expected(mine, params), `GET ${query(params)} on ${TARGET}`);
    const other = await listQuery(ERIN, params);
    assert.deepEqual(ids(other), expected(theirs, params), `GET ${query(params)} as another user on ${TARGET}`);
  }
  // A cursor from one user's sorted page, sent by another: a position in their own items only.
  const first = await call('GET', query({ sort: 'title', limit: '2' }), DAVE);
  expectStatus(first, 200, 'a sorted first page');
  const cursor = first.json.next;
  assert.ok(cursor, 'a sorted first page of 2 has a next');
  const crossed = await call('GET', query({ sort: 'title', limit: '100', cursor }), ERIN);
  expectStatus(crossed, 200, 'another user\'s sorted cursor');
  const after = expected(theirs, { sort: 'title' }).filter((id) => {
    const item = theirs.find((m) => m.id === id);
    const last = first.json.items[1];
    return item.title > last.title || (item.title === last.title && item.id > last.id);
  });
  assert.deepEqual(ids(crossed.json.items), after, 'only their own items, after the position');

  // Every bad query is a 400 that says what is wrong.
  const refused = [
    [{ sort: 'tags' }, 'invalid_sort'],
    [{ sort: 'nope' }, 'invalid_sort'],
    [{ year: 'abc' }, 'invalid_filter'],
    [{ year: '1.5' }, 'invalid_filter'],
    [{ watched: 'yes' }, 'invalid_filter'],
    [{ sequel_of: '..' }, 'invalid_filter'],
    [{ title: 'Delta' }, 'invalid_query'],
    [{ colour: 'red' }, 'invalid_query'],
    [{ sort: '-title', cursor }, 'invalid_cursor'],
    [{ sort: 'title', watched: 'true', cursor }, 'invalid_cursor'],
    [{ cursor }, 'invalid_cursor'],
    [{ sort: 'title', cursor: `${cursor.slice(0, -3)}AAA` }, 'invalid_cursor'],
  ];
  for (const [params, error] of refused) {
    const res = await call('GET', query(params), DAVE);
    expectStatus(res, 400, `GET ${query(params)}`);
    assert.equal(res.json.error, error, `GET ${query(params)}: ${res.text}`);
  }
});

const DB_STOP = process.env.E2E_DB_STOP;
const DB_START = process.env.E2E_DB_START;
if (DB_STOP && DB_START && !MISCONFIGURED) {
  test('the database down: 503 with the request id, nothing about it in the body, no partial write', async () => {
    const engine = (command) => execSync(command, { stdio: ['ignore', 'ignore', 'inherit'], timeout: 90000 });
    const unavailable = assertUnavailable;
    engine(DB_STOP);
    try {
      unavailable(await call('POST', '/movies', CAROL, { title: 'while down' }), 'create');
      unavailable(await call('GET', '/movies', CAROL), 'list');
      unavailable(await call('GET', `/movies/${crypto.randomUUID()}`, CAROL), 'read');
    } finally {
      engine(DB_START);
    }
    // Back: the create that failed left nothing behind; the store works again.
    const list = await call('GET', '/movies', CAROL);
    expectStatus(list, 200, 'list once the database is back');
    assert.deepEqual(list.json, { items: [], next: null }, 'no partial write');
    expectStatus(await call('POST', '/movies', CAROL, { title: 'after' }), 201, 'create once the database is back');
  });
}
