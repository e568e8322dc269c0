// ---- Web-standard response adapter: a fetch Response out. ----

/** The dispatcher's result as a fetch Response; a repeated header (an array) is appended. */
function toResponse(result) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(result.headers)) {
    if (Array.isArray(value)) {
      for (const v of value) headers.append(name, v);
    } else {
      headers.set(name, value);
    }
  }
  return new Response(result.body === '' ? null : result.body, { status: result.status, headers });
}
