// Driver: Vercel Functions, Web-standard fetch export (`export default { fetch(request) }`).
//
// Each request is a Web Request for https://notes-api.vercel.app<path> (the vercel.json rewrite keeps
// the URL the caller asked for) with the headers Vercel adds: x-vercel-id (`<edge>::<region>::<id>`),
// x-forwarded-*, x-real-ip, x-vercel-deployment-url, x-vercel-ip-country.
// The URL is parsed as the runtime parses it (WHATWG: dot segments resolved, `\` read as `/`).
// Settings (JWT_*) live in process.env, as on Vercel.
'use strict';

const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { lowerCaseHeaders, requestUrl, fromFetchResponse, withProcessEnv, hex, entryFile } = require('../lib/platform.js');

const ORIGIN = 'https://notes-api.vercel.app';
const paths = 'url';
const variants = ['default'];

async function load(projectDir, { settings = {}, variant = variants[0] } = {}) {
  if (!variants.includes(variant)) throw new Error(`vercel driver: unknown variant ${variant}`);
  const api = entryFile(projectDir, 'api/index.js');
  Object.assign(process.env, settings);
  const mod = await import(pathToFileURL(api).href);
  if (!mod.default || typeof mod.default.fetch !== 'function') throw new Error(`${api}: default export has no fetch()`);

  return async function call({ method = 'GET', path: p, headers = {}, body, query = {}, settings: override }) {
    // What Vercel sends, e.g. `cle1::iad1::wwdqs-1700000000000-0123456789ab`.
    const vercelId = `cle1::iad1::${hex(3).slice(0, 5)}-${Date.now()}-${hex(6)}`;
    const request = new Request(requestUrl(ORIGIN, p, query), {
      method,
      headers: {
        ...lowerCaseHeaders(headers),
        'x-vercel-id': vercelId,
        'x-forwarded-host': 'notes-api.vercel.app',
        'x-forwarded-proto': 'https',
        'x-forwarded-for': '203.0.113.7',
        'x-real-ip': '203.0.113.7',
        'x-vercel-deployment-url': 'notes-api-8f3k2l1m0.vercel.app',
        'x-vercel-ip-country': 'US',
      },
      body: body === undefined || body === null ? undefined : body,
    });
    const response = await withProcessEnv(override || settings, Object.keys(settings), () => mod.default.fetch(request));
    return { ...(await fromFetchResponse(response)), platformRequestId: vercelId };
  };
}

module.exports = { paths, variants, load };
