// Helpers shared by the Node tests of generated Netlify dispatchers: recorded v1 events changed per
// case, reading headers out of a v1 result, and the status/body assertions. Only node: modules.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'netlify-events');
// Where the fixtures were recorded (netlify dev on 127.0.0.1:8877): rawUrl is rebuilt from it.
const ORIGIN = 'http://127.0.0.1:8877';

// The shared security headers of a spec without `headers:` overrides: the one hard-coded table of
// the tests (tests/security-headers.json). Hard-coded on purpose: reading them from the generated
// headers.js would make the tests agree with whatever the generator produced.
const DEFAULT_SECURITY_HEADERS = Object.freeze(require('../../security-headers.json'));

function fixture(name) {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
}

/** Sets (or, with `undefined`, removes) a request header in headers and multiValueHeaders. */
function setHeader(event, name, value) {
  const key = name.toLowerCase();
  if (value === undefined) {
    delete event.headers[key];
    if (event.multiValueHeaders) delete event.multiValueHeaders[key];
  } else {
    event.headers[key] = value;
    if (event.multiValueHeaders) event.multiValueHeaders[key] = [value];
  }
}

// A bearer token whose claims Netlify Identity is taken to have verified (the fixtures' kind).
const IDENTITY_TOKEN = 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln';

/**
 * A `{ event, context }` from fixture `name` with changes:
 *   method, path        event.httpMethod / event.path (rawUrl follows)
 *   query               object of strings: queryStringParameters and friends
 *   body                string (undefined: keep the fixture's; null: none), `base64: true` encodes it
 *   headers             { name: value | undefined } set / remove (after `body`, so they win)
 *   user                Netlify Identity claims object for context.clientContext.user, or null for
 *                       no user (the Authorization header goes too)
 */
function netlifyEvent(name, changes = {}) {
  const { event, context } = fixture(name);
  if (changes.method !== undefined) event.httpMethod = changes.method;
  if (changes.path !== undefined) event.path = changes.path;
  if (changes.query !== undefined) {
    event.queryStringParameters = { ...changes.query };
    event.multiValueQueryStringParameters = Object.fromEntries(
      Object.entries(changes.query).map(([key, value]) => [key, [value]]),
    );
    event.rawQuery = new URLSearchParams(changes.query).toString();
  }
  event.rawUrl = `${ORIGIN}${event.path}${event.rawQuery ? `?${event.rawQuery}` : ''}`;
  if (changes.body === null) {
    delete event.body;
  } else if (changes.body !== undefined) {
    event.body = changes.base64 ? Buffer.from(changes.body, 'utf8').toString('base64') : changes.body;
    event.isBase64Encoded = !!changes.base64;
    setHeader(event, 'content-length', String(Buffer.byteLength(changes.body, 'utf8')));
  }
  for (const [key, value] of Object.entries(changes.headers || {})) setHeader(event, key, value);
  if (changes.user !== undefined) {
    context.clientContext = context.clientContext || {};
    if (changes.user === null) {
      delete context.clientContext.user;
      delete context.clientContext.identity;
      setHeader(event, 'authorization', undefined);
    } else {
      context.clientContext.user = changes.user;
      if (!event.headers.authorization) setHeader(event, 'authorization', IDENTITY_TOKEN);
    }
  }
  return { event, context };
}

/** Every value of header `name` in a v1 result, whatever the letter case of its key(s). */
function headerValues(res, name) {
  const lower = name.toLowerCase();
  const single = Object.entries(res.headers || {})
    .filter(([key]) => key.toLowerCase() === lower)
    .map(([, value]) => value);
  const multi = Object.entries(res.multiValueHeaders || {})
    .filter(([key]) => key.toLowerCase() === lower)
    .flatMap(([, values]) => values);
  return [...single, ...multi];
}

/** The one value of header `name`, or undefined; fails when the header is there more than once. */
function header(res, name) {
  const values = headerValues(res, name);
  assert.ok(values.length <= 1, `header ${name} sent ${values.length} times: ${JSON.stringify(values)}`);
  return values[0];
}

