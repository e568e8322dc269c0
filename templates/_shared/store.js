// Where the CRUD handlers keep their items. Created by scaffold from {{ api.spec_file }}. This file is
// yours: scaffold never overwrites it. To use your own database, keep `openCollection` and the
// four methods of what it returns; the handlers need nothing else.
//
//   openCollection(name, ctx)             one collection per resource; `ctx` is the handler's context
//     .list(owner, { limit, cursor, sort, filters })
//                                       -> { items, next }: at most `limit` items after `cursor`;
//                                          `next` is the cursor of the next page or null. Without
//                                          `sort` (null) oldest first, and a cursor is an id; with
//                                          `sort` = `{ field, type, desc }` (`type`: string,
//                                          integer, number or boolean) by that field's value,
//                                          ascending or not (`desc`), items without one (absent,
//                                          null) last either way, ties by id in the same direction,
//                                          and a cursor is `{ value, id }` of the last item (value
//                                          null for one without). `filters`: `[field, value]` pairs
//                                          an item must all equal (`===`), or [].
//     .get(owner, id)                   -> the item, or null
//     .put(owner, id, item, options)    -> stores (creates or replaces) the item; with
//                                          `{ mustExist: true }` (an update) a store that can
//                                          check atomically only replaces an existing item and
//                                          returns false when there is none; with
//                                          `{ mustBeNew: true }` (a create) only writes where no
//                                          item is, else returns false
//     .remove(owner, id)                -> true if there was an item
//
// Every item lives under its owner (the signed-in user's id): one user never sees another's.
{% if store.needs_scan %}
// A sorted or filtered list on {% for s in store.used if s.scans %}{{ s.name }}{% if not loop.last %}, {% endif %}{% endfor %} reads every item of the owner in the collection
// and picks the page in this function (`selectPage`): right, but its cost grows with the owner's
// items. For large collections keep them in a database that sorts and filters (postgres, d1), or
// add an index of your own.
{% endif %}
// When the database cannot be reached or used (down, refused, misconfigured), a collection throws
// `StorageUnavailable`: the dispatcher answers 503 `{"error":"storage_unavailable","requestId"}`
// and logs the error and its `cause`; nothing about the database reaches the client. Any other
// error is a 500 `internal_error`. A write that fails leaves nothing behind (one statement each).
// Storage per resource:{% for r in api.resources %} {{ r.name.spec }}: {{ r.storage }}{% if not loop.last %},{% endif %}{% endfor %}.
{% for s in store.used if s.note %}
//
{% for line in s.note %}
// {{ line }}
{% endfor %}
{% endfor %}
{% if target.module == "cjs" %}
'use strict';
{% endif %}

const STORAGE = {
{% for r in api.resources %}
{% if r.storage != "none" %}
  {{ r.storage|js_prop(r.name.spec, 2) }},
{% endif %}
{% endfor %}
};

/**
 * What a collection throws when its database cannot be reached or used; `cause` (the driver's
 * error) goes to the log only. The dispatcher knows it by its name.
 */
class StorageUnavailable extends Error {
  constructor(message, cause) {
    super(message, { cause });
    this.name = 'StorageUnavailable';
  }
}

