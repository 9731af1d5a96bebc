import { Readable } from 'node:stream';
import {
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initialState } from '../../shared/claims/state';
import { write835 } from '../../shared/x12';
import { claimBatchGet } from '../support/claim-items';
import { fakeContext, quietPowertools } from '../support/lambda';
import { remit835 } from '../support/remit';
import { makeClaim, makePayerEnvelope } from '../unit/x12/fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
const idempotency = mockClient(DynamoDBClient);
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
type Handler = (e: SQSEvent, c: unknown) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
let handler: Handler;

const unknownClaim = (paymentCentsOverride?: number) =>
  remit835(
    [
      {
        patientControlNumber: 'CUNKNOWN',
        statusCode: '1',
        chargeCents: 10000,
        paidCents: 8000,
        patientResponsibilityCents: 0,
        payerClaimControlNumber: 'PCN1',
        adjustments: [{ group: 'CO', reason: '45', amountCents: 2000 }],
        services: [],
        remarkCodes: [],
      },
    ],
    { traceNumber: 'TRACE9', ...(paymentCentsOverride !== undefined ? { paymentCentsOverride } : {}) },
  );

function event(): SQSEvent {
  const body = {
    bucket: 'x12',
    key: 'inbound/simclear/a.x12',
    contentHash: 'a'.repeat(64),
    clearinghouse: 'simclear',
    kind: '835',
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
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:remit',
        awsRegion: 'us-east-1',
      },
    ],
  };
}

beforeAll(async () => {
  quietPowertools();
  Object.assign(process.env, { TABLE_NAME: 'claims', X12_BUCKET: 'x12', IDEMPOTENCY_TABLE_NAME: 'idem' });
  handler = (await import('../../functions/post-remittance/handler')).handler as unknown as Handler;
});

beforeEach(() => {
  ddb.reset();
  idempotency.reset();
  idempotency.on(PutItemCommand).resolves({});
  idempotency.on(UpdateItemCommand).resolves({});
  idempotency.on(DeleteItemCommand).resolves({});
  s3.reset();
  sfn.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(BatchGetCommand).resolves({ Responses: {} });
});

const body = (text: string) => Readable.from([Buffer.from(text)]) as never;

const paidC1 = () =>
  remit835(
    [
      {
        patientControlNumber: 'C1',
        statusCode: '1',
        chargeCents: 12500,
        paidCents: 10000,
        patientResponsibilityCents: 0,
        payerClaimControlNumber: 'PCN1',
        adjustments: [{ group: 'CO', reason: '45', amountCents: 2500 }],
        services: [],
        remarkCodes: [],
      },
    ],
    { traceNumber: 'TRACE7' },
  );

/** The META item of claim C1 (as claimMetaItem writes it), ACCEPTED and waiting on AwaitRemit. */
function waitingClaim() {
  const at = '2026-11-01T00:00:00.000Z';
  const claim = makeClaim({ claimId: 'C1' });
  return {
    PK: 'CLAIM#C1',
    SK: 'META',
    entity: 'CLAIM',
    ...initialState('C1', at),
    status: 'ACCEPTED',
    version: 5,
    seq: 5,
    waiting: { kind: 'REMIT', taskToken: 'tok-remit', since: at },
    practiceId: claim.practiceId,
    claim,
    createdAt: at,
  };
}

