{% import "_shared/macros.j2" as m %}
{{ m.owned("//", api) }}
//
// `npm run db:create-table`: creates the DynamoDB table of the dynamodb store (DYNAMODB_TABLE) on
// the engine at DYNAMODB_ENDPOINT (the local one of `npm run db:local`), with the keys and billing
// template.yaml gives it on AWS; does nothing if it exists. On AWS, `sam deploy` makes the table.
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';

const table = process.env.DYNAMODB_TABLE;
const endpoint = process.env.DYNAMODB_ENDPOINT;
if (!table || !endpoint) {
  console.error('Set DYNAMODB_TABLE and DYNAMODB_ENDPOINT (e.g. http://127.0.0.1:8000): see README.md');
  process.exit(2);
}
const client = new DynamoDBClient({
  endpoint,
  region: process.env.AWS_REGION || 'local',
  credentials: process.env.AWS_ACCESS_KEY_ID ? undefined : { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 2,
});
try {
  await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: table });
  console.log(`created the table ${table} at ${endpoint}`);
} catch (err) {
  if (err.name !== 'ResourceInUseException') {
    console.error(`could not create the table ${table} at ${endpoint}: ${err.message}`);
    process.exit(1);
  }
  console.log(`the table ${table} exists at ${endpoint}`);
}
