// A JWKS for end-to-end tests, served on 127.0.0.1, with what the tests need to mint tokens.
//
// Usage: node tests/e2e/jwks-server.mjs STATE_FILE
//   Makes an RS256 key pair, serves `{"keys":[<public JWK>]}` at http://127.0.0.1:<port>/jwks.json
//   and, once listening, writes STATE_FILE (JSON, written whole then renamed into place):
//     { jwksUrl, issuer, audience, kid, privateKeyPem, hs256Secret }
//   `hs256Secret` is the public key's `n`, for HS256 key-confusion tokens. Runs until SIGTERM or
//   SIGINT, or for at most JWKS_SERVER_MAX_SECONDS (default 1800): it never outlives a test run.
// Only node: modules.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

const stateFile = process.argv[2];
if (!stateFile) {
  console.error('usage: node jwks-server.mjs STATE_FILE');
  process.exit(64);
}
const ISSUER = 'https://issuer.e2e.test/';
const AUDIENCE = 'https://api.e2e.test';
const KID = 'e2e-rs256';

const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };
const body = JSON.stringify({ keys: [jwk] });
let fetches = 0;

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/jwks.json') {
    fetches += 1;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(body);
    return;
  }
  if (req.method === 'GET' && req.url === '/fetches') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ fetches }));
    return;
  }
  res.writeHead(404);
  res.end();
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const state = {
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    issuer: ISSUER,
    audience: AUDIENCE,
    kid: KID,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }),
    hs256Secret: jwk.n,
  };
  fs.writeFileSync(`${stateFile}.tmp`, JSON.stringify(state));
  fs.renameSync(`${stateFile}.tmp`, stateFile);
  console.log(`jwks-server: ${state.jwksUrl}`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setTimeout(stop, Number(process.env.JWKS_SERVER_MAX_SECONDS || 1800) * 1000).unref();
