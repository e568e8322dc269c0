{#- Placeholder JWT settings for smoke tests: without settings every request is a 500 (the API
    fails closed); with these, a request without a token is a plain 401. `target` writes them into
    `env`. -#}
{% if api.auth.jwt %}
{% if api.auth.jwt.issuer.env %}
  {{ api.auth.jwt.issuer.env }}: 'https://issuer.invalid/',
{% endif %}
{% if api.auth.jwt.audience.env %}
  {{ api.auth.jwt.audience.env }}: 'https://api.invalid',
{% endif %}
{% if api.auth.jwt.jwks_url.env %}
  {{ api.auth.jwt.jwks_url.env }}: 'https://issuer.invalid/.well-known/jwks.json',
{% endif %}
{% endif %}
