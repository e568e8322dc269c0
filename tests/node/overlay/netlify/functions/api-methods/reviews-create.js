// Test overlay (tests/node): by default returns headers that try to override security headers, the
// request id, CORS and Vary (in several letter cases), plus headers a handler may legitimately add.
// A `book_id` of `mode-<name>` (the body must be a valid review to get here) picks a misbehaving
// result instead, to check the dispatcher's guard rails.
'use strict';

const MODES = {
  'mode-server': () => ({ status: 201, headers: { Server: 'Express', 'X-Powered-By': 'PHP', Location: '/x' }, body: {} }),
  'mode-crlf': () => ({ status: 201, headers: { Location: '/x\r\nSet-Cookie: evil=1' }, body: {} }),
  'mode-cookies': () => ({ status: 201, headers: { 'Set-Cookie': ['a=1; Path=/', 'b=2; Path=/'] }, body: {} }),
  'mode-string': () => 'hello',
  'mode-badheaders': () => ({ status: 201, headers: 'abc', body: {} }),
};

module.exports = async function reviewsCreate({ body }) {
  if (body && Object.prototype.hasOwnProperty.call(MODES, body.book_id)) return MODES[body.book_id]();
  return {
    status: 201,
    headers: {
      Location: '/api/reviews/r-1',
      'X-Custom-Header': 'kept',
      'Content-Security-Policy': "default-src *",
      'content-type': 'text/html',
      'X-FRAME-OPTIONS': 'ALLOWALL',
      'Strict-Transport-Security': 'max-age=0',
      'Cache-Control': 'public, max-age=3600',
      'Permissions-Policy': 'camera=*',
      'X-Robots-Tag': 'all',
      'x-request-id': 'spoofed-by-handler',
      'Access-Control-Allow-Origin': '*',
      'access-control-allow-credentials': 'true',
      Vary: 'Cookie',
    },
    body: { id: 'r-1', received: body },
  };
};
