// The generated front-end client (templates/_shared/client.js) in Node, against a generated API:
// a project from specs/jwt-cors.yaml on the aws-lambda target served by its local/server.js, with
// the handlers of tests/node/overlay-esm/ and tests/client/overlay/. tests/client.rs sets it up.
//
// Environment:
//   BASE_URL         the API's origin, e.g. http://127.0.0.1:3000
//   JWT_STATE        the state file of tests/e2e/jwks-server.mjs (the key tokens are signed with)
//   CLIENT_JWT       client/api.js for specs/jwt-cors.yaml (provider jwt: getToken is the caller's)
//   CLIENT_IDENTITY  client/api.js for the same spec with `auth.provider: netlify-identity` (same
//                    routes; its default getToken asks window.netlifyIdentity)
//   CLIENT_BOOKCLUB  client/api.js for specs/bookclub.yaml (custom routes, two path parameters)
// Only node: modules.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

const BASE_URL = process.env.BASE_URL;
const STATE = JSON.parse(fs.readFileSync(process.env.JWT_STATE, 'utf8'));
const PRIVATE_KEY = crypto.createPrivateKey(STATE.privateKeyPem);
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

const load = (name) => import(pathToFileURL(process.env[name]).href);
const notes = await load('CLIENT_JWT');
const identity = await load('CLIENT_IDENTITY');
const bookclub = await load('CLIENT_BOOKCLUB');

const b64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An RS256 JWT signed with the JWKS server's key (as tests/e2e/api-http.test.js mints them). */
function token(claims = {}) {
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: STATE.issuer, aud: STATE.audience, sub: 'user-1', iat: now, exp: now + 600, ...claims };
  const input = `${b64url({ alg: 'RS256', typ: 'JWT', kid: STATE.kid })}.${b64url(payload)}`;
  return `${input}.${crypto.sign('sha256', Buffer.from(input), PRIVATE_KEY).toString('base64url')}`;
}
const USER_TOKEN = token({ app_metadata: { roles: ['user'] }, email: 'u@example.com' });
const ADMIN_TOKEN = token({ sub: 'admin-1', app_metadata: { roles: ['admin'] } });
const expiredToken = () => {
  const now = Math.floor(Date.now() / 1000);
  return token({ sub: 'stale-1', iat: now - 7200, exp: now - 3600 });
};

/** A fetch that records what goes on the wire (URL, method, headers, body) and the X-Request-Id back. */
function recorder() {
  const seen = [];
  const fetchImpl = async (url, init) => {
    const entry = { url, method: init.method, headers: new Headers(init.headers), body: init.body };
    seen.push(entry);
    const response = await fetch(url, init);
    entry.status = response.status;
    entry.requestId = response.headers.get('x-request-id');
    return response;
  };
  return { seen, fetch: fetchImpl };
}

/** A fetch that answers every call itself, recording the calls. */
function stub(respond) {
  const seen = [];
  const fetchImpl = async (url, init) => {
    seen.push({ url, method: init.method, headers: new Headers(init.headers), body: init.body });
    return respond(url, init);
  };
  return { seen, fetch: fetchImpl };
}

/** `assert.rejects` for an ApiError subclass with the given fields. */
async function rejectsWith(promise, Class, fields) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof Class, `expected ${Class.name}, got ${err && err.name}: ${err && err.message}`);
    assert.ok(err instanceof notes.ApiError || err instanceof identity.ApiError || err instanceof bookclub.ApiError);
    assert.ok(err instanceof Error);
    assert.equal(err.name, Class.name);
    for (const [key, value] of Object.entries(fields)) assert.deepEqual(err[key], value, key);
    return true;
  });
}

/** Runs `body` with `window.netlifyIdentity` set to `widget` (or no `window` at all for undefined). */
async function withWindow(widget, body) {
  const had = Object.prototype.hasOwnProperty.call(globalThis, 'window');
  const before = globalThis.window;
  if (widget === undefined) delete globalThis.window;
  else globalThis.window = { netlifyIdentity: widget };
  try {
    return await body();
  } finally {
    if (had) globalThis.window = before;
    else delete globalThis.window;
  }
}

/** A gotrue-js-like user whose `jwt(force)` records its calls and answers `next(count, force)`. */
function identityUser(next) {
  const calls = [];
  return {
    calls,
    jwt: async (force) => {
      calls.push(force === true);
      return next(calls.length, force === true);
    },
  };
}

