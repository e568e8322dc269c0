// Test overlay (tests/schemathesis), over the per-user in-memory store of _store.js:
// PUT /api/movies/{id}, replaces the fields of one of the caller's movies (404 for anyone else's).
'use strict';

const store = require('./_store.js');

module.exports = async function moviesUpdate({ user, params, body }) {
  const movie = store.replace(user.id, params.id, body);
  return movie ? { status: 200, body: movie } : store.notFound();
};
