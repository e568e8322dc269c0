// Test overlay (tests/node, jwt-cors project, ES module targets: copied into the target's handler folder).
export default async function notesCreate({ user, body }) {
  return { status: 201, headers: { Location: '/api/notes/n-1' }, body: { id: 'n-1', owner: user.id, note: body } };
}
