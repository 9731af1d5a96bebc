/** Queries and reads shared by the repositories (internal to shared/store). */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';

export async function queryPrefix(
  doc: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  skPrefix: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** One item by its key, read consistently (only `attributes` when given); undefined when absent. */
export async function getItem(
  doc: DynamoDBDocumentClient,
  tableName: string,
  key: { PK: string; SK: string },
  attributes?: readonly string[],
): Promise<Record<string, unknown> | undefined> {
  const names: Record<string, string> = {};
  attributes?.forEach((a, i) => {
    names[`#p${i}`] = a;
  });
  const out = await doc.send(
    new GetCommand({
      TableName: tableName,
      Key: key,
      ConsistentRead: true,
      ...(attributes
        ? { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names }
        : {}),
    }),
  );
  return out.Item;
}

/** An item without its key and bookkeeping attributes. */
export function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { PK: _pk, SK: _sk, entity: _e, ...rest } = item;
  return rest;
}

/** Rounds of BatchGetItem for the keys DynamoDB left unprocessed before giving up. */
const BATCH_GET_ROUNDS = 5;

/**
 * The items behind `keys` (e.g. the entries of a KEYS_ONLY index), in the keys' order, read
 * consistently with BatchGetItem (100 keys a request, unprocessed keys retried); an item gone
 * meanwhile is left out.
 */
export async function batchGet(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const id = (k: Record<string, unknown>) => `${String(k.PK)}\u0000${String(k.SK)}`;
  const found = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < keys.length; i += 100) {
    let batch: Record<string, unknown>[] = keys.slice(i, i + 100).map((k) => ({ PK: k.PK, SK: k.SK }));
    for (let round = 1; batch.length > 0; round++) {
      const out = await doc.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: batch, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[tableName] ?? []) found.set(id(item), item);
      batch = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
      if (batch.length > 0 && round >= BATCH_GET_ROUNDS)
        throw new Error('BatchGetItem left keys unprocessed');
    }
  }
  return keys.flatMap((k) => {
    const item = found.get(id(k));
    return item ? [item] : [];
  });
}
