'use strict';
// Preloaded into `netlify dev` by netlify-dev.sh (NODE_OPTIONS=--require ...).
//
// netlify-cli 27 has no flag to choose the address it listens on: its proxy
// (-p), functions server (--functions-port) and the local Blobs server call
// `server.listen(port)` with no host, which binds every interface. This makes
// any TCP listen that names no host, or a wildcard host ('', '::', '0.0.0.0'),
// listen on 127.0.0.1 instead (override with SCAFFOLD_E2E_LISTEN_HOST).
// Unix sockets, handles and explicit non-wildcard hosts are left alone.

const net = require('node:net');

const HOST = process.env.SCAFFOLD_E2E_LISTEN_HOST || '127.0.0.1';
const WILDCARD = new Set(['', '::', '0.0.0.0', '::0', '0:0:0:0:0:0:0:0']);
const originalListen = net.Server.prototype.listen;

function loopbackHost(host) {
  return host === undefined || host === null || WILDCARD.has(host) ? HOST : host;
}

function isPort(value) {
  return (
    value === undefined ||
    value === null ||
    typeof value === 'number' ||
    (typeof value === 'string' && /^\d+$/.test(value))
  );
}

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const first = args[0];
  if (args.length === 0 || typeof first === 'function') {
    // listen() / listen(cb): a random port on every interface.
    args = [{ port: 0, host: HOST }, ...args];
  } else if (first !== null && typeof first === 'object') {
    // listen(options[, cb]), unless it is a handle, fd or unix socket.
    const isTcp =
      first.path === undefined &&
      first.fd === undefined &&
      first.handle === undefined &&
      first._handle === undefined;
    if (isTcp) {
      args = [{ ...first, host: loopbackHost(first.host) }, ...args.slice(1)];
    }
  } else if (isPort(first)) {
    // listen(port[, host][, backlog][, cb])
    const rest = args.slice(1);
    const options = { port: first === undefined || first === null ? 0 : Number(first) };
    options.host = loopbackHost(typeof rest[0] === 'string' ? rest.shift() : undefined);
    if (typeof rest[0] === 'number') options.backlog = rest.shift();
    args = [options, ...rest.filter((arg) => typeof arg === 'function').slice(0, 1)];
  }
  return originalListen.apply(this, args);
};
