/**
 * The SQS event source mapping emulation: real-shaped SQSEvent, partial batch failures, whole-batch
 * failure on a throw, dead-lettering through the queue's RedrivePolicy, and a stop that waits.
 */
import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig, startSqsS3 } from '../../../local/emulators/fauxqs';
import { startQueuePoller } from '../../../local/emulators/queue-poller';

let aws: Awaited<ReturnType<typeof startSqsS3>>;
let sqs: SQSClient;

beforeAll(async () => {
  aws = await startSqsS3();
  sqs = new SQSClient(localClientConfig(aws.endpoint));
});
afterAll(async () => aws?.stop());

const arn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

async function queue(name: string, maxReceiveCount?: number): Promise<string> {
  if (maxReceiveCount) await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const out = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      ...(maxReceiveCount
        ? {
            Attributes: {
              RedrivePolicy: JSON.stringify({
                deadLetterTargetArn: arn(`${name}-dlq`),
                maxReceiveCount: String(maxReceiveCount),
              }),
            },
          }
        : {}),
    }),
  );
  return out.QueueUrl as string;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function depth(url: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(out.Attributes?.ApproximateNumberOfMessages) +
    Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

describe('queue poller', () => {
  it('hands the handler a real-shaped SQSEvent', async () => {
    const url = await queue('shape');
    const events: SQSEvent[] = [];
    const poller = startQueuePoller({
      sqs,
      queueUrl: url,
      queueArn: arn('shape'),
      functionName: 'shape-fn',
      handler: async (event, context) => {
        expect(context.functionName).toBe('shape-fn');
        events.push(event);
        return { batchItemFailures: [] };
      },
    });
    try {
      const sent = await sqs.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: '{"hello":"world"}',
          MessageAttributes: { kind: { DataType: 'String', StringValue: '835' } },
        }),
      );
      await until(() => events.length > 0, 'the event');
      const record = events[0]?.Records[0] as SQSRecord;
      expect(record).toMatchObject({
        messageId: sent.MessageId,
        body: '{"hello":"world"}',
        eventSource: 'aws:sqs',
        eventSourceARN: arn('shape'),
        awsRegion: 'us-east-1',
        md5OfBody: createHash('md5').update('{"hello":"world"}').digest('hex'),
        messageAttributes: { kind: { dataType: 'String', stringValue: '835' } },
      });
      expect(record.receiptHandle).toBeTruthy();
      expect(record.attributes.ApproximateReceiveCount).toBe('1');
      expect(Number(record.attributes.SentTimestamp)).toBeGreaterThan(0);
      await until(async () => (await depth(url)) === 0, 'the message to be deleted');
    } finally {
      await poller.stop();
    }
  });

  it("reports the function's timeout in the context, as Lambda does", async () => {
    const url = await queue('timeout');
    const remaining: number[] = [];
    const poller = startQueuePoller({
      sqs,
      queueUrl: url,
      queueArn: arn('timeout'),
      functionName: 'timeout-fn',
      functionTimeoutMs: 4_000,
      handler: async (_event, context) => {
        remaining.push(context.getRemainingTimeInMillis());
        return { batchItemFailures: [] };
      },
    });
    try {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
      await until(() => remaining.length > 0, 'the invocation');
      expect(remaining[0]).toBeGreaterThan(3_000);
      expect(remaining[0]).toBeLessThanOrEqual(4_000);
    } finally {
      await poller.stop();
    }
  });

  it('waits longer before each retry of a failing message (1, 2, 4, 8 x the first delay)', async () => {
    const url = await queue('backoff', 5);
    const delays: number[] = [];
    const recording = {
      send: (command: { input: { VisibilityTimeout?: number } }) => {
        if (command instanceof ChangeMessageVisibilityCommand) {
          delays.push(command.input.VisibilityTimeout as number);
          // Make it visible at once so the test does not wait for the real delay.
          return sqs.send(new ChangeMessageVisibilityCommand({ ...command.input, VisibilityTimeout: 0 }));
        }
        return sqs.send(command as never);
      },
    } as unknown as typeof sqs;
    const poller = startQueuePoller({
      sqs: recording,
      queueUrl: url,
      queueArn: arn('backoff'),
      functionName: 'backoff-fn',
      retryDelaySeconds: 3,
      handler: async () => {
        throw new Error('always fails');
      },
    });
    try {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
      await until(() => delays.length >= 5, 'five failed receives');
      expect(delays.slice(0, 5)).toEqual([3, 6, 12, 24, 24]);
    } finally {
      await poller.stop();
    }
  });

  it('fault hooks: a duplicated message is delivered twice (its copy once), a "crashed" one again', async () => {
    const url = await queue('faults');
    const seen: string[] = [];
    let crashes = 1;
    const poller = startQueuePoller({
      sqs,
      queueUrl: url,
      queueArn: arn('faults'),
      functionName: 'faults-fn',
      retryDelaySeconds: 0,
      faults: {
        duplicate: (m) => m.Body === 'dup',
        crashBeforeDelete: (m) => m.Body === 'crash' && crashes-- > 0,
        reorder: (messages) => [...messages].reverse(),
      },
      handler: async (event) => {
        for (const r of event.Records) seen.push(r.body);
        return { batchItemFailures: [] };
      },
    });
    try {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'dup' }));
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'crash' }));
      await until(() => seen.length >= 4, 'four deliveries');
      await until(async () => (await depth(url)) === 0, 'the queue to drain');
      expect(seen.sort()).toEqual(['crash', 'crash', 'dup', 'dup']);
    } finally {
      await poller.stop();
    }
  });

  it('deletes what succeeded and redelivers batchItemFailures', async () => {
    const url = await queue('partial');
    const seen: { body: string; receiveCount: string }[] = [];
    const poller = startQueuePoller({
      sqs,
      queueUrl: url,
      queueArn: arn('partial'),
      functionName: 'partial-fn',
      retryDelaySeconds: 0,
      batchSize: 10,
      batchWindowMs: 200,
      handler: async (event): Promise<SQSBatchResponse> => {
        const failures = [];
        for (const r of event.Records) {
          seen.push({ body: r.body, receiveCount: r.attributes.ApproximateReceiveCount });
          if (r.body === 'flaky' && r.attributes.ApproximateReceiveCount === '1')
            failures.push({ itemIdentifier: r.messageId });
        }
        return { batchItemFailures: failures };
      },
    });
    try {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: ['a', 'flaky', 'b'].map((body, i) => ({ Id: String(i), MessageBody: body })),
        }),
      );
      await until(() => seen.some((s) => s.body === 'flaky' && s.receiveCount === '2'), 'the retry');
      await until(async () => (await depth(url)) === 0, 'the queue to empty');
      expect(seen.filter((s) => s.body === 'a')).toHaveLength(1);
      expect(seen.filter((s) => s.body === 'b')).toHaveLength(1);
      expect(seen.filter((s) => s.body === 'flaky').map((s) => s.receiveCount)).toEqual(['1', '2']);
    } finally {
      await poller.stop();
    }
  });

  it('fails the whole batch when the handler throws or names an unknown message', async () => {
    const url = await queue('whole');
    const attempts = new Map<string, number>();
    const errors: unknown[] = [];
    let calls = 0;
    const poller = startQueuePoller({
      sqs,
      queueUrl: url,
      queueArn: arn('whole'),
      functionName: 'whole-fn',
      retryDelaySeconds: 0,
      batchWindowMs: 200,
      onError: (err) => errors.push(err),
      handler: async (event) => {
        calls++;
        for (const r of event.Records) attempts.set(r.body, (attempts.get(r.body) ?? 0) + 1);
        if (calls === 1) throw new Error('boom');
        if (calls === 2) return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
        return { batchItemFailures: [] };
      },
    });
    try {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: ['x', 'y'].map((body, i) => ({ Id: String(i), MessageBody: body })),
        }),
      );
      await until(async () => (await depth(url)) === 0 && calls >= 3, 'the batch to succeed');
      expect(attempts.get('x')).toBeGreaterThanOrEqual(3);
      expect(attempts.get('y')).toBeGreaterThanOrEqual(3);
      expect(errors.map((e) => (e as Error).message)).toContain('boom');
    } finally {
      await poller.stop();
    }
  });

  it('leaves a message that keeps failing to the queue redrive: DLQ after maxReceiveCount', async () => {
    const url = await queue('poison', 3);
    const counts: string[] = [];
    const poller = startQueuePoller({
      sqs,
      queueUrl: url,
      queueArn: arn('poison'),
      functionName: 'poison-fn',
      retryDelaySeconds: 0,
      handler: async (event) => {
        counts.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
        return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });
    try {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
      const dlqUrl = url.replace(/poison$/, 'poison-dlq');
      let body: string | undefined;
      await until(async () => {
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 0 }));
        body = out.Messages?.[0]?.Body;
        return body !== undefined;
      }, 'the DLQ');
      expect(body).toBe('poison');
      expect(counts).toEqual(['1', '2', '3']);
    } finally {
      await poller.stop();
    }
  });

  it('stop() waits for the batch in flight', async () => {
    const url = await queue('slow');
    let started = false;
    let finished = false;
    const poller = startQueuePoller({
      sqs,
      queueUrl: url,
      queueArn: arn('slow'),
      functionName: 'slow-fn',
      handler: async () => {
        started = true;
        await new Promise((r) => setTimeout(r, 300));
        finished = true;
        return { batchItemFailures: [] };
      },
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'slow' }));
    await until(() => started, 'the handler to start');
    expect(poller.inFlight()).toBe(1);
    await poller.stop();
    expect(finished).toBe(true);
    expect(poller.inFlight()).toBe(0);
    expect(await depth(url)).toBe(0);
  });
});
