// The generated aws-lambda handler run by lambda-local (one-shot CLI invocations, never --watch) on
// API Gateway HTTP API payload 2.0 events written after AWS's documented example event
// (tests/e2e/lambda-events/*.json): the event shape the handler gets is the real one, not only what
// the project's own local/server.js builds. Run by tests/e2e_aws_lambda.rs.
//
// The project is generated from specs/jwt-cors.yaml with the handlers of tests/node/overlay-esm/ and
// tests/e2e/lambda-events/overlay/notes-read.js (echoes the event's cookies, sets two).
//
// Environment: LAMBDA_LOCAL_CLI (lambda-local's build/cli.js), PROJECT_DIR, JWT_STATE (the state file
// of tests/e2e/jwks-server.mjs) and JWT_ISSUER, JWT_AUDIENCE, JWT_JWKS_URL (handed to the function
// with lambda-local's -E). An event header value `Bearer ${JWT}` gets a freshly signed token.
// Only node: modules.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const EVENTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lambda-events');
const CLI = process.env.LAMBDA_LOCAL_CLI;
const PROJECT = process.env.PROJECT_DIR;
// The handler's file in the project: src/api.js, or a TypeScript project's bundle (dist/api.mjs).
const ENTRY = process.env.LAMBDA_ENTRY || 'src/api.js';
const STATE = JSON.parse(fs.readFileSync(process.env.JWT_STATE, 'utf8'));
const FUNCTION_ENV = {
  JWT_ISSUER: process.env.JWT_ISSUER,
  JWT_AUDIENCE: process.env.JWT_AUDIENCE,
  JWT_JWKS_URL: process.env.JWT_JWKS_URL,
};
for (const [name, value] of Object.entries({ LAMBDA_LOCAL_CLI: CLI, PROJECT_DIR: PROJECT, ...FUNCTION_ENV })) {
  assert.ok(value, `${name} must be set`);
}

// lambda-local copies ~/.aws/config and ~/.aws/credentials into the function's environment: give it
// an empty HOME so no real credentials reach the run.
const HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-local-home-'));
after(() => fs.rmSync(HOME, { recursive: true, force: true }));

// The shared security headers of a spec without `headers:` overrides, as the handler names them
// (the tests' one hard-coded table).
const SECURITY_HEADERS = JSON.parse(fs.readFileSync(new URL('../security-headers.json', import.meta.url), 'utf8'));

const b64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An RS256 token from the JWKS server's key, for a user with role `user`. */
function userToken() {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', kid: STATE.kid };
  const payload = {
    iss: STATE.issuer,
    aud: STATE.audience,
    sub: 'user-1',
    email: 'u@example.com',
    app_metadata: { roles: ['user'] },
    iat: now,
    exp: now + 600,
  };
  const input = `${b64url(header)}.${b64url(payload)}`;
  const key = crypto.createPrivateKey(STATE.privateKeyPem);
  return `${input}.${crypto.sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** Reads an event file, checks it is a payload 2.0 event, fills in `${JWT}`. */
function loadEvent(name) {
  const event = JSON.parse(fs.readFileSync(path.join(EVENTS, name), 'utf8'));
  assert.equal(event.version, '2.0', `${name}: version`);
  assert.equal(typeof event.rawPath, 'string', `${name}: rawPath`);
  assert.equal(typeof event.rawQueryString, 'string', `${name}: rawQueryString`);
  assert.equal(typeof event.requestContext.http.method, 'string', `${name}: requestContext.http.method`);
  assert.equal(event.requestContext.http.path, event.rawPath, `${name}: requestContext.http.path`);
  assert.equal(typeof event.requestContext.stage, 'string', `${name}: requestContext.stage`);
  assert.equal(event.routeKey, event.requestContext.routeKey, `${name}: routeKey`);
  for (const [header, value] of Object.entries(event.headers)) {
    assert.equal(header, header.toLowerCase(), `${name}: HTTP APIs hand over lower-case header names`);
    if (value.includes('${JWT}')) event.headers[header] = value.replace('${JWT}', userToken());
  }
  assert.equal(event.headers.cookie, undefined, `${name}: payload 2.0 has cookies in \`cookies\`, not a header`);
  return event;
}

