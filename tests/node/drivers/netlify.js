// Driver: Netlify Functions, v1 handler (CommonJS `exports.handler(event, context)`; in a TypeScript
// project, LANGUAGE=typescript, the ES module `export const handler` of netlify/functions/api.ts).
//
// Each request becomes a v1 event + context made from the events recorded from Netlify's runtime
// (tests/fixtures/netlify-events/, through tests/node/lib/netlify.js): path, method, query, body and
// headers replaced, a fresh x-nf-request-id, no Netlify Identity user (this is a JWT project).
// Variants: `redirect` (the public /api/... path the netlify.toml redirect keeps in event.path) and
// `function-path` (the function called directly, /.netlify/functions/api/...).
// Settings (JWT_*) live in process.env, as on Netlify.
'use strict';

const { pathToFileURL } = require('node:url');
const { netlifyEvent, setHeader } = require('../lib/netlify.js');
const { entryFile, lowerCaseHeaders, isTextBody, withProcessEnv, joinHeaderPairs, ulid } = require('../lib/platform.js');

// The recorded event each method starts from.
const FIXTURE_FOR = {
  GET: 'get-list-anonymous',
  HEAD: 'get-list-anonymous',
  DELETE: 'delete-direct-function-path',
  POST: 'post-json-identity-user',
  PUT: 'put-octet-stream',
  PATCH: 'post-json-identity-user',
  OPTIONS: 'options-preflight',
};
// Headers of the recorded requests that belong to the client, not to Netlify: replaced by the
// request's own.
const CLIENT_HEADERS = ['authorization', 'content-type', 'content-length', 'origin', 'access-control-request-method',
  'access-control-request-headers', 'accept', 'user-agent', 'cookie'];

const paths = 'raw';
const variants = ['redirect', 'function-path'];

function eventPath(p, variant) {
  if (variant === 'function-path' && (p === '/api' || p.startsWith('/api/'))) return `/.netlify/functions/api${p.slice(4)}`;
  return p;
}

async function load(projectDir, { settings = {}, variant = variants[0] } = {}) {
  if (!variants.includes(variant)) throw new Error(`netlify driver: unknown variant ${variant}`);
  const api = entryFile(projectDir, 'netlify/functions/api.js');
  Object.assign(process.env, settings);
  const { handler } = api.endsWith('.ts') ? await import(pathToFileURL(api).href) : require(api);
  if (typeof handler !== 'function') throw new Error(`${api} does not export a v1 handler`);

  return async function call({ method = 'GET', path: p, headers = {}, body, query = {}, settings: override }) {
    const upper = method.toUpperCase();
    const sent = lowerCaseHeaders(headers);
    const text = body === undefined || body === null ? null : String(body);
    const base64 = text !== null && !isTextBody(sent['content-type']);
    const { event, context } = netlifyEvent(FIXTURE_FOR[upper] || 'get-list-anonymous', {
      method,
      path: eventPath(p, variant),
      query,
      body: text,
      base64,
    });
    for (const name of CLIENT_HEADERS) setHeader(event, name, undefined);
    for (const [name, value] of Object.entries(sent)) setHeader(event, name, value);
    if (text === null) setHeader(event, 'content-length', undefined);
    else setHeader(event, 'content-length', String(Buffer.byteLength(text, 'utf8')));
    const requestId = ulid();
    setHeader(event, 'x-nf-request-id', requestId);
    // Netlify Identity's user appears only with Identity's own tokens: not in a JWT project.
    if (context.clientContext) {
      delete context.clientContext.user;
      delete context.clientContext.identity;
    }

    const res = await withProcessEnv(override || settings, Object.keys(settings), () => handler(event, context));
    if (res === null || typeof res !== 'object' || !Number.isInteger(res.statusCode)) {
      throw new TypeError(`not a v1 result: ${JSON.stringify(res)}`);
    }
    const pairs = Object.entries(res.headers || {});
    for (const [name, values] of Object.entries(res.multiValueHeaders || {})) {
      for (const value of values) pairs.push([name, value]);
    }
    const out = typeof res.body === 'string' ? res.body : res.body === undefined ? '' : String(res.body);
    return {
      status: res.statusCode,
      headers: joinHeaderPairs(pairs),
      body: res.isBase64Encoded ? Buffer.from(out, 'base64').toString('utf8') : out,
      platformRequestId: requestId,
    };
  };
}

module.exports = { paths, variants, load };
