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
    async list(owner, { limit, cursor }) {
      // Keyset paging: ids after the cursor, in id (creation) order; one row more tells whether a
      // next page exists. Items created meanwhile sort after every existing id.
      const { rows } = await query(
        `SELECT item FROM ${table} WHERE owner = $1 AND ($2::text IS NULL OR id > $2) ORDER BY id LIMIT $3`,
        [owner, cursor ?? null, limit + 1],
      );
      const items = rows.slice(0, limit).map((row) => row.item);
      return { items, next: rows.length > limit ? items[items.length - 1].id : null };
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
