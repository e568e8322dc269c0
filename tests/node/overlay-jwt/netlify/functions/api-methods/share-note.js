// Test overlay (tests/node, jwt-cors project): echoes what the dispatcher hands over.
'use strict';

module.exports = async function shareNote({ user, params, query, body, requestId }) {
  return {
    status: 200,
    body: {
      user: user && { id: user.id, email: user.email, roles: user.roles },
      params,
      query,
      body,
      requestId,
    },
  };
};
