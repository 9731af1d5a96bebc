/**
 * Redrive: moves the messages of a dead-letter queue back to the queue they came from, so that the
 * consumer processes them again (docs/guarantees.md says when that is safe: for every claimflow
 * queue it is, since every consumer is idempotent).
 *
 *   npm run redrive -- --from <DLQ url> --to <source queue url> [--max N] [--region R] [--endpoint URL]
 *
 * It receives a batch, sends each message to the source queue (same body and attributes), and only
 * then deletes it from the DLQ: a crash in between leaves a copy in both, which the consumer absorbs
 * as a duplicate. On AWS, `aws sqs start-message-move-task --source-arn <DLQ arn>` does the same.
 */
import {
  DeleteMessageCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

export interface RedriveResult {
  moved: number;
}

export async function redrive(
  sqs: SQSClient,
  opts: { from: string; to: string; max?: number },
): Promise<RedriveResult> {
  const max = opts.max ?? Number.POSITIVE_INFINITY;
  let moved = 0;
  while (moved < max) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: opts.from,
        MaxNumberOfMessages: Math.min(10, max - moved),
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
        VisibilityTimeout: 30,
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) break;
    for (const m of messages) {
      const attributes: Record<string, MessageAttributeValue> = {};
      for (const [name, a] of Object.entries(m.MessageAttributes ?? {})) {
        if (a.DataType) attributes[name] = a;
      }
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: opts.to,
          MessageBody: m.Body ?? '',
          ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
        }),
      );
      await sqs.send(new DeleteMessageCommand({ QueueUrl: opts.from, ReceiptHandle: m.ReceiptHandle }));
      moved++;
    }
  }
  return { moved };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const from = arg('from');
  const to = arg('to');
  if (!from || !to) {
    console.error('usage: npm run redrive -- --from <DLQ url> --to <source queue url> [--max N]');
    process.exit(2);
  }
  const endpoint = arg('endpoint');
  const region = arg('region');
  const sqs = new SQSClient({ ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}) });
  const max = arg('max');
  redrive(sqs, { from, to, ...(max ? { max: Number(max) } : {}) })
    .then((r) => console.log(`moved ${r.moved} message(s) from ${from} to ${to}`))
    .catch((err: unknown) => {
      console.error(`redrive failed: ${(err as Error).message}`);
      process.exit(1);
    });
}
