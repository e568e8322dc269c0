// Smoke tests of the API, run by `npm test` (node --test). Created by scaffold from {{ api.spec_file }}.
// This file is yours: scaffold never overwrites it. They call the Worker in Node with Web Requests
// and an `env` of placeholder settings, without a network or a signed-in user (`wrangler dev`
// runs it in workerd).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import worker from '../src/index.{{ "ts" if api.language == "typescript" else "js" }}';
import securityHeaders from '../src/shared/headers.js';

const env = {% include "_shared/smoke-env.js" %};

const invoke = (request{% if api.language == "typescript" %}: Request{% endif %}) => worker.fetch(request, env, { waitUntil() {}, passThroughOnException() {} });

{% include "_shared/smoke-fetch.js" %}

{% include "_shared/smoke-cases.js" %}
