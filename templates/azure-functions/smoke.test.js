// Smoke tests of the API, run by `npm test` (node --test). Created by scaffold from {{ api.spec_file }}.
// This file is yours: scaffold never overwrites it. They call the function in-process through
// @azure/functions' own request and context classes, without a network or a signed-in user.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import azureFunctions from '@azure/functions';

import { handler } from '../src/functions/api.js';
import securityHeaders from '../src/shared/headers.js';

const { HttpRequest, InvocationContext } = azureFunctions;

Object.assign(process.env, {% include "_shared/smoke-env.js" %});

async function call(method, path, headers = {}) {
  const request = new HttpRequest({ method, url: `http://localhost${path}`, headers });
  const result = await handler(request, new InvocationContext({ invocationId: 'smoke', functionName: 'api' }));
  return { status: result.status, headers: Object.fromEntries(new Headers(result.headers)) };
}

{% include "_shared/smoke-cases.js" %}