describe('post-remittance', () => {
  it("posts a matched payment once and answers the claim's AwaitRemit token with its route", async () => {
    s3.on(GetObjectCommand).callsFake(() => ({ Body: body(paidC1()) }));
    ddb
      .on(GetCommand)
      .callsFake((input: { Key: { SK: string } }) =>
        input.Key.SK === 'META' ? { Item: waitingClaim() } : {},
      );
    ddb.on(BatchGetCommand).callsFake(claimBatchGet(() => waitingClaim()));
    ddb.on(TransactWriteCommand).resolves({});
    sfn.on(SendTaskSuccessCommand).resolves({});
    const res = await handler(event(), fakeContext());
    expect(res.batchItemFailures).toEqual([]);

    const [posting, outcome] = ddb
      .commandCalls(TransactWriteCommand)
      .map((c) => c.args[0].input.TransactItems ?? []);
    const ledger = (posting ?? []).flatMap((i) => (i.Put?.Item?.SK ? [i.Put.Item.SK as string] : []));
    expect(ledger.filter((sk) => sk.startsWith('LEDGER#')).length).toBeGreaterThan(0);
    const postingMarker = ledger.find((sk) => sk.startsWith('POSTED#'));
    expect(postingMarker).toContain('TRACE7');

    const answers = sfn.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input);
    expect(answers).toHaveLength(1);
    expect(answers[0]?.taskToken).toBe('tok-remit');
    expect(JSON.parse(answers[0]?.output ?? '{}')).toMatchObject({
      route: 'PAID',
      paidCents: 10000,
      payerClaimControlNumber: 'PCN1',
      traceNumber: 'TRACE7',
    });
    // the wait is cleared, version-checked, with the delivery marker added in the same update
    expect(outcome?.[0]?.Update?.ConditionExpression).toBe(
      '#version = :expected AND NOT contains(#markers, :marker)',
    );
    expect(outcome?.[0]?.Update?.ExpressionAttributeValues?.[':expected']).toBe(5);
    expect(outcome?.[0]?.Update?.UpdateExpression).toContain('REMOVE #waiting');
    expect(outcome?.[1]?.Put?.Item).toMatchObject({ type: 'REMIT_POSTED', claimId: 'C1' });
    expect(outcome?.[0]?.Update?.ExpressionAttributeValues?.[':marker']).toBe(
      `OUTCOME#${postingMarker?.slice('POSTED#'.length)}`,
    );
  });

  it('reads the 835 twice (validate, then post) and posts its PLB to the provider ledger with the trace', async () => {
    const x12 = write835({
      envelope: makePayerEnvelope(),
      payer: {
        name: 'PAYER',
        identifier: '1999999999',
        address: { line1: '1 A ST', city: 'X', state: 'CT', zip: '061030001' },
      },
      payee: { name: 'CLINIC', npi: '1234567893' },
      traceNumber: 'TRACEP',
      paymentMethod: 'ACH',
      paymentDate: '2026-11-01',
      claims: [],
      providerAdjustments: [
        { providerId: '1234567893', fiscalPeriodDate: '2026-12-31', reason: 'L6', amountCents: -250 },
      ],
    }).x12;
    s3.on(GetObjectCommand).callsFake(() => ({ Body: body(x12) }));
    ddb.on(TransactWriteCommand).resolves({});
    const res = await handler(event(), fakeContext());
    expect(res.batchItemFailures).toEqual([]);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(2);
    const items = ddb.commandCalls(TransactWriteCommand).flatMap((c) => c.args[0].input.TransactItems ?? []);
    expect(items.map((i) => [i.Put?.Item?.PK, i.Put?.Item?.SK, i.Put?.Item?.amountCents])).toEqual([
      ['PROVIDER#1234567893', 'LEDGER#TRACEP#000', -250],
      ['REMIT#TRACEP', 'PLB#000', -250],
    ]);
  });

  it('makes a work item of a payment for an unknown claim and posts nothing', async () => {
    s3.on(GetObjectCommand).callsFake(() => ({ Body: body(unknownClaim()) }));
    const res = await handler(event(), fakeContext());
    expect(res.batchItemFailures).toEqual([]);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    const work = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input.Key);
    expect(work).toContainEqual({ PK: 'WORK#UNMATCHED_REMIT', SK: 'REF#TRACE9/CUNKNOWN' });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('holds an unbalanced 835: nothing posted, a work item, the message is done', async () => {
    s3.on(GetObjectCommand).callsFake(() => ({ Body: body(unknownClaim(1)) }));
    const res = await handler(event(), fakeContext());
    expect(res.batchItemFailures).toEqual([]);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input.Key?.PK)).toContain('WORK#REMIT_HELD');
  });

  it('claims the file once in the idempotency table by its content hash', async () => {
    s3.on(GetObjectCommand).callsFake(() => ({ Body: body(unknownClaim()) }));
    await handler(event(), fakeContext());
    const put = idempotency.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(put?.TableName).toBe('idem');
    expect(put?.ConditionExpression).toContain('attribute_not_exists');
  });

  it('reports the record as failed (retried, then dead-lettered) when S3 fails', async () => {
    s3.on(GetObjectCommand).rejects(new Error('boom'));
    await expect(handler(event(), fakeContext())).rejects.toThrow(/All records failed/);
  });
});
