{#- Placeholder JWT settings for smoke tests: without settings every request is a 500 (the API
    fails closed); with these, a request without a token is a plain 401. The object literal (`{}`
    when the API reads none from the environment), which `target` writes into `env`. -#}
{% set jwt = api.auth.jwt %}
{% if jwt and api.auth.reads_env %}
{
{% if jwt.issuer.env %}
  {{ jwt.issuer.env|js_key }}: 'https://issuer.invalid/',
{% endif %}
{% if jwt.audience.env %}
  {{ jwt.audience.env|js_key }}: 'https://api.invalid',
{% endif %}
{% if jwt.jwks_url.env %}
  {{ jwt.jwks_url.env|js_key }}: 'https://issuer.invalid/.well-known/jwks.json',
{% endif %}
}
{%- else %}
{}
{%- endif %}
