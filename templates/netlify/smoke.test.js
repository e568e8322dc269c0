// Smoke tests of the API, run by `npm test` (node --test). Created by scaffold from {{ api.spec_file }}.
// This file is yours: scaffold never overwrites it. They call the function in-process with the
// events Netlify sends, without a network or a signed-in user.
'use strict';

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { handler } = require('../netlify/functions/api.js');
const securityHeaders = require('../netlify/functions/_shared/headers.js');

Object.assign(process.env, {% include "_shared/smoke-env.js" %});

async function call(method, path, headers = {}) {
  const event = { httpMethod: method, path, headers, queryStringParameters: {}, body: null, isBase64Encoded: false };
  const result = await handler(event, {});
  const out = {};
  for (const [name, value] of Object.entries(result.headers)) out[name.toLowerCase()] = value;
  return { status: result.statusCode, headers: out };
}

{% include "_shared/smoke-cases.js" %}
