// Writes a Hono app with the routes of a bench spec (bench/specs/ops-N.yaml: every resource has
// list, create, read, update and delete): `GET`/`POST /api/<resource>`,
// `GET`/`PUT`/`DELETE /api/<resource>/:id`, one `app.<method>(path, handler)` line per route, as a
// Hono user writes them. Every response carries the same security headers as the generated API
// (HEADERS.json, read from its _shared/headers.js) and an X-Request-Id (Netlify's x-nf-request-id
// when well-formed); unknown paths get 404, a known path with another method 405 + Allow (OPTIONS:
// 204 + Allow). Items live in a Map per resource (like the generated `storage: memory`).
//   node bench/runtime/make-hono.mjs SPEC.yaml HEADERS.json OUT.mjs
import fs from 'node:fs';

const [specFile, headersFile, out] = process.argv.slice(2);
const spec = fs.readFileSync(specFile, 'utf8');
const resources = [...spec.matchAll(/^ {2}([A-Za-z][A-Za-z0-9_]*):$/gm)].map((m) => m[1]);
if (resources.length === 0) throw new Error(`no resources found in ${specFile}`);
if (!/operations: \[list, create, read, update, delete\]/.test(spec) || /operations: (?!\[list, create, read, update, delete\])/.test(spec)) {
  throw new Error(`${specFile}: make-hono.mjs only knows resources with all five CRUD operations`);
}
const headers = JSON.parse(fs.readFileSync(headersFile, 'utf8'));

const lines = [];
for (const r of resources) {
  const s = JSON.stringify(r);
  lines.push(
    `app.get('/api/${r}', (c) => list(c, ${s}));`,
    `app.post('/api/${r}', (c) => create(c, ${s}));`,
    `app.get('/api/${r}/:id', (c) => read(c, ${s}));`,
    `app.put('/api/${r}/:id', (c) => update(c, ${s}));`,
    `app.delete('/api/${r}/:id', (c) => remove(c, ${s}));`,
    `app.all('/api/${r}', (c) => notAllowed(c, 'GET, POST, OPTIONS'));`,
    `app.all('/api/${r}/:id', (c) => notAllowed(c, 'GET, PUT, DELETE, OPTIONS'));`,
  );
}

fs.writeFileSync(
  out,
  `// A Hono app with the routes of ${specFile.split('/').pop()} (made by bench/runtime/make-hono.mjs).
import { Hono } from 'hono';

const HEADERS = Object.freeze(${JSON.stringify(headers, null, 2)});
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const stores = new Map();
const store = (name) => stores.get(name) || stores.set(name, new Map()).get(name);

function send(c, status, body, extra) {
  const id = c.req.header('x-nf-request-id');
  const headers = { ...HEADERS, 'X-Request-Id': id && REQUEST_ID.test(id) ? id : crypto.randomUUID(), ...extra };
  return c.body(body === undefined ? null : JSON.stringify(body), status, headers);
}
function list(c, name) {
  return send(c, 200, { items: [...store(name).values()].slice(0, 20), next: null });
}
async function create(c, name) {
  let body;
  try {
    body = await c.req.json();
  } catch {
    return send(c, 400, { error: 'invalid_json' });
  }
  const now = new Date().toISOString();
  const item = { id: crypto.randomUUID(), ...body, createdAt: now, updatedAt: now };
  store(name).set(item.id, item);
  return send(c, 201, item, { Location: \`/api/\${name}/\${item.id}\` });
}
function read(c, name) {
  const item = store(name).get(c.req.param('id'));
  return item ? send(c, 200, item) : send(c, 404, { error: 'not_found' });
}
async function update(c, name) {
  const old = store(name).get(c.req.param('id'));
  if (!old) return send(c, 404, { error: 'not_found' });
  const item = { ...old, ...(await c.req.json()), id: old.id, updatedAt: new Date().toISOString() };
  store(name).set(item.id, item);
  return send(c, 200, item);
}
function remove(c, name) {
  return store(name).delete(c.req.param('id')) ? send(c, 204) : send(c, 404, { error: 'not_found' });
}
function notAllowed(c, allow) {
  return c.req.method === 'OPTIONS' ? send(c, 204, undefined, { Allow: allow }) : send(c, 405, { error: 'method_not_allowed' }, { Allow: allow });
}

const app = new Hono();
${lines.join('\n')}
app.notFound((c) => send(c, 404, { error: 'not_found' }));

export default app;
`,
);
