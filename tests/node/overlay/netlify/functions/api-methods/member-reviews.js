// Test overlay (tests/node): echoes two path parameters (decoded) and the user's roles.
'use strict';

module.exports = async function memberReviews({ user, params }) {
  return { status: 200, body: { params, roles: user.roles } };
};
