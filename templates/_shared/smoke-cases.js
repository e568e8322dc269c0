{#- The smoke tests every target's test/smoke.test.js runs, after defining
    `call(method, path, headers)` -> `{ status, headers }` (header names in lower case) and
    importing `securityHeaders` and `assert`/`test`. -#}
const BASE = {{ api.base_path|js }};

/** Every shared security header, with its value. */
function assertSecurityHeaders(res{% if api.language == "typescript" %}: Reply{% endif %}) {
  for (const [name, value] of Object.entries(securityHeaders)) {
    assert.equal(res.headers[name.toLowerCase()], value, name);
  }
  assert.ok(res.headers['x-request-id'], 'x-request-id');
}

test('an unknown path is a 404 from the dispatcher, with the security headers', async () => {
  const res = await call('GET', `${BASE}/no-such-path/${Date.now()}`);
  assert.equal(res.status, 404);
  assertSecurityHeaders(res);
});
{% for route in api.routes %}
{% if loop.first %}

test('{{ route.path }}: OPTIONS answers 204 with Allow{% if route.unallowed %}, {{ route.unallowed }} 405{% endif %}', async () => {
  const preflight = await call('OPTIONS', `${BASE}{{ route.path }}`);
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.allow, {{ route.allow|js }});
  assertSecurityHeaders(preflight);
{% if route.unallowed %}
  const wrong = await call({{ route.unallowed|js }}, `${BASE}{{ route.path }}`);
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.allow, {{ route.allow|js }});
{% endif %}
});
{% endif %}
{% endfor %}
{% for op in api.operations %}
{% if not op.public and not op.params %}

test('{{ op.method }} {{ op.full_path }} without a token is refused: 401', async () => {
  {{ [op.method|js, op.full_path|js]|js_call("const res = await call", 2) }};
  assert.equal(res.status, 401);
  assert.equal(res.headers['www-authenticate'], 'Bearer');
  assertSecurityHeaders(res);
});
{% endif %}
{% endfor %}
