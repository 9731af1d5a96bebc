import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { initialState } from '../../shared/claims/state';
import { tokenHash } from '../../shared/services/submit';
import { claimBatchGet } from '../support/claim-items';
import { fakeContext, quietPowertools } from '../support/lambda';
import { makeClaim } from '../unit/x12/fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
const secrets = mockClient(SecretsManagerClient);
type Handler = (e: SQSEvent, c: unknown) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
let handler: Handler;

const at = '2026-11-01T00:00:00.000Z';
const claims = {
  CA: makeClaim({ claimId: 'CA', payer: { payerId: 'P1', name: 'PAYER ONE' } }),
  CB: makeClaim({ claimId: 'CB', payer: { payerId: 'P2', name: 'PAYER TWO' } }),
};

/** A claim META item as the store writes it (claimMetaItem), status SCRUBBED. */
function metaItem(id: keyof typeof claims, over: Record<string, unknown> = {}) {
  const claim = claims[id];
  return {
    PK: `CLAIM#${id}`,
    SK: 'META',
    entity: 'CLAIM',
    ...initialState(id, at),
    status: 'SCRUBBED',
    version: 2,
    seq: 2,
    practiceId: claim.practiceId,
    claim,
    createdAt: at,
    ...over,
  };
}

function record(messageId: string, body: unknown): SQSRecord {
  return {
    messageId,
    receiptHandle: `r-${messageId}`,
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
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:submit',
    awsRegion: 'us-east-1',
  };
}

const twoPayers = (): SQSEvent => ({
  Records: [
    record('m1', { claimId: 'CA', taskToken: 'tok-a' }),
    record('m2', { claimId: 'CB', taskToken: 'tok-b' }),
  ],
});

const fetchMock = vi.fn<typeof fetch>();

beforeAll(async () => {
  quietPowertools();
  Object.assign(process.env, {
    TABLE_NAME: 'claims',
    X12_BUCKET: 'x12',
    CLEARINGHOUSE_URL: 'https://clearinghouse.example.com/837',
    CLEARINGHOUSE_SECRET_ID: 'clearinghouse-key',
    SUBMITTER_ID: 'CLAIMFLOW',
    SUBMITTER_NAME: 'CLAIMFLOW',
    SUBMITTER_CONTACT_EMAIL: 'billing@example.com',
    RECEIVER_ID: 'SIMCLEAR',
    RECEIVER_NAME: 'SIMCLEAR',
  });
  vi.stubGlobal('fetch', fetchMock);
  handler = (await import('../../functions/submit-batch/handler')).handler as unknown as Handler;
});

afterAll(() => {
  vi.unstubAllGlobals();
});

let items: Record<string, Record<string, unknown>>;
let counter: number;

