// Grades the responses of a generated Netlify dispatcher with the MDN HTTP Observatory's own
// tests and scorer (npm @mdn/mdn-http-observatory, installed by tests/observatory/install.sh),
// offline: the handler is called in-process and the Observatory never fetches anything.
//
//   node tests/observatory/grade.mjs --observatory OBSERVATORY_DIR [--json OUT.json] \
//        --project PROJECT_DIR [--label NAME] [--project PROJECT_DIR [--label NAME] ...]
//
// PROJECT_DIR: a project generated from a spec with a `movies` resource (all five CRUD operations,
// signed-in users) and tests/observatory/overlay/ copied over it (`list` answers 200, `delete`
// throws). tests/observatory.rs does the generating, copying and running. Several projects are
// graded in one run because loading the Observatory's tests (jsdom) takes about 2 s.
//
// How the Observatory grades a site (src/scanner/index.js): `retrieve(hostname)` fetches
// http://host/ and https://host/ (following redirects), a CORS preflight and robots.txt into a
// `Requests` object; ten tests (src/constants.js ALL_TESTS) each turn it into an "expectation";
// the scorer starts at 100 and adds each expectation's modifier (src/grader/charts.js
// SCORE_TABLE); the bonuses only count when the score without them is >= 90; the grade comes
// from the score (100+ = A+). Here `Requests` is built from the dispatcher's response instead:
//
// - the request is https://api.example.test<path>: `responses.auto` and `responses.https` are the
//   function's response with `verified: true` (a valid certificate: Netlify serves every site
//   over HTTPS with a managed certificate);
// - `responses.http` and the redirect chain: Netlify itself answers http:// with a 301 to the
//   same URL on https:// (the function never sees plain HTTP, and cannot change that), so the
//   chain fed is [http://api.example.test<path> 301, https://api.example.test<path> <status>],
//   as the retriever records it. That is the hosting's behaviour, not the generator's: the
//   redirection test scores 0 for it (as it would for a host without HTTP at all);
// - `responses.cors`: the dispatcher's answer to the Observatory's own preflight (OPTIONS with
//   `Origin: https://http-observatory.security.mozilla.org`, `Access-Control-Request-Method: GET`)
//   on the same path; the request's Origin is attached so that a reflected origin with
//   credentials is caught (the hosted retriever hands the tests axios' ClientRequest there);
// - `session.url` (read by the CSP test) is the https URL; `session.jar` holds the response's
//   Set-Cookie cookies (tough-cookie, as the retriever's cookie agent would). robots.txt is not
//   fetched: on Netlify it is a static file, not the function's;
// - header names are lower-cased as they arrive over the wire (and as Netlify passes them);
//   `multiValueHeaders` are merged in; a repeated header other than Set-Cookie is joined with
//   ", " as Node's HTTP client does (so a duplicated HSTS header reads as invalid, as it should);
// - `resources.path` is the body text; `httpEquiv` is parsed from it only for HTML (as the
//   retriever does), and the hostname's HSTS preload entry comes from the installed
//   conf/hsts-preload.json (empty: `.test` is never preloaded; see install.sh).
//
// The score is computed twice where possible: by the same loop as scan() (a copy of its ~20
// lines, needed because scan() refuses any status >= 400 other than 401 and 403), and by the
// library's own scan() with its retriever module swapped for one that returns this `Requests`
// (a module resolve hook). The two must agree, or this script fails.
//
// The responses graded, per project (RESPONSES below): GET /api/movies signed in (200, the
// overlay's handler), GET /api/movies/42 signed in (501, the overlay's not-implemented answer), GET /api/movies
// anonymous (401: what the hosted Observatory itself would get), an unknown path (404), and
// DELETE /api/movies/42 whose handler throws (500).
//
// (The hosted Observatory scans a hostname's root only, https://host/; on Netlify that is the
// static public/index.html, which the function's headers do not reach. This grades the API.)
//
// Output: per project, the table of the first response and how the others differ, on stdout;
// with --json, every response's headers, tests, score and grade. Exit 1 on any setup problem
// (an unexpected status, scan() disagreeing, a network attempt).

import assert from 'node:assert/strict';
import dns from 'node:dns';
import fs from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { createRequire, register } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

// ---- No network: the grading must not reach anything (the Observatory's retriever would). ----

const networkAttempts = [];
function refuseNetwork(what) {
  networkAttempts.push(what);
  throw new Error(`grade.mjs: network access attempted (${what}); the grading must stay offline`);
}
net.Socket.prototype.connect = function connect(...args) {
  refuseNetwork(`socket connect ${JSON.stringify(args[0])}`);
};
dns.lookup = (host) => refuseNetwork(`dns lookup ${host}`);
dns.promises.lookup = async (host) => refuseNetwork(`dns lookup ${host}`);
globalThis.fetch = async (url) => refuseNetwork(`fetch ${url}`);

