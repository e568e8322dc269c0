{#- `call` for targets whose entry takes a Web Request: `invoke(request)` -> Response. -#}
{% if api.language == "typescript" %}
interface Reply {
  status: number;
  headers: Record<string, string>;
}

{% endif %}
{% if api.language == "typescript" %}
async function call(method: string, path: string, headers: Record<string, string> = {}): Promise<Reply> {
{% else %}
async function call(method, path, headers = {}) {
{% endif %}
  const response = await invoke(new Request(`http://localhost${path}`, { method, headers }));
  return { status: response.status, headers: Object.fromEntries(response.headers) };
}
