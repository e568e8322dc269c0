// Test overlay (tests/node, lambda-gateway project, aws-lambda target: copied into src/methods/).
// Returns nothing, so the dispatcher sends 204.
export default async function itemsDelete() {}
