// Where the CRUD handlers keep their items. Created by scaffold from {{ api.spec_file }}. This file is
// yours: scaffold never overwrites it. To use your own database, keep `openCollection` and the
// four methods of what it returns; the handlers need nothing else.
//
//   openCollection(name, ctx)             one collection per resource; `ctx` is the handler's context
//     .list(owner, { limit, cursor })   -> { items, next }: at most `limit` items after `cursor`,
//                                          oldest first; `next` is the cursor of the next page or null
//     .get(owner, id)                   -> the item, or null
//     .put(owner, id, item, { create }) -> stores the item: with `create: true` only if the id is
//                                          free, with `create: false` only if the item exists;
//                                          false when that condition failed (a store that cannot
//                                          check it stores the item and returns nothing)
//     .remove(owner, id)                -> true if there was an item
//
// Every item lives under its owner (the signed-in user's id): one user never sees another's.
// A store that cannot reach its database throws a `StorageUnavailable` error (`unavailable()`
// below): the dispatcher answers 503 with the request id, and logs the cause.
// Storage per resource:{% for r in api.resources %} {{ r.name.spec }}: {{ r.storage }}{% if not loop.last %},{% endif %}{% endfor %}.
{% if "memory" in api.storages %}
//
// `memory` keeps items in this process only: they are lost on every cold start and not shared
// between instances. Use it for tests and demos, never for data you want to keep.
{% endif %}
{% if target.module == "cjs" %}
'use strict';
{% endif %}

const STORAGE = {
{% for r in api.resources %}
{% if r.storage != "none" %}
  {{ r.storage|js_prop(r.name.spec, 2) }},
{% endif %}
{% endfor %}
};

