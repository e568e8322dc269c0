// ---- Web-standard response adapter: a fetch Response out. ----

/**
 * The dispatcher's result as a fetch Response. The headers object is handed over as it is (the
 * cheapest way in), unless a header repeats (an array, e.g. Set-Cookie): then each value is
 * appended.
 */
function toResponse(result) {
  const body = result.body === '' ? null : result.body;
  const values = Object.values(result.headers);
  if (!values.some(Array.isArray)) return new Response(body, { status: result.status, headers: result.headers });
  const headers = new Headers();
  for (const [name, value] of Object.entries(result.headers)) {
    if (Array.isArray(value)) {
      for (const v of value) headers.append(name, v);
    } else {
      headers.set(name, value);
    }
  }
  return new Response(body, { status: result.status, headers });
}
