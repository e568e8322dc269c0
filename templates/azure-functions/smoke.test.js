// Smoke tests of the API, run by `npm test` (node --test). Created by scaffold from {{ api.spec_file }}.
// This file is yours: scaffold never overwrites it. They call the function in-process through
// @azure/functions' own request and context classes, without a network or a signed-in user.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import azureFunctions from '@azure/functions';

import { handler } from '../src/functions/api.{{ "ts" if api.language == "typescript" else "js" }}';
import securityHeaders from '../src/shared/headers.js';

const { HttpRequest, InvocationContext } = azureFunctions;

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
  const request = new HttpRequest({ method, url: `http://localhost${path}`, headers });
  const result = await handler(request, new InvocationContext({ invocationId: 'smoke', functionName: 'api' }));
{% if api.language == "typescript" %}
  return { status: Number(result.status), headers: Object.fromEntries(new Headers(result.headers)) };
{% else %}
  return { status: result.status, headers: Object.fromEntries(new Headers(result.headers)) };
{% endif %}
}

{% include "_shared/smoke-cases.js" %}