test('a call per operation kind returns the parsed body (204: undefined)', async () => {
  const wire = recorder();
  const api = notes.createClient({ baseUrl: `${BASE_URL}/`, getToken: () => USER_TOKEN, fetch: wire.fetch });

  assert.deepEqual(await api.notesList({ query: { page: 2, left: undefined, out: null } }), {
    id: 'user-1',
    email: 'u@example.com',
    roles: ['user'],
    iss: STATE.issuer,
  });
  assert.equal(wire.seen[0].url, `${BASE_URL}/api/notes?page=2`);
  assert.equal(wire.seen[0].method, 'GET');
  assert.equal(wire.seen[0].body, undefined);
  assert.equal(wire.seen[0].headers.get('content-type'), null);

  assert.deepEqual(await api.notesCreate({ text: 'hello', stars: 3 }), {
    id: 'n-1',
    owner: 'user-1',
    note: { text: 'hello', stars: 3 },
  });
  assert.equal(wire.seen[1].method, 'POST');
  assert.equal(wire.seen[1].url, `${BASE_URL}/api/notes`);
  assert.equal(wire.seen[1].headers.get('content-type'), 'application/json');
  assert.equal(wire.seen[1].body, '{"text":"hello","stars":3}');

  assert.deepEqual(await api.notesRead('n-1'), { id: 'n-1', owner: 'user-1' });
  assert.deepEqual(await api.notesUpdate('n-1', { text: 'edited', pinned: true }), {
    id: 'n-1',
    note: { text: 'edited', pinned: true },
  });
  assert.equal(wire.seen[3].method, 'PUT');
  assert.equal(wire.seen[3].url, `${BASE_URL}/api/notes/n-1`);

  const admin = notes.createClient({ baseUrl: BASE_URL, getToken: () => ADMIN_TOKEN, fetch: wire.fetch });
  assert.equal(await admin.notesDelete('n-1'), undefined);
  assert.equal(wire.seen[4].method, 'DELETE');
  assert.equal(wire.seen[4].status, 204);

  // Custom routes: a public GET, and a POST with a path parameter, a body and a query.
  assert.deepEqual(await api.publicStats(), { userId: 'user-1' });
  const shared = await api.shareNote('abc-1', { to: 'bob' }, { query: { via: 'mail' } });
  assert.deepEqual(shared.params, { id: 'abc-1' });
  assert.deepEqual(shared.query, { via: 'mail' });
  assert.deepEqual(shared.body, { to: 'bob' });
  assert.deepEqual(shared.user, { id: 'user-1', email: 'u@example.com', roles: ['user'] });
  assert.equal(shared.requestId, wire.seen.at(-1).requestId);
  assert.equal(wire.seen.at(-1).url, `${BASE_URL}/api/notes/abc-1/share?via=mail`);
});

test('the bearer token: asked for on every call and sent, public operations included; none without one', async () => {
  const wire = recorder();
  let asked = 0;
  const api = notes.createClient({
    baseUrl: BASE_URL,
    getToken: async () => {
      asked += 1;
      return USER_TOKEN;
    },
    fetch: wire.fetch,
  });
  await api.notesList();
  await api.publicStats();
  assert.equal(asked, 2);
  for (const call of wire.seen) assert.equal(call.headers.get('authorization'), `Bearer ${USER_TOKEN}`);

  for (const getToken of [undefined, () => null, async () => '']) {
    const anonymous = recorder();
    const guest = notes.createClient({ baseUrl: BASE_URL, getToken, fetch: anonymous.fetch });
    assert.deepEqual(await guest.publicStats(), { userId: null });
    await rejectsWith(guest.notesList(), notes.UnauthorizedError, { status: 401, code: 'unauthorized' });
    assert.equal(anonymous.seen.length, 2, 'no retry without a token');
    for (const call of anonymous.seen) assert.equal(call.headers.get('authorization'), null);
  }
  assert.equal(notes.netlifyIdentityToken, undefined, 'a jwt API has no Netlify Identity default');
});

