// Test overlay (tests/node, jwt-cors project): returns nothing (204) for an admin.
'use strict';

module.exports = async function notesDelete() {};
