// What a generated azure-functions project registers with the Functions host, printed as JSON.
//
// Usage: node tests/e2e/azure-registration.mjs PROJECT_DIR [ENTRY]   (ENTRY: src/functions/api.js)
//
// Loads the project's own @azure/functions (PROJECT_DIR/node_modules), then, before importing the
// entry:
//   - wraps every function of `app` (and of `app.hook`) to record each call with its options (the
//     handler shown as its type), and calls through to the original;
//   - stands in for `@azure/functions-core`, the module the Functions host's Node worker provides,
//     so the package leaves its test mode and hands the function metadata it builds (the bindings
//     the host reads) to `registerFunction`, which records it.
// Prints one JSON object:
//   { appCalls: [{ api, name, options }], registered: [{ name, bindings, retryOptions, handler,
//     handlerIsEntryExport }], hooks: [...], unwrapped: [functions of `app` that could not be
//     wrapped], programmingModel: { name, version },
//     httpMethods: [the HttpMethod union of the package's types/http.d.ts] }
// Only node: modules (and the project's @azure/functions).
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [projectArg, entryArg = 'src/functions/api.js'] = process.argv.slice(2);
if (!projectArg) {
  console.error('usage: node azure-registration.mjs PROJECT_DIR [ENTRY]');
  process.exit(64);
}
const project = path.resolve(projectArg);
const require = createRequire(path.join(project, 'package.json'));

// ---- the host's side: a stand-in for @azure/functions-core ----
const registered = [];
const hooks = [];
let programmingModel = null;
const CORE_ID = '@azure/functions-core';
const core = {
  setProgrammingModel(model) {
    programmingModel = { name: model.name, version: model.version };
  },
  registerFunction(metadata, handler) {
    registered.push({ metadata, handler });
    return { dispose() {} };
  },
  registerHook(name) {
    hooks.push(name);
    return { dispose() {} };
  },
  log() {},
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveCore(request, ...rest) {
  return request === CORE_ID ? CORE_ID : resolve.call(this, request, ...rest);
};
const coreModule = new Module(CORE_ID);
coreModule.filename = CORE_ID;
coreModule.loaded = true;
coreModule.exports = core;
Module._cache[CORE_ID] = coreModule;

// ---- the entry's side: record every call of `app` ----
const azure = require('@azure/functions');
const appCalls = [];
const describe = (value) =>
  JSON.parse(JSON.stringify(value, (key, v) => (typeof v === 'function' ? `[${typeof v}]` : v)) ?? 'null');
// Functions that can be neither reassigned nor redefined (non-configurable getters; `app.setup` is a
// configurable getter and gets replaced): named in the output, whose reader must fail on any.
const unwrapped = [];
function wrapAll(target, prefix) {
  for (const [key, value] of Object.entries(target)) {
    if (typeof value === 'function') {
      const slot = Object.getOwnPropertyDescriptor(target, key);
      if (!slot.writable && !slot.configurable) {
        unwrapped.push(`${prefix}${key}`);
        continue;
      }
      Object.defineProperty(target, key, {
        enumerable: slot.enumerable,
        configurable: true,
        writable: true,
        value: function recorded(...args) {
          appCalls.push({ api: `${prefix}${key}`, name: args[0], options: describe(args[1]) });
          return value.apply(this, args);
        },
      });
    } else if (value && typeof value === 'object' && prefix === '') {
      wrapAll(value, `${key}.`);
    }
  }
}
wrapAll(azure.app, '');

const entry = await import(pathToFileURL(path.join(project, entryArg)).href);

// ---- the methods the package knows (its HttpMethod type) ----
const types = fs.readFileSync(path.join(path.dirname(require.resolve('@azure/functions/package.json')), 'types/http.d.ts'), 'utf8');
const union = /export type HttpMethod = ([^;]+);/.exec(types);
const httpMethods = union ? [...union[1].matchAll(/'([A-Z]+)'/g)].map((m) => m[1]) : [];

console.log(JSON.stringify({
  appCalls,
  registered: registered.map(({ metadata, handler }) => ({
    ...describe(metadata),
    handler: typeof handler,
    handlerIsEntryExport: handler === entry.handler,
  })),
  hooks,
  unwrapped,
  programmingModel,
  httpMethods,
}, null, 2));
