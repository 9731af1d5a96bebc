/**
 * The local runtime's faster DynamoDB path: dynalite's actions on in-memory maps (dynamo-store.ts)
 * instead of its LevelDB storage, reached through the SDK short-circuit (in-process.ts) instead of
 * HTTP, and in a worker thread of its own (dynamo-thread.ts). The same requests go to six clients:
 * dynalite with its own storage over HTTP (the reference), the fast storage over HTTP and through the
 * short-circuit, and the thread's emulator over HTTP, through its request handler and through the
 * short-circuit; every answer and every error must be the same.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, type LocalDynamo, startDynamo } from '../../../local/emulators/dynamo';
import { startDynamoThread } from '../../../local/emulators/dynamo-thread';
import { shortCircuit } from '../../../local/emulators/in-process';
import { GSI1, tableDefinition } from '../../../shared/store';

const TABLE = 'claimflow-fast';
/** Any document-client command (their middleware types differ per command). */
type AnyCommand = { input: unknown };
interface Target {
  name: string;
  dynamo: LocalDynamo;
  doc: DynamoDBDocumentClient;
}
const targets: Target[] = [];

async function target(
  name: string,
  levelStorage: boolean,
  fast: boolean,
  opts: { thread?: boolean; requestHandler?: boolean } = {},
): Promise<Target> {
  const dynamo = opts.thread ? await startDynamoThread() : await startDynamo({ levelStorage });
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: dynamo.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    ...(opts.requestHandler ? { requestHandler: dynamo.requestHandler } : {}),
  });
  await createTable(client, tableDefinition, TABLE);
  const doc = DynamoDBDocumentClient.from(client);
  if (fast) shortCircuit(doc.middlewareStack as never, () => dynamo.shortCircuit);
  return { name, dynamo, doc };
}

beforeAll(async () => {
  targets.push(
    await target('level storage, HTTP', true, false),
    await target('fast storage, HTTP', false, false),
    await target('fast storage, short-circuit', false, true),
    await target('own thread, HTTP', false, false, { thread: true }),
    await target('own thread, request handler', false, false, { thread: true, requestHandler: true }),
    await target('own thread, short-circuit', false, true, { thread: true }),
  );
});
afterAll(async () => {
  for (const t of targets) await t.dynamo.stop();
});

/** Sends the same request to every target; returns the answers (without $metadata) or error shapes. */
async function each(make: () => AnyCommand): Promise<unknown[]> {
  const answers: unknown[] = [];
  for (const t of targets) {
    try {
      const { $metadata: _m, ...out } = (await t.doc.send(make() as never)) as Record<string, unknown>;
      answers.push(out);
    } catch (err) {
      const e = err as Error & { CancellationReasons?: unknown; $fault?: string };
      answers.push({
        error: e.name,
        message: e.message,
        fault: e.$fault,
        reasons: e.CancellationReasons,
        isError: err instanceof Error,
      });
    }
  }
  return answers;
}

async function same(
  make: () => AnyCommand,
  normalize: (answer: unknown) => unknown = (a) => a,
): Promise<unknown> {
  const [reference, ...others] = (await each(make)).map(normalize);
  for (const [i, other] of others.entries()) {
    expect(other, targets[i + 1]?.name).toEqual(reference);
  }
  return reference;
}

const claimItems = (claim: string, practice: string) => [
  {
    PK: `CLAIM#${claim}`,
    SK: 'META',
    status: 'RECEIVED',
    version: 1,
    GSI1PK: `P#${practice}`,
    GSI1SK: `S#RECEIVED#${claim}`,
  },
  ...[1, 2, 3, 10, 11].map((n) => ({
    PK: `CLAIM#${claim}`,
    SK: `EVENT#${String(n).padStart(4, '0')}`,
    type: 'X',
    amountCents: n * 100,
    tags: ['a', 'b'],
    nested: { deep: { n } },
  })),
];

