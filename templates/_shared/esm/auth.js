{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
{% if api.auth.jwt %}
{% include "_shared/jwt-auth.js" %}
{% else %}
// This API has no users (`auth.provider: none`): every operation is public and `user` is null.

async function authenticate() {
  return null;
}
{% endif %}

export { authenticate };
