/**
 * SQS + S3 on fauxqs through the real AWS SDK v3 clients, the AWS_ENDPOINT_URL_<SERVICE> variables, and
 * S3 ObjectCreated notifications forwarded to a queue.
 */
import { createConnection } from 'node:net';
import { networkInterfaces } from 'node:os';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  forwardObjectCreated,
  localClientConfig,
  localS3Config,
  s3ObjectCreatedEvent,
  startSqsS3,
} from '../../../local/emulators/fauxqs';

let aws: Awaited<ReturnType<typeof startSqsS3>>;
let sqs: SQSClient;
let s3: S3Client;

beforeAll(async () => {
  aws = await startSqsS3();
  sqs = new SQSClient(localClientConfig(aws.endpoint));
  s3 = new S3Client(localS3Config(aws.endpoint));
});
afterAll(async () => aws?.stop());

const receiveOne = async (queueUrl: string, waitSeconds = 1) =>
  (
    await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
      }),
    )
  ).Messages?.[0];

const canConnect = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('fauxqs SQS', () => {
  it('sends, receives, re-shows after a visibility change, and deletes', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'basic' }));
    const url = QueueUrl as string;
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{"n":1}' }));
    const first = await receiveOne(url);
    expect(first?.Body).toBe('{"n":1}');
    expect(first?.Attributes?.ApproximateReceiveCount).toBe('1');
    // Invisible while in flight; visible again at once after a zero visibility timeout.
    expect(await receiveOne(url, 0)).toBeUndefined();
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: first?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const again = await receiveOne(url);
    expect(again?.MessageId).toBe(first?.MessageId);
    expect(again?.Attributes?.ApproximateReceiveCount).toBe('2');
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again?.ReceiptHandle }));
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(attrs.Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receives (RedrivePolicy)', async () => {
    const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: 'redrive-dlq' }))).QueueUrl as string;
    const main = (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: 'redrive',
          Attributes: {
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:redrive-dlq',
              maxReceiveCount: '2',
            }),
          },
        }),
      )
    ).QueueUrl as string;
    await sqs.send(new SendMessageCommand({ QueueUrl: main, MessageBody: 'poison' }));
    for (let i = 0; i < 2; i++) {
      const m = await receiveOne(main);
      expect(m?.Body).toBe('poison');
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: main,
          ReceiptHandle: m?.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    }
    expect(await receiveOne(main, 0)).toBeUndefined();
    expect((await receiveOne(dlq))?.Body).toBe('poison');
  });
});

describe('fauxqs S3', () => {
  it('puts, gets, heads and lists objects', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'plain-bucket' }));
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'plain-bucket',
        Key: 'dir/a.txt',
        Body: 'hello',
        ContentType: 'text/plain',
      }),
    );
    expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'plain-bucket', Key: 'dir/a.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello');
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'plain-bucket', Key: 'dir/a.txt' }));
    expect(head.ContentLength).toBe(5);
    expect(head.ETag).toBe(put.ETag);
    await s3.send(new PutObjectCommand({ Bucket: 'plain-bucket', Key: 'other/b.txt', Body: 'x' }));
    const list = await s3.send(new ListObjectsV2Command({ Bucket: 'plain-bucket', Prefix: 'dir/' }));
    expect(list.Contents?.map((o) => o.Key)).toEqual(['dir/a.txt']);
  });
});

