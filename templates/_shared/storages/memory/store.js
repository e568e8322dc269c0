// ---- memory: a Map per collection, in this process only ----

const memory = new Map();

function memoryCollection(name) {
  if (!memory.has(name)) memory.set(name, new Map());
  const items = memory.get(name);
  const key = (owner, id) => `${ownerKey(owner)}/${id}`;
  return {
    async list(owner, { limit, cursor, sort = null, filters = [] }) {
      const prefix = `${ownerKey(owner)}/`;
      const ids = [...items.keys()]
        .filter((k) => k.startsWith(prefix))
        .map((k) => k.slice(prefix.length))
        .sort();
      if (sort !== null || filters.length > 0) {
        const all = ids.map((id) => structuredClone(items.get(key(owner, id))));
        return selectPage(all, { limit, cursor, sort, filters });
      }
      const { ids: chosen, next } = page(ids, limit, cursor);
      return { items: chosen.map((id) => structuredClone(items.get(key(owner, id)))), next };
    },
    async get(owner, id) {
      const item = items.get(key(owner, id));
      return item === undefined ? null : structuredClone(item);
    },
    async put(owner, id, item, { mustExist = false, mustBeNew = false } = {}) {
      if ((mustExist && !items.has(key(owner, id))) || (mustBeNew && items.has(key(owner, id)))) return false;
      items.set(key(owner, id), structuredClone(item));
      return true;
    },
    async remove(owner, id) {
      return items.delete(key(owner, id));
    },
  };
}
