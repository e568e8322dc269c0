// Test overlay (tests/node, jwt-cors project, ES module targets: copied into the target's handler folder).
export default async function notesList({ user }) {
  return { body: { id: user.id, email: user.email, roles: user.roles, iss: user.claims.iss } };
}
