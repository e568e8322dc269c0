// Test overlay (tests/node): returns nothing, which the dispatcher sends as 204 No Content.
'use strict';

module.exports = async function reviewsDelete() {};
