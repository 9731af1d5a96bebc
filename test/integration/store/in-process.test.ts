/**
 * The DynamoDB emulator answered in-process (the SDK request handler the local runtime gives its
 * clients): the same answers as over HTTP, errors included, and the chaos fault hook still applies.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, type LocalDynamo, startDynamo } from '../../../local/emulators/dynamo';
import { ClaimRepository, tableDefinition } from '../../../shared/store';
import { makeClaim } from './harness';

const TABLE = 'claimflow-inproc';
let dynamo: LocalDynamo;
let doc: DynamoDBDocumentClient;
let failNext = false;

beforeAll(async () => {
  dynamo = await startDynamo({
    onWrite: (op) => {
      if (!failNext || op !== 'PutItem') return undefined;
      failNext = false;
      return 'fail';
    },
  });
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: 'http://in-process.invalid',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: dynamo.requestHandler,
    maxAttempts: 1,
  });
  await createTable(client, tableDefinition, TABLE);
  doc = DynamoDBDocumentClient.from(client);
});
afterAll(async () => dynamo?.stop());

describe('DynamoDB emulator, in-process', () => {
  it('reads and writes through the repositories with no socket (the endpoint does not resolve)', async () => {
    const claims = new ClaimRepository(doc, TABLE);
    expect(await claims.putIfAbsent(makeClaim('INP1', 'PRACP'))).toBe('created');
    expect(await claims.putIfAbsent(makeClaim('INP1', 'PRACP'))).toBe('exists');
    expect((await claims.require('INP1')).claim.claimId).toBe('INP1');
  });

  it('answers a failed condition and a cancelled transaction with their AWS errors', async () => {
    await doc.send(new PutCommand({ TableName: TABLE, Item: { PK: 'X', SK: '1', n: 1 } }));
    await expect(
      doc.send(
        new PutCommand({
          TableName: TABLE,
          Item: { PK: 'X', SK: '1', n: 2 },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    await expect(
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: TABLE, Item: { PK: 'X', SK: '2' } } },
            {
              Put: {
                TableName: TABLE,
                Item: { PK: 'X', SK: '1' },
                ConditionExpression: 'n = :three',
                ExpressionAttributeValues: { ':three': 3 },
              },
            },
          ],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
    });
    // All or nothing: the first Put of the cancelled transaction is not there.
    expect(
      (await doc.send(new GetCommand({ TableName: TABLE, Key: { PK: 'X', SK: '2' } }))).Item,
    ).toBeUndefined();
  });

  it('applies the fault hook: an injected failure writes nothing and answers 500', async () => {
    failNext = true;
    await expect(
      doc.send(new PutCommand({ TableName: TABLE, Item: { PK: 'F', SK: '1' } })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    expect(
      (await doc.send(new GetCommand({ TableName: TABLE, Key: { PK: 'F', SK: '1' } }))).Item,
    ).toBeUndefined();
  });
});
