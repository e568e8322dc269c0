// ---- postgres: one table per collection (db/migrations/), rows (owner, id, item, timestamps) ----

// One pool per process and connection string, made on first use. Small: a serverless instance
// serves one request at a time; the connection timeout bounds how long a request waits for a
// server that is down.
const pgPools = new Map();

async function pgPool(ctx) {
  const url = ctx.env && ctx.env.DATABASE_URL;
  if (!url) throw new StorageUnavailable('DATABASE_URL is not set: see README.md (Storage)');
  if (!pgPools.has(url)) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({
      connectionString: url,
      max: 3,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 10000,
    });
    // An idle connection the server closes must not crash the process: the next query reconnects.
    pool.on('error', () => {});
    pgPools.set(url, pool);
  }
  return pgPools.get(url);
}

// Errors that mean the database cannot be reached or used, not that the query is wrong: a refused
// or lost connection, a timeout, a failed login, a missing database or table (migrations not run),
// a server shutting down or out of resources.
// (SQLSTATE classes 08, 28, 3D, 53, 57 and 42P01; Node's network errors, E...; pg's own timeouts.)
const PG_UNAVAILABLE = /^(?:08|28|3D|53|57)|^42P01$|^E[A-Z_]+$/;

function pgUnavailable(err) {
  if (PG_UNAVAILABLE.test(String((err && err.code) || ''))) return true;
  return /timeout exceeded|Connection terminated/i.test(String(err && err.message));
}

// A sort's SQL type by field type: strings compare byte by byte (`COLLATE "C"`: JavaScript's
// order for ASCII), numbers as numbers, false before true.
const PG_SORT_TYPES = { string: 'text COLLATE "C"', integer: 'numeric', number: 'numeric', boolean: 'boolean' };
const PG_JSON_TYPES = { string: 'string', integer: 'number', number: 'number', boolean: 'boolean' };

/** The SQL of an item's value of the field named by parameter `field`, as `type`; NULL without one. */
function pgSortValue(type, field) {
  const text = `item ->> ${field}::text`;
  const value = type === 'string' ? text : `(${text})::${PG_SORT_TYPES[type]}`;
  const sql = `(CASE WHEN jsonb_typeof(item -> ${field}::text) = '${PG_JSON_TYPES[type]}' THEN ${value} END)`;
  return type === 'string' ? `${sql} COLLATE "C"` : sql;
}

function postgresCollection(name, ctx) {
  const table = `"${name}"`;
  const query = async (text, values) => {
    const pool = await pgPool(ctx);
    try {
      return await pool.query(text, values);
    } catch (err) {
      if (pgUnavailable(err)) throw new StorageUnavailable(`postgres: ${name}: ${err.message}`, err);
      throw err;
    }
  };
  return {
    async list(owner, { limit, cursor, sort = null, filters = [] }) {
      // Keyset paging in the database: filters as jsonb equality; the sort as the item's value of
      // that type (NULL without one, after every value), then the id; one row more tells whether a
      // next page exists. Without a sort: ids after the cursor, in id (creation) order; items
      // created meanwhile sort after every existing id.
      const values = [owner];
      const param = (value) => {
        values.push(value);
        return `$${values.length}`;
      };
      const where = ['owner = $1'];
      for (const [field, value] of filters) {
        where.push(`item -> ${param(field)}::text = ${param(JSON.stringify(value))}::jsonb`);
      }
      let order = 'id';
      if (sort === null) {
        if (cursor) where.push(`id > ${param(cursor)}`);
      } else {
        const by = pgSortValue(sort.type, param(sort.field));
        const [after, direction] = sort.desc ? ['<', 'DESC'] : ['>', 'ASC'];
        const id = 'id COLLATE "C"';
        if (cursor && cursor.value === null) {
          where.push(`(${by} IS NULL AND ${id} ${after} ${param(cursor.id)})`);
        } else if (cursor) {
          const value = `${param(cursor.value)}::${PG_SORT_TYPES[sort.type]}`;
          const tie = `(${by} = ${value} AND ${id} ${after} ${param(cursor.id)})`;
          where.push(`(${by} ${after} ${value} OR ${tie} OR ${by} IS NULL)`);
        }
        order = `${by} IS NULL, ${by} ${direction}, ${id} ${direction}`;
      }
      const { rows } = await query(
        `SELECT item FROM ${table} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${param(limit + 1)}`,
        values,
      );
      const items = rows.slice(0, limit).map((row) => row.item);
      const last = items[items.length - 1];
      if (rows.length <= limit) return { items, next: null };
      return { items, next: sort === null ? last.id : { value: sortValueOf(last, sort), id: last.id } };
    },
    async get(owner, id) {
      const { rows } = await query(`SELECT item FROM ${table} WHERE owner = $1 AND id = $2`, [owner, id]);
      return rows.length === 0 ? null : rows[0].item;
    },
    async put(owner, id, item, { mustExist = false, mustBeNew = false } = {}) {
      if (mustExist) {
        // An update: only of an item that still exists (one statement: a delete is never undone).
        const { rowCount } = await query(
          `UPDATE ${table} SET item = $3, updated_at = $4 WHERE owner = $1 AND id = $2`,
          [owner, id, JSON.stringify(item), item.updatedAt],
        );
        return rowCount > 0;
      }
      // A create writes only where no item is (false otherwise); else an upsert. One statement.
      const onConflict = mustBeNew
        ? 'DO NOTHING'
        : 'DO UPDATE SET item = EXCLUDED.item, updated_at = EXCLUDED.updated_at';
      const { rowCount } = await query(
        `INSERT INTO ${table} (owner, id, item, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (owner, id) ${onConflict}`,
        [owner, id, JSON.stringify(item), item.createdAt, item.updatedAt],
      );
      return rowCount > 0;
    },
    async remove(owner, id) {
      const { rowCount } = await query(`DELETE FROM ${table} WHERE owner = $1 AND id = $2`, [owner, id]);
      return rowCount > 0;
    },
  };
}
