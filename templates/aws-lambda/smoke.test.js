// Smoke tests of the API, run by `npm test` (node --test). Created by scaffold from {{ api.spec_file }}.
// This file is yours: scaffold never overwrites it. They call the Lambda handler in-process with
// API Gateway payload 2.0 events, without a network or a signed-in user.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { handler } from '../src/api.{{ "ts" if api.language == "typescript" else "js" }}';
import securityHeaders from '../src/shared/headers.js';

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
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers,
    requestContext: { http: { method, path }, stage: '$default', requestId: 'smoke' },
    isBase64Encoded: false,
  };
  const result = await handler(event, { awsRequestId: 'smoke-request' });
{% if api.language == "typescript" %}
  const out: Record<string, string> = {};
{% else %}
  const out = {};
{% endif %}
  for (const [name, value] of Object.entries(result.headers)) out[name.toLowerCase()] = value;
  return { status: result.statusCode, headers: out };
}

{% include "_shared/smoke-cases.js" %}
