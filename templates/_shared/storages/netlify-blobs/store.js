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
    async list(owner, { limit, cursor, sort = null, filters = [] }) {
      const prefix = `${ownerKey(owner)}/`;
      const { blobs: found } = await store.list({ prefix });
      const ids = found.map((b) => b.key.slice(prefix.length)).sort();
      if (sort !== null || filters.length > 0) {
        // Sorted or filtered: every item of the owner, picked in this function.
        const all = await Promise.all(ids.map((id) => store.get(key(owner, id), { type: 'json' })));
        return selectPage(
          all.filter((item) => item !== null),
          { limit, cursor, sort, filters },
        );
      }
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