beforeEach(() => {
  ddb.reset();
  s3.reset();
  sfn.reset();
  secrets.reset();
  fetchMock.mockReset();
  items = { 'CLAIM#CA': metaItem('CA'), 'CLAIM#CB': metaItem('CB') };
  counter = 100;
  ddb.on(GetCommand).callsFake((input: { Key: { PK: string } }) => ({ Item: items[input.Key.PK] }));
  ddb.on(BatchGetCommand).callsFake(claimBatchGet((pk) => items[pk]));
  ddb
    .on(UpdateCommand)
    .callsFake((input: { Key: { PK: string } }) =>
      input.Key.PK === 'COUNTER#ICN' ? { Attributes: { value: ++counter } } : {},
    );
  ddb.on(TransactWriteCommand).resolves({});
  s3.on(PutObjectCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
  secrets.on(GetSecretValueCommand).resolves({ SecretString: 'api-key-1' });
});

const successes = () =>
  sfn.commandCalls(SendTaskSuccessCommand).map((c) => ({
    token: c.args[0].input.taskToken,
    output: JSON.parse(c.args[0].input.output ?? 'null'),
  }));

describe('submit-batch', () => {
  it('stores and sends one 837P per payer and answers both tokens', async () => {
    fetchMock.mockResolvedValue(new Response('accepted', { status: 202 }));
    const res = await handler(twoPayers(), fakeContext());
    expect(res.batchItemFailures).toEqual([]);

    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => [p.Bucket, p.Key, p.ContentType])).toEqual([
      [
        'x12',
        expect.stringMatching(/^interchanges\/837P\/\d{4}-\d\d-\d\d\/P1\/000000101\.x12$/),
        'application/edi-x12',
      ],
      [
        'x12',
        expect.stringMatching(/^interchanges\/837P\/\d{4}-\d\d-\d\d\/P2\/000000102\.x12$/),
        'application/edi-x12',
      ],
    ]);
    const bodies = puts.map((p) => String(p.Body));
    expect(bodies.map((b) => b.match(/~CLM\*([^*]+)\*/)?.[1])).toEqual(['CA', 'CB']);
    expect(bodies.every((b) => b.startsWith('ISA*') && b.includes('~ST*837*'))).toBe(true);

    expect(fetchMock).toHaveBeenCalledTimes(2);
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe('https://clearinghouse.example.com/837');
    expect(init?.method).toBe('POST');
    expect(init?.headers).toMatchObject({
      'x-api-key': 'api-key-1',
      'x-interchange-control-number': '000000101',
    });
    expect(init?.body).toBe(bodies[0]);

    expect(successes()).toEqual([
      {
        token: 'tok-a',
        output: {
          interchangeControlNumber: '000000101',
          groupControlNumber: '101',
          transactionSetControlNumber: '0101',
          x12Key: puts[0]?.Key,
        },
      },
      { token: 'tok-b', output: expect.objectContaining({ interchangeControlNumber: '000000102' }) },
    ]);

    // each interchange recorded together with its claims marked SUBMITTED (hash of the token,
    // version-checked) in ONE transaction
    const writes = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems ?? []);
    expect(writes).toHaveLength(2);
    const marks = writes.map((items) =>
      items.flatMap((i) => (i.Update?.Key?.PK?.toString().startsWith('CLAIM#') ? [i.Update] : [])),
    );
    expect(writes.map((items) => items[0]?.Put?.Item?.PK)).toEqual(['ICN#101', 'ICN#102']);
    expect(marks.map((m) => m.map((u) => [u?.Key?.PK, u?.ExpressionAttributeValues?.[':status']]))).toEqual([
      [['CLAIM#CA', 'SUBMITTED']],
      [['CLAIM#CB', 'SUBMITTED']],
    ]);
    expect(marks[0]?.[0]?.ConditionExpression).toBe('#version = :expected');
    expect(JSON.stringify(marks[0]?.[0]?.ExpressionAttributeValues)).toContain(tokenHash('tok-a'));
    // both interchanges recorded as sent
    const sent = ddb
      .commandCalls(UpdateCommand)
      .filter((c) => c.args[0].input.UpdateExpression === 'SET sentAt = :at');
    expect(sent.map((c) => c.args[0].input.Key?.PK)).toEqual(['ICN#101', 'ICN#102']);
  });

  it('leaves both records for retry and answers nothing when the clearinghouse refuses', async () => {
    fetchMock.mockResolvedValue(new Response('down', { status: 500 }));
    const res = await handler(twoPayers(), fakeContext());
    expect(res.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m1', 'm2']);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    const sent = ddb
      .commandCalls(UpdateCommand)
      .filter((c) => c.args[0].input.UpdateExpression === 'SET sentAt = :at');
    expect(sent).toHaveLength(0);
  });

  it('answers a retried message again without sending anything when its interchange was sent', async () => {
    const result = {
      interchangeControlNumber: '000000007',
      groupControlNumber: '7',
      transactionSetControlNumber: '0007',
      x12Key: 'interchanges/837P/2026-11-01/P1/000000007.x12',
    };
    items['CLAIM#CA'] = metaItem('CA', {
      status: 'SUBMITTED',
      submission: { tokenHash: tokenHash('tok-a'), result },
    });
    items['ICN#7'] = { PK: 'ICN#7', SK: 'META', interchangeControlNumber: '000000007', sentAt: at };
    const res = await handler(
      { Records: [record('m1', { claimId: 'CA', taskToken: 'tok-a' })] },
      fakeContext(),
    );
    expect(res.batchItemFailures).toEqual([]);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(successes()).toEqual([{ token: 'tok-a', output: result }]);
  });

  it('counts a token that already timed out or was answered as done, not as a batch failure', async () => {
    fetchMock.mockResolvedValue(new Response('accepted', { status: 202 }));
    sfn
      .on(SendTaskSuccessCommand, { taskToken: 'tok-a' })
      .rejects(Object.assign(new Error('Task Timed Out'), { name: 'TaskTimedOut' }))
      .on(SendTaskSuccessCommand, { taskToken: 'tok-b' })
      .rejects(Object.assign(new Error('Task does not exist'), { name: 'TaskDoesNotExist' }));
    const res = await handler(twoPayers(), fakeContext());
    expect(res.batchItemFailures).toEqual([]);
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('answers a redelivered message whose token was already answered without failing it', async () => {
    const result = {
      interchangeControlNumber: '000000007',
      groupControlNumber: '7',
      transactionSetControlNumber: '0007',
      x12Key: 'interchanges/837P/2026-11-01/P1/000000007.x12',
    };
    items['CLAIM#CA'] = metaItem('CA', {
      status: 'ACCEPTED',
      submission: { tokenHash: tokenHash('tok-a'), result },
    });
    items['ICN#7'] = {
      PK: 'ICN#7',
      SK: 'META',
      interchangeControlNumber: '000000007',
      claimIds: ['CA'],
      sentAt: at,
    };
    sfn
      .on(SendTaskSuccessCommand)
      .rejects(Object.assign(new Error('Invalid Token'), { name: 'InvalidToken' }));
    const res = await handler(
      { Records: [record('m1', { claimId: 'CA', taskToken: 'tok-a' })] },
      fakeContext(),
    );
    expect(res.batchItemFailures).toEqual([]);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('still retries a record whose token answer failed for another reason', async () => {
    fetchMock.mockResolvedValue(new Response('accepted', { status: 202 }));
    sfn
      .on(SendTaskSuccessCommand, { taskToken: 'tok-a' })
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const res = await handler(twoPayers(), fakeContext());
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
  });

  it('sends nothing for a redriven message whose claim went on to human review, and consumes it', async () => {
    items['CLAIM#CA'] = metaItem('CA', { status: 'HUMAN_REVIEW' });
    sfn
      .on(SendTaskFailureCommand)
      .rejects(Object.assign(new Error('Task Timed Out'), { name: 'TaskTimedOut' }));
    const res = await handler(
      { Records: [record('m1', { claimId: 'CA', taskToken: 'tok-a' })] },
      fakeContext(),
    );
    expect(res.batchItemFailures).toEqual([]);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(sfn.commandCalls(SendTaskFailureCommand).map((c) => c.args[0].input.error)).toEqual([
      'Submit.NotSubmittable',
    ]);
  });

  it('fails the token of an unknown claim; a malformed message is a batch item failure', async () => {
    fetchMock.mockResolvedValue(new Response('accepted', { status: 202 }));
    const res = await handler(
      {
        Records: [record('m1', { claimId: 'NOPE', taskToken: 'tok-x' }), record('m2', { claimId: '' })],
      },
      fakeContext(),
    );
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    const failures = sfn.commandCalls(SendTaskFailureCommand).map((c) => c.args[0].input);
    expect(failures).toEqual([expect.objectContaining({ taskToken: 'tok-x', error: 'ClaimNotFound' })]);
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
