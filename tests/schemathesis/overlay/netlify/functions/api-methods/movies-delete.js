// Test overlay (tests/schemathesis), over the per-user in-memory store of _store.js:
// DELETE /api/movies/{id}, deletes one of the caller's movies (404 for anyone else's).
'use strict';

const store = require('./_store.js');

module.exports = async function moviesDelete({ user, params }) {
  return store.remove(user.id, params.id) ? { status: 204 } : store.notFound();
};
