{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// Runs the Lambda function locally without Docker: `npm start` serves http://127.0.0.1:3000 and
// turns each request into an API Gateway HTTP API payload 2.0 event ($default stage, URL-decoded
// rawPath, cookies split out, non-text bodies base64-encoded), then the function's result back
// into a response, as API Gateway does. For local development only: it listens on 127.0.0.1 and
{% if api.auth.gateway %}
// does not run API Gateway's JWT authorizer, so requests carry no claims (operations that need a
// user answer 401). Use `sam local start-api` (Docker) or a deployed stage to test signed-in calls.
{% else %}
// is not API Gateway (no throttling, no authorizers).
{% endif %}
import http from 'node:http';
import { randomUUID } from 'node:crypto';
{% if api.language == "typescript" %}
// The function as Lambda runs it: `npm start` builds dist/api.mjs from src/api.ts first.
import { handler } from '../dist/api.mjs';
{% else %}
import { handler } from '../src/api.js';
{% endif %}

const HOST = process.env.HOST || '127.0.0.1';
const PORT = Number(process.env.PORT || 3000);
// API Gateway's payload limit; larger requests get its 413.
const MAX_PAYLOAD = 10 * 1024 * 1024;
const TEXT_BODY = /^(?:text\/|application\/(?:[a-z0-9.+-]+\+)?(?:json|xml)|application\/x-www-form-urlencoded)/i;

function send(res, status, headers, body) {
  res.writeHead(status, headers);
  res.end(body);
}

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_PAYLOAD) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function toEvent(req, bytes) {
  const url = new URL(req.url, 'http://localhost');
  let rawPath;
  try {
    rawPath = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  const headers = {};
  const cookies = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    const value = req.rawHeaders[i + 1];
    if (name === 'cookie') cookies.push(...value.split(/;\s*/).filter(Boolean));
    else headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const query = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const now = new Date();
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: headers.host || `${HOST}:${PORT}`,
      domainPrefix: 'local',
      http: {
        method: req.method,
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress,
        userAgent: headers['user-agent'] || '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
  if (cookies.length > 0) event.cookies = cookies;
  if (Object.keys(query).length > 0) event.queryStringParameters = query;
  if (bytes.length > 0) {
    const text = TEXT_BODY.test(headers['content-type'] || '');
    event.body = text ? bytes.toString('utf8') : bytes.toString('base64');
    event.isBase64Encoded = !text;
  }
  return event;
}

const server = http.createServer(async (req, res) => {
  const bytes = await readBody(req);
  if (bytes === null)
    return send(res, 413, { 'Content-Type': 'application/json' }, '{"message":"Request Entity Too Large"}');
  const event = toEvent(req, bytes);
  if (event === null) return send(res, 400, { 'Content-Type': 'application/json' }, '{"message":"Bad Request"}');
  const context = {
    awsRequestId: randomUUID(),
    functionName: 'api',
    getRemainingTimeInMillis: () => 10000,
  };
  let result;
  try {
    result = await handler(event, context);
  } catch (err) {
    console.error(err);
    return send(res, 500, { 'Content-Type': 'application/json' }, '{"message":"Internal Server Error"}');
  }
  const headers = { ...(result.headers || {}) };
  if (Array.isArray(result.cookies) && result.cookies.length > 0) headers['Set-Cookie'] = result.cookies;
  const body =
    result.body === undefined ? '' : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  send(res, result.statusCode || 200, headers, body);
});

server.listen(PORT, HOST, () => {
  {{ ["`" ~ api.name.spec ~ ": http://${HOST}:${PORT}" ~ api.base_path ~ "/ (Lambda payload 2.0, local)`"]|js_call("console.log", 2) }};
});
