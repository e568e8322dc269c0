// The measuring half of bench/runtime.sh: finds the entries runtime.sh laid out in $RT_WORK,
// times cold starts (fresh `node` processes running cold.mjs, spawn to answer and to exit, interleaved rounds,
// medians) and warm requests (one warm.mjs process per entry), then writes the Markdown report
// with PASS/MISS lines to $RT_RESULTS_TMP. Exit 0 when it measured, 1 when a required entry (the
// generated netlify function) could not be measured.
//
// Layout ($RT_WORK): floor/floor.cjs, headers.json, and per size n<N>/ with spec.yaml,
// netlify/ (project), modern/ (project, optional), hono/app.mjs, bundles/{netlify.cjs,modern.mjs,hono.mjs}.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;
const W = env.RT_WORK;
const NS = env.RT_NS.trim().split(/\s+/).map(Number);
const RUNS = Math.max(1, Math.min(51, Number.parseInt(env.BENCH_COLD_RUNS || '7', 10) || 7));
const WARMUP_RUNS = 1;
const SPAWN_TIMEOUT_MS = 60_000;
const WARM_TIMEOUT_MS = 300_000;
// Targets (reported, never fatal).
const T_COLD_RATIO = 1.5; // cold start at 1000 ops <= 1.5 x at 10 ops
const T_COLD_FLOOR_MS = 5; // ... and <= 1.5 x (floor + 5 ms); reported too: <= floor + 5 ms
const T_WARM_RATIO = 1.2; // per request at 1000 routes <= 1.2 x at 10 routes
const T_LINEAR = 0.25; // bytes per handler 100->1000 within 25% of 10->100

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const say = (msg) => process.stderr.write(`bench-runtime: ${msg}\n`);
const resourcesOf = (specFile) =>
  [...fs.readFileSync(specFile, 'utf8').matchAll(/^ {2}([A-Za-z][A-Za-z0-9_]*):$/gm)].map((m) => m[1]);

// ---- the entries ----
const FAMILIES = [
  { id: 'netlify', label: 'netlify (v1, CommonJS)', kind: 'v1', files: 'netlify/netlify/functions/api.js', bundle: 'bundles/netlify.cjs', required: true },
  { id: 'modern', label: 'netlify-modern (Web Request)', kind: 'web', files: 'modern/netlify/functions/api.js', bundle: 'bundles/modern.mjs' },
  { id: 'hono', label: `Hono ${env.RT_HONO_VERSION}`, kind: 'web', files: 'hono/app.mjs', bundle: 'bundles/hono.mjs' },
];
const floor = { id: 'floor', label: 'floor (one bare function, one route)', kind: 'v1', entry: path.join(W, 'floor/floor.cjs') };
const present = (f) => NS.every((n) => fs.existsSync(path.join(W, `n${n}`, f.files)) && fs.existsSync(path.join(W, `n${n}`, f.bundle)));
const families = FAMILIES.filter((f) => f.required || present(f));
const errors = []; // [required?, message]

// ---- cold starts ----
// One variant = one entry file. Rounds interleave every variant, so that a busy neighbour slows
// all of them alike; the first round warms the page cache and is not counted.
const cold = [];
for (const f of families) {
  for (const n of NS) {
    for (const how of ['files', 'bundle']) {
      cold.push({ key: `${f.id}-${how}-${n}`, family: f, n, kind: f.kind, entry: path.join(W, `n${n}`, f[how]), times: [], exits: [], cpu: [], required: f.required });
    }
  }
}
cold.push({ key: 'floor', family: floor, n: 0, kind: 'v1', entry: floor.entry, times: [], exits: [], cpu: [], required: true });

/** One cold start: [ms from spawn to the answer, ms from spawn to exit, CPU ms at the answer]. */
function coldOnce(v) {
  const spawned = performance.timeOrigin + performance.now();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(HERE, 'cold.mjs'), v.kind, v.entry, '/api/res000'], {
    encoding: 'utf8',
    timeout: SPAWN_TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const [status, cpuUs, answered] = r.stdout.trim().split(' ');
  const answerMs = Number(answered) - spawned;
  if (r.error || r.status !== 0 || status !== '200' || !/^[0-9]+$/.test(cpuUs || '') || !(answerMs > 0 && answerMs <= ms)) {
    const why = r.error ? String(r.error.message) : `exit ${r.status}, printed ${JSON.stringify(r.stdout.trim())}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`;
    throw new Error(`cold start of ${path.relative(W, v.entry)}: ${why}`);
  }
  return [answerMs, ms, Number(cpuUs) / 1000];
}