/** Item ids: UUID version 7 (time-ordered), so that ids sort in creation order. */
function newId() {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  let ms = Date.now();
  for (let i = 5; i >= 0; i -= 1) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
{% if store.needs_keys %}

/** One page of `ids` (sorted) after `cursor`. */
function page(ids, limit, cursor) {
  const after = cursor ? ids.filter((id) => id > cursor) : ids;
  const chosen = after.slice(0, limit);
  return { ids: chosen, next: after.length > limit ? chosen[chosen.length - 1] : null };
}

const ownerKey = (owner) => encodeURIComponent(owner);
{% endif %}
{% if store.needs_scan %}

/** Below 0 when `a` (`{ value, id }`) comes first: values in order, null after every value, then ids. */
function compareKeys(a, b, desc) {
  const by = (x, y) => (x < y ? -1 : x > y ? 1 : 0);
  if ((a.value === null) !== (b.value === null)) return a.value === null ? 1 : -1;
  const order = (a.value === null ? 0 : by(a.value, b.value)) || by(a.id, b.id);
  return desc ? -order : order;
}

/**
 * One page of `items` (all of one owner's items in a collection) for `list`'s options: the items
 * every filter holds for, sorted (by id without a sort), after the cursor. O(items) per call.
 */
function selectPage(items, { limit, cursor, sort, filters }) {
  const keyOf = (item) => ({ item, value: sort ? sortValueOf(item, sort) : null, id: item.id });
  const after = cursor ? (sort ? cursor : { value: null, id: cursor }) : null;
  const desc = sort ? sort.desc : false;
  const keys = items
    .filter((item) => filters.every(([field, value]) => item[field] === value))
    .map(keyOf)
    .sort((a, b) => compareKeys(a, b, desc))
    .filter((k) => after === null || compareKeys(k, after, desc) > 0);
  const chosen = keys.slice(0, limit);
  const last = chosen[chosen.length - 1];
  const next = keys.length > limit ? (sort ? { value: last.value, id: last.id } : last.id) : null;
  return { items: chosen.map((k) => k.item), next };
}
{% endif %}

/** An item's value of the sort field, or null when it has none (absent, null, or of another type). */
function sortValueOf(item, { field, type }) {
  const value = item[field];
  if (type === 'string') return typeof value === 'string' ? value : null;
  if (type === 'boolean') return typeof value === 'boolean' ? value : null;
  return Number.isFinite(value) ? value : null;
}

// ---- List queries: what a list handler reads from `?limit=&cursor=&sort=&<field>=` ----

// Without `sort`, a cursor is the id of the last item of the previous page; with one, it is `~` and
// base64url of the sort, the filters, the last item's sort value and its id (opaque to clients).
const CURSOR = /^[A-Za-z0-9._~-]{1,128}$/;
const SORTED_CURSOR = /^~[A-Za-z0-9_-]{1,16384}$/;
const INTEGER = /^-?[0-9]{1,16}$/;
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const SORT_VALUE = {
  string: (value) => typeof value === 'string',
  integer: Number.isSafeInteger,
  number: Number.isFinite,
  boolean: (value) => typeof value === 'boolean',
};
// A filter's text expressions (a field's format and pattern), each compiled on its first use.
const CHECKS = new Map();

function checkOf(source) {
  let check = CHECKS.get(source);
  if (check === undefined) {
    check = new RegExp(source, 'u');
    CHECKS.set(source, check);
  }
  return check;
}

/** A filter's value, read from its text by the field's type; `{ problem }` when it is not one. */
function filterValue(rule, text) {
  switch (rule.type) {
    case 'integer':
      return INTEGER.test(text) && Number.isSafeInteger(Number(text))
        ? { value: Number(text) }
        : { problem: 'expected an integer' };
    case 'number':
      return NUMBER.test(text) && Number.isFinite(Number(text))
        ? { value: Number(text) }
        : { problem: 'expected a number' };
    case 'boolean':
      return text === 'true' || text === 'false' ? { value: text === 'true' } : { problem: 'expected true or false' };
    default:
      if (rule.enum !== undefined && !rule.enum.includes(text)) {
        return { problem: `expected one of: ${rule.enum.join(', ')}` };
      }
      for (const [source, problem] of rule.checks ?? []) {
        if (!checkOf(source).test(text)) return { problem };
      }
      return { value: text };
  }
}

/** The cursor of a sorted page's last item (`next`: its sort value and id). */
function cursorText(key, next) {
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
function cursorOf(text, sort, key) {
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

/**
 * A list request's query read against what the list takes (`sorts`: field -> type; `filters`:
 * field -> rule; `defaultLimit`, `maxLimit`): `{ page, key }` (`page`: `list`'s options; `key`:
 * what a sorted cursor is bound to), or `{ error }`, the 400 reply for a parameter the list does
 * not take or a bad limit, sort, filter or cursor.
 */
function listQuery(query, { sorts, filters, defaultLimit, maxLimit }) {
  const fail = (body) => ({ error: { status: 400, body } });
  const accepted = ['limit', 'cursor', 'sort', ...Object.keys(filters)];
  const unknown = Object.keys(query).find((name) => !accepted.includes(name));
  if (unknown !== undefined) {
    const message = `unknown query parameter ${unknown}; accepted: ${accepted.join(', ')}`;
    return fail({ error: 'invalid_query', parameter: unknown, accepted, message });
  }
  const limit = query.limit === undefined ? defaultLimit : Number(query.limit);
  if (!/^[0-9]{1,3}$/.test(query.limit ?? String(defaultLimit)) || limit < 1 || limit > maxLimit) {
    return fail({ error: 'invalid_limit', message: `limit must be 1 to ${maxLimit}` });
  }
  let sort = null;
  if (query.sort !== undefined) {
    const desc = query.sort.startsWith('-');
    const field = desc ? query.sort.slice(1) : query.sort;
    if (!Object.hasOwn(sorts, field)) {
      const message = `sort must be a field, or - and a field (descending), of: ${Object.keys(sorts).join(', ')}`;
      return fail({ error: 'invalid_sort', sortable: Object.keys(sorts), message });
    }
    sort = { field, type: sorts[field], desc };
  }
  const chosen = [];
  for (const [field, rule] of Object.entries(filters)) {
    const text = query[field];
    if (text === undefined) continue;
    const parsed = filterValue(rule, text);
    if ('problem' in parsed) return fail({ error: 'invalid_filter', field, message: `${field}: ${parsed.problem}` });
    chosen.push([field, parsed.value]);
  }
  // A sorted cursor holds its sort and filters: one made for other ones is refused.
  const key = [query.sort, chosen];
  const cursor = query.cursor === undefined ? undefined : cursorOf(query.cursor, sort, key);
  if (cursor === null) return fail({ error: 'invalid_cursor' });
  return { page: { limit, cursor, sort, filters: chosen }, key };
}

/** A list reply's `next`: the store's (null, or an id) as it is; a sorted page's as an opaque cursor. */
function nextCursor(next, key) {
  return next === null || typeof next === 'string' ? next : cursorText(key, next);
}

/** Whose items a call reaches: the signed-in user's, or the shared `public` owner's without one. */
function ownerOf(user) {
  return user ? user.id : 'public';
}

/** The writable `fields` of a validated body (null and absent fields are left out). */
function pick(body, fields) {
  const out = {};
  for (const field of fields) {
    if (body[field] !== undefined && body[field] !== null) out[field] = body[field];
  }
  return out;
}
{% for s in store.used %}

{% include s.template %}
{% endfor %}

/** The collection of resource `name`{% if store.needs_context %}, for a handler's context `ctx`{% else %} (handlers pass their context too: {% for s in store.used %}{{ s.name }}{% if not loop.last %} and {% endif %}{% endfor %} {% if store.used|length > 1 %}need{% else %}needs{% endif %} none){% endif %}. */
async function openCollection(name{% if store.needs_context %}, ctx{% endif %}) {
  switch (STORAGE[name]) {
{% for s in store.used %}
    case {{ s.name|js }}:
      return {{ s.factory }}(name{% if s.context %}, ctx{% endif %});
{% endfor %}
    default:
      throw new Error(`no storage for collection ${name}`);
  }
}

{% if target.module == "cjs" %}
module.exports = { openCollection, newId, ownerOf, pick, listQuery, nextCursor, StorageUnavailable };
{% else %}
export { openCollection, newId, ownerOf, pick, listQuery, nextCursor, StorageUnavailable };
{% endif %}
