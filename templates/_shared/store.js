// Where the CRUD handlers keep their items. Created by scaffold from {{ api.spec_file }}. This file is
// yours: scaffold never overwrites it. To use your own database, keep `openCollection` and the
// four methods of what it returns; the handlers need nothing else.
//
//   openCollection(name, ctx)             one collection per resource; `ctx` is the handler's context
//     .list(owner, { limit, cursor })   -> { items, next }: at most `limit` items after `cursor`,
//                                          oldest first; `next` is the cursor of the next page or null
//     .get(owner, id)                   -> the item, or null
//     .put(owner, id, item)             -> stores (creates or replaces) the item
//     .remove(owner, id)                -> true if there was an item
//
// Every item lives under its owner (the signed-in user's id): one user never sees another's.
// Storage per resource:{% for r in api.resources %} {{ r.name.spec }}: {{ r.storage }}{% if not loop.last %},{% endif %}{% endfor %}.
{% if "memory" in api.storages %}
//
// `memory` keeps items in this process only: they are lost on every cold start and not shared
// between instances. Use it for tests and demos, never for data you want to keep.
{% endif %}
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

/** One page of `ids` (sorted) after `cursor`. */
function page(ids, limit, cursor) {
  const after = cursor ? ids.filter((id) => id > cursor) : ids;
  const chosen = after.slice(0, limit);
  return { ids: chosen, next: after.length > limit ? chosen[chosen.length - 1] : null };
}

const ownerKey = (owner) => encodeURIComponent(owner);

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
{% if "memory" in api.storages %}

// ---- memory: a Map per collection, in this process only ----

const memory = new Map();

function memoryCollection(name) {
  if (!memory.has(name)) memory.set(name, new Map());
  const items = memory.get(name);
  const key = (owner, id) => `${ownerKey(owner)}/${id}`;
  return {
    async list(owner, { limit, cursor }) {
      const prefix = `${ownerKey(owner)}/`;
      const ids = [...items.keys()]
        .filter((k) => k.startsWith(prefix))
        .map((k) => k.slice(prefix.length))
        .sort();
      const { ids: chosen, next } = page(ids, limit, cursor);
      return { items: chosen.map((id) => structuredClone(items.get(key(owner, id)))), next };
    },
    async get(owner, id) {
      const item = items.get(key(owner, id));
      return item === undefined ? null : structuredClone(item);
    },
    async put(owner, id, item) {
      items.set(key(owner, id), structuredClone(item));
    },
    async remove(owner, id) {
      return items.delete(key(owner, id));
    },
  };
}
{% endif %}
{% if "netlify-blobs" in api.storages %}

// ---- netlify-blobs: one Netlify Blobs store per collection, keys `<owner>/<id>` ----

async function blobsCollection(name, ctx) {
  const blobs = await import('@netlify/blobs');
  // Functions in the v1 format get the Blobs context with their event.
  if (ctx.event && ctx.event.blobs) blobs.connectLambda(ctx.event);
  // Reads are eventually consistent (a write can take up to 60 s to show everywhere); where one
  // must see the latest write, pass `consistency: 'strong'` (deployed sites only: netlify dev's
  // sandbox does not offer it).
  const store = blobs.getStore(name);
  const key = (owner, id) => `${ownerKey(owner)}/${id}`;
  return {
    async list(owner, { limit, cursor }) {
      const prefix = `${ownerKey(owner)}/`;
      const { blobs: found } = await store.list({ prefix });
      const ids = found.map((b) => b.key.slice(prefix.length)).sort();
      const { ids: chosen, next } = page(ids, limit, cursor);
      const items = await Promise.all(chosen.map((id) => store.get(key(owner, id), { type: 'json' })));
      return { items: items.filter((item) => item !== null), next };
    },
    async get(owner, id) {
      return store.get(key(owner, id), { type: 'json' });
    },
    async put(owner, id, item) {
      await store.setJSON(key(owner, id), item);
    },
    async remove(owner, id) {
      const existing = await store.getMetadata(key(owner, id));
      if (!existing) return false;
      await store.delete(key(owner, id));
      return true;
    },
  };
}
{% endif %}
{% if "cloudflare-kv" in api.storages %}

// ---- cloudflare-kv: the Worker's `STORE` KV namespace (wrangler.toml), keys `<collection>/<owner>/<id>` ----

function kvCollection(name, ctx) {
  const kv = ctx.env && ctx.env.STORE;
  if (!kv) throw new Error('the KV namespace binding `STORE` is missing: add it to wrangler.toml');
  const key = (owner, id) => `${name}/${ownerKey(owner)}/${id}`;
  return {
    async list(owner, { limit, cursor }) {
      const prefix = `${name}/${ownerKey(owner)}/`;
      const ids = [];
      let kvCursor;
      // KV lists keys in order; page through them (1000 per call) to apply our cursor.
      do {
        const result = await kv.list({ prefix, cursor: kvCursor });
        for (const k of result.keys) ids.push(k.name.slice(prefix.length));
        kvCursor = result.list_complete ? undefined : result.cursor;
      } while (kvCursor);
      const { ids: chosen, next } = page(ids.sort(), limit, cursor);
      const items = await Promise.all(chosen.map((id) => kv.get(key(owner, id), 'json')));
      return { items: items.filter((item) => item !== null), next };
    },
    async get(owner, id) {
      return kv.get(key(owner, id), 'json');
    },
    async put(owner, id, item) {
      await kv.put(key(owner, id), JSON.stringify(item));
    },
    async remove(owner, id) {
      const existing = await kv.get(key(owner, id));
      if (existing === null) return false;
      await kv.delete(key(owner, id));
      return true;
    },
  };
}
{% endif %}

/** The collection of resource `name`{% if store.needs_context %}, for a handler's context `ctx`{% else %} (handlers pass their context too: memory needs none){% endif %}. */
async function openCollection(name{% if store.needs_context %}, ctx{% endif %}) {
  switch (STORAGE[name]) {
{% if "memory" in api.storages %}
    case 'memory':
      return memoryCollection(name);
{% endif %}
{% if "netlify-blobs" in api.storages %}
    case 'netlify-blobs':
      return blobsCollection(name, ctx);
{% endif %}
{% if "cloudflare-kv" in api.storages %}
    case 'cloudflare-kv':
      return kvCollection(name, ctx);
{% endif %}
    default:
      throw new Error(`no storage for collection ${name}`);
  }
}

{% if target.module == "cjs" %}
module.exports = { openCollection, newId, ownerOf, pick };
{% else %}
export { openCollection, newId, ownerOf, pick };
{% endif %}