// ---- Arguments ----

const { values: args } = parseArgs({
  options: {
    observatory: { type: 'string' },
    project: { type: 'string', multiple: true },
    json: { type: 'string' },
    label: { type: 'string', multiple: true },
  },
});
const projects = args.project ?? [];
const labels = args.label ?? projects.map((p) => path.basename(p));
if (!args.observatory || projects.length === 0 || labels.length !== projects.length) {
  console.error('usage: node grade.mjs --observatory OBSERVATORY_DIR [--json OUT] --project DIR [--label NAME] ...\n' +
    '(give a --label for every --project, or none)');
  process.exit(2);
}
const OBS = fs.realpathSync(args.observatory);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.join(HERE, '..', 'fixtures', 'netlify-events');

const HOST = 'api.example.test';
// What the Observatory's retriever sends (src/retriever/retriever.js, src/config.js).
const OBSERVATORY_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const OBSERVATORY_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:129.0) Gecko/20100101 Firefox/129.0 Observatory/129.0';
const OBSERVATORY_ORIGIN = 'https://http-observatory.security.mozilla.org';

// ---- The library: scan() with its retriever swapped for ours ----

const retrieverFile = path.join(OBS, 'src', 'retriever', 'retriever.js');
assert.ok(fs.existsSync(retrieverFile), `no ${retrieverFile}: is --observatory the package directory?`);
const HOOKS = `
let target, stub;
export async function initialize(data) { target = data.target; stub = data.stub; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  return resolved.url === target ? { url: stub, shortCircuit: true } : resolved;
}`;
const STUB = `export async function retrieve(hostname, options) {
  return globalThis.__scaffoldObservatoryRetrieve(hostname, options);
}`;
register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, {
  parentURL: import.meta.url,
  data: {
    target: pathToFileURL(retrieverFile).href,
    stub: `data:text/javascript,${encodeURIComponent(STUB)}`,
  },
});

const lib = (rel) => import(pathToFileURL(path.join(OBS, rel)).href);
const { version: OBS_VERSION } = JSON.parse(fs.readFileSync(path.join(OBS, 'package.json'), 'utf8'));
const { ALL_TESTS, NUM_TESTS, ALGORITHM_VERSION } = await lib('src/constants.js');
const { getGradeForScore, getScoreModifier } = await lib('src/grader/grader.js');
const { MINIMUM_SCORE_FOR_EXTRA_CREDIT } = await lib('src/grader/charts.js');
const { Requests, HTML_TYPES } = await lib('src/types.js');
const { parseHttpEquivHeaders } = await lib('src/retriever/utils.js');
const { scan } = await lib('src/scanner/index.js');
const obsRequire = createRequire(path.join(OBS, 'package.json'));
const { AxiosHeaders } = obsRequire('axios');
const { CookieJar } = obsRequire('tough-cookie');

// ---- The generated function ----

function fixture(name) {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
}

/** A recorded Netlify event, as if the Observatory (or a signed-in client) asked https://HOST<path>. */
function netlifyEvent({ method, path: p, signedIn, headers = {} }) {
  // get-read-identity-user: a Netlify Identity user (context.clientContext.user); the other: none.
  const base = fixture(signedIn ? 'get-read-identity-user' : 'get-list-anonymous');
  const event = structuredClone(base.event);
  const context = structuredClone(base.context);
  const requestHeaders = {
    ...event.headers,
    host: HOST,
    'x-forwarded-proto': 'https',
    accept: OBSERVATORY_ACCEPT,
    'user-agent': OBSERVATORY_UA,
    ...headers,
  };
  Object.assign(event, {
    path: p,
    httpMethod: method,
    headers: requestHeaders,
    multiValueHeaders: Object.fromEntries(Object.entries(requestHeaders).map(([k, v]) => [k, [v]])),
    queryStringParameters: {},
    multiValueQueryStringParameters: {},
    rawUrl: `https://${HOST}${p}`,
    rawQuery: '',
    isBase64Encoded: true,
  });
  delete event.body;
  return { event, context };
}

/** Calls the handler; console.error (the dispatcher's error log) is kept out of the output. */
async function callHandler(handler, request) {
  const { event, context } = netlifyEvent(request);
  const original = console.error;
  const logged = [];
  console.error = (...a) => logged.push(a.join(' '));
  try {
    return { result: await handler(event, context), logged };
  } finally {
    console.error = original;
  }
}