/** Runs the handler once on `event` with lambda-local's CLI; returns the result it printed. */
function invoke(name, event) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-event-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(event));
  let stdout;
  try {
    const args = [CLI, '-l', ENTRY, '-h', 'handler', '--esm', '-e', file, '-t', '10', '-v', '1', '-E', JSON.stringify(FUNCTION_ENV)];
    const env = { ...process.env, HOME, NO_COLOR: '1', FORCE_COLOR: '0' };
    for (const name of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE']) delete env[name];
    stdout = execFileSync(process.execPath, args, { cwd: PROJECT, env, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    assert.fail(`lambda-local failed on ${name} (${err.status}):\n${err.stdout}\n${err.stderr}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // With -v 1 the CLI prints `info: <result as JSON>` then `info: Lambda successfully executed in N ms.`
  // (winston colours the level even without a TTY: strip ANSI escapes).
  // eslint-disable-next-line no-control-regex
  const text = stdout.replace(/\x1b\[[0-9;]*m/g, '');
  const match = /^info: (\{[\s\S]*\})\ninfo: Lambda successfully executed in \d+ms\.\s*$/m.exec(text);
  assert.ok(match, `no result in lambda-local's output for ${name}:\n${text}`);
  return JSON.parse(match[1]);
}

/** A payload 2.0 result with the status, the shared headers and a request id; returns the parsed body. */
function expectResult(result, status, what) {
  const where = `${what} (result: ${JSON.stringify(result).slice(0, 400)})`;
  assert.equal(result.statusCode, status, where);
  assert.equal(result.isBase64Encoded, false, `isBase64Encoded: ${where}`);
  assert.equal(typeof result.body, 'string', `body: ${where}`);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    assert.equal(result.headers[name], value, `${name}: ${where}`);
  }
  for (const [name, value] of Object.entries(result.headers)) {
    assert.equal(typeof value, 'string', `payload 2.0 header values are strings: ${name} in ${where}`);
    assert.notEqual(name.toLowerCase(), 'set-cookie', `Set-Cookie belongs in \`cookies\`: ${where}`);
  }
  assert.match(result.headers['X-Request-Id'] || '', /^[A-Za-z0-9._-]{1,64}$/, `X-Request-Id: ${where}`);
  return result.body === '' ? undefined : JSON.parse(result.body);
}

test('GET on the $default stage: a public operation, CORS for an allowed origin', () => {
  const result = invoke('get-default-stage.json', loadEvent('get-default-stage.json'));
  const body = expectResult(result, 200, 'GET /api/stats ($default)');
  assert.deepEqual(body, { userId: null });
  assert.equal(result.headers['X-Stats'], 'ok');
  assert.equal(result.headers['Access-Control-Allow-Origin'], 'https://app.example.com');
  assert.equal(result.headers['Access-Control-Allow-Credentials'], 'true');
  assert.equal(result.headers.Vary, 'Origin');
  assert.equal(result.cookies, undefined);
});

test('GET on a named stage: the /prod prefix of rawPath is not part of the route; the JWT is verified', () => {
  const result = invoke('get-named-stage.json', loadEvent('get-named-stage.json'));
  const body = expectResult(result, 200, 'GET /prod/api/notes (stage prod)');
  assert.deepEqual(body, { id: 'user-1', email: 'u@example.com', roles: ['user'], iss: STATE.issuer });
  assert.equal(result.cookies, undefined);
});

test('a named stage without a token is 401', () => {
  const event = loadEvent('get-named-stage.json');
  delete event.headers.authorization;
  const result = invoke('get-named-stage-anonymous.json', event);
  assert.deepEqual(expectResult(result, 401, 'GET /prod/api/notes without a token'), { error: 'unauthorized' });
  assert.equal(result.headers['WWW-Authenticate'], 'Bearer');
});

test('POST with a base64-encoded JSON body: decoded, validated, handed to the handler', () => {
  const result = invoke('post-base64-json.json', loadEvent('post-base64-json.json'));
  const body = expectResult(result, 201, 'POST /api/notes (base64 body)');
  assert.deepEqual(body, { id: 'n-1', owner: 'user-1', note: { text: 'hello from a base64 body', stars: 4 } });
  assert.equal(result.headers.Location, '/api/notes/n-1');
});

test('cookies: the event\'s `cookies` reach the handler as a Cookie header; Set-Cookie leaves in `cookies`', () => {
  const result = invoke('cookies.json', loadEvent('cookies.json'));
  const body = expectResult(result, 200, 'GET /api/notes/n-7 with cookies');
  assert.deepEqual(result.cookies, ['sid=s-2; Path=/; HttpOnly; Secure; SameSite=Lax', 'theme=light; Path=/']);
  assert.equal(result.headers['X-Note'], 'n');
  assert.equal(body.user, 'user-1');
  assert.deepEqual(body.params, { id: 'n-7' });
  assert.deepEqual(body.query, { lang: 'en,fr', view: 'full' });
  assert.equal(body.cookie, 'session=abc123; theme=dark');
  assert.deepEqual(body.eventCookies, ['session=abc123', 'theme=dark']);
  assert.equal(body.stage, '$default');
  // The request id is Lambda's (lambda-local's context.awsRequestId), also in X-Request-Id.
  assert.equal(body.requestId, body.awsRequestId);
  assert.equal(result.headers['X-Request-Id'], body.awsRequestId);
});