say(`cold starts: ${cold.length} entries x (${WARMUP_RUNS} warm-up + ${RUNS}) runs`);
for (let round = 0; round < WARMUP_RUNS + RUNS; round++) {
  for (const v of cold) {
    if (v.error) continue;
    try {
      const [ms, exitMs, cpu] = coldOnce(v);
      if (round >= WARMUP_RUNS) {
        v.times.push(ms);
        v.exits.push(exitMs);
        v.cpu.push(cpu);
      }
    } catch (err) {
      v.error = err.message;
      errors.push([v.required, v.error]);
      say(v.error);
    }
  }
  say(`cold round ${round + 1}/${WARMUP_RUNS + RUNS} done`);
}
const coldMs = Object.fromEntries(cold.filter((v) => !v.error).map((v) => [v.key, median(v.times)]));
const coldExitMs = Object.fromEntries(cold.filter((v) => !v.error).map((v) => [v.key, median(v.exits)]));
const coldCpu = Object.fromEntries(cold.filter((v) => !v.error).map((v) => [v.key, median(v.cpu)]));

// ---- bundle sizes ----
const bytes = {};
for (const f of families) for (const n of NS) bytes[`${f.id}-${n}`] = fs.statSync(path.join(W, `n${n}`, f.bundle)).size;
const handlerFiles = {};
for (const n of NS) handlerFiles[n] = fs.readdirSync(path.join(W, `n${n}`, 'netlify/netlify/functions/api-methods')).length;

// ---- warm requests ----
const headersFile = path.join(W, 'headers.json');
function casesFor(f, n) {
  if (f.id === 'floor') {
    return [
      { name: 'first', method: 'GET', path: '/api/res000', expect: 200 },
      { name: 'notfound', method: 'GET', path: '/api/nothing-here', expect: 404 },
      { name: 'method', method: 'DELETE', path: '/api/res000', expect: 405, allow: 'GET' },
    ];
  }
  const rs = resourcesOf(path.join(W, `n${n}`, 'spec.yaml'));
  const first = rs[0];
  const last = rs[rs.length - 1];
  return [
    { name: 'first', method: 'GET', path: `/api/${first}`, expect: 200 },
    { name: 'last', method: 'GET', path: `/api/${last}/{id}`, expect: 200, seed: { path: `/api/${last}`, body: { title: 'bench' } } },
    { name: 'notfound', method: 'GET', path: '/api/nothing-here', expect: 404 },
    { name: 'method', method: 'DELETE', path: `/api/${last}`, expect: 405, allow: 'GET, POST, OPTIONS' },
  ];
}
// Each entry runs in WARM_PROCS fresh processes, in interleaved rounds (as the cold starts); a
// request kind's figure is the median of the processes' medians.
const WARM_PROCS = Math.max(1, Math.min(15, Number.parseInt(env.BENCH_WARM_PROCS || '3', 10) || 3));
const runs = {}; // key -> [warm.mjs output]
const failed = new Set();
function fail(key, required, msg) {
  failed.add(key);
  errors.push([required, msg]);
  say(msg);
}
function warmRun(key, kind, entry, cases, required) {
  if (failed.has(key)) return;
  const casesFile = path.join(W, `cases-${key}.json`);
  fs.writeFileSync(casesFile, JSON.stringify(cases));
  const r = spawnSync(process.execPath, [path.join(HERE, 'warm.mjs'), kind, entry, casesFile, headersFile], {
    encoding: 'utf8',
    timeout: WARM_TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 16 << 20,
  });
  if (r.error || r.status !== 0) {
    fail(key, required, `warm run of ${path.relative(W, entry)}: ${r.error ? r.error.message : `exit ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`}`);
    return;
  }
  const out = JSON.parse(r.stdout);
  const bad = Object.entries(out.results).filter(([, res]) => res.error);
  if (bad.length > 0) {
    fail(key, required, bad.map(([name, res]) => `${key} ${name}: ${res.error}`).join('; '));
    return;
  }
  (runs[key] ||= []).push(out);
}
say(`warm: ${families.length * NS.length + 1} entries x ${WARM_PROCS} processes`);
for (let round = 0; round < WARM_PROCS; round++) {
  for (const f of families) for (const n of NS) warmRun(`${f.id}-${n}`, f.kind, path.join(W, `n${n}`, f.files), casesFor(f, n), f.required);
  warmRun('floor', 'v1', floor.entry, casesFor(floor, 0), true);
  say(`warm round ${round + 1}/${WARM_PROCS} done`);
}
const warm = {}; // key -> { loadMs, iters, batches, warmup, results: { name: { us } } } (medians)
for (const [key, outs] of Object.entries(runs)) {
  if (failed.has(key)) continue;
  const results = {};
  for (const name of Object.keys(outs[0].results)) results[name] = { us: median(outs.map((o) => o.results[name].us)) };
  warm[key] = { ...outs[0], loadMs: median(outs.map((o) => o.loadMs)), results };
}
const us = (key, name) => warm[key]?.results?.[name]?.us;

