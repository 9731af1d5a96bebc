/**
 * A Lambda event source mapping for SQS, locally: long-polls a queue, hands batches to the handler
 * as a real-shaped SQSEvent, deletes what succeeded, leaves batchItemFailures (or a whole failed
 * batch) for redelivery. Dead-lettering after maxReceiveCount is the queue's own RedrivePolicy.
 */
import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaContext } from './lambda-context';

export interface PollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  functionName: string;
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;
  batchSize?: number;
  /** Batches handled at once (Lambda's concurrency for the mapping); default 1. */
  concurrency?: number;
  /** Like Lambda's MaximumBatchingWindowInSeconds, in ms. */
  batchWindowMs?: number;
  /**
   * Seconds a failed message stays invisible before its first retry; each further retry waits twice as
   * long (1, 2, 4, 8 x this), so that the receives before the DLQ span more than the function timeout.
   */
  retryDelaySeconds?: number;
  /** The function's timeout, as its context reports it (getRemainingTimeInMillis); default 60 s. */
  functionTimeoutMs?: number;
  onError?: (err: unknown) => void;
  /** Metering (npm run cost): a receive that returned messages, with their bodies' size. */
  meter?: { sqs(payloadBytes: number): void };
  /** Fault hooks of the chaos harness. */
  faults?: {
    /** true: the message is delivered once more (a copy is enqueued; copies are not copied again). */
    duplicate?(message: Message): boolean;
    /** true: the handler succeeded but the message is not deleted, as if it crashed: it is redelivered. */
    crashBeforeDelete?(message: Message): boolean;
    /** Reorders a received batch. */
    reorder?(messages: Message[]): Message[];
  };
}

/** Message attribute that marks a copy made by the `duplicate` fault. */
const COPY_ATTRIBUTE = 'chaos-copy';

export function startQueuePoller(opts: PollerOptions) {
  const batchSize = opts.batchSize ?? 10;
  let stopped = false;
  let inFlight = 0;
  const current = new Set<Promise<void>>();

  const receive = async (max: number, waitSeconds: number): Promise<Message[]> => {
    const out = await opts.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: opts.queueUrl,
        MaxNumberOfMessages: Math.min(10, max),
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
        VisibilityTimeout: 60,
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length > 0)
      opts.meter?.sqs(messages.reduce((n, m) => n + Buffer.byteLength(m.Body ?? ''), 0));
    return messages;
  };

  const toEvent = (messages: Message[]): SQSEvent => ({
    Records: messages.map((m) => ({
      messageId: m.MessageId as string,
      receiptHandle: m.ReceiptHandle as string,
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: m.Attributes?.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp:
          m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {}).map(([name, a]) => [
          name,
          {
            dataType: a.DataType ?? 'String',
            ...(a.StringValue !== undefined ? { stringValue: a.StringValue } : {}),
            ...(a.BinaryValue !== undefined
              ? { binaryValue: Buffer.from(a.BinaryValue).toString('base64') }
              : {}),
            stringListValues: [],
            binaryListValues: [],
          },
        ]),
      ),
      md5OfBody:
        m.MD5OfBody ??
        createHash('md5')
          .update(m.Body ?? '')
          .digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: opts.queueArn,
      awsRegion: 'us-east-1',
    })),
  });

  const retryDelay = (m: Message) => {
    const receives = Number(m.Attributes?.ApproximateReceiveCount ?? 1);
    return (opts.retryDelaySeconds ?? 1) * 2 ** Math.min(Math.max(receives - 1, 0), 3);
  };

  const duplicate = async (m: Message) => {
    if (m.MessageAttributes?.[COPY_ATTRIBUTE] || !opts.faults?.duplicate?.(m)) return;
    await opts.sqs.send(
      new SendMessageCommand({
        QueueUrl: opts.queueUrl,
        MessageBody: m.Body ?? '',
        MessageAttributes: {
          ...(m.MessageAttributes ?? {}),
          [COPY_ATTRIBUTE]: { DataType: 'String', StringValue: m.MessageId ?? '' },
        },
      }),
    );
  };

  const handle = async (received: Message[]) => {
    inFlight += received.length;
    const messages = opts.faults?.reorder ? opts.faults.reorder(received) : received;
    try {
      for (const m of messages) await duplicate(m);
      let failed: Set<string>;
      try {
        const res = await opts.handler(
          toEvent(messages),
          lambdaContext(opts.functionName, opts.functionTimeoutMs),
        );
        const ids = (res?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
        // As Lambda does: an identifier that is empty or not in the batch fails the whole batch.
        const known = new Set(messages.map((m) => m.MessageId as string));
        failed = ids.every((id) => typeof id === 'string' && known.has(id)) ? new Set(ids) : known;
      } catch (err) {
        opts.onError?.(err);
        failed = new Set(messages.map((m) => m.MessageId as string));
      }
      const done: Message[] = [];
      for (const m of messages) {
        if (failed.has(m.MessageId as string) || opts.faults?.crashBeforeDelete?.(m)) {
          await opts.sqs.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: opts.queueUrl,
              ReceiptHandle: m.ReceiptHandle,
              VisibilityTimeout: retryDelay(m),
            }),
          );
        } else {
          done.push(m);
        }
      }
      // As Lambda's event source mapping does: the processed messages deleted ten per request. One the
      // queue fails to delete comes back after its visibility timeout (at least once, as on AWS).
      for (let i = 0; i < done.length; i += 10) {
        await opts.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: opts.queueUrl,
            Entries: done.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      }
    } finally {
      inFlight -= received.length;
    }
  };

  const loop = async () => {
    while (!stopped) {
      try {
        const batch = await receive(batchSize, 1);
        if (batch.length === 0) continue;
        inFlight += batch.length; // counted while the window collects more
        try {
          const deadline = Date.now() + (opts.batchWindowMs ?? 0);
          while (batch.length < batchSize && Date.now() < deadline && !stopped) {
            const more = await receive(batchSize - batch.length, 0);
            if (more.length === 0) await new Promise((r) => setTimeout(r, 25));
            batch.push(...more);
          }
        } finally {
          inFlight -= batch.length;
        }
        const handling = handle(batch);
        current.add(handling);
        try {
          await handling;
        } finally {
          current.delete(handling);
        }
      } catch (err) {
        if (!stopped) opts.onError?.(err);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const running = Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 1) }, loop));

  return {
    inFlight: () => inFlight,
    async stop(): Promise<void> {
      stopped = true;
      await Promise.all([...current].map((p) => p.catch(() => undefined)));
      await running;
    },
  };
}
