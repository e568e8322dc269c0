'use strict';
// Preloaded into `netlify dev` by netlify-dev.sh when NETLIFY_DEV_NO_FUNCTION_RETRY=1.
//
// netlify-cli 27.10.2 (dist/utils/proxy.js, `proxyRes` handler): when an answer is 403 or 404, the
// proxy sends the same request again for `<path>.html`, `<path>.htm`, `<path>/index.html` and
// `<path>/index.htm` (the CDN's "pretty URLs" for static files) and the client gets the last
// answer. It skips this for `/.netlify/functions/*` URLs (netlify/cli#1442), but not for a function
// mounted on its own path with `config.path` (the modern format): such a function runs up to five
// times per request, and its 403 reaches the client as whatever it answers for
// `<path>/index.htm` (a 404). Netlify's CDN does not do this to function answers.
//
// This keeps the list of alternative paths empty for a request the proxy sends to a function
// (its proxy options carry the `x-nf-function-name` header), so the function runs once and its
// answer reaches the client. Static files keep their alternative paths. The first time it acts it
// prints one line to the log.

const http = require('node:http');

const STORE = Symbol('scaffoldE2eAlternativePaths');
let announced = false;

function toFunction(req) {
  const headers = req.proxyOptions && req.proxyOptions.headers;
  return Boolean(headers) && Object.keys(headers).some((name) => name.toLowerCase() === 'x-nf-function-name');
}

Object.defineProperty(http.IncomingMessage.prototype, 'alternativePaths', {
  configurable: true,
  get() {
    return this[STORE];
  },
  set(value) {
    if (Array.isArray(value) && value.length > 0 && toFunction(this)) {
      if (!announced) {
        announced = true;
        process.stderr.write(
          `function-no-retry: no .html/.htm/index.html retries for function requests (first: ${this.method} ${this.url})\n`,
        );
      }
      value = [];
    }
    this[STORE] = value;
  },
});
