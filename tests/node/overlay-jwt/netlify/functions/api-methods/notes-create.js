// Test overlay (tests/node, jwt-cors project): a valid note is created (201, echoed).
'use strict';

module.exports = async function notesCreate({ user, body }) {
  return { status: 201, headers: { Location: '/api/notes/n-1' }, body: { id: 'n-1', owner: user.id, note: body } };
};
