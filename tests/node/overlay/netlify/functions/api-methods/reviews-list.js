// Test overlay (tests/node): returns an invalid status, which the dispatcher must turn into a 500.
'use strict';

module.exports = async function reviewsList() {
  return { status: 700, body: { secret: 'not for the client' } };
};
