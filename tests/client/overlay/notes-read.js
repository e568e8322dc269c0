// Test overlay (tests/client.rs: jwt-cors project on aws-lambda, copied over the generated handler
// next to those of tests/node/overlay-esm/): echoes the id and the user.
export default async function notesRead({ user, params }) {
  return { body: { id: params.id, owner: user.id } };
}
