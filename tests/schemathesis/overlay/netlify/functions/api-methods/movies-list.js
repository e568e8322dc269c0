// Test overlay (tests/schemathesis), over the per-user in-memory store of _store.js:
// GET /api/movies, the caller's movies.
'use strict';

const store = require('./_store.js');

module.exports = async function moviesList({ user }) {
  return { status: 200, body: store.list(user.id) };
};
