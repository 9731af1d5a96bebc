/**
 * ingest-charges (file step) and ingest-claims (chunk step) wiring, with every AWS call mocked and
 * delayed 10-20 ms: the file step writes manifests and queues chunks but starts nothing; the chunk
 * step writes its claims, starts their executions and marks itself done; a redelivery is a no-op.
 */
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateDemoChargeCsv } from '../../local/sample-data/generate';
import type { ChunkManifest, ChunkRef } from '../../shared/services/ingest';
import { fakeContext, quietPowertools } from '../support/lambda';

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
const sfn = mockClient(SFNClient);
type Handler = (e: SQSEvent, c: unknown) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
let ingestCharges: Handler;
let ingestClaims: Handler;

const CHUNK_QUEUE = 'https://sqs.us-east-1.amazonaws.com/000000000000/claimflow-intake-claims';
const CLAIMS = 30;
const csv = generateDemoChargeCsv({
  seed: 5,
  practiceId: 'PRAC1',
  claims: CLAIMS,
  today: '2026-11-20',
  errorRate: 0,
  badRows: 0,
});

let tick = 0;
/** Every mocked AWS call takes 10-20 ms. */
const slow =
  <I, T>(fn: (input: I) => T) =>
  async (input: I): Promise<T> => {
    tick = (tick + 7) % 11;
    await new Promise((r) => setTimeout(r, 10 + tick));
    return fn(input);
  };

function sqsEvent(bodies: unknown[]): SQSEvent {
  return {
    Records: bodies.map((b, i) => ({
      messageId: `m${i}`,
      receiptHandle: `r${i}`,
      body: JSON.stringify(b),
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
    })),
  };
}

const s3Event = (key: string, versionId?: string) => ({
  Records: [
    {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: '2026-11-20T12:00:00.000Z',
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'x' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': 'x', 'x-amz-id-2': 'x' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'c',
        bucket: { name: 'charges', ownerIdentity: { principalId: 'x' }, arn: 'arn:aws:s3:::charges' },
        object: { key, size: 1, eTag: 'e', sequencer: '1', ...(versionId ? { versionId } : {}) },
      },
    },
  ],
});

/** What S3 holds, written by the handlers. */
let objects: Map<string, string>;
let markers: Set<string>;

beforeAll(async () => {
  quietPowertools();
  Object.assign(process.env, {
    TABLE_NAME: 'claims',
    ERRORS_BUCKET: 'charges',
    CHUNK_QUEUE_URL: CHUNK_QUEUE,
    CLAIMS_PER_CHUNK: '10',
    STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:claim',
  });
  ingestCharges = (await import('../../functions/ingest-charges/handler')).handler as unknown as Handler;
  ingestClaims = (await import('../../functions/ingest-claims/handler')).handler as unknown as Handler;
});

beforeEach(() => {
  objects = new Map();
  markers = new Set();
  for (const m of [ddb, s3, sqs, sfn]) m.reset();
  s3.on(GetObjectCommand).callsFake(
    slow((input: { Key: string }) => {
      if (input.Key === 'charges/PRAC1/day.csv')
        return { Body: Readable.from([Buffer.from(csv)]), ContentType: 'text/csv', ETag: '"abc123"' };
      const text = objects.get(input.Key);
      if (text === undefined) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
      return { Body: Readable.from([Buffer.from(text)]) };
    }),
  );
  s3.on(PutObjectCommand).callsFake(
    slow((input: { Key: string; Body: string }) => {
      objects.set(input.Key, input.Body);
      return {};
    }),
  );
  ddb
    .on(GetCommand)
    .callsFake(
      slow((input: { Key: { PK: string; SK: string } }) =>
        markers.has(`${input.Key.PK}|${input.Key.SK}`) ? { Item: { PK: input.Key.PK } } : {},
      ),
    );
  ddb.on(PutCommand).callsFake(slow(() => ({})));
  ddb.on(UpdateCommand).callsFake(slow(() => ({})));
  ddb.on(BatchGetCommand).callsFake(slow(() => ({ Responses: { claims: [] } })));
  ddb.on(TransactWriteCommand).callsFake(
    slow((input: { TransactItems: { Put?: { Item: { PK: string; SK: string; entity: string } } }[] }) => {
      const put = input.TransactItems[0]?.Put?.Item;
      if (put?.entity === 'FILE_CHUNK') markers.add(`${put.PK}|${put.SK}`);
      return {};
    }),
  );
  sqs.on(SendMessageBatchCommand).callsFake(slow(() => ({ Successful: [], Failed: [] })));
  sfn.on(StartExecutionCommand).callsFake(slow(() => ({ executionArn: 'arn', startDate: new Date() })));
});

