// Smoke tests of the API, run by `npm test` (node --test). Created by scaffold from {{ api.spec_file }}.
// This file is yours: scaffold never overwrites it. They call the function in-process with Web
// Requests, as Vercel does, without a network or a signed-in user.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import api from '../api/index.{{ "ts" if api.language == "typescript" else "js" }}';
import securityHeaders from '../api/_lib/headers.js';

Object.assign(process.env, {% include "_shared/smoke-env.js" %});

const invoke = (request{% if api.language == "typescript" %}: Request{% endif %}) => api.fetch(request);

{% include "_shared/smoke-fetch.js" %}

{% include "_shared/smoke-cases.js" %}
