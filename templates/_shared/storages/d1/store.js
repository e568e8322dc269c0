// ---- d1: the Worker's `DB` D1 database (wrangler.toml), one table per collection (migrations/) ----

// Errors that mean the database cannot be reached or used, not that the query is wrong: a missing
// table (migrations not applied), a lost connection, an overloaded or unavailable database.
const D1_UNAVAILABLE = /no such table|network connection lost|overloaded|unavailable|timed? ?out|reset/i;

// The JSON types (SQLite's `json_type`) of a filter's value, by its JavaScript type.
const D1_JSON_TYPES = { string: "'text'", number: "'integer', 'real'" };

/** The SQL of an item's value at the JSON path of parameter `path`, as `type`; NULL without one.
 * Strings compare byte by byte (JavaScript's order for ASCII), numbers as numbers, false (0)
 * before true (1). */
function d1SortValue(type, path) {
  const kind = `json_type(item, ${path})`;
  if (type === 'boolean') return `(CASE ${kind} WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)`;
  const types = type === 'string' ? "'text'" : "'integer', 'real'";
  return `(CASE WHEN ${kind} IN (${types}) THEN json_extract(item, ${path}) END)`;
}

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
    async list(owner, { limit, cursor, sort = null, filters = [] }) {
      // Keyset paging in the database: filters compare the item's JSON value and its type; the sort
      // is the item's value of that type (NULL without one, after every value), then the id; one
      // row more tells whether a next page exists. Without a sort: ids after the cursor, in id
      // (creation) order; items created meanwhile sort after every existing id.
      const values = [owner];
      const param = (value) => {
        values.push(typeof value === 'boolean' ? Number(value) : value);
        return `?${values.length}`;
      };
      const where = ['owner = ?1'];
      for (const [field, value] of filters) {
        const path = param(`$.${field}`);
        const type = `json_type(item, ${path})`;
        if (typeof value === 'boolean') {
          where.push(`${type} = ${param(String(value))}`);
        } else {
          const types = D1_JSON_TYPES[typeof value];
          where.push(`${type} IN (${types}) AND json_extract(item, ${path}) = ${param(value)}`);
        }
      }
      let order = 'id';
      if (sort === null) {
        if (cursor) where.push(`id > ${param(cursor)}`);
      } else {
        const by = d1SortValue(sort.type, param(`$.${sort.field}`));
        const [after, direction] = sort.desc ? ['<', 'DESC'] : ['>', 'ASC'];
        if (cursor && cursor.value === null) {
          where.push(`(${by} IS NULL AND id ${after} ${param(cursor.id)})`);
        } else if (cursor) {
          const value = param(cursor.value);
          const tie = `(${by} = ${value} AND id ${after} ${param(cursor.id)})`;
          where.push(`(${by} ${after} ${value} OR ${tie} OR ${by} IS NULL)`);
        }
        order = `${by} IS NULL, ${by} ${direction}, id ${direction}`;
      }
      const statement = db
        .prepare(`SELECT item FROM ${table} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${param(limit + 1)}`)
        .bind(...values);
      const { results } = await run(statement, 'all');
      const items = results.slice(0, limit).map((row) => JSON.parse(row.item));
      const last = items[items.length - 1];
      if (results.length <= limit) return { items, next: null };
      return { items, next: sort === null ? last.id : { value: sortValueOf(last, sort), id: last.id } };
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
