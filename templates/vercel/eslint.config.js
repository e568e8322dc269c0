{% set platform_dirs = [".vercel/"] %}
{% include "_shared/eslint.config.js" %}
