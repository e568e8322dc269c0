// Test overlay (tests/node, jwt-cors project): echoes the user the token signed in.
'use strict';

module.exports = async function notesList({ user }) {
  return { body: { id: user.id, email: user.email, roles: user.roles, iss: user.claims.iss } };
};
