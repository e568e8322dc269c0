-- The tables of the CRUD resources kept in D1. Created by scaffold from {{ api.spec_file }}; yours
-- to edit. wrangler applies each file of migrations/ once, in name order (`npm run migrate:local`
-- locally, `npm run migrate` on Cloudflare): add a new file for a change.
--
-- One table per resource: each item belongs to its owner (the signed-in user's id), so the
-- primary key is (owner, id); ids are UUIDv7 (time-ordered), so `ORDER BY id` is creation order
-- and lists page by id (keyset). `item` holds the item as the API returns it, as JSON text.
{% for r in api.resources if r.storage == "d1" %}

CREATE TABLE IF NOT EXISTS "{{ r.name.spec }}" (
  owner TEXT NOT NULL,
  id TEXT NOT NULL,
  item TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (owner, id)
) WITHOUT ROWID;
{% endfor %}
