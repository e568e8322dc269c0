// Test overlay (tests/node, jwt-cors project, ES module targets: copied into the target's handler folder).
export default async function shareNote({ user, params, query, body, requestId }) {
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
}
