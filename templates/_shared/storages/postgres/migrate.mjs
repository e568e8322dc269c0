// Applies db/migrations/*.sql, in name order, to the PostgreSQL database at DATABASE_URL:
// `npm run migrate`. Created by scaffold from {{ api.spec_file }}; yours to edit. Each file runs in
// one transaction, every time: its statements are idempotent (CREATE TABLE IF NOT EXISTS), so
// running it again changes nothing. DATABASE_URL is read from the environment only.
import fs from 'node:fs';
import pg from 'pg';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set: export it (see README.md), then run `npm run migrate` again');
  process.exit(1);
}
const dir = new URL('../db/migrations/', import.meta.url);
const files = fs
  .readdirSync(dir)
  .filter((name) => name.endsWith('.sql'))
  .sort();
const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10000 });
try {
  await client.connect();
  for (const name of files) {
    await client.query('BEGIN');
    await client.query(fs.readFileSync(new URL(name, dir), 'utf8'));
    await client.query('COMMIT');
    console.log(`applied ${name}`);
  }
} catch (err) {
  await client.query('ROLLBACK').catch(() => {});
  console.error(`migration failed: ${err.message}`);
  process.exitCode = 1;
} finally {
  await client.end().catch(() => {});
}
