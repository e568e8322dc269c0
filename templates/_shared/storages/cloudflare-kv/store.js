// ---- cloudflare-kv: the Worker's `STORE` KV namespace (wrangler.toml), keys `<collection>/<owner>/<id>` ----

function kvCollection(name, ctx) {
  const kv = ctx.env && ctx.env.STORE;
  if (!kv) throw new StorageUnavailable('the KV namespace binding `STORE` is missing: add it to wrangler.toml');
  const key = (owner, id) => `${name}/${ownerKey(owner)}/${id}`;
  return {
    async list(owner, { limit, cursor, sort = null, filters = [] }) {
      const prefix = `${name}/${ownerKey(owner)}/`;
      const ids = [];
      let kvCursor;
      // KV lists keys in order; page through them (1000 per call) to apply our cursor.
      do {
        const result = await kv.list({ prefix, cursor: kvCursor });
        for (const k of result.keys) ids.push(k.name.slice(prefix.length));
        kvCursor = result.list_complete ? undefined : result.cursor;
      } while (kvCursor);
      if (sort !== null || filters.length > 0) {
        // Sorted or filtered: every item of the owner (one read each), picked in this function.
        const all = await Promise.all(ids.map((id) => kv.get(key(owner, id), 'json')));
        return selectPage(
          all.filter((item) => item !== null),
          { limit, cursor, sort, filters },
        );
      }
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
