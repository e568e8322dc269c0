{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// A typed client for the {{ api.name.spec }} API: runtime.js (the same client as JavaScript projects
// get: no dependencies, browsers and Node.js) with each operation typed from {{ api.spec_file }}. See
// runtime.js for errors, auth and options.
//
//   import { createClient, ValidationError } from './client/api.ts';
//   const api = createClient({ baseUrl: '' });
{% for op in api.operations %}
{% set t = ts.ops[op.name.camel] %}
{% if loop.first %}
//   const result = await api.{{ op.name.camel }}({% for p in op.params %}{{ p }}, {% endfor %}{% if op.takes_body %}{ ... }{% endif %});
{% endif %}
{% endfor %}

import { createClient as createUntyped } from './runtime.js';
{% if ts.list_options %}
import type { CallOptions, ClientConfig, ListOptions } from './runtime.js';
{% else %}
import type { CallOptions, ClientConfig } from './runtime.js';
{% endif %}
{% set names = ts.client_types %}
{% if names %}
{{ names|ts_import("../" ~ paths["_shared/ts/types.ts"]) }}
{% endif %}

export {
  ApiError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  ServerError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
{% if api.auth.provider == "netlify-identity" %}
  netlifyIdentityToken,
{% endif %}
} from './runtime.js';
export type { CallOptions, ClientConfig, {% if ts.list_options %}ListOptions, {% endif %}Problem } from './runtime.js';

/** The API's operations: path parameters first, then the body (if any), then `options`. */
export interface Api {
{% for op in api.operations %}
{% set t = ts.ops[op.name.camel] %}
  /** `{{ op.method }} {{ op.full_path }}`: {{ op.summary }}. */
  {{ t.client_args|ts_call(op.name.camel, ": Promise<" ~ t.reply ~ ">;", 2) }}
{% endfor %}
}

/** The client: `config` as runtime.js's `createClient` takes it. */
export function createClient(config: ClientConfig = {}): Api {
  return createUntyped(config) as unknown as Api;
}
