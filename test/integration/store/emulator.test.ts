import { DescribeTimeToLiveCommand, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('shim-test');
});
afterAll(async () => h?.stop());

const get = async (PK: string, SK = 'META') =>
  (await h.doc.send(new GetCommand({ TableName: h.tableName, Key: { PK, SK } }))).Item;

async function cancellation(p: Promise<unknown>): Promise<TransactionCanceledException> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TransactionCanceledException);
    return err as TransactionCanceledException;
  }
  throw new Error('expected TransactionCanceledException');
}

describe('local DynamoDB shim', () => {
  it('TransactWriteItems writes everything when all conditions hold', async () => {
    await h.doc.send(new PutCommand({ TableName: h.tableName, Item: { PK: 'A', SK: 'META', version: 1 } }));
    await h.doc.send(new PutCommand({ TableName: h.tableName, Item: { PK: 'A0', SK: 'META' } }));
    await h.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: h.tableName,
              Item: { PK: 'B', SK: 'META' },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Update: {
              TableName: h.tableName,
              Key: { PK: 'A', SK: 'META' },
              UpdateExpression: 'SET version = :n',
              ConditionExpression: 'version = :o',
              ExpressionAttributeValues: { ':n': 2, ':o': 1 },
            },
          },
          {
            ConditionCheck: {
              TableName: h.tableName,
              Key: { PK: 'A0', SK: 'META' },
              ConditionExpression: 'attribute_exists(PK)',
            },
          },
        ],
      }),
    );
    expect(await get('B')).toEqual({ PK: 'B', SK: 'META' });
    expect((await get('A'))?.version).toBe(2);
  });

  it('is all-or-nothing: one failed condition cancels every write, with per-item reasons', async () => {
    const err = await cancellation(
      h.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: h.tableName,
                Item: { PK: 'C', SK: 'META' },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            { Delete: { TableName: h.tableName, Key: { PK: 'B', SK: 'META' } } },
            {
              Update: {
                TableName: h.tableName,
                Key: { PK: 'A', SK: 'META' },
                UpdateExpression: 'SET version = :n',
                ConditionExpression: 'version = :o',
                ExpressionAttributeValues: { ':n': 3, ':o': 1 },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
          ],
        }),
      ),
    );
    expect(err.CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'None', 'ConditionalCheckFailed']);
    expect(err.CancellationReasons?.[2]?.Item?.version).toEqual({ N: '2' });
    expect(await get('C')).toBeUndefined();
    expect(await get('B')).toBeDefined();
    expect((await get('A'))?.version).toBe(2);
  });

  it('fails a ConditionCheck on a missing item', async () => {
    const err = await cancellation(
      h.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: h.tableName, Item: { PK: 'D', SK: 'META' } } },
            {
              ConditionCheck: {
                TableName: h.tableName,
                Key: { PK: 'NONE', SK: 'META' },
                ConditionExpression: 'attribute_exists(PK)',
              },
            },
          ],
        }),
      ),
    );
    expect(err.CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'ConditionalCheckFailed']);
    expect(await get('D')).toBeUndefined();
  });

  it('rolls back earlier writes when a later write fails at apply time', async () => {
    await h.doc.send(
      new PutCommand({ TableName: h.tableName, Item: { PK: 'E', SK: 'META', label: 'text' } }),
    );
    await expect(
      h.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: h.tableName, Item: { PK: 'F', SK: 'META' } } },
            {
              Update: {
                TableName: h.tableName,
                Key: { PK: 'E', SK: 'META' },
                UpdateExpression: 'SET n = label + :one',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        }),
      ),
    ).rejects.toThrow(/incorrect data type/);
    expect(await get('F')).toBeUndefined();
    expect(await get('E')).toEqual({ PK: 'E', SK: 'META', label: 'text' });
  });

  it('rejects two operations on one item and malformed expressions', async () => {
    await expect(
      h.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: h.tableName, Item: { PK: 'G', SK: 'META' } } },
            { Delete: { TableName: h.tableName, Key: { PK: 'G', SK: 'META' } } },
          ],
        }),
      ),
    ).rejects.toThrow(/multiple operations on one item/);
    await expect(
      h.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: h.tableName,
                Item: { PK: 'G', SK: 'META' },
                ConditionExpression: 'attribute_not_exists(',
              },
            },
          ],
        }),
      ),
    ).rejects.toThrow(/ConditionExpression/);
    expect(await get('G')).toBeUndefined();
  });

  it('a repeated ClientRequestToken does not apply the transaction twice', async () => {
    const input = {
      ClientRequestToken: 'token-1',
      TransactItems: [
        {
          Update: {
            TableName: h.tableName,
            Key: { PK: 'H', SK: 'META' },
            UpdateExpression: 'ADD n :one',
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
      ],
    };
    await h.doc.send(new TransactWriteCommand(input));
    await h.doc.send(new TransactWriteCommand(input));
    expect((await get('H'))?.n).toBe(1);
  });

  it('serializes concurrent conditional transactions: exactly one of many wins', async () => {
    const attempt = (i: number) =>
      h.doc
        .send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: h.tableName,
                  Item: { PK: 'LOCK', SK: 'META', owner: i },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
              { Put: { TableName: h.tableName, Item: { PK: 'LOCK', SK: `BY#${i}` } } },
            ],
          }),
        )
        .then(
          () => true,
          () => false,
        );
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => attempt(i)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const rows = await h.doc.send(
      new QueryCommand({
        TableName: h.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': 'LOCK' },
      }),
    );
    expect(rows.Items).toHaveLength(2);
  });

  it('TransactGetItems, TTL calls and plain operations work through the shim', async () => {
    const out = await h.doc.send(
      new TransactGetCommand({
        TransactItems: [
          { Get: { TableName: h.tableName, Key: { PK: 'A', SK: 'META' } } },
          { Get: { TableName: h.tableName, Key: { PK: 'NONE', SK: 'META' } } },
        ],
      }),
    );
    expect(out.Responses?.map((r) => r?.Item?.PK)).toEqual(['A', undefined]);
    const ttl = await h.client.send(new DescribeTimeToLiveCommand({ TableName: h.tableName }));
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
    const updated = await h.doc.send(
      new UpdateCommand({
        TableName: h.tableName,
        Key: { PK: 'A', SK: 'META' },
        UpdateExpression: 'SET version = version + :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(updated.Attributes?.version).toBe(3);
  });
});
