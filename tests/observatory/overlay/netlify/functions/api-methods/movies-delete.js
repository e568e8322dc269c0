// Observatory overlay (tests/observatory): throws, so that the dispatcher's 500 is graded too.
'use strict';

module.exports = async function moviesDelete() {
  throw new Error('observatory overlay: a handler that fails');
};