describe('AWS_ENDPOINT_URL_<SERVICE>', () => {
  it('is honoured by SDK v3 clients created without an endpoint', async () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, {
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_ENDPOINT_URL_SQS: aws.endpoint,
        AWS_ENDPOINT_URL_S3: aws.endpoint,
      });
      const envSqs = new SQSClient({ useQueueUrlAsEndpoint: false });
      await envSqs.send(new CreateQueueCommand({ QueueName: 'from-env' }));
      const queues = await envSqs.send(new ListQueuesCommand({ QueueNamePrefix: 'from-env' }));
      expect(queues.QueueUrls?.some((u) => u.endsWith('/from-env'))).toBe(true);
      const envS3 = new S3Client({
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      await envS3.send(new CreateBucketCommand({ Bucket: 'env-bucket' }));
      await envS3.send(new PutObjectCommand({ Bucket: 'env-bucket', Key: 'k', Body: 'v' }));
      // Visible through the explicitly configured client: both reached the same emulator.
      const got = await s3.send(new GetObjectCommand({ Bucket: 'env-bucket', Key: 'k' }));
      expect(await got.Body?.transformToString()).toBe('v');
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
});

describe('binding', () => {
  it('listens on 127.0.0.1 only', async () => {
    const port = aws.server.port;
    expect(await canConnect('127.0.0.1', port)).toBe(true);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (external) expect(await canConnect(external, port)).toBe(false);
  });
});

describe('S3 ObjectCreated notifications', () => {
  it('builds the S3 event shape with a URL-encoded key', () => {
    const event = s3ObjectCreatedEvent('b', 'charges/p 1/x+y.csv', 12, '"abc"', new Date(0)) as S3Event;
    const r = event.Records[0];
    expect(r?.eventSource).toBe('aws:s3');
    expect(r?.eventName).toBe('ObjectCreated:Put');
    expect(r?.s3.bucket).toMatchObject({ name: 'b', arn: 'arn:aws:s3:::b' });
    expect(r?.s3.object).toMatchObject({ key: 'charges/p+1/x%2By.csv', size: 12, eTag: 'abc' });
    expect(decodeURIComponent(r?.s3.object.key.replace(/\+/g, ' ') ?? '')).toBe('charges/p 1/x+y.csv');
  });

  it('forwards puts, copies and multipart uploads under the prefix, and nothing else', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'charges-bucket' }));
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'intake' }))).QueueUrl as string;
    const watcher = forwardObjectCreated({
      spy: aws.server.spy,
      s3,
      sqs,
      bucket: 'charges-bucket',
      prefix: 'charges/',
      queueUrl,
      intervalMs: 10,
    });
    try {
      const put = await s3.send(
        new PutObjectCommand({ Bucket: 'charges-bucket', Key: 'charges/p1/day 1.csv', Body: 'a,b\n1,2\n' }),
      );
      // Not notified: another prefix, another bucket, a part upload (below).
      await s3.send(new PutObjectCommand({ Bucket: 'charges-bucket', Key: 'errors/x.json', Body: '{}' }));
      await s3.send(new CreateBucketCommand({ Bucket: 'other-bucket' }));
      await s3.send(new PutObjectCommand({ Bucket: 'other-bucket', Key: 'charges/y.csv', Body: 'z' }));
      await s3.send(
        new CopyObjectCommand({
          Bucket: 'charges-bucket',
          Key: 'charges/p1/copy.csv',
          CopySource: 'charges-bucket/errors/x.json',
        }),
      );
      const mpu = await s3.send(
        new CreateMultipartUploadCommand({ Bucket: 'charges-bucket', Key: 'charges/p2/big.csv' }),
      );
      const part = await s3.send(
        new UploadPartCommand({
          Bucket: 'charges-bucket',
          Key: 'charges/p2/big.csv',
          UploadId: mpu.UploadId,
          PartNumber: 1,
          Body: 'only part',
        }),
      );
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'charges-bucket',
          Key: 'charges/p2/big.csv',
          UploadId: mpu.UploadId,
          MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] },
        }),
      );

      const events: S3Event[] = [];
      for (let i = 0; i < 50 && events.length < 3; i++) {
        const m = await receiveOne(queueUrl, 0);
        if (m) events.push(JSON.parse(m.Body as string) as S3Event);
        else await new Promise((r) => setTimeout(r, 20));
      }
      expect(await receiveOne(queueUrl, 0)).toBeUndefined();
      const objects = events.map((e) => e.Records[0]?.s3.object);
      expect(objects.map((o) => o?.key).sort()).toEqual(
        ['charges/p1/copy.csv', 'charges/p1/day+1.csv', 'charges/p2/big.csv'].sort(),
      );
      const first = objects.find((o) => o?.key === 'charges/p1/day+1.csv');
      expect(first).toMatchObject({ size: 8, eTag: put.ETag?.replace(/"/g, '') });
      expect(await watcher.pending()).toBe(0);
      expect(watcher.forwarded()).toBe(3);
    } finally {
      await watcher.stop();
    }
  });
});
