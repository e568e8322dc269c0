// Smoke tests of the API, run by `npm test` (node --test). Created by scaffold from {{ api.spec_file }}.
// This file is yours: scaffold never overwrites it. They call the function in-process with the
// events Netlify sends, without a network or a signed-in user.
{% if target.module == "cjs" %}
'use strict';

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { handler } = require('../netlify/functions/api.js');
const securityHeaders = require('../netlify/functions/_shared/headers.js');
{% else %}
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { handler } from '../netlify/functions/api.{{ "ts" if api.language == "typescript" else "js" }}';
import securityHeaders from '../netlify/functions/_shared/headers.js';
{% endif %}

Object.assign(process.env, {% include "_shared/smoke-env.js" %});

{% if api.language == "typescript" %}
interface Reply {
  status: number;
  headers: Record<string, string>;
}

async function call(method: string, path: string, headers: Record<string, string> = {}): Promise<Reply> {
{% else %}
async function call(method, path, headers = {}) {
{% endif %}
  const event = { httpMethod: method, path, headers, queryStringParameters: {}, body: null, isBase64Encoded: false };
  const result = await handler(event, {});
{% if api.language == "typescript" %}
  const out: Record<string, string> = {};
{% else %}
  const out = {};
{% endif %}
  for (const [name, value] of Object.entries(result.headers)) out[name.toLowerCase()] = value;
  return { status: result.statusCode, headers: out };
}

{% include "_shared/smoke-cases.js" %}
