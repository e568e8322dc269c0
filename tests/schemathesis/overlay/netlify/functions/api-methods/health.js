// Test overlay (tests/schemathesis), over the per-user in-memory store of _store.js:
// GET /api/health (public), which load of the store answers.
'use strict';

const store = require('./_store.js');

module.exports = async function health() {
  return { status: 200, body: { ok: true, instance: store.instance, users: store.users() } };
};
