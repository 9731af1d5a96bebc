/**
 * dynalite's expression parses, remembered (local/emulators/dynamo-parse-cache.ts): a repeated
 * expression with new values acts on the new values, and every refusal of a fresh parse is still
 * made on a remembered one (unused placeholders, operand types, BETWEEN bounds).
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCacheStats } from '../../../local/emulators/dynamo-parse-cache';
import { type Harness, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('parse-cache');
});
afterAll(async () => h?.stop());

const update = (n: number | string, extra: Record<string, unknown> = {}) =>
  h.doc.send(
    new UpdateCommand({
      TableName: h.tableName,
      Key: { PK: 'P', SK: 'X' },
      UpdateExpression: 'SET #v = :v, sumOfN = if_not_exists(sumOfN, :zero) + :n',
      ConditionExpression: 'attribute_exists(PK) AND #v <> :v',
      ExpressionAttributeNames: { '#v': 'value' },
      ExpressionAttributeValues: { ':v': n, ':n': n, ':zero': 0, ...extra },
      ReturnValues: 'ALL_NEW',
    }),
  );

describe('remembered expression parses', () => {
  it('apply each request its own values, hit after hit', async () => {
    await h.doc.send(new PutCommand({ TableName: h.tableName, Item: { PK: 'P', SK: 'X', value: 0 } }));
    const hitsBefore = parseCacheStats.hits;
    let total = 0;
    for (const n of [1, 2, 3, 4, 5, 6]) {
      total += n;
      const out = await update(n);
      expect(out.Attributes).toMatchObject({ value: n, sumOfN: total });
    }
    // The condition uses the new value too: the same value again is refused.
    await expect(update(6)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(parseCacheStats.hits).toBeGreaterThan(hitsBefore);
    expect(parseCacheStats.dropped).toBe(0);
  });

  it('still refuses an unused value and a wrong operand type on a remembered expression', async () => {
    await expect(update(7, { ':unused': 1 })).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('unused'),
    });
    await expect(update('seven')).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Incorrect operand type'),
    });
    expect(
      (await h.doc.send(new GetCommand({ TableName: h.tableName, Key: { PK: 'P', SK: 'X' } }))).Item,
    ).toMatchObject({
      value: 6,
    });
  });

  it('checks BETWEEN bounds on every request (never remembered)', async () => {
    const between = (a: string, b: string) =>
      h.doc.send(
        new QueryCommand({
          TableName: h.tableName,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :a AND :b',
          ExpressionAttributeValues: { ':pk': 'P', ':a': a, ':b': b },
        }),
      );
    for (let i = 0; i < 4; i++) expect((await between('A', 'Z')).Items).toHaveLength(1);
    await expect(between('Z', 'A')).rejects.toMatchObject({ name: 'ValidationException' });
  });
});
