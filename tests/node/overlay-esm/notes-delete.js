// Test overlay (tests/node, jwt-cors project, ES module targets: copied into the target's handler folder).
export default async function notesDelete() {}
