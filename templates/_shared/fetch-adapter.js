// ---- Web-standard request adapter: a fetch Request (or one shaped like it) in. ----

const UTF8_DECODER = new TextDecoder();

/**
 * The request body as text, at most one byte past the body limit (the dispatcher answers 413 to
 * anything longer, so a larger body is never buffered whole); null for methods without a body.
 */
async function requestText(request, method) {
  if (!BODY_METHODS.has(method) || !request.body) return null;
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > LIMITS.bodyBytes) {
      // Stop reading, but do not cancel: under `vercel dev` a cancelled body stream crashes the
      // function process when the rest of the request arrives. The platform's own body limit
      // bounds what it still buffers.
      reader.releaseLock();
      break;
    }
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return UTF8_DECODER.decode(bytes);
}

/**
 * The path and query of an absolute URL as a Request serializes it (already parsed and normalized:
 * `..` resolved, the path percent-encoded, so the first `?` starts the query and the first `#` the
 * fragment), without building a URL object: what `new URL(url).pathname` and `.searchParams` hold.
 */
function pathAndQuery(url) {
  const hash = url.indexOf('#');
  const whole = hash === -1 ? url : url.slice(0, hash);
  const start = whole.indexOf('/', whole.indexOf('//') + 2);
  const q = whole.indexOf('?');
  if (start === -1 || (q !== -1 && q < start)) {
    const parsed = new URL(url);
    return { path: parsed.pathname, query: Object.fromEntries(parsed.searchParams) };
  }
  if (q === -1) return { path: whole.slice(start), query: {} };
  return { path: whole.slice(start, q), query: Object.fromEntries(new URLSearchParams(whole.slice(q + 1))) };
}

/** The dispatcher's request from a fetch Request; `extra` adds `requestId`, `env`, `platform`. */
async function fromRequest(request, extra) {
  const { path, query } = pathAndQuery(String(request.url));
  const method = String(request.method || '').toUpperCase();
  return {
    method,
    path,
    headers: Object.fromEntries(request.headers),
    query,
    body: await requestText(request, method),
    ...extra,
  };
}
