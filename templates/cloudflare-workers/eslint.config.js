{% set platform_dirs = [".wrangler/"] %}
{% set web_only = ["src/**"] %}
{% include "_shared/eslint.config.js" %}
