// Test overlay (tests/client.rs: jwt-cors project on aws-lambda, copied over the generated handler
// next to those of tests/node/overlay-esm/): echoes the id and the validated body.
export default async function notesUpdate({ params, body }) {
  return { body: { id: params.id, note: body } };
}
