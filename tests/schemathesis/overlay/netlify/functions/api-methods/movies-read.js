// Test overlay (tests/schemathesis), over the per-user in-memory store of _store.js:
// GET /api/movies/{id}, one of the caller's movies (404 for anyone else's).
//
// `X-Fixture-Leak: ignore-owner` makes it return any user's movie instead: the negative control of
// run.sh, which checks that schemathesis's object_level_authorization check notices. The header is
// not in openapi.yaml, so schemathesis never sends it on its own.
'use strict';

const store = require('./_store.js');

module.exports = async function moviesRead({ user, params, headers }) {
  const movie = headers['x-fixture-leak'] === 'ignore-owner'
    ? store.readAnyOwner(params.id)
    : store.read(user.id, params.id);
  return movie ? { status: 200, body: movie } : store.notFound();
};