// ---- report ----
const fmt = (x, d = 1) => (x === undefined || x === null || Number.isNaN(x) ? '–' : x.toFixed(d));
const ratio = (a, b) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);
const has = (n) => NS.includes(n);
const lo = NS[0];
const hi = NS[NS.length - 1];
const md = [];
const p = (s = '') => md.push(s);
const load = (os.loadavg().map((x) => x.toFixed(2))).join(' ');
const sample = warm['netlify-' + lo] || Object.values(warm)[0] || {};

p('# scaffold runtime benchmark results');
p();
p(`Made by \`bench/runtime.sh\` on ${new Date().toISOString().replace(/:\d\d\.\d+Z$/, ' UTC').replace('T', ' ')}: the Netlify function that \`scaffold new\``);
p('generates for the bench specs (`bench/specs/ops-N.yaml` with `storage: memory`), called in process (no network).');
p();
p(`- machine: \`nproc\` = ${os.availableParallelism ? os.availableParallelism() : os.cpus().length}, ${os.cpus()[0]?.model?.trim() || 'unknown CPU'}, ${os.type()} ${os.release()}; load average (1/5/15 min) ${env.RT_LOAD_START} at the start, ${load} at the end`);
p(`- node ${process.version}; esbuild ${env.RT_ESBUILD_VERSION}; hono ${env.RT_HONO_VERSION}; ${env.RT_SCAFFOLD} at commit ${env.RT_COMMIT}`);
p(`- cold start: median of ${RUNS} runs (after ${WARMUP_RUNS} warm-up round, page cache warm), from spawning \`node bench/runtime/cold.mjs\` to its answer (the time the process reads after the entry answered, on the clock the parent read before spawning): load the entry (\`require\` for v1, \`import\` for ES modules), answer one \`GET /api/res000\` (checked: 200); then exit, also timed; all entries interleaved round by round`);
p(`- warm: per entry ${WARM_PROCS} fresh processes in interleaved rounds, the median of their medians; in each, per request kind ${sample.warmup ?? '?'} calls of warm-up, then ${sample.iters ?? '?'} calls in ${sample.batches ?? '?'} batches, median of the batches' µs per call; the event or Request is built once per kind (the platform's work is not timed); the first answer is checked (status, every security header, X-Request-Id, Allow)`);
p('- netlify (v1): Netlify Identity user in `context.clientContext.user` (every bench operation needs one); netlify-modern: the same spec with `auth.provider: none` (it has no Netlify Identity; `jwt` would fetch a JWKS); Hono and the floor have no auth');
if (env.RT_MODERN_STATUS) p(`- netlify-modern: **not measured**: ${env.RT_MODERN_STATUS}`);
p(`- handler files (api-methods/*.js) in the netlify project: ${NS.map((n) => `${n} ops: ${handlerFiles[n]}`).join('; ')}`);
p();

