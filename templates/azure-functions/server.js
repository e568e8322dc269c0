{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// Runs the function locally without Azure Functions Core Tools: `npm start` serves
// http://127.0.0.1:7071{{ api.base_path }}/ and hands each request to the handler as the Functions host does,
// through @azure/functions' own HttpRequest and InvocationContext classes. For local development
// only: it listens on 127.0.0.1. `func start` (Core Tools) runs the real host.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import azureFunctions from '@azure/functions';
{% if api.language == "typescript" %}
// The function as the Functions host runs it: `npm start` builds dist/functions/api.js first.
import { handler } from '../dist/functions/api.js';
{% else %}
import { handler } from '../src/functions/api.js';
{% endif %}

const { HttpRequest, InvocationContext } = azureFunctions;
const HOST = process.env.HOST || '127.0.0.1';
const PORT = Number(process.env.PORT || 7071);
{{ api.base_path|js_assign("const PREFIX") }};
// The host's own request size limit.
const MAX_BODY = 100 * 1024 * 1024;

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** An Azure cookie object back as a Set-Cookie value, as the host writes it. */
function setCookie(cookie) {
  const parts = [`${cookie.name}=${cookie.value}`];
  if (cookie.domain) parts.push(`Domain=${cookie.domain}`);
  if (cookie.path) parts.push(`Path=${cookie.path}`);
  if (cookie.expires !== undefined) parts.push(`Expires=${new Date(cookie.expires).toUTCString()}`);
  if (cookie.maxAge !== undefined) parts.push(`Max-Age=${cookie.maxAge}`);
  if (cookie.secure) parts.push('Secure');
  if (cookie.httpOnly) parts.push('HttpOnly');
  if (cookie.sameSite) parts.push(`SameSite=${cookie.sameSite}`);
  return parts.join('; ');
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, `http://${HOST}:${PORT}`);
  if (url.pathname !== PREFIX && !url.pathname.startsWith(`${PREFIX}/`)) {
    res.writeHead(404);
    return res.end();
  }
  const bytes = await readBody(req);
  if (bytes === null) {
    res.writeHead(413);
    return res.end();
  }
  const headers = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    headers[name] = name in headers ? `${headers[name]}, ${req.rawHeaders[i + 1]}` : req.rawHeaders[i + 1];
  }
  const request = new HttpRequest({
    method: req.method,
    url: url.href,
    headers,
    query: Object.fromEntries(url.searchParams),
    body: bytes.length > 0 ? { bytes } : undefined,
  });
  const context = new InvocationContext({ invocationId: randomUUID(), functionName: 'api' });
  let result;
  try {
    result = await handler(request, context);
  } catch (err) {
    console.error(err);
    res.writeHead(500);
    return res.end();
  }
  const out = Object.fromEntries(new Headers(result.headers));
  if (Array.isArray(result.cookies) && result.cookies.length > 0) out['set-cookie'] = result.cookies.map(setCookie);
  res.writeHead(result.status || 200, out);
  res.end(result.body === undefined ? '' : result.body);
});

server.listen(PORT, HOST, () => {
  {{ ["`" ~ api.name.spec ~ ": http://${HOST}:${PORT}" ~ api.base_path ~ "/ (Azure Functions handler, local)`"]|js_call("console.log", 2) }};
});
