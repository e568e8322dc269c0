// Observatory overlay (tests/observatory): a 501 "not implemented" answer, as a `storage: none`
// starter gives (the starter spec keeps items in Netlify Blobs, which needs netlify dev's sandbox).
'use strict';

module.exports = async function moviesRead() {
  return { status: 501, body: { error: 'not_implemented', operation: 'moviesRead' } };
};
