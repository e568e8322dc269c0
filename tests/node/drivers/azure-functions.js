// Driver: Azure Functions, Node.js v4 programming model (`app.http('api', { route: '{*path}', handler })`).
//
// The entry registers its function with `app.http` when it is imported; outside the Functions host
// @azure/functions would only warn, so this driver stands in for the worker's core API
// (`@azure/functions-core`, which the host injects) and records the registration: one HTTP
// trigger, anonymous, route `{*path}`, every method, whose handler is the exported `handler`.
// Each request is then what the worker makes of the host's request: the real `HttpRequest`
// (URL https://notes-api.azurewebsites.net<path>, host.json's route prefix `api` included; the
// headers the front end adds; `query`; `params.path`) and a real `InvocationContext`
// (invocationId, functionName, trigger options). The handler's HttpResponseInit goes through the
// real `HttpResponse` and into a header map, as the worker does before sending it.
// The URL is parsed as the worker parses it (WHATWG: dot segments resolved, `\` read as `/`).
// Settings (JWT_*) live in process.env (the Function App's application settings).
'use strict';

const Module = require('node:module');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { entryFile, lowerCaseHeaders, queryString, withProcessEnv, joinHeaderPairs, uuid } = require('../lib/platform.js');

const HOST = 'notes-api.azurewebsites.net';
const ORIGIN = `https://${HOST}`;
const ROUTE_PREFIX = '/api';
const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'];
const paths = 'url';
const variants = ['default'];

// ---- The worker's core API, as far as app.http uses it ----

const registered = [];
let coreInstalled = false;

function installCoreApi() {
  if (coreInstalled) return;
  coreInstalled = true;
  const id = '\0azure-functions-core (tests/node/drivers/azure-functions.js)';
  const core = {
    version: '3.10.1',
    setProgrammingModel: () => {},
    getProgrammingModel: () => undefined,
    registerFunction: (metadata, callback) => {
      registered.push({ metadata, callback });
      return { dispose: () => {} };
    },
    registerHook: () => ({ dispose: () => {} }),
    log: () => {},
  };
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function resolveCore(request, ...rest) {
    return request === '@azure/functions-core' ? id : resolve.call(this, request, ...rest);
  };
  const mod = new Module(id);
  mod.loaded = true;
  mod.exports = core;
  require.cache[id] = mod;
}

/** The one function the entry registered, checked against what the dispatcher needs. */
function registeredHttpFunction(exportedHandler) {
  if (registered.length !== 1) throw new Error(`expected one registered function, got ${registered.length}`);
  const { metadata, callback } = registered[0];
  const triggers = Object.entries(metadata.bindings).filter(([, b]) => b.direction === 'in');
  if (triggers.length !== 1 || triggers[0][1].type !== 'httpTrigger') {
    throw new Error(`expected one httpTrigger binding: ${JSON.stringify(metadata.bindings)}`);
  }
  const [triggerName, trigger] = triggers[0];
  const problems = [];
  if (trigger.route !== '{*path}') problems.push(`route ${trigger.route}`);
  if (trigger.authLevel !== 'anonymous') problems.push(`authLevel ${trigger.authLevel}`);
  const methods = (trigger.methods || []).map((m) => m.toUpperCase()).sort();
  if (JSON.stringify(methods) !== JSON.stringify([...ALL_METHODS].sort())) problems.push(`methods ${methods.join(',')}`);
  if (callback !== exportedHandler) problems.push('the registered handler is not the exported `handler`');
  if (problems.length > 0) throw new Error(`app.http registration: ${problems.join('; ')}`);
  return { name: metadata.name, triggerName, trigger, returnBinding: metadata.bindings.$return };
}

async function load(projectDir, { settings = {}, variant = variants[0] } = {}) {
  if (!variants.includes(variant)) throw new Error(`azure-functions driver: unknown variant ${variant}`);
  installCoreApi();
  const api = entryFile(projectDir, 'src/functions/api.js');
  Object.assign(process.env, settings);
  // @azure/functions is CommonJS: the ESM default import is its module.exports.
  const projectRequire = Module.createRequire(path.join(projectDir, 'package.json'));
  const { default: azure } = await import(pathToFileURL(projectRequire.resolve('@azure/functions')).href);
  const mod = await import(pathToFileURL(api).href);
  if (typeof mod.handler !== 'function') throw new Error(`${api} exports no handler`);
  const fn = registeredHttpFunction(mod.handler);

  return async function call({ method = 'GET', path: p, headers = {}, body, query = {}, settings: override }) {
    const invocationId = uuid();
    const qs = queryString(query);
    const rest = p.startsWith(`${ROUTE_PREFIX}/`) ? p.slice(ROUTE_PREFIX.length + 1) : '';
    const text = body === undefined || body === null ? undefined : String(body);
    const sent = lowerCaseHeaders(headers);
    if (text !== undefined) sent['content-length'] = String(Buffer.byteLength(text, 'utf8'));
    const request = new azure.HttpRequest({
      method,
      url: `${ORIGIN}${p}${qs ? `?${qs}` : ''}`,
      headers: {
        ...sent,
        host: HOST,
        'client-ip': '203.0.113.7:50412',
        'x-forwarded-for': '203.0.113.7:50412',
        'x-forwarded-proto': 'https',
        'x-arr-ssl': '2048|256|CN=Microsoft Azure RSA TLS Issuing CA 03|CN=*.azurewebsites.net',
        'x-arr-log-id': uuid(),
        'x-original-url': `${p}${qs ? `?${qs}` : ''}`,
        'x-waws-unencoded-url': `${p}${qs ? `?${qs}` : ''}`,
        'disguised-host': HOST,
        'was-default-hostname': HOST,
        'x-site-deployment-id': 'notes-api',
      },
      query,
      params: { path: rest },
      ...(text !== undefined ? { body: { string: text } } : {}),
    });
    const context = new azure.InvocationContext({
      invocationId,
      functionName: fn.name,
      logHandler: () => {},
      options: { trigger: { ...fn.trigger, name: fn.triggerName }, return: fn.returnBinding, extraInputs: [], extraOutputs: [] },
    });
    const result = await withProcessEnv(override || settings, Object.keys(settings), () => mod.handler(request, context));
    if (result === null || typeof result !== 'object') throw new TypeError(`not an HttpResponseInit: ${result}`);
    // What the worker does with the returned value before handing it to the host (toRpcHttp):
    // an HttpResponse, whose headers become a plain map, entry by entry. Headers joins a repeated
    // header, except Set-Cookie, whose entries overwrite each other there (only the last one
    // reaches the host; several cookies can only go as `cookies`, which are listed after it).
    const response = result instanceof azure.HttpResponse ? result : new azure.HttpResponse(result);
    const map = {};
    for (const [name, value] of response.headers.entries()) map[name] = value;
    const pairs = Object.entries(map);
    for (const cookie of response.cookies) pairs.push(['set-cookie', `${cookie.name}=${cookie.value}`]);
    return {
      status: response.status,
      headers: joinHeaderPairs(pairs),
      body: Buffer.from(await response.arrayBuffer()).toString('utf8'),
      platformRequestId: invocationId,
    };
  };
}

module.exports = { paths, variants, load };