test('error statuses from the API become typed errors with code, problems and requestId', async () => {
  const wire = recorder();
  const user = notes.createClient({ baseUrl: BASE_URL, getToken: () => USER_TOKEN, fetch: wire.fetch });
  const guest = notes.createClient({ baseUrl: BASE_URL, fetch: wire.fetch });
  const last = () => wire.seen.at(-1);

  await rejectsWith(guest.notesList(), notes.UnauthorizedError, { status: 401, code: 'unauthorized', problems: [] });
  await assert.rejects(guest.notesList(), (err) => err.requestId === last().requestId && REQUEST_ID.test(err.requestId));

  await rejectsWith(user.notesDelete('n-1'), notes.ForbiddenError, { status: 403, code: 'forbidden' });

  const elsewhere = notes.createClient({ baseUrl: `${BASE_URL}/elsewhere`, getToken: () => USER_TOKEN, fetch: wire.fetch });
  await rejectsWith(elsewhere.notesList(), notes.NotFoundError, { status: 404, code: 'not_found' });
  assert.equal(last().url, `${BASE_URL}/elsewhere/api/notes`);

  await rejectsWith(user.notesCreate({ text: 'x'.repeat(5000) }), notes.PayloadTooLargeError, {
    status: 413,
    code: 'payload_too_large',
  });

  await rejectsWith(
    user.notesCreate({ text: 'x' }, { headers: { 'content-type': 'text/plain' } }),
    notes.UnsupportedMediaTypeError,
    { status: 415, code: 'unsupported_media_type' },
  );
  assert.equal(last().headers.get('content-type'), 'text/plain', "the caller's header replaces the client's");

  await assert.rejects(user.notesCreate({ text: '', stars: 9, admin: true }), (err) => {
    assert.ok(err instanceof notes.ValidationError && err instanceof notes.ApiError);
    assert.equal(err.status, 422);
    assert.equal(err.code, 'validation_failed');
    assert.deepEqual(err.problems.map((p) => p.field), ['admin', 'stars', 'text']);
    assert.ok(err.problems.every((p) => typeof p.problem === 'string' && p.problem !== ''));
    assert.match(err.message, /422 validation_failed \(admin: unknown field; stars: .*; text: .*\)/);
    assert.equal(err.requestId, last().requestId);
    return true;
  });

  await rejectsWith(user.shareNote('bad id', {}), notes.BadRequestError, { status: 400, code: 'invalid_param' });

  // A handler that throws: 500 with only a request id, the same as X-Request-Id.
  await assert.rejects(user.publicStats({ query: { boom: '1' } }), (err) => {
    assert.ok(err instanceof notes.ServerError && err instanceof notes.ApiError);
    assert.equal(err.status, 500);
    assert.equal(err.code, 'internal_error');
    assert.match(err.requestId, REQUEST_ID);
    assert.equal(err.requestId, last().requestId);
    assert.deepEqual(err.body, { error: 'internal_error', requestId: err.requestId });
    return true;
  });
});

test('path parameters are percent-encoded into their one segment', async () => {
  const wire = recorder();
  const api = notes.createClient({ baseUrl: BASE_URL, getToken: () => USER_TOKEN, fetch: wire.fetch });

  // Characters the dispatcher accepts reach the handler unchanged; numbers become strings.
  assert.deepEqual((await api.shareNote('v1.2_x~y-z', {})).params, { id: 'v1.2_x~y-z' });
  assert.deepEqual(await api.notesRead(42), { id: '42', owner: 'user-1' });

  // Unencoded, `?` and `#` would end the path at /api/notes/a (a 405 for POST); encoded, the request
  // stays on POST /api/notes/{id}/share, whose dispatcher refuses the parameter (400 invalid_param).
  for (const [id, encoded] of [['a?b', 'a%3Fb'], ['a#b', 'a%23b'], ['a b', 'a%20b'], ['é', '%C3%A9']]) {
    await rejectsWith(api.shareNote(id, {}), notes.BadRequestError, { status: 400, code: 'invalid_param' });
    assert.equal(wire.seen.at(-1).url, `${BASE_URL}/api/notes/${encoded}/share`, id);
  }
  // `%` goes as %25. (The local server decodes the path once and the dispatcher once more, so `50%`
  // arrives as a malformed escape: 400 bad_path rather than invalid_param; still this route's 400.)
  await rejectsWith(api.shareNote('50%', {}), notes.BadRequestError, { status: 400 });
  assert.equal(wire.seen.at(-1).url, `${BASE_URL}/api/notes/50%25/share`);
  // `/` is sent as %2F, inside the one segment: never /api/notes/a/b/share. (The local server, like
  // API Gateway's rawPath, decodes it before routing, so the API refuses the path; no handler runs.)
  await assert.rejects(api.shareNote('a/b', {}), (err) => err instanceof notes.ApiError && [400, 404].includes(err.status));
  assert.equal(wire.seen.at(-1).url, `${BASE_URL}/api/notes/a%2Fb/share`);

  // Values that URL parsing would drop or resolve, and values that are not ids, are refused unsent.
  const sent = wire.seen.length;
  for (const id of ['', '.', '..', null, undefined, {}, ['x'], Number.NaN]) {
    await assert.rejects(api.notesRead(id), TypeError, String(id));
  }
  await assert.rejects(api.notesList({ page: 2 }), /unknown option `page`/);
  await assert.rejects(api.notesList('page=2'), TypeError);
  assert.equal(wire.seen.length, sent, 'nothing was sent');
});

