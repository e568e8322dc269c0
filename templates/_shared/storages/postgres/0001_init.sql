-- The tables of the CRUD resources kept in PostgreSQL. Created by scaffold from {{ api.spec_file }};
-- yours to edit. `npm run migrate` applies every file of db/migrations/ in name order, each in one
-- transaction, every time: keep each statement idempotent (IF NOT EXISTS), and add a new file for
-- a change.
--
-- One table per resource: each item belongs to its owner (the signed-in user's id), so the
-- primary key is (owner, id); ids are UUIDv7 (time-ordered), so `ORDER BY id` is creation order
-- and lists page by id (keyset). `item` holds the item as the API returns it.
{% for r in api.resources if r.storage == "postgres" %}

CREATE TABLE IF NOT EXISTS "{{ r.name.spec }}" (
  owner text NOT NULL,
  id text NOT NULL,
  item jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (owner, id)
);
{% endfor %}
