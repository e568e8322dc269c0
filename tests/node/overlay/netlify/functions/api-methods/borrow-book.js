// Test overlay (tests/node): replaces the generated starter. Echoes what the dispatcher hands over.
'use strict';

module.exports = async function borrowBook({ user, params, query, body, event, context, requestId }) {
  return {
    status: 200,
    body: {
      userId: user.id,
      email: user.email,
      roles: user.roles,
      params,
      query,
      body,
      hasEvent: !!event,
      hasContext: !!context,
      requestId,
    },
  };
};