describe('the fast DynamoDB path answers as dynalite does', () => {
  it('puts, gets (with projection) and reads nothing back for a missing key', async () => {
    for (const [i, claim] of ['C1', 'C2', 'C3', 'C10', 'ZZ', 'A/B'].entries()) {
      for (const item of claimItems(claim, i % 2 ? 'P1' : 'P2')) {
        await same(() => new PutCommand({ TableName: TABLE, Item: item }));
      }
    }
    // Binary values (the claim content is stored compressed) go both ways as bytes.
    await same(
      () =>
        new PutCommand({
          TableName: TABLE,
          Item: {
            PK: 'BIN',
            SK: 'X',
            blob: new Uint8Array([0, 1, 2, 250]),
            nested: { b: new Uint8Array([7]) },
          },
        }),
    );
    const bin = (await same(() => new GetCommand({ TableName: TABLE, Key: { PK: 'BIN', SK: 'X' } }))) as {
      Item: { blob: Uint8Array };
    };
    expect([...bin.Item.blob]).toEqual([0, 1, 2, 250]);
    const got = await same(
      () => new GetCommand({ TableName: TABLE, Key: { PK: 'CLAIM#C2', SK: 'EVENT#0002' } }),
    );
    expect(got).toMatchObject({ Item: { amountCents: 200, nested: { deep: { n: 2 } } } });
    await same(
      () =>
        new GetCommand({
          TableName: TABLE,
          Key: { PK: 'CLAIM#C2', SK: 'EVENT#0002' },
          ProjectionExpression: 'amountCents, nested.deep',
        }),
    );
    expect(
      await same(() => new GetCommand({ TableName: TABLE, Key: { PK: 'CLAIM#NONE', SK: 'META' } })),
    ).toEqual({});
  });

  it('queries one partition: prefixes, ranges, order, limits and paging', async () => {
    const all = await same(
      () =>
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': 'CLAIM#C1' },
        }),
    );
    expect((all as { Items: unknown[] }).Items).toHaveLength(6);
    await same(
      () =>
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
          ExpressionAttributeValues: { ':pk': 'CLAIM#C1', ':p': 'EVENT#000' },
          ScanIndexForward: false,
        }),
    );
    await same(
      () =>
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :a AND :b',
          ExpressionAttributeValues: { ':pk': 'CLAIM#C1', ':a': 'EVENT#0002', ':b': 'EVENT#0010' },
        }),
    );
    for (const op of ['<', '<=', '>', '>=']) {
      await same(
        () =>
          new QueryCommand({
            TableName: TABLE,
            KeyConditionExpression: `PK = :pk AND SK ${op} :s`,
            ExpressionAttributeValues: { ':pk': 'CLAIM#C1', ':s': 'EVENT#0003' },
          }),
      );
    }
    // Paging two at a time, both directions, with a filter.
    for (const forward of [true, false]) {
      let start: Record<string, unknown> | undefined;
      const seen: unknown[] = [];
      do {
        const page = (await same(
          () =>
            new QueryCommand({
              TableName: TABLE,
              KeyConditionExpression: 'PK = :pk',
              FilterExpression: 'attribute_exists(amountCents)',
              ExpressionAttributeValues: { ':pk': 'CLAIM#C1' },
              Limit: 2,
              ScanIndexForward: forward,
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
        )) as { Items: unknown[]; LastEvaluatedKey?: Record<string, unknown> };
        seen.push(...page.Items);
        start = page.LastEvaluatedKey;
      } while (start);
      expect(seen).toHaveLength(5);
    }
  });

  it('queries the index and keeps it right through updates and deletes', async () => {
    const byPractice = () =>
      new QueryCommand({
        TableName: TABLE,
        IndexName: GSI1,
        KeyConditionExpression: 'GSI1PK = :p AND begins_with(GSI1SK, :s)',
        ExpressionAttributeValues: { ':p': 'P#P1', ':s': 'S#' },
      });
    expect(((await same(byPractice)) as { Items: unknown[] }).Items).toHaveLength(3);
    await same(
      () =>
        new UpdateCommand({
          TableName: TABLE,
          Key: { PK: 'CLAIM#C2', SK: 'META' },
          UpdateExpression: 'SET #s = :s, GSI1SK = :g, version = version + :one ADD n :one REMOVE gone',
          ConditionExpression: 'version = :v',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': 'SCRUBBED', ':g': 'S#SCRUBBED#C2', ':one': 1, ':v': 1 },
          ReturnValues: 'ALL_NEW',
        }),
    );
    await same(
      () =>
        new DeleteCommand({
          TableName: TABLE,
          Key: { PK: 'CLAIM#C10', SK: 'META' },
          ReturnValues: 'ALL_OLD',
        }),
    );
    expect(((await same(byPractice)) as { Items: { GSI1SK: string }[] }).Items.map((i) => i.GSI1SK)).toEqual([
      'S#RECEIVED#A/B',
      'S#SCRUBBED#C2',
    ]);
  });

  it('scans every partition in one order, page by page', async () => {
    let start: Record<string, unknown> | undefined;
    let count = 0;
    do {
      const page = (await same(
        () => new ScanCommand({ TableName: TABLE, Limit: 7, ...(start ? { ExclusiveStartKey: start } : {}) }),
      )) as { Items: unknown[]; LastEvaluatedKey?: Record<string, unknown> };
      count += page.Items.length;
      start = page.LastEvaluatedKey;
    } while (start);
    expect(count).toBe(36);
  });

  it('batches and transactions, their refusals and validation errors', async () => {
    await same(
      () =>
        new BatchWriteCommand({
          RequestItems: {
            [TABLE]: [
              { PutRequest: { Item: { PK: 'B#1', SK: 'X', v: 1 } } },
              { DeleteRequest: { Key: { PK: 'CLAIM#ZZ', SK: 'EVENT#0001' } } },
            ],
          },
        }),
    );
    await same(
      () =>
        new BatchGetCommand({
          RequestItems: {
            [TABLE]: {
              Keys: [
                { PK: 'B#1', SK: 'X' },
                { PK: 'CLAIM#ZZ', SK: 'EVENT#0001' },
                { PK: 'CLAIM#C1', SK: 'META' },
              ],
            },
          },
        }),
      // DynamoDB returns a batch's items in no particular order.
      (a) => {
        const out = a as { Responses: Record<string, { PK: string; SK: string }[]> };
        for (const items of Object.values(out.Responses))
          items.sort((x, y) => `${x.PK}${x.SK}`.localeCompare(`${y.PK}${y.SK}`));
        return out;
      },
    );
    const cancelled = await same(
      () =>
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: TABLE,
                Item: { PK: 'T#1', SK: 'X' },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            {
              Put: {
                TableName: TABLE,
                Item: { PK: 'B#1', SK: 'X' },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
          ],
        }),
    );
    expect(cancelled).toMatchObject({ error: 'TransactionCanceledException', isError: true });
    await same(
      () =>
        new TransactGetCommand({
          TransactItems: [
            { Get: { TableName: TABLE, Key: { PK: 'T#1', SK: 'X' } } },
            { Get: { TableName: TABLE, Key: { PK: 'B#1', SK: 'X' } } },
          ],
        }),
    );
    expect(
      await same(
        () =>
          new PutCommand({
            TableName: TABLE,
            Item: { PK: 'B#1', SK: 'X' },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
      ),
    ).toMatchObject({ error: 'ConditionalCheckFailedException', fault: 'client' });
    expect(
      await same(
        () =>
          new UpdateCommand({
            TableName: TABLE,
            Key: { PK: 'B#1', SK: 'X' },
            UpdateExpression: 'SET = oops',
          }),
      ),
    ).toMatchObject({ error: 'ValidationException', fault: 'client' });
    expect(
      await same(() => new GetCommand({ TableName: 'no-such-table', Key: { PK: 'a', SK: 'b' } })),
    ).toMatchObject({
      error: 'ResourceNotFoundException',
    });
  });

  it('gives the emulator its own copy: changing a sent item afterwards changes nothing stored', async () => {
    const item = { PK: 'M#1', SK: 'X', list: [1, 2] };
    await same(() => new PutCommand({ TableName: TABLE, Item: item }));
    item.list.push(3);
    const got = await same(() => new GetCommand({ TableName: TABLE, Key: { PK: 'M#1', SK: 'X' } }));
    expect(got).toEqual({ Item: { PK: 'M#1', SK: 'X', list: [1, 2] } });
  });
});
