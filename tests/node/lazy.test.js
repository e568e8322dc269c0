// Handler files load on their operation's first request, never with the entry: in a project as
// generated, and in what a platform deploys of it (tests/e2e/platform-bundle.sh: Netlify's and
// wrangler's esbuild bundles, Vercel's traced files). One handler file of the project throws as soon
// as it is evaluated (the test poisons it before any bundling), so:
// - loading the entry must not throw: no handler is evaluated at load;
// - every other operation must reach its own handler (the 501 starter names its operation): the
//   bundle or trace holds every handler file;
// - the poisoned operation alone answers 500 internal_error, with the error in the log.
//
//   PROJECT_DIR=DIR TARGET=netlify OPS_JSON='[{"name","method","path","body"}]' POISONED=moviesRead \
//     node --test tests/node/lazy.test.js
//
// Requests go through the target's driver (tests/node/drivers/), as in tests/node/targets.test.js.
'use strict';

const { it } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const { PROJECT_DIR, TARGET, OPS_JSON, POISONED } = process.env;
if (!PROJECT_DIR || !TARGET || !OPS_JSON || !POISONED) throw new Error('set PROJECT_DIR, TARGET, OPS_JSON and POISONED');
const OPS = JSON.parse(OPS_JSON);
const PROJECT = path.resolve(PROJECT_DIR);
const driver = require(path.join(__dirname, 'drivers', `${TARGET}.js`));

it(`${TARGET}: no handler loads with the entry; each operation reaches its own; only the poisoned one fails`, async () => {
  assert.ok(OPS.some((op) => op.name === POISONED), `${POISONED} is not among the operations`);
  const logged = [];
  const original = console.error;
  console.error = (...args) => logged.push(args.map(String).join(' '));
  try {
    const call = await driver.load(PROJECT);
    const answers = [];
    for (const op of OPS) {
      const res = await call({
        method: op.method,
        path: op.path.replace(/\{\w+\}/g, 'v1'),
        headers: op.body ? { 'content-type': 'application/json' } : {},
        body: op.body ? JSON.stringify(op.body) : undefined,
      });
      const body = JSON.parse(res.body);
      answers.push(`${op.name}: ${res.status} ${op.name === POISONED ? body.error : body.operation}`);
    }
    const expected = OPS.map((op) => `${op.name}: ${op.name === POISONED ? '500 internal_error' : `501 ${op.name}`}`);
    assert.deepEqual(answers, expected);
  } finally {
    console.error = original;
  }
  assert.ok(
    logged.some((line) => line.includes('poisoned handler file evaluated')),
    `the poisoned file's error is logged: ${JSON.stringify(logged)}`,
  );
});