/** Item ids: UUID version 7 (time-ordered), so that ids sort in creation order. */
function newId() {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  let ms = Date.now();
  for (let i = 5; i >= 0; i -= 1) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
{% if "memory" in api.storages or "netlify-blobs" in api.storages or "cloudflare-kv" in api.storages %}

/** One page of `ids` (sorted) after `cursor`. */
function page(ids, limit, cursor) {
  const after = cursor ? ids.filter((id) => id > cursor) : ids;
  const chosen = after.slice(0, limit);
  return { ids: chosen, next: after.length > limit ? chosen[chosen.length - 1] : null };
}
{% endif %}
{% if "memory" in api.storages or "netlify-blobs" in api.storages or "cloudflare-kv" in api.storages or "azure-tables" in api.storages %}

const ownerKey = (owner) => encodeURIComponent(owner);
{% endif %}
{% if "dynamodb" in api.storages or "azure-tables" in api.storages %}

// The ids a store can hold: the ones `newId` makes, and any a cursor may name. A longer or stranger
// id in a URL reaches no item (and never reaches the database as a key).
const ID = /^[A-Za-z0-9._~-]{1,128}$/;

/** An error that means the database could not be reached or used: the dispatcher answers 503 and
 * logs this message (the cause's too), never sends it. */
function unavailable(cause, hint) {
  const why = cause ? `: ${cause.name}: ${String(cause.message).slice(0, 300)}` : '';
  const err = new Error(`storage unavailable${hint ? `: ${hint}` : ''}${why}`, { cause });
  err.name = 'StorageUnavailable';
  return err;
}
{% endif %}

/** Whose items a call reaches: the signed-in user's, or the shared `public` owner's without one. */
function ownerOf(user) {
  return user ? user.id : 'public';
}

/** The writable `fields` of a validated body (null and absent fields are left out). */
function pick(body, fields) {
  const out = {};
  for (const field of fields) {
    if (body[field] !== undefined && body[field] !== null) out[field] = body[field];
  }
  return out;
}
{% if "memory" in api.storages %}

// ---- memory: a Map per collection, in this process only ----

const memory = new Map();

function memoryCollection(name) {
  if (!memory.has(name)) memory.set(name, new Map());
  const items = memory.get(name);
  const key = (owner, id) => `${ownerKey(owner)}/${id}`;
  return {
    async list(owner, { limit, cursor }) {
      const prefix = `${ownerKey(owner)}/`;
      const ids = [...items.keys()]
        .filter((k) => k.startsWith(prefix))
        .map((k) => k.slice(prefix.length))
        .sort();
      const { ids: chosen, next } = page(ids, limit, cursor);
      return { items: chosen.map((id) => structuredClone(items.get(key(owner, id)))), next };
    },
    async get(owner, id) {
      const item = items.get(key(owner, id));
      return item === undefined ? null : structuredClone(item);
    },
    async put(owner, id, item, { create } = {}) {
      if (create !== undefined && items.has(key(owner, id)) === create) return false;
      items.set(key(owner, id), structuredClone(item));
      return true;
    },
    async remove(owner, id) {
      return items.delete(key(owner, id));
    },
  };
}
{% endif %}
{% if "netlify-blobs" in api.storages %}

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
    async list(owner, { limit, cursor }) {
      const prefix = `${ownerKey(owner)}/`;
      const { blobs: found } = await store.list({ prefix });
      const ids = found.map((b) => b.key.slice(prefix.length)).sort();
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
{% endif %}
{% if "cloudflare-kv" in api.storages %}

// ---- cloudflare-kv: the Worker's `STORE` KV namespace (wrangler.toml), keys `<collection>/<owner>/<id>` ----

function kvCollection(name, ctx) {
  const kv = ctx.env && ctx.env.STORE;
  if (!kv) throw new Error('the KV namespace binding `STORE` is missing: add it to wrangler.toml');
  const key = (owner, id) => `${name}/${ownerKey(owner)}/${id}`;
  return {
    async list(owner, { limit, cursor }) {
      const prefix = `${name}/${ownerKey(owner)}/`;
      const ids = [];
      let kvCursor;
      // KV lists keys in order; page through them (1000 per call) to apply our cursor.
      do {
        const result = await kv.list({ prefix, cursor: kvCursor });
        for (const k of result.keys) ids.push(k.name.slice(prefix.length));
        kvCursor = result.list_complete ? undefined : result.cursor;
      } while (kvCursor);
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
{% endif %}
{% if "dynamodb" in api.storages %}

// ---- dynamodb: one DynamoDB table for the project, named by DYNAMODB_TABLE (template.yaml makes it
// and passes its name). Each item is one row: partition key `pk` = its owner, sort key `sk` =
// `<collection>#<id>` (ids are time-ordered, so a collection's rows are in creation order), and
// `item` = the item as JSON. DYNAMODB_ENDPOINT points the client at a local engine
// (`npm run db:local`); on AWS it is unset and the function's role gives access. ----

let dynamo;

/** The DynamoDB document client and commands, made once per instance from the environment. */
async function dynamoClient(env) {
  if (!dynamo) {
    const [{ DynamoDBClient }, lib] = await Promise.all([
      import('@aws-sdk/client-dynamodb'),
      import('@aws-sdk/lib-dynamodb'),
    ]);
    const endpoint = env.DYNAMODB_ENDPOINT || undefined;
    const client = new DynamoDBClient({
      endpoint,
      region: env.AWS_REGION || (endpoint ? 'local' : undefined),
      // A local engine takes any credentials; on AWS the SDK reads the function's role.
      credentials: endpoint && !env.AWS_ACCESS_KEY_ID ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined,
      // A database that does not answer fails the request within seconds (503), not minutes.
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 },
    });
    dynamo = { lib, doc: lib.DynamoDBDocumentClient.from(client) };
  }
  return dynamo;
}

/** Sends `command`; errors that mean the table cannot be reached or used become `unavailable`. */
async function dynamoSend(doc, table, command) {
  try {
    return await doc.send(command);
  } catch (err) {
    if (err.name === 'ConditionalCheckFailedException') throw err;
    const status = err.$metadata && err.$metadata.httpStatusCode;
    // A request DynamoDB refused as invalid (e.g. an item over 400 KB) is a bug, not an outage.
    if (status === 400 && err.name === 'ValidationException') throw err;
    const hint =
      err.name === 'ResourceNotFoundException'
        ? `DynamoDB table ${table} does not exist (locally: npm run db:create-table)`
        : `DynamoDB table ${table}`;
    throw unavailable(err, hint);
  }
}

async function dynamoCollection(name, ctx) {
  const env = ctx.env || {};
  const table = env.DYNAMODB_TABLE;
  if (!table) throw unavailable(null, 'DYNAMODB_TABLE is not set');
  const { lib, doc } = await dynamoClient(env);
  const send = (command) => dynamoSend(doc, table, command);
  const prefix = `${name}#`;
  const key = (owner, id) => ({ pk: owner, sk: `${prefix}${id}` });
  return {
    async list(owner, { limit, cursor }) {
      const { Items: rows = [], LastEvaluatedKey: more } = await send(
        new lib.QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :owner AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':owner': owner, ':prefix': prefix },
          // The cursor is an id: the key it stands for is always in the caller's own partition.
          ExclusiveStartKey: cursor ? key(owner, cursor) : undefined,
          Limit: limit + 1,
          ConsistentRead: true,
        }),
      );
      const items = rows.slice(0, limit).map((row) => JSON.parse(row.item));
      const full = rows.length > limit || (more !== undefined && items.length > 0);
      return { items, next: full ? items[items.length - 1].id : null };
    },
    async get(owner, id) {
      if (!ID.test(id)) return null;
      const { Item: row } = await send(
        new lib.GetCommand({ TableName: table, Key: key(owner, id), ConsistentRead: true }),
      );
      return row ? JSON.parse(row.item) : null;
    },
    async put(owner, id, item, { create } = {}) {
      if (!ID.test(id)) throw new Error('not an id this store makes');
      const condition = { true: 'attribute_not_exists(pk)', false: 'attribute_exists(pk)' }[create];
      try {
        await send(
          new lib.PutCommand({
            TableName: table,
            Item: { ...key(owner, id), item: JSON.stringify(item) },
            ConditionExpression: condition,
          }),
        );
      } catch (err) {
        if (err.name === 'ConditionalCheckFailedException') return false;
        throw err;
      }
      return true;
    },
    async remove(owner, id) {
      if (!ID.test(id)) return false;
      const { Attributes: old } = await send(
        new lib.DeleteCommand({ TableName: table, Key: key(owner, id), ReturnValues: 'ALL_OLD' }),
      );
      return old !== undefined;
    },
  };
}
{% endif %}
{% if "azure-tables" in api.storages %}

// ---- azure-tables: one Azure Storage table for the project, named by AZURE_TABLE_NAME (default
// `{{ api.name.pascal }}Items`, made on first use), reached with AZURE_STORAGE_CONNECTION_STRING. Each item is one
// entity: PartitionKey = its owner (URI-encoded), RowKey = `<collection>:<id>` (ids are
// time-ordered, so a collection's rows are in creation order), and the item as JSON in `item0`,
// `item1`, ... (a table's string property holds at most 32K characters). ----

let azureTable;

/** The TableClient of the project's table, made once per instance from the environment. */
async function azureTableClient(env) {
  if (!azureTable) {
    const { TableClient, odata } = await import('@azure/data-tables');
    const connection = env.AZURE_STORAGE_CONNECTION_STRING;
    if (!connection) throw unavailable(null, 'AZURE_STORAGE_CONNECTION_STRING is not set');
    const name = env.AZURE_TABLE_NAME || {{ (api.name.pascal ~ "Items")|js }};
    // Plain HTTP only for a local emulator (Azurite) on this machine.
    const local =
      /UseDevelopmentStorage=true/i.test(connection) ||
      /TableEndpoint=http:\/\/(?:127\.0\.0\.1|localhost)[:/]/i.test(connection);
    let client;
    try {
      client = TableClient.fromConnectionString(connection, name, {
        allowInsecureConnection: local,
        // A database that does not answer fails the request within seconds (503), not minutes.
        retryOptions: { maxRetries: 1, retryDelayInMs: 200, maxRetryDelayInMs: 1000, tryTimeoutInMs: 3000 },
      });
    } catch (err) {
      throw unavailable(err, 'AZURE_STORAGE_CONNECTION_STRING is not a valid connection string');
    }
    azureTable = { client, odata, name, created: false };
  }
  return azureTable;
}

/** Runs `op`; makes the table once if it is missing; errors that mean the table cannot be reached
 * or used become `unavailable`; `expected` lists the statuses `op`'s caller handles itself. */
async function azureRun(table, op, expected = []) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await op();
    } catch (err) {
      const status = err.statusCode;
      const notFound = status === 404 && ((err.details && err.details.errorCode) || err.code) === 'TableNotFound';
      if (notFound && attempt === 0 && !table.created) {
        try {
          await table.client.createTable();
        } catch (createErr) {
          throw unavailable(createErr, `could not create the table ${table.name}`);
        }
        table.created = true;
        continue;
      }
      if (expected.includes(status) && !notFound) throw err;
      // A request the service refused as invalid (e.g. an entity over 1 MB) is a bug, not an outage.
      if (status === 400 || status === 413) throw err;
      throw unavailable(err, `Azure table ${table.name}`);
    }
  }
}