test('Netlify Identity: the default getToken asks user.jwt() on every call, which hands out fresh tokens', async () => {
  const wire = recorder();
  const user = identityUser((count) => token({ sub: `fresh-${count}`, app_metadata: { roles: ['user'] } }));
  await withWindow({ currentUser: () => user }, async () => {
    const api = identity.createClient({ baseUrl: BASE_URL, fetch: wire.fetch });
    assert.equal((await api.notesList()).id, 'fresh-1');
    assert.equal((await api.notesList()).id, 'fresh-2');
    assert.deepEqual(await api.publicStats(), { userId: 'fresh-3' });
  });
  assert.deepEqual(user.calls, [false, false, false], 'jwt() without force: gotrue refreshes only an expiring token');
  assert.equal(wire.seen.length, 3);
  assert.equal(typeof identity.netlifyIdentityToken, 'function');
});

test('Netlify Identity: a 401 to a token gotrue still held makes the client force a refresh (jwt(true)) and retry once', async () => {
  const wire = recorder();
  const stale = expiredToken();
  const fresh = token({ sub: 'fresh-1', app_metadata: { roles: ['user'] } });
  const user = identityUser((_count, force) => (force ? fresh : stale));
  await withWindow({ currentUser: () => user }, async () => {
    const api = identity.createClient({ baseUrl: BASE_URL, fetch: wire.fetch });
    assert.deepEqual(await api.notesCreate({ text: 'once' }), { id: 'n-1', owner: 'fresh-1', note: { text: 'once' } });
  });
  assert.deepEqual(user.calls, [false, true]);
  assert.deepEqual(wire.seen.map((c) => [c.status, c.headers.get('authorization')]), [
    [401, `Bearer ${stale}`],
    [201, `Bearer ${fresh}`],
  ]);
  assert.equal(wire.seen[1].body, wire.seen[0].body, 'the same body again');

  // A refresh that gives the same token again (or fails) ends with the 401: no loop.
  const stuck = identityUser(() => stale);
  const failing = identityUser((_count, force) => (force ? Promise.reject(new Error('refresh failed')) : stale));
  for (const u of [stuck, failing]) {
    const calls = recorder();
    await withWindow({ currentUser: () => u }, async () => {
      const api = identity.createClient({ baseUrl: BASE_URL, fetch: calls.fetch });
      await rejectsWith(api.notesList(), identity.UnauthorizedError, { status: 401, code: 'unauthorized' });
    });
    assert.deepEqual(u.calls, [false, true]);
    assert.equal(calls.seen.length, 1);
  }
});

test('Netlify Identity: signed out, no widget or a failed refresh send no token; a getToken of your own wins', async () => {
  const widgets = [
    undefined, // no window (Node, or before the widget's script loads)
    {}, // a window without the widget
    { currentUser: () => null }, // signed out, or before netlifyIdentity.init()
    { currentUser: () => identityUser(() => Promise.reject(new Error('refresh failed'))) },
  ];
  for (const widget of widgets) {
    const wire = recorder();
    await withWindow(widget, async () => {
      const api = identity.createClient({ baseUrl: BASE_URL, fetch: wire.fetch });
      assert.deepEqual(await api.publicStats(), { userId: null });
      await rejectsWith(api.notesList(), identity.UnauthorizedError, { status: 401, code: 'unauthorized' });
    });
    for (const call of wire.seen) assert.equal(call.headers.get('authorization'), null);
  }

  const user = identityUser(() => 'never-used');
  await withWindow({ currentUser: () => user }, async () => {
    const api = identity.createClient({ baseUrl: BASE_URL, getToken: () => ADMIN_TOKEN });
    assert.equal((await api.notesList()).id, 'admin-1');
  });
  assert.deepEqual(user.calls, []);
});

