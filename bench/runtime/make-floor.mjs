// Writes the floor: one bare Netlify v1 function with one route (GET /api/res000), which checks
// path and method and answers with the same security headers and X-Request-Id as the generated
// API: 200, 405 + Allow, or 404. What any function costs to start and to answer, and no more.
//   node bench/runtime/make-floor.mjs HEADERS.json OUT.cjs
import fs from 'node:fs';

const [headersFile, out] = process.argv.slice(2);
const headers = JSON.parse(fs.readFileSync(headersFile, 'utf8'));
fs.writeFileSync(
  out,
  `// The floor of bench/runtime.sh (made by bench/runtime/make-floor.mjs): one route, no dispatcher.
'use strict';

const HEADERS = Object.freeze(${JSON.stringify(headers, null, 2)});
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

exports.handler = async (event) => {
  const id = (event.headers || {})['x-nf-request-id'];
  const headers = { ...HEADERS, 'X-Request-Id': id && REQUEST_ID.test(id) ? id : globalThis.crypto.randomUUID() };
  if (event.path !== '/api/res000') return { statusCode: 404, headers, body: '{"error":"not_found"}' };
  if (event.httpMethod !== 'GET') {
    return { statusCode: 405, headers: { ...headers, Allow: 'GET' }, body: '{"error":"method_not_allowed"}' };
  }
  return { statusCode: 200, headers, body: '{"items":[],"next":null}' };
};
`,
);
