// Test overlay (tests/schemathesis), over the per-user in-memory store of _store.js:
// POST /api/movies, a new movie of the caller (id made here).
'use strict';

const store = require('./_store.js');

module.exports = async function moviesCreate({ user, body }) {
  return { status: 201, body: store.create(user.id, body) };
};
