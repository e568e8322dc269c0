// Test overlay (tests/node): a handler that throws; the secret must reach the log, never the client.
'use strict';

module.exports = async function stats() {
  throw new Error('database password is hunter2');
};
