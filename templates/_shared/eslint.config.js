{#- ESLint's flat config. `target.lint`: `tool_dirs` (what the platform's local tools build, to
    ignore) and `web_only` (the folders that run where Node.js's globals do not exist).
    `target.module == "cjs"`: .js files are CommonJS. -#}
// Created by scaffold from {{ api.spec_file }}. This file is yours: scaffold never overwrites it.
//
// `npm run lint`: ESLint's recommended rules over the project. The runtimes' global names are
// listed here, so that no `globals` package is needed.
import js from '@eslint/js';
{% if api.language == "typescript" %}
import tseslint from 'typescript-eslint';
{% endif %}

const readonly = (names) => Object.fromEntries(names.map((name) => [name, 'readonly']));

// Web APIs: Node.js >= 20, the platform's runtime and browsers all have them.
const web = readonly([
  'AbortController',
  'AbortSignal',
  'Blob',
  'FormData',
  'Headers',
  'ReadableStream',
  'Request',
  'Response',
  'TextDecoder',
  'TextEncoder',
  'URL',
  'URLSearchParams',
  'atob',
  'btoa',
  'clearInterval',
  'clearTimeout',
  'console',
  'crypto',
  'fetch',
  'performance',
  'queueMicrotask',
  'setInterval',
  'setTimeout',
  'structuredClone',
]);
// Node.js only{% if target.lint.web_only %}: the tests and local tools, not the Worker{% endif %}.
const node = readonly(['Buffer', 'process']);
// Browsers only: client/ runs in the page.
const browser = readonly(['document', 'localStorage', 'location', 'navigator', 'sessionStorage', 'window']);

export default [
  // scaffold's state, and what the platform's local tools build.
  { ignores: {{ lint.ignores|js }} },
  js.configs.recommended,
  { languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: web } },
  { ignores: {{ lint.node_ignores|js }}, languageOptions: { globals: node } },
  { files: ['client/**'], languageOptions: { globals: browser } },
{% if api.language == "typescript" %}
  // TypeScript: typescript-eslint's recommended rules for the .ts sources.
  ...tseslint.configs.recommended,
  { languageOptions: { parserOptions: { tsconfigRootDir: import.meta.dirname } } },
{% endif %}
{% if target.module == "cjs" %}
  // package.json has no "type": .js files are CommonJS modules, but for client/ (the browser's).
  { files: ['**/*.js'], ignores: ['client/**'], languageOptions: { sourceType: 'commonjs' } },
{% endif %}
];