const callCount = () => [ddb, s3, sqs, sfn].reduce((n, m) => n + (m.calls() as unknown[]).length, 0);

describe('ingest-charges and ingest-claims', () => {
  it('splits the file into queued chunks, then each chunk writes its claims and starts them', async () => {
    const res = await ingestCharges(sqsEvent([s3Event('charges/PRAC1/day.csv')]), fakeContext());
    expect(res.batchItemFailures).toEqual([]);
    expect(sfn.commandCalls(StartExecutionCommand)).toEqual([]);
    expect(ddb.commandCalls(TransactWriteCommand)).toEqual([]);
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'charges',
      Key: 'charges/PRAC1/day.csv',
    });
    const refs = sqs
      .commandCalls(SendMessageBatchCommand)
      .flatMap((c) => c.args[0].input.Entries ?? [])
      .map((e) => JSON.parse(e.MessageBody ?? '') as ChunkRef);
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.QueueUrl).toBe(CHUNK_QUEUE);
    expect(refs.map((r) => [r.chunk, r.chunks, r.version, r.manifestKey])).toEqual(
      [1, 2, 3].map((i) => [i, 3, 'abc123', `intake/PRAC1/day.csv/abc123/chunk-0000${i}.json`]),
    );
    const fileCalls = callCount();
    expect(fileCalls).toBeLessThanOrEqual(12);

    const started: string[] = [];
    for (const ref of refs) {
      for (const m of [ddb, s3, sqs, sfn]) m.resetHistory();
      const out = await ingestClaims(sqsEvent([ref]), fakeContext('ingest-claims'));
      expect(out.batchItemFailures).toEqual([]);
      const manifest = JSON.parse(objects.get(ref.manifestKey) ?? '') as ChunkManifest;
      const names = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name as string);
      expect(names).toEqual(manifest.claims.map((c) => c.claimId));
      started.push(...names);
      // marker check + manifest + (intake record + claim transaction + start) per claim + marker + DONE check
      expect(callCount()).toBeLessThanOrEqual(4 + 3 * 10);
      const intakes = ddb
        .commandCalls(TransactWriteCommand)
        .map((c) => c.args[0].input.TransactItems?.[1]?.Put?.Item)
        .filter((i) => i?.SK === 'INTAKE');
      expect(intakes.map((i) => i?.claimId)).toEqual(manifest.claims.map((c) => c.claimId));
      const last = ddb.commandCalls(TransactWriteCommand).at(-1)?.args[0].input.TransactItems?.[0]?.Put?.Item;
      expect(last).toMatchObject({ PK: 'FILE#charges/PRAC1/day.csv', SK: `CHUNK#abc123#0000${ref.chunk}` });
    }
    expect(new Set(started).size).toBe(CLAIMS);

    // A redelivered chunk: the marker is found, nothing else happens.
    for (const m of [ddb, s3, sqs, sfn]) m.resetHistory();
    const again = await ingestClaims(sqsEvent([refs[0]]), fakeContext('ingest-claims'));
    expect(again.batchItemFailures).toEqual([]);
    expect(callCount()).toBe(1);
  });

  it('reads the object version the notification names', async () => {
    const res = await ingestCharges(sqsEvent([s3Event('charges/PRAC1/day.csv', 'ver-2')]), fakeContext());
    expect(res.batchItemFailures).toEqual([]);
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'charges',
      Key: 'charges/PRAC1/day.csv',
      VersionId: 'ver-2',
    });
    const keys = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);
    expect(keys).toContain('intake/PRAC1/day.csv/ver-2/chunk-00001.json');
  });

  it('fails the chunk message (to be retried) when the manifest cannot be read', async () => {
    const ref: ChunkRef = {
      bucket: 'charges',
      fileKey: 'charges/PRAC1/day.csv',
      version: 'abc123',
      chunk: 1,
      chunks: 1,
      manifestKey: 'intake/PRAC1/day.csv/abc123/chunk-00001.json',
    };
    // The only record failed: the whole batch fails and SQS redelivers it (then the DLQ).
    await expect(ingestClaims(sqsEvent([ref]), fakeContext('ingest-claims'))).rejects.toThrow(
      /All records failed/,
    );
    expect(sfn.commandCalls(StartExecutionCommand)).toEqual([]);
  });
});
