/**
 * post-remittance and process-ack register the invocation's Lambda context with Powertools idempotency:
 * the in-progress record they save expires with the invocation (not after the one-hour record expiry),
 * and Powertools has no reason to warn "Could not determine remaining time left".
 */
import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../local/emulators/lambda-context';
import { quietPowertools } from '../support/lambda';

const idempotency = mockClient(DynamoDBClient);
const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
type Handler = (e: SQSEvent, c: unknown) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
const handlers: Record<string, Handler> = {};

function event(kind: '835' | '999', hash: string): SQSEvent {
  const body = {
    bucket: 'x12',
    key: `inbound/${kind}/simclear/${hash}.x12`,
    contentHash: hash,
    clearinghouse: 'simclear',
    kind,
    receivedAt: '2026-11-01T00:00:00Z',
  };
  return {
    Records: [
      {
        messageId: 'm1',
        receiptHandle: 'r1',
        body: JSON.stringify(body),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '1',
          SenderId: 's',
          ApproximateFirstReceiveTimestamp: '1',
        },
        messageAttributes: {},
        md5OfBody: 'x',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
        awsRegion: 'us-east-1',
      },
    ],
  };
}

beforeAll(async () => {
  quietPowertools();
  Object.assign(process.env, { TABLE_NAME: 'claims', X12_BUCKET: 'x12', IDEMPOTENCY_TABLE_NAME: 'idem' });
  handlers['post-remittance'] = (await import('../../functions/post-remittance/handler'))
    .handler as unknown as Handler;
  handlers['process-ack'] = (await import('../../functions/process-ack/handler'))
    .handler as unknown as Handler;
});

beforeEach(() => {
  idempotency.reset();
  ddb.reset();
  s3.reset();
  idempotency.on(PutItemCommand).resolves({});
  idempotency.on(DeleteItemCommand).resolves({});
  // Processing fails right after the in-progress record is saved.
  s3.on(GetObjectCommand).rejects(new Error('S3 unavailable'));
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each([
  ['post-remittance', '835'],
  ['process-ack', '999'],
] as const)('%s idempotency', (name, kind) => {
  it('saves the in-progress record with the invocation’s deadline and warns about nothing', async () => {
    const warn = vi.spyOn(console, 'warn');
    const before = Date.now();
    const context = lambdaContext(name, 90_000);
    // The only record fails: Powertools reports the whole batch failed (it is retried, then DLQ).
    await expect(handlers[name]?.(event(kind, kind.padStart(64, 'c')), context)).rejects.toThrow(
      /All records failed/,
    );
    const after = Date.now();

    const put = idempotency.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(put?.Item?.status).toEqual({ S: 'INPROGRESS' });
    const expiry = Number(put?.Item?.in_progress_expiration?.N);
    expect(expiry).toBeGreaterThanOrEqual(before + 89_000);
    expect(expiry).toBeLessThanOrEqual(after + 90_000);
    expect(warn.mock.calls.flat().join(' ')).not.toMatch(/remaining time/);
  });
});