/** `{ lower-case name: [values] }` of every header whose name starts with `prefix` (lower case). */
function headersStartingWith(res, prefix) {
  const out = {};
  for (const [key, value] of Object.entries(res.headers || {})) {
    if (key.toLowerCase().startsWith(prefix)) (out[key.toLowerCase()] ||= []).push(value);
  }
  for (const [key, values] of Object.entries(res.multiValueHeaders || {})) {
    if (key.toLowerCase().startsWith(prefix)) (out[key.toLowerCase()] ||= []).push(...values);
  }
  return out;
}

/** Status and exact JSON body. */
function assertJson(res, status, expected) {
  assert.equal(res.statusCode, status, `status (body: ${res.body})`);
  assert.equal(typeof res.body, 'string');
  let json;
  assert.doesNotThrow(() => { json = JSON.parse(res.body); }, `body is JSON: ${res.body}`);
  assert.deepEqual(json, expected);
  return json;
}

function assertNoContent(res, status = 204) {
  assert.equal(res.statusCode, status, `status (body: ${res.body})`);
  assert.ok(res.body === '' || res.body === undefined || res.body === null, `no body, got ${JSON.stringify(res.body)}`);
}

/**
 * Checks the shared security headers (`expected`: exact values, each exactly once), that `absent`
 * are not sent, and that there is exactly one well-formed X-Request-Id.
 */
function assertSecurityHeaders(res, expected, absent) {
  assert.equal(typeof res.headers, 'object', 'result has a headers object');
  assert.notEqual(res.headers, null, 'result has a headers object');
  for (const [name, value] of Object.entries(res.headers)) {
    assert.equal(typeof value, 'string', `header ${name} is a string`);
  }
  for (const [name, value] of Object.entries(expected)) {
    assert.deepEqual(headerValues(res, name), [value], `security header ${name} (exactly once, exact value)`);
  }
  for (const name of absent) {
    assert.deepEqual(headerValues(res, name), [], `header ${name} must not be sent`);
  }
  const ids = headerValues(res, 'X-Request-Id');
  assert.equal(ids.length, 1, `exactly one X-Request-Id, got ${JSON.stringify(ids)}`);
  assert.match(ids[0], /^[A-Za-z0-9._-]{1,64}$/);
}

/** The result's basic shape: a v1 result object with an integer status and a string body. */
function assertV1Result(res) {
  assert.equal(typeof res, 'object', 'handler returns a v1 result object');
  assert.notEqual(res, null, 'handler returns a v1 result object');
  assert.ok(Number.isInteger(res.statusCode), `statusCode is an integer: ${res.statusCode}`);
  assert.ok(res.body === undefined || typeof res.body === 'string', 'body is a string');
}

/** A JSON text of exactly `bytes` UTF-8 bytes: `{"pad":"xxx..."}` (bytes >= 10). */
function jsonOfSize(bytes, char = 'x') {
  const width = Buffer.byteLength(char, 'utf8');
  const room = bytes - 10;
  assert.ok(room >= 0 && room % width === 0, `cannot make ${bytes} bytes from ${JSON.stringify(char)}`);
  const text = `{"pad":"${char.repeat(room / width)}"}`;
  assert.equal(Buffer.byteLength(text, 'utf8'), bytes);
  return text;
}

/** `json` (an object) serialized, then padded with trailing spaces to exactly `bytes` bytes. */
function paddedJson(json, bytes) {
  const text = JSON.stringify(json);
  const room = bytes - Buffer.byteLength(text, 'utf8');
  assert.ok(room >= 0, `${text} is already over ${bytes} bytes`);
  return text + ' '.repeat(room);
}

/**
 * Replaces console.error with a recorder (the dispatcher logs there), so the tests can look at the
 * log and keep the output clean. Returns `{ lines() , clear() }`.
 */
function captureConsoleError() {
  let logged = [];
  const real = console.error;
  console.error = (...args) => { logged.push(args.map(String).join(' ')); };
  process.on('exit', () => { console.error = real; });
  return {
    lines: () => logged.slice(),
    text: () => logged.join('\n'),
    clear: () => { logged = []; },
  };
}

module.exports = {
  DEFAULT_SECURITY_HEADERS,
  FIXTURES,
  ORIGIN,
  fixture,
  setHeader,
  netlifyEvent,
  headerValues,
  header,
  headersStartingWith,
  assertJson,
  assertNoContent,
  assertSecurityHeaders,
  assertV1Result,
  jsonOfSize,
  paddedJson,
  captureConsoleError,
};
