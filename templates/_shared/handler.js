{% import "_shared/macros.j2" as m %}
{#- TypeScript (`api.language`): the same handler, typed by its operation's types (types.ts). -#}
{% set t = ts.ops[op.name.camel] if api.language == "typescript" else none %}
{% set crud = op.storage != "none" and op.kind != "custom" %}
{{ m.handler("//", api, op, file) }}
//
// The dispatcher ({{ target.typescript.entry if t else target.entry }}) calls this after routing, auth, and checking the JSON body, with:
//   user       the signed-in user `{ id, email, roles, claims }` (`id` is the token's `sub`),
//              or null on a public operation without a token
//   params     path parameters{% for p in op.params %} `params.{{ p }}`{% endfor %}

//   query      query string parameters, as strings
//   body       the parsed JSON body (POST, PUT, PATCH), else null; on create and update it has
//              already been validated against the resource's fields (no unknown fields)
//   headers    request headers, names in lower case
//   requestId  this request's id, also sent as `X-Request-Id`
//   {{ target.platform_context }}
// Return `{ status, body, headers }`: status defaults to 200; returning nothing sends 204.
// A thrown error becomes a 500 whose body holds only the request id; the details go to the log.
{% if op.storage != "none" %}
//
// Items are kept by {{ paths["_shared/store.js"] }} ({{ op.storage }}), each under its owner: the
// signed-in user (another user's id gives 404).
// When the database cannot be reached, the store throws `StorageUnavailable`: a 503 instead.
{% endif %}
{% if target.module == "cjs" %}
'use strict';
{% endif %}
{% if op.storage != "none" %}

{% if target.module == "cjs" %}
const { {{ store.imports[op.kind]|join(", ") }} } = require('{{ target.shared_from_handlers }}/store.js');
{% else %}
import { {{ store.imports[op.kind]|join(", ") }} } from '{{ target.shared_from_handlers }}/store.js';
{% endif %}
{% endif %}
{% if t %}
{% set names = ([t.item] if crud else []) + ([t.context] if crud else []) + [t.result] %}
{% if op.storage == "none" %}

{% endif %}
{{ names|ts_import(target.shared_from_handlers ~ "/types.ts") }}
{% endif %}
{% if op.storage != "none" and op.kind == "list" %}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
// What `sort` may name (`field` ascending, `-field` descending), with each field's type. Items
// without a value come last either way; ties are in id order (the same direction).
{{ op.query.sort_types|js_assign("const SORTS") }};
// The fields `?<field>=<value>` filters by (equality; several must all hold), with what a value must
// be: its type, and for text its allowed values and the expressions it must match.
{{ op.query.filter_rules|js_assign("const FILTERS") }};
const QUERY = { sorts: SORTS, filters: FILTERS, defaultLimit: DEFAULT_LIMIT, maxLimit: MAX_LIMIT };

{% if t %}
{{ ["ctx: " ~ t.context]|ts_call("async function " ~ op.name.camel, ": Promise<" ~ t.result ~ "> {", 0) }}
{% else %}
async function {{ op.name.camel }}(ctx) {
{% endif %}
  const { user, query } = ctx;
  // `limit`, `cursor`, `sort` and the filters, or a 400 that names what is wrong (any other
  // parameter too).
  const read = listQuery(query, QUERY);
  if ('error' in read) return read.error;
{% if t %}
  {{ [op.resource.spec|js, "ctx"]|ts_call("const items = await openCollection<" ~ t.item ~ ">", ";", 2) }}
{% else %}
  const items = await openCollection({{ op.resource.spec|js }}, ctx);
{% endif %}
  const { items: found, next } = await items.list(ownerOf(user), read.page);
  return { body: { items: found, next: nextCursor(next, read.key) } };
}
{% elif op.storage != "none" and op.kind == "create" %}

// The fields an item stores; the dispatcher has refused any other (422).
{{ op.fields|js_assign("const FIELDS") }};

{% if t %}
{{ ["ctx: " ~ t.context]|ts_call("async function " ~ op.name.camel, ": Promise<" ~ t.result ~ "> {", 0) }}
{% else %}
async function {{ op.name.camel }}(ctx) {
{% endif %}
  const { user, body } = ctx;
  const now = new Date().toISOString();
  const item = { id: newId(), ...pick(body, FIELDS), createdAt: now, updatedAt: now };
{% if t %}
  {{ [op.resource.spec|js, "ctx"]|ts_call("const items = await openCollection<" ~ t.item ~ ">", ";", 2) }}
{% else %}
  const items = await openCollection({{ op.resource.spec|js }}, ctx);
{% endif %}
  // A store that checks atomically never writes over an existing item: false (409) instead.
  const stored = await items.put(ownerOf(user), item.id, item, { mustBeNew: true });
  if (stored === false) return { status: 409, body: { error: 'conflict' } };
  const location = `{{ op.full_path }}/${item.id}`;
  return { status: 201, headers: { Location: location }, body: item };
}
{% elif op.storage != "none" and op.kind == "read" %}

{% if t %}
{{ ["ctx: " ~ t.context]|ts_call("async function " ~ op.name.camel, ": Promise<" ~ t.result ~ "> {", 0) }}
{% else %}
async function {{ op.name.camel }}(ctx) {
{% endif %}
  const { user, params } = ctx;
{% if t %}
  {{ [op.resource.spec|js, "ctx"]|ts_call("const items = await openCollection<" ~ t.item ~ ">", ";", 2) }}
{% else %}
  const items = await openCollection({{ op.resource.spec|js }}, ctx);
{% endif %}
  const item = await items.get(ownerOf(user), params.id);
  if (item === null) return { status: 404, body: { error: 'not_found' } };
  return { body: item };
}
{% elif op.storage != "none" and op.kind == "update" %}

// The fields an item stores; an update replaces them all (absent ones are removed).
{{ op.fields|js_assign("const FIELDS") }};

{% if t %}
{{ ["ctx: " ~ t.context]|ts_call("async function " ~ op.name.camel, ": Promise<" ~ t.result ~ "> {", 0) }}
{% else %}
async function {{ op.name.camel }}(ctx) {
{% endif %}
  const { user, params, body } = ctx;
{% if t %}
  {{ [op.resource.spec|js, "ctx"]|ts_call("const items = await openCollection<" ~ t.item ~ ">", ";", 2) }}
{% else %}
  const items = await openCollection({{ op.resource.spec|js }}, ctx);
{% endif %}
  const existing = await items.get(ownerOf(user), params.id);
  if (existing === null) return { status: 404, body: { error: 'not_found' } };
  const item = {
    id: existing.id,
    ...pick(body, FIELDS),
    createdAt: existing.createdAt,
    updatedAt: new Date().toISOString(),
  };
  // Deleted meanwhile: a store that checks atomically says so (false) instead of recreating it.
  const stored = await items.put(ownerOf(user), item.id, item, { mustExist: true });
  if (stored === false) return { status: 404, body: { error: 'not_found' } };
  return { body: item };
}
{% elif op.storage != "none" and op.kind == "delete" %}

{% if t %}
{{ ["ctx: " ~ t.context]|ts_call("async function " ~ op.name.camel, ": Promise<" ~ t.result ~ "> {", 0) }}
{% else %}
async function {{ op.name.camel }}(ctx) {
{% endif %}
  const { user, params } = ctx;
{% if t %}
  {{ [op.resource.spec|js, "ctx"]|ts_call("const items = await openCollection<" ~ t.item ~ ">", ";", 2) }}
{% else %}
  const items = await openCollection({{ op.resource.spec|js }}, ctx);
{% endif %}
  const removed = await items.remove(ownerOf(user), params.id);
  if (!removed) return { status: 404, body: { error: 'not_found' } };
  return undefined;
}
{% else %}

// Replace this with the operation's work; see above for what the dispatcher passes in.
{% if t %}
// Its argument: `ctx: {{ t.context }}` (from types.ts, like the result's type).
{% endif %}
{% if t %}
{{ []|ts_call("async function " ~ op.name.camel, ": Promise<" ~ t.result ~ "> {", 0) }}
{% else %}
async function {{ op.name.camel }}() {
{% endif %}
  return {
    status: 501,
    body: {
      error: 'not_implemented',
      {{ op.name.camel|js_prop("operation", 6) }},
      {{ ("Implement " ~ op.method ~ " " ~ op.full_path ~ " in " ~ file)|js_prop("message", 6) }},
    },
  };
}
{% endif %}

{% if target.module == "cjs" %}
module.exports = {{ op.name.camel }};
{% else %}
export default {{ op.name.camel }};
{% endif %}
