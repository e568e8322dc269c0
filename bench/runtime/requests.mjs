// How the benchmark calls an entry, in process: shared by cold.mjs and warm.mjs. Nothing listens on
// the network; every request is an object handed to the entry's public export.
//
// Two kinds of entry:
//   v1   CommonJS `exports.handler(event, context)` (Netlify Functions v1: the generated netlify
//        target, the floor). Events are the project's recorded Netlify events
//        (tests/fixtures/netlify-events/, through tests/node/lib/netlify.js), with path, method,
//        body and a Netlify Identity user (context.clientContext.user) set per request.
//   web  an ES module whose default export is either a function `(request, context)` (Netlify's
//        modern format: the generated netlify-modern target) or an object with `fetch(request)`
//        (a Hono app); requests are WHATWG `Request`s for https://bench.netlify.app<path>.
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ORIGIN = 'https://bench.netlify.app';
const REQUEST_ID = '01J0BENCH0REQUEST0ID000000';
// Netlify Identity claims of a signed-in user that expire in an hour (the bench specs use
// provider netlify-identity: every operation needs a user).
const USER = {
  sub: 'bench-user-1',
  email: 'bench@example.com',
  exp: Math.floor(Date.now() / 1000) + 3600,
  app_metadata: { provider: 'email', roles: [] },
  user_metadata: {},
};

/** Loads an entry: the module (v1: `require`, as Netlify's Node runtime does; web: `import`). */
export async function load(kind, entry) {
  if (kind === 'v1') {
    const mod = require(path.resolve(entry));
    if (typeof mod.handler !== 'function') throw new Error(`${entry} exports no handler function`);
    return mod;
  }
  if (kind === 'web') {
    const mod = await import(pathToFileURL(path.resolve(entry)).href);
    const d = mod.default;
    if (typeof d !== 'function' && !(d && typeof d.fetch === 'function')) {
      throw new Error(`${entry}: default export is neither a function nor an object with fetch()`);
    }
    return mod;
  }
  throw new Error(`unknown entry kind ${kind}`);
}

let netlifyLib;
/** The input for one request: a v1 `{ event, context }` or a `{ request, context }`. */
export function input(kind, { method, path: p, body }) {
  const text = body === undefined ? undefined : JSON.stringify(body);
  if (kind === 'v1') {
    netlifyLib ||= require(path.join(ROOT, 'tests/node/lib/netlify.js'));
    const fixture = method === 'POST' || method === 'PUT' ? 'post-json-identity-user' : 'get-list-anonymous';
    const { event, context } = netlifyLib.netlifyEvent(fixture, {
      method,
      path: p,
      query: {},
      body: text === undefined ? null : text,
      headers: text === undefined ? { 'content-type': undefined } : { 'content-type': 'application/json' },
      user: USER,
    });
    netlifyLib.setHeader(event, 'x-nf-request-id', REQUEST_ID);
    return { event, context };
  }
  const request = new Request(ORIGIN + p, {
    method,
    headers: {
      accept: 'application/json',
      'x-nf-request-id': REQUEST_ID,
      'x-forwarded-for': '203.0.113.7',
      ...(text === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: text,
  });
  const context = {
    requestId: REQUEST_ID,
    ip: '203.0.113.7',
    params: {},
    site: { id: 'site-bench', name: 'bench', url: ORIGIN },
    deploy: { context: 'production', id: 'deploy-bench', published: true },
    server: { region: 'us-east-2' },
    url: new URL(request.url),
    cookies: { get: () => undefined, set: () => {}, delete: () => {} },
    json: (value, init) => Response.json(value, init),
    log: () => {},
    waitUntil: () => {},
  };
  return { request, context };
}

/** The raw call: what the platform awaits (a v1 result or a Response). */
export function rawCall(kind, mod, inp) {
  if (kind === 'v1') return mod.handler(inp.event, inp.context);
  const d = mod.default;
  return typeof d === 'function' ? d(inp.request, inp.context) : d.fetch(inp.request);
}

/** The status of a raw result. */
export function statusOf(kind, res) {
  return kind === 'v1' ? res.statusCode : res.status;
}

/** A raw result read out: `{ status, headers: { lower-case name: value }, body }`. */
export async function readResult(kind, res) {
  if (kind === 'v1') {
    const headers = {};
    for (const [k, v] of Object.entries(res.headers || {})) headers[k.toLowerCase()] = String(v);
    for (const [k, v] of Object.entries(res.multiValueHeaders || {})) headers[k.toLowerCase()] = v.join(', ');
    const body = typeof res.body === 'string' ? res.body : '';
    return { status: res.statusCode, headers, body: res.isBase64Encoded ? Buffer.from(body, 'base64').toString() : body };
  }
  const headers = {};
  for (const [k, v] of res.headers) headers[k] = v;
  return { status: res.status, headers, body: await res.text() };
}
