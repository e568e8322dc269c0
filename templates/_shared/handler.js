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
// Without `sort`, a cursor is the id of the last item of the previous page; with one, it is `~` and
// base64url of the sort, the filters, the last item's sort value and its id (opaque to clients).
const CURSOR = /^[A-Za-z0-9._~-]{1,128}$/;
const SORTED_CURSOR = /^~[A-Za-z0-9_-]{1,16384}$/;
// What `sort` may name (`field` ascending, `-field` descending), with each field's type. Items
// without a value come last either way; ties are in id order (the same direction).
{{ op.query.sort_types|js_assign("const SORTS" ~ (": Record<string, string>" if t else "")) }};
// The fields `?<field>=<value>` filters by (equality; several must all hold), with what a value must
// be: its type, and for text its allowed values and the expressions it must match.
{% if t %}
type FilterRule = { type: string; enum?: string[]; checks?: [string, string][] };
{% endif %}
{{ op.query.filter_rules|js_assign("const FILTERS" ~ (": Record<string, FilterRule>" if t else "")) }};
const QUERY = ['limit', 'cursor', 'sort', ...Object.keys(FILTERS)];
const SORT_VALUE{% if t %}: Record<string, (value: unknown) => boolean>{% endif %} = {
  string: (value{% if t %}: unknown{% endif %}) => typeof value === 'string',
  integer: Number.isSafeInteger,
  number: Number.isFinite,
  boolean: (value{% if t %}: unknown{% endif %}) => typeof value === 'boolean',
};

/** A filter's value, read from its text by the field's type; `{ problem }` when it is not one. */
function filterValue(rule{% if t %}: FilterRule{% endif %}, text{% if t %}: string{% endif %}){% if t %}: { value: string | number | boolean } | { problem: string }{% endif %} {
  switch (rule.type) {
    case 'integer':
      return /^-?[0-9]{1,16}$/.test(text) && Number.isSafeInteger(Number(text))
        ? { value: Number(text) }
        : { problem: 'expected an integer' };
    case 'number':
      return /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/.test(text) && Number.isFinite(Number(text))
        ? { value: Number(text) }
        : { problem: 'expected a number' };
    case 'boolean':
      return text === 'true' || text === 'false' ? { value: text === 'true' } : { problem: 'expected true or false' };
    default:
      if (rule.enum !== undefined && !rule.enum.includes(text)) {
        return { problem: `expected one of: ${rule.enum.join(', ')}` };
      }
      for (const [source, problem] of rule.checks ?? []) {
        if (!new RegExp(source, 'u').test(text)) return { problem };
      }
      return { value: text };
  }
}

/** The cursor of a sorted page's last item (`next`: its sort value and id). */
function cursorText(key{% if t %}: unknown[]{% endif %}, next{% if t %}: { value: unknown; id: string }{% endif %}) {
  let binary = '';
  for (const byte of new TextEncoder().encode(JSON.stringify([...key, next.value, next.id]))) {
    binary += String.fromCharCode(byte);
  }
  return `~${btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

/**
 * The cursor a request sends, read for its sort (`key`: the sort and the filters): without a sort
 * an id, else `{ value, id }` of the last item; null when it is not one `cursorText` made for `key`.
 */
function cursorOf(text{% if t %}: string{% endif %}, sort{% if t %}: { type: string } | null{% endif %}, key{% if t %}: unknown[]{% endif %}) {
  if (sort === null) return CURSOR.test(text) && !text.startsWith('~') ? text : null;
  if (!SORTED_CURSOR.test(text)) return null;
  let parts;
  try {
    const binary = atob(text.slice(1).replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    parts = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return null;
  }
  if (!Array.isArray(parts) || parts.length !== key.length + 2) return null;
  if (JSON.stringify(parts.slice(0, key.length)) !== JSON.stringify(key)) return null;
  const [value, id] = parts.slice(key.length);
  if (typeof id !== 'string' || !CURSOR.test(id)) return null;
  if (value !== null && !SORT_VALUE[sort.type](value)) return null;
  return { value, id };
}

{% if t %}
{{ ["ctx: " ~ t.context]|ts_call("async function " ~ op.name.camel, ": Promise<" ~ t.result ~ "> {", 0) }}
{% else %}
async function {{ op.name.camel }}(ctx) {
{% endif %}
  const { user, query } = ctx;
  const unknown = Object.keys(query).find((name) => !QUERY.includes(name));
  if (unknown !== undefined) {
    const message = `unknown query parameter ${unknown}; accepted: ${QUERY.join(', ')}`;
    return { status: 400, body: { error: 'invalid_query', parameter: unknown, accepted: QUERY, message } };
  }
  const limit = query.limit === undefined ? DEFAULT_LIMIT : Number(query.limit);
  if (!/^[0-9]{1,3}$/.test(query.limit ?? String(DEFAULT_LIMIT)) || limit < 1 || limit > MAX_LIMIT) {
    return { status: 400, body: { error: 'invalid_limit', message: `limit must be 1 to ${MAX_LIMIT}` } };
  }
  let sort{% if t %}: { field: string; type: string; desc: boolean } | null{% endif %} = null;
  if (query.sort !== undefined) {
    const desc = query.sort.startsWith('-');
    const field = desc ? query.sort.slice(1) : query.sort;
    if (!Object.hasOwn(SORTS, field)) {
      const message = `sort must be a field, or - and a field (descending), of: ${Object.keys(SORTS).join(', ')}`;
      return { status: 400, body: { error: 'invalid_sort', sortable: Object.keys(SORTS), message } };
    }
    sort = { field, type: SORTS[field], desc };
  }
  const filters{% if t %}: [string, string | number | boolean][]{% endif %} = [];
  for (const [field, rule] of Object.entries(FILTERS)) {
    const text = query[field];
    if (text === undefined) continue;
    const parsed = filterValue(rule, text);
    if ('problem' in parsed) {
      return { status: 400, body: { error: 'invalid_filter', field, message: `${field}: ${parsed.problem}` } };
    }
    filters.push([field, parsed.value]);
  }
  // A sorted cursor holds its sort and filters: one made for other ones is refused.
  const key = [query.sort, filters];
  const cursor = query.cursor === undefined ? undefined : cursorOf(query.cursor, sort, key);
  if (cursor === null) return { status: 400, body: { error: 'invalid_cursor' } };
{% if t %}
  {{ [op.resource.spec|js, "ctx"]|ts_call("const items = await openCollection<" ~ t.item ~ ">", ";", 2) }}
{% else %}
  const items = await openCollection({{ op.resource.spec|js }}, ctx);
{% endif %}
  const { items: found, next } = await items.list(ownerOf(user), { limit, cursor, sort, filters });
  return { body: { items: found, next: next === null || typeof next === 'string' ? next : cursorText(key, next) } };
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
