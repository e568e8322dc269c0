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
module.exports = { openCollection, newId, ownerOf, pick, StorageUnavailable };
{% else %}
export { openCollection, newId, ownerOf, pick, StorageUnavailable };
{% endif %}