test('responses that are not the API\'s JSON: typed by status all the same', async () => {
  const reply = (status, body, headers = {}) => () => new Response(body, { status, headers });
  const cases = [
    [reply(502, '<html>Bad gateway</html>', { 'content-type': 'text/html' }), notes.ServerError, { status: 502, code: null, requestId: null, body: '<html>Bad gateway</html>', problems: [] }],
    [reply(503, '', { 'x-request-id': 'edge-1' }), notes.ServerError, { status: 503, code: null, requestId: 'edge-1' }],
    [reply(405, '{"error":"method_not_allowed"}', { 'x-request-id': 'r-405' }), notes.MethodNotAllowedError, { status: 405, code: 'method_not_allowed', requestId: 'r-405' }],
    [reply(409, '{"error":"conflict","message":"taken"}'), notes.ConflictError, { status: 409, code: 'conflict', body: { error: 'conflict', message: 'taken' } }],
    [reply(400, '{"error":"invalid_json"}'), notes.BadRequestError, { code: 'invalid_json' }],
    [reply(413, 'Request Entity Too Large'), notes.PayloadTooLargeError, { status: 413, code: null }],
    [reply(422, '["not", "an", "object"]'), notes.ValidationError, { code: null, problems: [] }],
    [reply(200, 'not json'), notes.ApiError, { status: 200, code: 'invalid_response', body: 'not json' }],
  ];
  for (const [respond, Class, fields] of cases) {
    const api = notes.createClient({ fetch: stub(respond).fetch });
    await rejectsWith(api.notesList(), Class, fields);
  }
  const teapot = notes.createClient({ fetch: stub(reply(418, '{"error":"teapot"}')).fetch });
  await assert.rejects(teapot.notesList(), (err) => err.constructor === notes.ApiError && err.code === 'teapot');

  for (const respond of [reply(204, null), reply(200, ''), reply(201, null)]) {
    assert.equal(await notes.createClient({ fetch: stub(respond).fetch }).notesDelete('x'), undefined);
  }
  const ok = notes.createClient({ fetch: stub(reply(200, '[1,{"a":null}]')).fetch });
  assert.deepEqual(await ok.notesList(), [1, { a: null }]);
});

test('bookclub: one method per operation, named and routed from the model', async () => {
  const api = bookclub.createClient({ fetch: stub(() => Response.json({ ok: true })).fetch });
  assert.deepEqual(Object.keys(api), [
    'booksList', 'booksCreate', 'booksRead', 'booksUpdate', 'booksDelete',
    'reviewsList', 'reviewsCreate', 'reviewsDelete',
    'borrowBook', 'memberReviews', 'search', 'stats',
  ]);
  const user = identityUser(() => 'identity-token');
  const wire = stub((url) => Response.json({ url }));
  await withWindow({ currentUser: () => user }, async () => {
    const club = bookclub.createClient({ fetch: wire.fetch });
    await club.memberReviews('m 1', 'r/2', { query: { page: 2, q: 'a&b' } });
    await club.borrowBook('b-1', { days: 7 });
    await club.booksUpdate(7, { title: 'Dune', author: 'Herbert' });
    await club.search({ query: { q: 'dune' } });
    await club.reviewsDelete('r-9');
  });
  assert.deepEqual(wire.seen.map((c) => [c.method, c.url, c.body]), [
    ['GET', '/api/members/m%201/reviews/r%2F2?page=2&q=a%26b', undefined],
    ['POST', '/api/books/b-1/borrow', '{"days":7}'],
    ['PUT', '/api/books/7', '{"title":"Dune","author":"Herbert"}'],
    ['GET', '/api/books/search?q=dune', undefined],
    ['DELETE', '/api/reviews/r-9', undefined],
  ]);
  for (const call of wire.seen) {
    assert.equal(call.headers.get('authorization'), 'Bearer identity-token');
    assert.equal(call.headers.get('accept'), 'application/json');
    assert.equal(call.headers.get('content-type'), call.body === undefined ? null : 'application/json');
  }
  assert.equal(user.calls.length, 5);
  await assert.rejects(bookclub.createClient({ fetch: wire.fetch }).memberReviews('m-1'), /path parameter `review_id`/);
});