function coldTable(title, values) {
  p(title);
  p();
  p(`| entry | ${NS.map((n) => `${n} ops`).join(' | ')} |${has(10) && has(1000) ? ' 1000/10 |' : ''}`);
  p(`|---|${NS.map(() => '--:|').join('')}${has(10) && has(1000) ? '--:|' : ''}`);
  for (const f of families) {
    for (const how of ['files', 'bundle']) {
      const cells = NS.map((n) => fmt(values[`${f.id}-${how}-${n}`]));
      const r = ratio(values[`${f.id}-${how}-1000`], values[`${f.id}-${how}-10`]);
      const what = how === 'bundle' ? 'esbuild bundle' : f.id === 'hono' ? 'app.mjs + node_modules/hono' : 'files as generated';
      p(`| ${f.label}, ${what} | ${cells.join(' | ')} |${has(10) && has(1000) ? ` ${fmt(r, 2)} |` : ''}`);
    }
  }
  p(`| ${floor.label} | ${NS.map(() => fmt(values.floor)).join(' | ')} |${has(10) && has(1000) ? ' – |' : ''}`);
  p();
}
coldTable('### Cold start, wall time from spawn to the answer (ms)', coldMs);
coldTable('The same processes from spawn to exit (ms; what a serverless cold start does not wait for: the process lives on, but it shows any work left after the answer):', coldExitMs);
coldTable('CPU time of the cold process (user + system, ms, medians; steadier than wall time on a shared machine):', coldCpu);
p('In-process load of the entry, not bundled (ms; `require`/`import` only, measured in the warm process):');
p();
p(`| entry | ${NS.map((n) => `${n} ops`).join(' | ')} |`);
p(`|---|${NS.map(() => '--:|').join('')}`);
for (const f of families) p(`| ${f.label} | ${NS.map((n) => fmt(warm[`${f.id}-${n}`]?.loadMs)).join(' | ')} |`);
p(`| ${floor.label} | ${NS.map(() => fmt(warm.floor?.loadMs, 2)).join(' | ')} |`);
p();

p('### Bundle size (bytes, esbuild `--bundle --platform=node --target=node20`, not minified)');
p();
const steps = NS.slice(1).map((n, i) => [NS[i], n]);
p(`| bundle | ${NS.map((n) => `${n} ops`).join(' | ')} |${steps.map(([a, b]) => ` bytes/handler ${a}→${b} |`).join('')}`);
p(`|---|${NS.map(() => '--:|').join('')}${steps.map(() => '--:|').join('')}`);
const perHandler = (id, a, b) => ratio(bytes[`${id}-${b}`] - bytes[`${id}-${a}`], b - a);
for (const f of families) {
  p(`| ${f.label} (${f.id === 'netlify' ? 'cjs' : 'esm'}) | ${NS.map((n) => bytes[`${f.id}-${n}`]).join(' | ')} |${steps.map(([a, b]) => ` ${fmt(perHandler(f.id, a, b), 0)} |`).join('')}`);
}
p();

p('### Warm cost per request (µs, median of batches)');
p();
const KINDS = [
  ['first', 'GET first list route `/api/res000`'],
  ['last', 'GET last read route `/api/<last>/:id`'],
  ['notfound', 'GET unknown path (404)'],
  ['method', 'DELETE on the last list route (405)'],
];
p(`| entry | request | ${NS.map((n) => `${n} ops`).join(' | ')} |${has(10) && has(1000) ? ' 1000/10 |' : ''}`);
p(`|---|---|${NS.map(() => '--:|').join('')}${has(10) && has(1000) ? '--:|' : ''}`);
for (const f of families) {
  for (const [k, label] of KINDS) {
    const r = ratio(us(`${f.id}-1000`, k), us(`${f.id}-10`, k));
    p(`| ${f.label} | ${label} | ${NS.map((n) => fmt(us(`${f.id}-${n}`, k), 2)).join(' | ')} |${has(10) && has(1000) ? ` ${fmt(r, 2)} |` : ''}`);
  }
}
for (const [k, label] of [['first', 'GET its route `/api/res000`'], ['notfound', 'GET unknown path (404)'], ['method', 'DELETE its route (405)']]) {
  p(`| ${floor.label} | ${label} | ${NS.map(() => fmt(us('floor', k), 2)).join(' | ')} |${has(10) && has(1000) ? ' – |' : ''}`);
}
p();

