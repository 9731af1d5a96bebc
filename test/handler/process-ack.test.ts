import { Readable } from 'node:stream';
import {
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initialState } from '../../shared/claims/state';
import { write999 } from '../../shared/x12';
import { fakeContext, quietPowertools } from '../support/lambda';
import { makeClaim, makePayerEnvelope } from '../unit/x12/fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
const idempotency = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
type Handler = (e: SQSEvent, c: unknown) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
let handler: Handler;

const at = '2026-11-01T00:00:00.000Z';

function event(contentHash: string): SQSEvent {
  const body = {
    bucket: 'x12',
    key: 'inbound/simclear/ack.x12',
    contentHash,
    clearinghouse: 'simclear',
    kind: '999',
    receivedAt: at,
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
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:ack',
        awsRegion: 'us-east-1',
      },
    ],
  };
}

function claimItem(id: string, waiting?: string) {
  const claim = makeClaim({ claimId: id });
  return {
    PK: `CLAIM#${id}`,
    SK: 'META',
    entity: 'CLAIM',
    ...initialState(id, at),
    status: 'SUBMITTED',
    version: 3,
    seq: 3,
    ...(waiting ? { waiting: { kind: 'ACK', taskToken: waiting, since: at } } : {}),
    practiceId: claim.practiceId,
    claim,
    createdAt: at,
  };
}

const ack999 = (code: 'A' | 'R') =>
  write999({
    envelope: makePayerEnvelope(),
    groupControlNumber: '101',
    transactions: [{ transactionSetId: '837', controlNumber: '0101', code }],
  }).x12;

const body = (text: string) => Readable.from([Buffer.from(text)]) as never;

beforeAll(async () => {
  quietPowertools();
  Object.assign(process.env, { TABLE_NAME: 'claims', X12_BUCKET: 'x12', IDEMPOTENCY_TABLE_NAME: 'idem' });
  handler = (await import('../../functions/process-ack/handler')).handler as unknown as Handler;
});

beforeEach(() => {
  ddb.reset();
  idempotency.reset();
  idempotency.on(PutItemCommand).resolves({});
  idempotency.on(UpdateItemCommand).resolves({});
  idempotency.on(DeleteItemCommand).resolves({});
  s3.reset();
  sfn.reset();
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
  const claims: Record<string, unknown> = {
    'CLAIM#CA': claimItem('CA', 'tok-a'),
    'CLAIM#CB': claimItem('CB'),
  };
  ddb
    .on(GetCommand)
    .callsFake((input: { Key: { PK: string; SK: string } }) =>
      input.Key.SK === 'META' ? { Item: claims[input.Key.PK] } : {},
    );
  ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) =>
    input.ExpressionAttributeValues[':pk'] === 'ICN#101'
      ? {
          Items: ['CA', 'CB'].map((claimId) => ({ PK: 'ICN#101', SK: `CLAIM#${claimId}`, claimId })),
        }
      : { Items: [] },
  );
  ddb.on(TransactWriteCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
});

describe('process-ack', () => {
  it('a rejecting 999 fails the waiting claim token (Ack.Rejected) and keeps the outcome pending for the other', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(ack999('R')) });
    const res = await handler(event('b'.repeat(64)), fakeContext());
    expect(res.batchItemFailures).toEqual([]);

    // AwaitAck catches Ack.Rejected -> Rejected; the cause carries the outcome
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    const answers = sfn.commandCalls(SendTaskFailureCommand).map((c) => c.args[0].input);
    expect(answers.map((a) => [a.taskToken, a.error, JSON.parse(a.cause ?? '{}')])).toEqual([
      ['tok-a', 'Ack.Rejected', { accepted: false, source: '999', codes: ['IK5:R'] }],
    ]);
    const writes = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems ?? []);
    expect(writes.map((w) => w[0]?.Update?.Key?.PK)).toEqual(['CLAIM#CA', 'CLAIM#CB']);
    // CB had no wait yet: the rejection is stored as pending for its AwaitAck to consume
    expect(writes[1]?.[0]?.Update?.ExpressionAttributeValues?.[':pending']).toMatchObject({
      ACK: { output: { accepted: false, source: '999' } },
    });
    // both carry the file's once-only marker, added to the claim by its version-checked update
    expect(writes.map((w) => w[0]?.Update?.ExpressionAttributeValues?.[':marker'])).toEqual([
      `ACK#${'b'.repeat(32)}`,
      `ACK#${'b'.repeat(32)}`,
    ]);
    expect(writes.map((w) => w[0]?.Update?.ConditionExpression)).toEqual([
      '#version = :expected AND NOT contains(#markers, :marker)',
      '#version = :expected AND NOT contains(#markers, :marker)',
    ]);
  });

  it('an accepting 999 records events only: no token is answered', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(ack999('A')) });
    const res = await handler(event('c'.repeat(64)), fakeContext());
    expect(res.batchItemFailures).toEqual([]);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    const events = ddb
      .commandCalls(TransactWriteCommand)
      .map((c) => c.args[0].input.TransactItems?.[1]?.Put?.Item?.type);
    expect(events).toEqual(['ACK_999_ACCEPTED', 'ACK_999_ACCEPTED']);
  });

  it('holds a malformed file as a work item; the message is done', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body('not an x12 file at all') });
    const res = await handler(event('d'.repeat(64)), fakeContext());
    expect(res.batchItemFailures).toEqual([]);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input.Key?.PK)).toContain('WORK#ACK_HELD');
  });
});
