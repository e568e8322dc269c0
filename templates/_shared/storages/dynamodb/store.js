// ---- dynamodb: one DynamoDB table for the project, named by DYNAMODB_TABLE (template.yaml makes
// it and passes its name). Each item is one row: partition key `pk` = its owner, sort key `sk` =
// `<collection>#<id>` (ids are time-ordered, so a collection's rows are in creation order), and
// `item` = the item as JSON. DYNAMODB_ENDPOINT points the client at a local engine
// (`npm run db:local`); on AWS it is unset and the function's role gives access. ----

let dynamo;

// The ids this store uses as keys: the ones `newId` makes (and any a cursor may name). Another id
// in a URL reaches no item, and never reaches DynamoDB.
const DYNAMO_ID = /^[A-Za-z0-9._~-]{1,128}$/;

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

/** Sends `command`; errors that mean the table cannot be reached or used: `StorageUnavailable`. */
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
    throw new StorageUnavailable(hint, err);
  }
}

async function dynamoCollection(name, ctx) {
  const env = ctx.env || {};
  const table = env.DYNAMODB_TABLE;
  if (!table) throw new StorageUnavailable('DYNAMODB_TABLE is not set');
  const { lib, doc } = await dynamoClient(env);
  const send = (command) => dynamoSend(doc, table, command);
  const prefix = `${name}#`;
  const key = (owner, id) => ({ pk: owner, sk: `${prefix}${id}` });
  return {
    async list(owner, { limit, cursor, sort = null, filters = [] }) {
      if (sort !== null || filters.length > 0) {
        // Sorted or filtered: every row of the owner in this collection (items are stored as JSON,
        // so DynamoDB cannot filter them), picked in this function.
        const all = [];
        let start;
        do {
          const { Items: rows = [], LastEvaluatedKey: more } = await send(
            new lib.QueryCommand({
              TableName: table,
              KeyConditionExpression: 'pk = :owner AND begins_with(sk, :prefix)',
              ExpressionAttributeValues: { ':owner': owner, ':prefix': prefix },
              ExclusiveStartKey: start,
              ConsistentRead: true,
            }),
          );
          for (const row of rows) all.push(JSON.parse(row.item));
          start = more;
        } while (start);
        return selectPage(all, { limit, cursor, sort, filters });
      }
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
      if (!DYNAMO_ID.test(id)) return null;
      const { Item: row } = await send(
        new lib.GetCommand({ TableName: table, Key: key(owner, id), ConsistentRead: true }),
      );
      return row ? JSON.parse(row.item) : null;
    },
    async put(owner, id, item, { mustExist = false, mustBeNew = false } = {}) {
      if (!DYNAMO_ID.test(id)) throw new Error('not an id this store makes');
      // Conditional writes: a create never replaces an item, an update never brings one back.
      const condition = mustBeNew ? 'attribute_not_exists(pk)' : mustExist ? 'attribute_exists(pk)' : undefined;
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
      if (!DYNAMO_ID.test(id)) return false;
      const { Attributes: old } = await send(
        new lib.DeleteCommand({ TableName: table, Key: key(owner, id), ReturnValues: 'ALL_OLD' }),
      );
      return old !== undefined;
    },
  };
}
