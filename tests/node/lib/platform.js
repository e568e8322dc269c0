// Helpers shared by the per-target drivers of tests/node/drivers/: request URLs, header maps,
// settings in process.env, platform-like ids, and reading a fetch Response. Only node: modules.
'use strict';

const crypto = require('node:crypto');

/** `{ lower-case name: value }` of a request's headers; undefined values are left out. */
function lowerCaseHeaders(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers || {})) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    out[key] = out[key] === undefined ? String(value) : `${out[key]}, ${value}`;
  }
  return out;
}

/** The query string (no `?`) of a `{ name: value }` object; '' when empty. */
function queryString(query) {
  return new URLSearchParams(query || {}).toString();
}

/** `origin + path (+ ?query)`: the URL a client asked for, before any platform parses it. */
function requestUrl(origin, path, query) {
  const qs = queryString(query);
  return `${origin}${path}${qs ? `?${qs}` : ''}`;
}

/**
 * Header pairs (name, value) -> `{ lower-case name: value }`, a repeated header joined with ", "
 * (Set-Cookie included: the table only needs to see that it is there).
 */
function joinHeaderPairs(pairs) {
  const out = {};
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    out[key] = out[key] === undefined ? String(value) : `${out[key]}, ${value}`;
  }
  return out;
}

/** A fetch Response as the drivers' result: `{ status, headers, body }`. */
async function fromFetchResponse(response) {
  if (!(response instanceof Response)) {
    throw new TypeError(`the entry must return a fetch Response, got ${Object.prototype.toString.call(response)}`);
  }
  const pairs = [];
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') pairs.push([name, value]);
  });
  for (const cookie of response.headers.getSetCookie()) pairs.push(['set-cookie', cookie]);
  return { status: response.status, headers: joinHeaderPairs(pairs), body: await response.text() };
}

/**
 * Bodies a gateway passes as text; anything else arrives base64-encoded (Netlify's v1 events and
 * API Gateway's payload 2.0 both do this).
 */
function isTextBody(contentType) {
  const type = String(contentType || '').split(';')[0].trim().toLowerCase();
  return type.startsWith('text/') || /^application\/(?:[a-z0-9.+-]+\+)?(?:json|xml)$/.test(type)
    || type === 'application/javascript' || type === 'application/x-www-form-urlencoded';
}

/**
 * Runs `fn` with the settings `settings` ({ NAME: value }) in process.env, the names of `managed`
 * that `settings` does not hold removed; restores process.env afterwards.
 */
async function withProcessEnv(settings, managed, fn) {
  const names = new Set([...managed, ...Object.keys(settings)]);
  const saved = {};
  for (const name of names) {
    saved[name] = process.env[name];
    if (settings[name] === undefined) delete process.env[name];
    else process.env[name] = settings[name];
  }
  try {
    return await fn();
  } finally {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID (Netlify's x-nf-request-id). */
function ulid() {
  let time = Date.now();
  let out = '';
  for (let i = 0; i < 10; i += 1) {
    out = CROCKFORD[time % 32] + out;
    time = Math.floor(time / 32);
  }
  for (const byte of crypto.randomBytes(16)) out += CROCKFORD[byte % 32];
  return out;
}

const hex = (bytes) => crypto.randomBytes(bytes).toString('hex');

/** A fresh uuid (Lambda's awsRequestId, Azure's invocationId). */
const uuid = () => crypto.randomUUID();

/**
 * The project's entry file `rel` (its JavaScript name): the `.ts` one when the project is in
 * TypeScript (LANGUAGE=typescript; Node.js >= 22.18 runs it as it is, stripping its types), or
 * ENTRY_FILE (relative to the project) when set: what a TypeScript project's build wrote.
 */
function entryFile(projectDir, rel) {
  if (process.env.ENTRY_FILE) return require('node:path').join(projectDir, process.env.ENTRY_FILE);
  const language = process.env.LANGUAGE || 'javascript';
  if (language !== 'javascript' && language !== 'typescript') throw new Error(`LANGUAGE=${language}`);
  return require('node:path').join(projectDir, language === 'typescript' ? rel.replace(/\.js$/, '.ts') : rel);
}

module.exports = {
  entryFile,
  lowerCaseHeaders,
  queryString,
  requestUrl,
  joinHeaderPairs,
  fromFetchResponse,
  isTextBody,
  withProcessEnv,
  ulid,
  hex,
  uuid,
};