/** The entity of `item` under `keys`, its JSON cut into properties of at most 30,000 characters. */
function toEntity(keys, item) {
  const json = JSON.stringify(item);
  const entity = { ...keys };
  for (let i = 0; i * 30000 < json.length; i += 1) entity[`item${i}`] = json.slice(i * 30000, (i + 1) * 30000);
  return entity;
}

function fromEntity(entity) {
  let json = '';
  for (let i = 0; typeof entity[`item${i}`] === 'string'; i += 1) json += entity[`item${i}`];
  return JSON.parse(json);
}

async function azureTablesCollection(name, ctx) {
  const table = await azureTableClient(ctx.env || {});
  const { client, odata } = table;
  const prefix = `${name}:`;
  const keys = (owner, id) => ({ partitionKey: ownerKey(owner), rowKey: `${prefix}${id}` });
  return {
    async list(owner, { limit, cursor }) {
      // Keyset paging on RowKey: after the cursor's row, up to the end of this collection (`;`
      // follows `:`). The partition is always the caller's own.
      const from = `${prefix}${cursor || ''}`;
      const filter = odata`PartitionKey eq ${ownerKey(owner)} and RowKey gt ${from} and RowKey lt ${`${name};`}`;
      const rows = await azureRun(table, async () => {
        const found = [];
        const pages = client.listEntities({ queryOptions: { filter } }).byPage({ maxPageSize: limit + 1 });
        for await (const page of pages) {
          found.push(...page);
          if (found.length > limit) break;
        }
        return found;
      });
      const items = rows.slice(0, limit).map(fromEntity);
      return { items, next: rows.length > limit ? items[items.length - 1].id : null };
    },
    async get(owner, id) {
      if (!ID.test(id)) return null;
      const { partitionKey, rowKey } = keys(owner, id);
      try {
        return fromEntity(await azureRun(table, () => client.getEntity(partitionKey, rowKey), [404]));
      } catch (err) {
        if (err.statusCode === 404) return null;
        throw err;
      }
    },
    async put(owner, id, item, { create } = {}) {
      if (!ID.test(id)) throw new Error('not an id this store makes');
      const entity = toEntity(keys(owner, id), item);
      try {
        if (create === true) await azureRun(table, () => client.createEntity(entity), [409]);
        // `etag: '*'`: only if the entity exists (else 404).
        else if (create === false)
          await azureRun(table, () => client.updateEntity(entity, 'Replace', { etag: '*' }), [404, 412]);
        else await azureRun(table, () => client.upsertEntity(entity, 'Replace'));
      } catch (err) {
        if ([404, 409, 412].includes(err.statusCode)) return false;
        throw err;
      }
      return true;
    },
    async remove(owner, id) {
      if (!ID.test(id)) return false;
      const { partitionKey, rowKey } = keys(owner, id);
      try {
        await azureRun(table, () => client.deleteEntity(partitionKey, rowKey), [404]);
      } catch (err) {
        if (err.statusCode === 404) return false;
        throw err;
      }
      return true;
    },
  };
}
{% endif %}

/** The collection of resource `name`{% if store.needs_context %}, for a handler's context `ctx`{% else %} (handlers pass their context too: memory needs none){% endif %}. */
async function openCollection(name{% if store.needs_context %}, ctx{% endif %}) {
  switch (STORAGE[name]) {
{% if "memory" in api.storages %}
    case 'memory':
      return memoryCollection(name);
{% endif %}
{% if "netlify-blobs" in api.storages %}
    case 'netlify-blobs':
      return blobsCollection(name, ctx);
{% endif %}
{% if "cloudflare-kv" in api.storages %}
    case 'cloudflare-kv':
      return kvCollection(name, ctx);
{% endif %}
{% if "dynamodb" in api.storages %}
    case 'dynamodb':
      return dynamoCollection(name, ctx);
{% endif %}
{% if "azure-tables" in api.storages %}
    case 'azure-tables':
      return azureTablesCollection(name, ctx);
{% endif %}
    default:
      throw new Error(`no storage for collection ${name}`);
  }
}

{% if target.module == "cjs" %}
module.exports = { openCollection, newId, ownerOf, pick };
{% else %}
export { openCollection, newId, ownerOf, pick };
{% endif %}
