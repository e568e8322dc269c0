// Test overlay (tests/node): a public operation that echoes the (optional) user and the query.
'use strict';

module.exports = async function search({ user, query }) {
  return { body: { userId: user ? user.id : null, query } };
};
