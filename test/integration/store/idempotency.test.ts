/**
 * Powertools idempotency of inbound files (functions/lib/ports.ts oncePerFile) against the local
 * DynamoDB: the in-progress record lives only as long as the invocation that wrote it.
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { oncePerFile } from '../../../functions/lib/ports';
import { type LocalDynamo, startDynamo } from '../../../local/emulators/dynamo';
import { lambdaContext } from '../../../local/emulators/lambda-context';
import type { InboundMessage } from '../../../shared/webhooks/receive';

const TABLE = 'idempotency';
let dynamo: LocalDynamo;
let client: DynamoDBClient;

beforeAll(async () => {
  dynamo = await startDynamo();
  client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  for (let i = 0; i < 100; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: TABLE }));
    if (out.Table?.TableStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 10));
  }
});

afterAll(async () => {
  client.destroy();
  await dynamo.stop();
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

let seq = 0;
function message(): InboundMessage {
  seq += 1;
  return {
    bucket: 'x12',
    key: `inbound/835/simclear/${seq}.x12`,
    contentHash: seq.toString(16).padStart(64, '0'),
    clearinghouse: 'simclear',
    kind: '835',
    receivedAt: '2026-11-01T00:00:00Z',
  };
}

describe('oncePerFile', () => {
  it('processes a redelivery once the crashed invocation’s remaining time has passed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-01T12:00:00Z'));
    const warn = vi.spyOn(console, 'warn');
    const msg = message();
    let started!: () => void;
    const crashed = new Promise<void>((resolve) => {
      started = resolve;
    });
    const runs: string[] = [];
    const processFile = oncePerFile(
      TABLE,
      async (m: InboundMessage) => {
        runs.push(m.contentHash);
        if (runs.length === 1) {
          started();
          return new Promise<string>(() => undefined); // the invocation dies here: never settles
        }
        return 'posted';
      },
      client,
    );

    // First delivery: the record is saved in progress, then the invocation "crashes" (60 s timeout).
    void processFile(msg, lambdaContext('post-remittance', 60_000));
    await crashed;

    // While that invocation could still be running, a second delivery is refused as in progress.
    vi.setSystemTime(new Date('2026-11-01T12:00:30Z'));
    await expect(processFile(msg, lambdaContext('post-remittance', 60_000))).rejects.toThrow(/in progress/i);

    // After the crashed invocation's remaining time (not the one-hour record expiry), the redelivery
    // is processed.
    vi.setSystemTime(new Date('2026-11-01T12:01:01Z'));
    await expect(processFile(msg, lambdaContext('post-remittance', 60_000))).resolves.toBe('posted');
    expect(runs).toHaveLength(2);

    // And once completed, a replay returns the stored result without processing again.
    await expect(processFile(msg, lambdaContext('post-remittance', 60_000))).resolves.toBe('posted');
    expect(runs).toHaveLength(2);
    expect(warn.mock.calls.flat().join(' ')).not.toMatch(/remaining time/);
  });
});
