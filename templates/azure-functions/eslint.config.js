{% set platform_dirs = [] %}
{% include "_shared/eslint.config.js" %}
