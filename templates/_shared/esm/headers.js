{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// The headers every response of the API carries, errors and preflights included. The platform's
// own header configuration does not apply to function responses, so the function sends them.
// Add or override one with `headers:` in {{ api.spec_file }}.

export default Object.freeze({
{% for h in api.headers %}
  {{ h.value|js_prop(h.name, 2) }},
{% endfor %}
});
