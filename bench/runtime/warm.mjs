// Warm cost per request, in process: loads the entry once (timing the load), then for each case
// checks the first answer (status, the shared security headers, X-Request-Id, Allow) and times
// ITERS calls after WARMUP calls, in BATCHES batches; prints JSON with the median µs per request.
//
//   node bench/runtime/warm.mjs KIND ENTRY CASES.json HEADERS.json
//
// CASES.json: [{ name, method, path, expect, allow?, seed? }]; `seed: { path, body }` POSTs one
// item first and puts its `id` in place of `{id}` in `path` (so a read finds an item in the
// memory store). HEADERS.json: the security headers every response must carry.
// Env: BENCH_WARM_ITERS (default 20000), BENCH_WARM_BATCHES (10), BENCH_WARM_WARMUP (5000).
// The input object of a case is built once and handed to every call: what is timed is the entry's
// work, not the platform's building of events or Requests. Bounded: ITERS and WARMUP are capped.
import fs from 'node:fs';
import { load, input, rawCall, statusOf, readResult } from './requests.mjs';

const [kind, entry, casesFile, headersFile] = process.argv.slice(2);
const cap = (v, d, max) => Math.max(1, Math.min(max, Number.parseInt(v ?? d, 10) || d));
const ITERS = cap(process.env.BENCH_WARM_ITERS, 20000, 1_000_000);
const BATCHES = cap(process.env.BENCH_WARM_BATCHES, 10, 100);
const WARMUP = cap(process.env.BENCH_WARM_WARMUP, 5000, 1_000_000);
const PER_BATCH = Math.max(1, Math.floor(ITERS / BATCHES));

const cases = JSON.parse(fs.readFileSync(casesFile, 'utf8'));
const security = JSON.parse(fs.readFileSync(headersFile, 'utf8'));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// Errors from the generated code's logger would flood the output; count them instead.
let logged = 0;
console.error = () => { logged += 1; };

const t0 = process.hrtime.bigint();
const mod = await load(kind, entry);
const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;

/** Problems with one answer: empty when it is what the case expects. */
function problems(c, r) {
  const out = [];
  if (r.status !== c.expect) out.push(`status ${r.status}, want ${c.expect} (body ${r.body.slice(0, 200)})`);
  for (const [name, value] of Object.entries(security)) {
    if (r.headers[name.toLowerCase()] !== value) out.push(`header ${name}: ${JSON.stringify(r.headers[name.toLowerCase()])}`);
  }
  if (!r.headers['x-request-id']) out.push('no X-Request-Id');
  if (c.allow !== undefined && r.headers.allow !== c.allow) out.push(`Allow ${JSON.stringify(r.headers.allow)}, want ${JSON.stringify(c.allow)}`);
  return out;
}

const results = {};
for (const c of cases) {
  try {
    let p = c.path;
    if (c.seed) {
      const made = await readResult(kind, await rawCall(kind, mod, input(kind, { method: 'POST', path: c.seed.path, body: c.seed.body })));
      const id = made.status === 201 ? JSON.parse(made.body).id : undefined;
      if (typeof id !== 'string') throw new Error(`seeding POST ${c.seed.path} answered ${made.status}: ${made.body.slice(0, 200)}`);
      p = p.replace('{id}', encodeURIComponent(id));
    }
    const inp = input(kind, { method: c.method, path: p });
    const first = await readResult(kind, await rawCall(kind, mod, inp));
    const bad = problems(c, first);
    if (bad.length > 0) throw new Error(`${c.method} ${p}: ${bad.join('; ')}`);
    for (let i = 0; i < WARMUP; i++) await rawCall(kind, mod, inp);
    const us = [];
    let wrong = 0;
    for (let b = 0; b < BATCHES; b++) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < PER_BATCH; i++) {
        if (statusOf(kind, await rawCall(kind, mod, inp)) !== c.expect) wrong += 1;
      }
      us.push(Number(process.hrtime.bigint() - start) / 1e3 / PER_BATCH);
    }
    if (wrong > 0) throw new Error(`${c.method} ${p}: ${wrong} answers with another status than ${c.expect}`);
    results[c.name] = { us: median(us), batches: us.map((x) => Math.round(x * 100) / 100), status: first.status, method: c.method, path: p };
  } catch (err) {
    results[c.name] = { error: String(err && err.message ? err.message : err) };
  }
}
process.stdout.write(`${JSON.stringify({ loadMs, iters: PER_BATCH * BATCHES, batches: BATCHES, warmup: WARMUP, logged, results })}\n`);
