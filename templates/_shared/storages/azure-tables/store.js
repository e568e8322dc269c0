// ---- azure-tables: one Azure Storage table for the project, named by AZURE_TABLE_NAME (default
// `{{ api.name.pascal }}Items`, made on first use), reached with AZURE_STORAGE_CONNECTION_STRING.
// Each item is one entity: PartitionKey = its owner (URI-encoded), RowKey = `<collection>:<id>`
// (ids are time-ordered, so a collection's rows are in creation order), and the item as JSON in
// `item0`, `item1`, ... (a table's string property holds at most 32K characters). ----

let azureTable;

// The ids this store uses as keys: the ones `newId` makes (and any a cursor may name). Another id
// in a URL reaches no item, and never reaches the service.
const AZURE_ID = /^[A-Za-z0-9._~-]{1,128}$/;
// PartitionKey may not hold `/`, `\`, `#`, `?` or control characters: the owner URI-encoded.
const partitionOf = (owner) => encodeURIComponent(owner);

/** The TableClient of the project's table, made once per instance from the environment. */
async function azureTableClient(env) {
  if (!azureTable) {
    const { TableClient, odata } = await import('@azure/data-tables');
    const connection = env.AZURE_STORAGE_CONNECTION_STRING;
    if (!connection) throw new StorageUnavailable('AZURE_STORAGE_CONNECTION_STRING is not set');
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
      throw new StorageUnavailable('AZURE_STORAGE_CONNECTION_STRING is not a valid connection string', err);
    }
    azureTable = { client, odata, name };
  }
  return azureTable;
}

const tableMissing = (err) =>
  err.statusCode === 404 && ((err.details && err.details.errorCode) || err.code) === 'TableNotFound';

/** `err` of a table call as its caller sees it: as it is when `expected` lists its status (e.g.
 * 404 for an entity that is not there) or the service refused the request as invalid (a bug, not
 * an outage: e.g. an entity over 1 MB); else `StorageUnavailable`. */
function azureError(table, err, expected) {
  if (expected.includes(err.statusCode) && !tableMissing(err)) return err;
  if (err.statusCode === 400 || err.statusCode === 413) return err;
  return new StorageUnavailable(`Azure table ${table.name}`, err);
}

/** Runs `op` on the table; if the table does not exist (yet, or any more), makes it and runs `op`
 * once more. `expected`: the statuses `op`'s caller handles itself. */
async function azureRun(table, op, expected = []) {
  try {
    return await op();
  } catch (err) {
    if (!tableMissing(err)) throw azureError(table, err, expected);
  }
  try {
    await table.client.createTable();
  } catch (err) {
    throw new StorageUnavailable(`could not create the table ${table.name}`, err);
  }
  try {
    return await op();
  } catch (err) {
    throw azureError(table, err, expected);
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
  const keys = (owner, id) => ({ partitionKey: partitionOf(owner), rowKey: `${prefix}${id}` });
  return {
    async list(owner, { limit, cursor, sort = null, filters = [] }) {
      if (sort !== null || filters.length > 0) {
        // Sorted or filtered: every entity of the owner in this collection (items are stored as
        // JSON, so the service cannot filter them), picked in this function.
        const range = odata`PartitionKey eq ${partitionOf(owner)} and RowKey gt ${prefix} and RowKey lt ${`${name};`}`;
        const all = await azureRun(table, async () => {
          const found = [];
          for await (const entity of client.listEntities({ queryOptions: { filter: range } })) {
            found.push(fromEntity(entity));
          }
          return found;
        });
        return selectPage(all, { limit, cursor, sort, filters });
      }
      // Keyset paging on RowKey: after the cursor's row, up to the end of this collection (`;`
      // follows `:`). The partition is always the caller's own.
      const from = `${prefix}${cursor || ''}`;
      const filter = odata`PartitionKey eq ${partitionOf(owner)} and RowKey gt ${from} and RowKey lt ${`${name};`}`;
      const rows = await azureRun(table, async () => {
        const found = [];
        const pages = client.listEntities({ queryOptions: { filter } }).byPage({ maxPageSize: limit + 1 });
        for await (const batch of pages) {
          found.push(...batch);
          if (found.length > limit) break;
        }
        return found;
      });
      const items = rows.slice(0, limit).map(fromEntity);
      return { items, next: rows.length > limit ? items[items.length - 1].id : null };
    },
    async get(owner, id) {
      if (!AZURE_ID.test(id)) return null;
      const { partitionKey, rowKey } = keys(owner, id);
      try {
        return fromEntity(await azureRun(table, () => client.getEntity(partitionKey, rowKey), [404]));
      } catch (err) {
        if (err.statusCode === 404) return null;
        throw err;
      }
    },
    async put(owner, id, item, { mustExist = false, mustBeNew = false } = {}) {
      if (!AZURE_ID.test(id)) throw new Error('not an id this store makes');
      const entity = toEntity(keys(owner, id), item);
      try {
        // Conditional writes: a create never replaces an entity (409), an update never brings one
        // back (`etag: '*'`: only if it exists, else 404).
        if (mustBeNew) await azureRun(table, () => client.createEntity(entity), [409]);
        else if (mustExist)
          await azureRun(table, () => client.updateEntity(entity, 'Replace', { etag: '*' }), [404, 412]);
        else await azureRun(table, () => client.upsertEntity(entity, 'Replace'));
      } catch (err) {
        if ([404, 409, 412].includes(err.statusCode)) return false;
        throw err;
      }
      return true;
    },
    async remove(owner, id) {
      if (!AZURE_ID.test(id)) return false;
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
