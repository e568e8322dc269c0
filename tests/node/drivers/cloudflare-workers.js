// Driver: Cloudflare Workers, ES module fetch handler (`export default { fetch(request, env, ctx) }`).
//
// Each request is a Web Request for https://notes-api.example.workers.dev<path> with the headers
// Cloudflare adds (cf-ray, cf-connecting-ip, cf-ipcountry, x-forwarded-proto, x-real-ip) and a `cf`
// object; `env` holds the settings (JWT_*) as wrangler.toml's [vars] would, `ctx` is an
// ExecutionContext (waitUntil, passThroughOnException). A Worker has no process.env: this driver
// never writes one, and refuses to run when JWT_* are in it (the Worker could read them there).
// The URL is parsed as the runtime parses it (WHATWG: dot segments resolved, `\` read as `/`).
'use strict';

const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { lowerCaseHeaders, requestUrl, fromFetchResponse, hex, entryFile } = require('../lib/platform.js');

const ORIGIN = 'https://notes-api.example.workers.dev';
const paths = 'url';
const variants = ['default'];

function executionContext() {
  return { waitUntil: () => {}, passThroughOnException: () => {}, props: {} };
}

async function load(projectDir, { settings = {}, variant = variants[0] } = {}) {
  if (!variants.includes(variant)) throw new Error(`cloudflare-workers driver: unknown variant ${variant}`);
  const leaked = Object.keys(process.env).filter((name) => name.startsWith('JWT_') || Object.hasOwn(settings, name));
  if (leaked.length > 0) {
    throw new Error(`process.env holds ${leaked.join(', ')}: a Worker must get its settings from env only, unset them`);
  }
  const api = entryFile(projectDir, 'src/index.js');
  const mod = await import(pathToFileURL(api).href);
  if (!mod.default || typeof mod.default.fetch !== 'function') throw new Error(`${api}: default export has no fetch()`);

  return async function call({ method = 'GET', path: p, headers = {}, body, query = {}, settings: override }) {
    const ray = `${hex(8)}-SJC`;
    const request = new Request(requestUrl(ORIGIN, p, query), {
      method,
      headers: {
        ...lowerCaseHeaders(headers),
        'cf-ray': ray,
        'cf-connecting-ip': '203.0.113.7',
        'cf-ipcountry': 'US',
        'cf-visitor': '{"scheme":"https"}',
        'x-forwarded-proto': 'https',
        'x-real-ip': '203.0.113.7',
      },
      body: body === undefined || body === null ? undefined : body,
    });
    Object.defineProperty(request, 'cf', { value: { colo: 'SJC', country: 'US', asn: 64496, httpProtocol: 'HTTP/2' } });
    const env = { ...(override || settings) };
    const response = await mod.default.fetch(request, env, executionContext());
    return { ...(await fromFetchResponse(response)), platformRequestId: ray };
  };
}

module.exports = { paths, variants, load };
