// Driver: Netlify Functions, modern format (`export default async (request, context)`).
//
// Each request is a Web Request for https://notes-api.netlify.app<path> with the headers Netlify
// adds (x-nf-request-id, client IP, site and account ids), and a context shaped like Netlify's
// (requestId, ip, geo, site, deploy, account, server, params, cookies, json, log, waitUntil).
// The URL is parsed as Netlify's runtime parses it (WHATWG: dot segments resolved, `\` read as `/`).
// Settings (JWT_*) live in process.env, as on Netlify.
'use strict';

const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { lowerCaseHeaders, requestUrl, fromFetchResponse, withProcessEnv, ulid, entryFile } = require('../lib/platform.js');

const ORIGIN = 'https://notes-api.netlify.app';
const paths = 'url';
const variants = ['default'];

function netlifyContext(request, requestId) {
  const url = new URL(request.url);
  return {
    account: { id: 'acc-5f1e2d3c' },
    cookies: { get: () => undefined, set: () => {}, delete: () => {} },
    deploy: { context: 'production', id: '6650f0c0ffee000008a1b2c3', published: true },
    geo: { city: 'San Francisco', country: { code: 'US', name: 'United States' }, subdivision: { code: 'CA', name: 'California' }, timezone: 'America/Los_Angeles', latitude: 37.7, longitude: -122.4 },
    ip: '203.0.113.7',
    json: (value, init) => Response.json(value, init),
    log: () => {},
    params: {},
    requestId,
    server: { region: 'us-east-2' },
    site: { id: 'site-0a1b2c3d', name: 'notes-api', url: ORIGIN },
    url,
    waitUntil: () => {},
  };
}

async function load(projectDir, { settings = {}, variant = variants[0] } = {}) {
  if (!variants.includes(variant)) throw new Error(`netlify-modern driver: unknown variant ${variant}`);
  const api = entryFile(projectDir, 'netlify/functions/api.js');
  Object.assign(process.env, settings);
  const mod = await import(pathToFileURL(api).href);
  if (typeof mod.default !== 'function') throw new Error(`${api} has no default export function`);
  if (!mod.config || !Array.isArray(mod.config.path)) throw new Error(`${api} exports no config.path`);

  return async function call({ method = 'GET', path: p, headers = {}, body, query = {}, settings: override }) {
    const requestId = ulid();
    const request = new Request(requestUrl(ORIGIN, p, query), {
      method,
      headers: {
        ...lowerCaseHeaders(headers),
        'x-nf-request-id': requestId,
        'x-nf-client-connection-ip': '203.0.113.7',
        'x-forwarded-for': '203.0.113.7',
        'x-nf-account-id': 'acc-5f1e2d3c',
        'x-nf-site-id': 'site-0a1b2c3d',
        'x-nf-deploy-id': '6650f0c0ffee000008a1b2c3',
      },
      body: body === undefined || body === null ? undefined : body,
    });
    const response = await withProcessEnv(override || settings, Object.keys(settings),
      () => mod.default(request, netlifyContext(request, requestId)));
    return { ...(await fromFetchResponse(response)), platformRequestId: requestId };
  };
}

module.exports = { paths, variants, load };
