{% set platform_dirs = [".netlify/"] %}
{% include "_shared/eslint.config.js" %}
