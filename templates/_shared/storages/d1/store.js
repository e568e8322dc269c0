// ---- d1: the Worker's `DB` D1 database (wrangler.toml), one table per collection (migrations/) ----

// Errors that mean the database cannot be reached or used, not that the query is wrong: a missing
// table (migrations not applied), a lost connection, an overloaded or unavailable database.
const D1_UNAVAILABLE = /no such table|network connection lost|overloaded|unavailable|timed? ?out|reset/i;

function d1Collection(name, ctx) {
  const db = ctx.env && ctx.env.DB;
  if (!db) throw new StorageUnavailable('the D1 binding `DB` is missing: add it to wrangler.toml');
  const table = `"${name}"`;
  const run = async (statement, how) => {
    try {
      return await statement[how]();
    } catch (err) {
      if (D1_UNAVAILABLE.test(String(err && err.message))) {
        throw new StorageUnavailable(`d1: ${name}: ${err.message}`, err);
      }
      throw err;
    }
  };
  return {
    async list(owner, { limit, cursor }) {
      // Keyset paging: ids after the cursor, in id (creation) order; one row more tells whether a
      // next page exists. Items created meanwhile sort after every existing id.
      const statement = db
        .prepare(`SELECT item FROM ${table} WHERE owner = ?1 AND (?2 IS NULL OR id > ?2) ORDER BY id LIMIT ?3`)
        .bind(owner, cursor ?? null, limit + 1);
      const { results } = await run(statement, 'all');
      const items = results.slice(0, limit).map((row) => JSON.parse(row.item));
      return { items, next: results.length > limit ? items[items.length - 1].id : null };
    },
    async get(owner, id) {
      const statement = db.prepare(`SELECT item FROM ${table} WHERE owner = ?1 AND id = ?2`).bind(owner, id);
      const row = await run(statement, 'first');
      return row === null ? null : JSON.parse(row.item);
    },
    async put(owner, id, item, { mustExist = false, mustBeNew = false } = {}) {
      if (mustExist) {
        // An update: only of an item that still exists (one statement: a delete is never undone).
        const statement = db
          .prepare(`UPDATE ${table} SET item = ?3, updated_at = ?4 WHERE owner = ?1 AND id = ?2`)
          .bind(owner, id, JSON.stringify(item), item.updatedAt);
        const { meta } = await run(statement, 'run');
        return meta.changes > 0;
      }
      // A create writes only where no item is (false otherwise); else an upsert. One statement.
      const onConflict = mustBeNew
        ? 'DO NOTHING'
        : 'DO UPDATE SET item = excluded.item, updated_at = excluded.updated_at';
      const statement = db
        .prepare(
          `INSERT INTO ${table} (owner, id, item, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
           ON CONFLICT (owner, id) ${onConflict}`,
        )
        .bind(owner, id, JSON.stringify(item), item.createdAt, item.updatedAt);
      const { meta } = await run(statement, 'run');
      return meta.changes > 0;
    },
    async remove(owner, id) {
      const statement = db.prepare(`DELETE FROM ${table} WHERE owner = ?1 AND id = ?2`).bind(owner, id);
      const { meta } = await run(statement, 'run');
      return meta.changes > 0;
    },
  };
}
