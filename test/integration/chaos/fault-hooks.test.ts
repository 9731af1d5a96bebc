/**
 * The fault hooks the chaos harness drives: each boundary fault does what it says (and nothing more)
 * in the emulators, the simulator and the redrive command.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redrive } from '../../../cli/redrive';
import { createTable, startDynamo, type WriteFaultHook } from '../../../local/emulators/dynamo';
import { localClientConfig, startSqsS3 } from '../../../local/emulators/fauxqs';
import { startSimulator } from '../../../local/simulator/server';
import { tableDefinition } from '../../../shared/store';
import { checkBalance, detectTransaction, read835Sync, write837P } from '../../../shared/x12';
import { makeClaim, makeEnvelope, makeLine } from '../../unit/x12/fixtures';

describe('DynamoDB write faults', () => {
  let fault: ReturnType<WriteFaultHook>;
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  let ddb: DynamoDBClient;
  beforeAll(async () => {
    dynamo = await startDynamo({ onWrite: (op) => (op === 'PutItem' ? fault : undefined) });
    ddb = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: dynamo.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    await createTable(ddb, tableDefinition, 'faults');
  });
  afterAll(() => dynamo.stop());

  const put = (pk: string) =>
    ddb.send(new PutItemCommand({ TableName: 'faults', Item: { PK: { S: pk }, SK: { S: 'META' } } }));
  const exists = async (pk: string) =>
    Boolean(
      (await ddb.send(new GetItemCommand({ TableName: 'faults', Key: { PK: { S: pk }, SK: { S: 'META' } } })))
        .Item,
    );

  it("'fail' answers 500 and writes nothing; 'lose' writes and answers 500; none writes and answers 200", async () => {
    fault = 'fail';
    await expect(put('A')).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    fault = 'lose';
    await expect(put('B')).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    fault = undefined;
    await put('C');
    fault = 'fail';
    expect([await exists('A'), await exists('B'), await exists('C')]).toEqual([false, true, true]);
  });
});

describe('redrive', () => {
  let aws: Awaited<ReturnType<typeof startSqsS3>>;
  let sqs: SQSClient;
  beforeAll(async () => {
    aws = await startSqsS3();
    sqs = new SQSClient(localClientConfig(aws.endpoint));
  });
  afterAll(() => aws.stop());

  const depth = async (url: string) =>
    Number(
      (
        await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
        )
      ).Attributes?.ApproximateNumberOfMessages,
    );

  it('moves every dead-lettered message back to its source queue, bodies unchanged', async () => {
    const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: 'r-dlq' }))).QueueUrl as string;
    const source = (await sqs.send(new CreateQueueCommand({ QueueName: 'r' }))).QueueUrl as string;
    for (let i = 0; i < 13; i++)
      await sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: `m${i}` }));
    expect(await redrive(sqs, { from: dlq, to: source, max: 3 })).toEqual({ moved: 3 });
    expect(await redrive(sqs, { from: dlq, to: source })).toEqual({ moved: 10 });
    expect(await depth(dlq)).toBe(0);
    expect(await depth(source)).toBe(13);
  });
});

describe('simulator faults', () => {
  const bodies: string[] = [];
  let receiver: ReturnType<typeof createServer>;
  let url = '';
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/simclear`;
  });
  afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

  it('times out a received POST, takes a resend of the same interchange once, re-sends and re-envelopes 835s with PLB', async () => {
    let drop = true;
    const sim = await startSimulator({
      seed: 3,
      apiKey: 'k',
      webhookUrl: url,
      webhookKey: 'webhook-key-0123456789abcdef',
      delays: { ackMs: 1, claimAckMs: 2, remitMs: 3 },
      faults: {
        dropResponse: () => drop,
        resend: (kind) => kind === '999',
        reenvelope: () => true,
        providerAdjustments: (_trace, npi) => [
          { providerId: npi, fiscalPeriodDate: '2026-12-31', reason: 'L6', amountCents: -250 },
        ],
      },
    });
    try {
      const claims = [makeClaim({ claimId: 'CHAOS1', lines: [makeLine({ chargeCents: 10_000 })] })];
      const x12 = write837P({
        claims,
        envelope: makeEnvelope({ interchangeControlNumber: 41, groupControlNumber: 41 }),
      }).x12;
      const post = () => fetch(sim.url, { method: 'POST', headers: { 'x-api-key': 'k' }, body: x12 });
      await expect(post()).rejects.toThrow(); // received, but the answer never comes
      drop = false;
      const again = await post();
      expect(again.status).toBe(202);
      expect(await again.json()).toEqual({ accepted: 0, duplicate: true });
      await sim.idle();
      expect(sim.adjudications().get('CHAOS1')?.times).toBe(1);

      const kinds = bodies.map((b) => detectTransaction(b).transactionSetId);
      expect(kinds.filter((k) => k === '999')).toHaveLength(2); // sent, then re-sent byte for byte
      expect(kinds.filter((k) => k === '277')).toHaveLength(1);
      const remits = bodies
        .filter((b) => detectTransaction(b).transactionSetId === '835')
        .flatMap((b) => read835Sync(b));
      expect(remits).toHaveLength(2);
      const [a, b] = remits;
      expect(a?.traceNumber).not.toBe(b?.traceNumber);
      expect(a?.interchangeControlNumber).not.toBe(b?.interchangeControlNumber);
      expect(b?.claims).toEqual(a?.claims);
      for (const r of remits) {
        expect(checkBalance(r)).toEqual([]);
        expect(r.providerAdjustments.map((p) => p.amountCents)).toEqual([-250]);
      }
    } finally {
      await sim.stop();
    }
  });
});
