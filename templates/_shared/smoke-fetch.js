{#- `call` for targets whose entry takes a Web Request: `invoke(request)` -> Response. -#}
async function call(method, path, headers = {}) {
  const response = await invoke(new Request(`http://localhost${path}`, { method, headers }));
  return { status: response.status, headers: Object.fromEntries(response.headers) };
}
