/**
 * The local DynamoDB in its own worker thread (dynamo-thread.ts): what the fast-path differential test
 * does not cover (it compares answers): the thread's heap is reported, and a request after the thread
 * stopped fails at once with a clear error instead of waiting forever.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { startDynamoThread } from '../../../local/emulators/dynamo-thread';
import { shortCircuit } from '../../../local/emulators/in-process';

describe('the local DynamoDB in a worker thread', () => {
  it('answers through the short-circuit and its endpoint, reports its heap, and fails fast once stopped', async () => {
    const dynamo = await startDynamoThread();
    const client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: dynamo.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const doc = DynamoDBDocumentClient.from(client);
    shortCircuit(doc.middlewareStack as never, () => dynamo.shortCircuit);
    try {
      expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([]);
      await expect(doc.send(new GetCommand({ TableName: 'none', Key: { PK: 'a' } }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
      expect(await dynamo.threadHeapUsed?.()).toBeGreaterThan(1_000_000);
    } finally {
      await dynamo.stop();
    }
    await expect(doc.send(new GetCommand({ TableName: 'none', Key: { PK: 'a' } }))).rejects.toThrow(
      /local DynamoDB thread exited/,
    );
  });
});