p('## Targets (reported, never fatal)');
p();
const target = (ok, text) => p(`- **${ok ? 'PASS' : 'MISS'}** ${text}`);
const le = (a, b) => a !== undefined && b !== undefined && a <= b;
if (has(10) && has(1000)) {
  for (const how of ['files', 'bundle']) {
    const a = coldMs[`netlify-${how}-1000`];
    const b = coldMs[`netlify-${how}-10`];
    const r = ratio(a, b);
    const what = how === 'files' ? 'files as generated' : 'esbuild bundle';
    target(le(r, T_COLD_RATIO), `cold start of netlify (${what}) at 1000 ops within ${T_COLD_RATIO}x of 10 ops: ${fmt(a)} vs ${fmt(b)} ms = ${fmt(r, 2)}x (CPU ${fmt(coldCpu[`netlify-${how}-1000`])} vs ${fmt(coldCpu[`netlify-${how}-10`])} ms)`);
    const slack = coldMs.floor + T_COLD_FLOOR_MS;
    target(le(a, T_COLD_RATIO * slack), `cold start of netlify (${what}) at 1000 ops within ${T_COLD_RATIO}x of the floor plus ${T_COLD_FLOOR_MS} ms: ${fmt(a)} vs ${T_COLD_RATIO} x (${fmt(coldMs.floor)} + ${T_COLD_FLOOR_MS}) = ${fmt(T_COLD_RATIO * slack)} ms`);
    target(le(a, slack), `(stricter reading) cold start of netlify (${what}) at 1000 ops within floor + ${T_COLD_FLOOR_MS} ms: ${fmt(a)} vs ${fmt(coldMs.floor)} + ${T_COLD_FLOOR_MS} ms (${fmt(a - coldMs.floor)} ms over the floor; CPU ${fmt(coldCpu[`netlify-${how}-1000`])} vs ${fmt(coldCpu.floor)} ms)`);
  }
  for (const [k, label] of KINDS) {
    const a = us('netlify-1000', k);
    const b = us('netlify-10', k);
    const r = ratio(a, b);
    target(le(r, T_WARM_RATIO), `per request of netlify at 1000 ops within ${T_WARM_RATIO}x of 10 ops, ${label}: ${fmt(a, 2)} vs ${fmt(b, 2)} µs = ${fmt(r, 2)}x`);
  }
} else {
  p('- cold-start and per-request growth targets: n/a (they need 10 and 1000 in BENCH_NS)');
}
for (const id of ['netlify', 'modern']) {
  if (!families.some((f) => f.id === id)) continue;
  const f = families.find((x) => x.id === id);
  for (const [k, label] of KINDS) {
    const a = us(`${id}-${hi}`, k);
    const b = us(`hono-${hi}`, k);
    target(le(a, b), `per request of ${f.label} at ${hi} ops no slower than Hono's, ${label}: ${fmt(a, 2)} vs ${fmt(b, 2)} µs${id === 'netlify' ? ' (Hono gets a ready Request, netlify a ready v1 event)' : ' (the same Request)'}`);
  }
}
if (steps.length >= 2) {
  for (const f of families.filter((x) => x.id !== 'hono')) {
    const [s1, s2] = [steps[steps.length - 2], steps[steps.length - 1]];
    const a = perHandler(f.id, ...s1);
    const b = perHandler(f.id, ...s2);
    const off = a ? Math.abs(b - a) / a : undefined;
    target(off !== undefined && off <= T_LINEAR, `bundle of ${f.label} grows linearly in handlers: ${fmt(a, 0)} bytes per handler ${s1[0]}→${s1[1]} ops, ${fmt(b, 0)} ${s2[0]}→${s2[1]} ops (${fmt(off * 100, 0)}% apart, at most ${T_LINEAR * 100}%); ${fmt(bytes[`${f.id}-${hi}`] / hi, 0)} bytes per handler overall at ${hi} ops`);
  }
} else {
  p('- bundle linearity: n/a (needs three sizes)');
}
if (errors.length > 0) {
  p();
  p('## Not measured');
  p();
  for (const [req, msg] of errors) p(`- ${req ? '**required**: ' : ''}${msg}`);
}
p();
p('Run `bench/runtime.sh` to reproduce (see bench/README.md, "Runtime benchmark"); took @SECONDS@ s.');

fs.writeFileSync(env.RT_RESULTS_TMP, `${md.join('\n')}\n`);
process.exit(errors.some(([req]) => req) ? 1 : 0);