/** The v1 result's headers as they arrive over the wire: name (lower case) -> values. */
function wireHeaders(result) {
  const out = new Map();
  const add = (name, value) => {
    const key = name.toLowerCase();
    if (!out.has(key)) out.set(key, []);
    out.get(key).push(String(value));
  };
  for (const [name, value] of Object.entries(result.headers || {})) add(name, value);
  for (const [name, values] of Object.entries(result.multiValueHeaders || {})) {
    for (const value of values) add(name, value);
  }
  return out;
}

/** An axios-like response (what the retriever's tests read) for a v1 result. */
function axiosResponse(result, url, requestHeaders = {}) {
  const headers = new AxiosHeaders();
  for (const [name, values] of wireHeaders(result)) {
    headers.set(name, name === 'set-cookie' ? values : values.join(', '));
  }
  const body = typeof result.body === 'string' && result.isBase64Encoded
    ? Buffer.from(result.body, 'base64').toString('utf8')
    : (result.body ?? '');
  return {
    status: result.statusCode,
    statusText: STATUS_CODES[result.statusCode] ?? '',
    headers,
    data: body,
    config: { url },
    request: { headers: requestHeaders },
    verified: true,
  };
}

/** The Observatory's `Requests` for one request to https://HOST<path>. */
async function observatoryRequests(handler, request) {
  const url = `https://${HOST}${request.path}`;
  const { result, logged } = await callHandler(handler, request);
  const auto = axiosResponse(result, url);

  const requests = new Requests(HOST);
  requests.responses.auto = auto;
  requests.responses.https = auto;
  requests.responses.http = auto; // the final response of the http:// session, after the redirect
  const chain = [
    { url: new URL(`http://${HOST}${request.path}`), status: 301 },
    { url: new URL(url), status: auto.status },
  ];
  requests.responses.httpRedirects = chain;
  requests.responses.httpsRedirects = chain; // the retriever stores the http chain in both

  // The Observatory's CORS preflight to the same URL.
  const preflightHeaders = { origin: OBSERVATORY_ORIGIN, 'access-control-request-method': 'GET' };
  const preflight = await callHandler(handler, { method: 'OPTIONS', path: request.path, signedIn: false, headers: preflightHeaders });
  requests.responses.cors = axiosResponse(preflight.result, url, { Origin: OBSERVATORY_ORIGIN });

  const jar = new CookieJar();
  for (const cookie of wireHeaders(result).get('set-cookie') ?? []) {
    jar.setCookieSync(cookie, url, { ignoreError: true });
  }
  requests.session = { url: new URL(url), jar, redirectHistory: chain };
  requests.resources.path = auto.data;
  const mime = auto.headers['content-type']?.split(';')[0];
  auto.httpEquiv = HTML_TYPES.has(mime) && auto.data ? parseHttpEquivHeaders(auto.data, url) : new Map();
  return { requests, result, logged };
}

/** scan()'s scoring, line for line (src/scanner/index.js), for any status. */
function score(requests) {
  const results = ALL_TESTS.map((test) => test(requests));
  let testsPassed = 0;
  let scoreWithExtraCredit = 100;
  let uncurvedScore = scoreWithExtraCredit;
  for (const result of results) {
    if (result.result) {
      result.scoreModifier = getScoreModifier(result.result);
      testsPassed += result.pass ? 1 : 0;
      scoreWithExtraCredit += result.scoreModifier;
      if (result.scoreModifier < 0) uncurvedScore += result.scoreModifier;
    }
  }
  const total = uncurvedScore >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? scoreWithExtraCredit : uncurvedScore;
  const final = getGradeForScore(total);
  const tests = {};
  for (const result of results) {
    tests[result.constructor.name] = {
      result: result.result,
      pass: result.pass,
      scoreModifier: result.scoreModifier,
      data: result.data ?? null,
    };
  }
  return {
    score: final.score,
    grade: final.grade,
    uncurvedScore,
    testsPassed,
    testsFailed: NUM_TESTS - testsPassed,
    testsQuantity: NUM_TESTS,
    tests,
  };
}

/** The library's own scan() on the same `Requests`, or why it cannot run. */
async function libraryScan(requests) {
  globalThis.__scaffoldObservatoryRetrieve = async (hostname) => {
    assert.equal(hostname, HOST);
    return requests;
  };
  try {
    return await scan(HOST);
  } catch (err) {
    return { refused: String(err && err.message ? err.message : err) };
  } finally {
    delete globalThis.__scaffoldObservatoryRetrieve;
  }
}

// ---- The responses graded ----

const RESPONSES = [
  { label: 'list, signed in (handler: 200)', method: 'GET', path: '/api/movies', signedIn: true, status: 200 },
  { label: 'read, signed in (not implemented: 501)', method: 'GET', path: '/api/movies/42', signedIn: true, status: 501 },
  { label: 'list, anonymous (401)', method: 'GET', path: '/api/movies', signedIn: false, status: 401 },
  { label: 'unknown path (404)', method: 'GET', path: '/api/no-such-thing', signedIn: false, status: 404 },
  { label: 'delete, handler throws (500)', method: 'DELETE', path: '/api/movies/42', signedIn: true, status: 500 },
];

