{% set platform_dirs = [".aws-sam/"] %}
{% include "_shared/eslint.config.js" %}
