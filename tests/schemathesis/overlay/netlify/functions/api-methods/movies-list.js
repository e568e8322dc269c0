// Test overlay (tests/schemathesis), over the per-user in-memory store of _store.js:
// GET /api/movies, one page of the caller's movies, with the query the document describes: `limit`
// (1 to 100), `cursor` (any the document's pattern admits: this stand-in keeps no positions and
// answers one page), `sort` (a sortable field, or `-` and one); any other parameter is a 400, as
// from the generated list handler.
'use strict';

const store = require('./_store.js');

const FIELDS = ['title', 'year', 'rating', 'watched', 'createdAt', 'updatedAt'];
const SORTS = [...FIELDS, ...FIELDS.map((f) => `-${f}`)];
const QUERY = ['limit', 'cursor', 'sort'];
const CURSOR = /^(?:~[A-Za-z0-9_-]{1,16384}|[A-Za-z0-9._-][A-Za-z0-9._~-]{0,127})$/;

module.exports = async function moviesList({ user, query }) {
  const unknown = Object.keys(query).find((name) => !QUERY.includes(name));
  if (unknown !== undefined) return { status: 400, body: { error: 'invalid_query', parameter: unknown } };
  if (query.limit !== undefined && (!/^[0-9]{1,3}$/.test(query.limit) || +query.limit < 1 || +query.limit > 100)) {
    return { status: 400, body: { error: 'invalid_limit' } };
  }
  if (query.sort !== undefined && !SORTS.includes(query.sort)) return { status: 400, body: { error: 'invalid_sort' } };
  if (query.cursor !== undefined && !CURSOR.test(query.cursor)) return { status: 400, body: { error: 'invalid_cursor' } };
  const limit = query.limit === undefined ? 20 : Number(query.limit);
  return { status: 200, body: { items: store.list(user.id).slice(0, limit), next: null } };
};