/** Grades every response in RESPONSES of the project in `dir`. */
async function gradeProject(dir) {
  const { handler } = createRequire(import.meta.url)(path.join(dir, 'netlify', 'functions', 'api.js'));
  assert.equal(typeof handler, 'function', `${dir}/netlify/functions/api.js exports no handler`);
  const graded = [];
  for (const request of RESPONSES) {
    const { requests, result, logged } = await observatoryRequests(handler, request);
    assert.equal(
      result.statusCode,
      request.status,
      `${request.method} ${request.path}: expected ${request.status}, got ${result.statusCode} (${result.body}). ` +
        'Is the project generated from a spec with a `movies` resource and tests/observatory/overlay/ copied over it?',
    );
    if (request.status === 500) {
      assert.ok(logged.length > 0, 'the dispatcher logged nothing for a thrown error');
    }
    const mine = score(requests);
    const theirs = await libraryScan(requests);
    let crossCheck;
    if (theirs.refused) {
      crossCheck = `scan() refuses it ("${theirs.refused}"): scored with scan()'s loop only`;
    } else {
      assert.equal(theirs.scan.score, mine.score, `${request.label}: scan() score`);
      assert.equal(theirs.scan.grade, mine.grade, `${request.label}: scan() grade`);
      assert.equal(theirs.scan.testsPassed, mine.testsPassed, `${request.label}: scan() tests passed`);
      for (const [name, test] of Object.entries(theirs.tests)) {
        assert.equal(test.result, mine.tests[name]?.result, `${request.label}: scan() result of ${name}`);
      }
      crossCheck = 'scan() agrees';
    }
    graded.push({
      label: request.label,
      method: request.method,
      path: request.path,
      url: `https://${HOST}${request.path}`,
      status: result.statusCode,
      headers: Object.fromEntries([...wireHeaders(result)].map(([k, v]) => [k, v.join(', ')])),
      crossCheck,
      ...mine,
    });
  }
  return graded;
}

// ---- Report ----

console.log(`MDN HTTP Observatory ${OBS_VERSION} (algorithm ${ALGORITHM_VERSION}), host ${HOST}`);

const pad = (s, n) => String(s).padEnd(n);
function table(g) {
  const rows = Object.entries(g.tests).map(([name, t]) => [
    name,
    t.result,
    t.pass ? 'pass' : 'FAIL',
    t.scoreModifier > 0 ? `+${t.scoreModifier}` : String(t.scoreModifier),
  ]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), ['test', 'result', '', 'mod'][i].length));
  const line = (r) => `  ${r.map((c, i) => (i === 3 ? c.padStart(widths[i]) : pad(c, widths[i]))).join('  ')}`;
  return [line(['test', 'result', '', 'mod']), ...rows.map(line)].join('\n');
}
const summary = (g) =>
  `score ${g.score}, grade ${g.grade} (without bonuses ${g.uncurvedScore}; ${g.testsPassed}/${g.testsQuantity} tests pass; ${g.crossCheck})`;

const cases = [];
for (const [i, project] of projects.entries()) {
  const dir = path.resolve(project);
  const graded = await gradeProject(dir);
  const first = graded[0];
  console.log(`\n== ${labels[i]} (${dir})`);
  console.log(`${first.method} ${first.url} -> ${first.status}  [${first.label}]: ${summary(first)}`);
  console.log(table(first));
  for (const g of graded.slice(1)) {
    console.log(`${g.method} ${g.url} -> ${g.status}  [${g.label}]: ${summary(g)}`);
    const differing = Object.entries(g.tests).filter(([name, t]) => t.result !== first.tests[name].result);
    for (const [name, t] of differing) {
      console.log(`  differs: ${name}: ${t.result} (${t.pass ? 'pass' : 'FAIL'}, ${t.scoreModifier})`);
    }
  }
  const worst = graded.reduce((a, b) => (b.score < a.score ? b : a));
  console.log(`worst: score ${worst.score}, grade ${worst.grade} [${worst.label}]`);
  cases.push({ label: labels[i], project: dir, responses: graded, worst: { label: worst.label, score: worst.score, grade: worst.grade } });
}
assert.deepEqual(networkAttempts, [], 'network access was attempted');

if (args.json) {
  const observatory = { package: '@mdn/mdn-http-observatory', version: OBS_VERSION, algorithmVersion: ALGORITHM_VERSION };
  fs.writeFileSync(args.json, `${JSON.stringify({ observatory, host: HOST, cases }, null, 2)}\n`);
}
