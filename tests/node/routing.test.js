// Route matching and lazy handler loading of the generated Netlify dispatcher, against a reference
// written here: a project generated from the routes in ROUTES_JSON (overlapping shapes: fixed
// segments beside parameters at every depth), every path of up to four segments over a small
// alphabet, with every method.
//
//   PROJECT_DIR=/path/to/project ROUTES_JSON='[{"name":..,"method":..,"path":..}]' node --test tests/node/routing.test.js
//
// tests/node_dispatcher.rs writes the spec from the same list, generates the project and runs this.
// Only node: modules.
'use strict';

const { it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const PROJECT_DIR = process.env.PROJECT_DIR;
const ROUTES = JSON.parse(process.env.ROUTES_JSON || 'null');
if (!PROJECT_DIR || !Array.isArray(ROUTES)) throw new Error('set PROJECT_DIR and ROUTES_JSON');
const ENTRY = path.join(PROJECT_DIR, 'netlify/functions/api.js');
const METHODS_DIR = path.join(PROJECT_DIR, 'netlify/functions/api-methods');
// The route table's modules, one per first segment (loaded on a first request into it).
const ROUTES_DIR = path.join(PROJECT_DIR, 'netlify/functions/_shared/routes');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const ALPHABET = ['x', 'y', 'z', 'a', 'b', 'c', 'fixed', 'q'];

const handlerFilesLoaded = () => Object.keys(require.cache).filter((f) => f.startsWith(METHODS_DIR + path.sep));
const routeFilesLoaded = () => Object.keys(require.cache).filter((f) => f.startsWith(ROUTES_DIR + path.sep));

// Loaded here, before any request: the handler files and the route table's modules must not be.
const { handler } = require(ENTRY);
const loadedAtStart = [...handlerFilesLoaded(), ...routeFilesLoaded()];

/** The reference: the shapes (paths) that match, ordered so that at the first segment where two
 * differ a fixed one comes first; the first wins, then the method picks its operation or 405. */
function expected(segments) {
  const shapes = new Map();
  for (const route of ROUTES) {
    const shape = route.path.split('/').slice(1);
    const matches =
      shape.length === segments.length && shape.every((want, i) => want.startsWith('{') || want === segments[i]);
    if (!matches) continue;
    if (!shapes.has(route.path)) shapes.set(route.path, { shape, methods: new Map() });
    shapes.get(route.path).methods.set(route.method, route.name);
  }
  const ordered = [...shapes.values()].sort((l, r) => {
    for (let i = 0; i < l.shape.length; i++) {
      const lp = l.shape[i].startsWith('{');
      const rp = r.shape[i].startsWith('{');
      if (lp !== rp) return lp ? 1 : -1;
    }
    return 0;
  });
  return ordered[0] || null;
}

function* paths(depth) {
  if (depth === 0) {
    yield [];
    return;
  }
  for (const head of paths(depth - 1)) for (const s of ALPHABET) yield [...head, s];
}

const call = (method, segments) =>
  handler({ httpMethod: method, path: ['/api', ...segments].join('/'), headers: {}, body: null }, {});

it('every path and method routes as the reference says (fixed before parameter, then 404/405)', async () => {
  const wrong = [];
  let requests = 0;
  for (let depth = 1; depth <= 4; depth++) {
    for (const segments of paths(depth)) {
      const want = expected(segments);
      for (const method of METHODS) {
        requests += 1;
        const res = await call(method, segments);
        const got = `${res.statusCode} ${res.statusCode === 501 ? JSON.parse(res.body).operation : ''}`;
        let expect;
        if (want === null) expect = '404 ';
        else if (want.methods.has(method)) expect = `501 ${want.methods.get(method)}`;
        else expect = '405 ';
        if (got !== expect) wrong.push(`${method} /${segments.join('/')}: got ${got}, expected ${expect}`);
        if (expect === '405 ') {
          const allow = res.headers.Allow.split(', ');
          for (const m of want.methods.keys()) {
            if (!allow.includes(m)) wrong.push(`${method} /${segments.join('/')}: Allow ${res.headers.Allow} lacks ${m}`);
          }
        }
      }
    }
  }
  assert.ok(requests > 20000, `only ${requests} requests`);
  assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} of ${requests} requests routed wrongly`);
});

it('handler files load on their first request only, and one that exports no function is a 500', async () => {
  assert.deepEqual(loadedAtStart, [], 'no handler file or route module is loaded with the dispatcher');
  // The routing test above reached every group of routes: each module is loaded, and the
  // parameter group's too (the routes starting with a parameter).
  assert.deepEqual(routeFilesLoaded().sort(), fs.readdirSync(ROUTES_DIR).map((f) => path.join(ROUTES_DIR, f)).sort());
  assert.ok(fs.existsSync(path.join(ROUTES_DIR, '_param.js')), 'the spec has routes starting with a parameter');
  // The routing test above called every operation: each file is loaded once, and only those.
  const files = fs.readdirSync(METHODS_DIR).map((f) => path.join(METHODS_DIR, f));
  assert.deepEqual(handlerFilesLoaded().sort(), files.sort());

  // A fresh dispatcher, whose one handler file exports a number: its route is a 500 with a request
  // id, the others still answer.
  const routeFiles = fs.readdirSync(ROUTES_DIR).map((f) => path.join(ROUTES_DIR, f));
  for (const f of [ENTRY, ...files, ...routeFiles]) delete require.cache[f];
  const broken = ROUTES[0];
  const file = files.find((f) => path.basename(f) === `${broken.stem}.js`);
  fs.writeFileSync(file, 'module.exports = 42;\n');
  const fresh = require(ENTRY).handler;
  const errors = [];
  const original = console.error;
  console.error = (line) => errors.push(line);
  try {
    const res = await fresh(
      { httpMethod: broken.method, path: `/api${broken.path}`, headers: { 'x-nf-request-id': 'req-1' }, body: null },
      {},
    );
    assert.equal(res.statusCode, 500);
    assert.deepEqual(JSON.parse(res.body), { error: 'internal_error', requestId: 'req-1' });
  } finally {
    console.error = original;
  }
  assert.equal(errors.length, 1);
  assert.match(errors[0], /must export a function/);
  const other = ROUTES.find((r) => r.path !== broken.path);
  const ok = await fresh({ httpMethod: other.method, path: `/api${other.path.replace(/\{\w+\}/g, 'v')}`, headers: {} }, {});
  assert.equal(ok.statusCode, 501);
  assert.equal(JSON.parse(ok.body).operation, other.name);
  assert.deepEqual(
    handlerFilesLoaded().map((f) => path.basename(f)).sort(),
    [`${broken.stem}.js`, `${other.stem}.js`].sort(),
  );
});

it('a route module that fails to load is a 500, and the next request into its group loads it again', async () => {
  const routeFiles = fs.readdirSync(ROUTES_DIR).map((f) => path.join(ROUTES_DIR, f));
  const handlerFiles = fs.readdirSync(METHODS_DIR).map((f) => path.join(METHODS_DIR, f));
  for (const f of [ENTRY, ...handlerFiles, ...routeFiles]) delete require.cache[f];
  const fresh = require(ENTRY).handler;
  // A route in a fixed segment's group, whose handler file the test above left intact.
  const route = ROUTES.find((r) => !r.path.startsWith('/{') && fs.readFileSync(path.join(METHODS_DIR, `${r.stem}.js`), 'utf8') !== 'module.exports = 42;\n');
  const module = path.join(ROUTES_DIR, `${route.path.split('/')[1]}.js`);
  const request = { httpMethod: route.method, path: `/api${route.path.replace(/\{\w+\}/g, 'v')}`, headers: {} };
  const errors = [];
  const original = console.error;
  console.error = (line) => errors.push(line);
  fs.renameSync(module, `${module}.away`);
  let failed;
  try {
    failed = await fresh(request, {});
  } finally {
    fs.renameSync(`${module}.away`, module);
    console.error = original;
  }
  assert.equal(failed.statusCode, 500);
  assert.equal(JSON.parse(failed.body).error, 'internal_error');
  assert.equal(errors.length, 1);
  const again = await fresh(request, {});
  assert.equal(again.statusCode, 501);
  assert.equal(JSON.parse(again.body).operation, route.name);
});
