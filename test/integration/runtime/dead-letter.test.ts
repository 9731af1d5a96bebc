/**
 * Nothing is dropped: a message no handler can process is retried, then lands in the queue's DLQ.
 */
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime';

let rt: LocalRuntime;
beforeAll(async () => {
  rt = await startLocalRuntime({ seed: 3, functionTimeoutSeconds: 5, retryDelaySeconds: 1 });
});
afterAll(async () => rt?.stop());

describe('dead-lettering (local runtime)', () => {
  it('moves a message that keeps failing to the DLQ after 5 receives', async () => {
    await rt.sqs.send(
      new SendMessageCommand({ QueueUrl: rt.queueUrls.remit, MessageBody: '{"not":"an inbound message"}' }),
    );
    let body: string | undefined;
    for (let i = 0; i < 60 && !body; i++) {
      const out = await rt.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: rt.queueUrls['remit-dlq'], WaitTimeSeconds: 1 }),
      );
      body = out.Messages?.[0]?.Body;
    }
    expect(body).toBe('{"not":"an inbound message"}');
  }, 90_000);

  it('refuses retry waits that do not outlast the function timeout (a visibility timeout must, on AWS)', async () => {
    await expect(startLocalRuntime({ functionTimeoutSeconds: 15, retryDelaySeconds: 1 })).rejects.toThrow(
      /must exceed functionTimeoutSeconds/,
    );
  });
});
