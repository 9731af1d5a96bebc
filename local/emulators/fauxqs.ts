/**
 * SQS + S3 on fauxqs (in-process, 127.0.0.1, random port), and S3 ObjectCreated notifications:
 * fauxqs has no bucket notifications, so its message spy is watched for uploads under a prefix and
 * a real-shaped S3 event is sent to the queue, as S3 would.
 */
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';

export const REGION = 'us-east-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function startSqsS3() {
  const server = await startFauxqs({ port: 0, logger: false, messageSpies: { bufferSize: 1_000_000 } });
  return { endpoint: `http://127.0.0.1:${server.port}`, server, stop: () => server.stop() };
}

export const localClientConfig = (endpoint: string) => ({
  region: REGION,
  endpoint,
  credentials,
  useQueueUrlAsEndpoint: false,
});
export const localS3Config = (endpoint: string) => ({
  ...localClientConfig(endpoint),
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED' as const,
  responseChecksumValidation: 'WHEN_REQUIRED' as const,
});

/** The S3 event notification S3 sends for a new object (key URL-encoded, spaces as '+'). */
export function s3ObjectCreatedEvent(
  bucket: string,
  key: string,
  size: number,
  eTag: string,
  at = new Date(),
) {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: REGION,
        eventTime: at.toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'local' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'local', 'x-amz-id-2': 'local' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'charges',
          bucket: { name: bucket, ownerIdentity: { principalId: 'local' }, arn: `arn:aws:s3:::${bucket}` },
          object: {
            key: encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+'),
            size,
            eTag: eTag.replace(/"/g, ''),
            sequencer: at.getTime().toString(16).toUpperCase(),
          },
        },
      },
    ],
  };
}

interface Spy {
  getAllMessages(): { service: string; bucket?: string; key?: string; status: string }[];
}

export function forwardObjectCreated(opts: {
  spy: Spy;
  s3: S3Client;
  sqs: SQSClient;
  bucket: string;
  prefix: string;
  queueUrl: string;
  intervalMs?: number;
}) {
  let seen = 0;
  let pending = 0;
  let stopped = false;
  const tick = async () => {
    const all = opts.spy.getAllMessages();
    const fresh = all.slice(seen);
    seen = all.length;
    for (const m of fresh) {
      if (
        m.service !== 's3' ||
        m.status !== 'uploaded' ||
        m.bucket !== opts.bucket ||
        !m.key?.startsWith(opts.prefix)
      )
        continue;
      pending++;
      try {
        const head = await opts.s3.send(new HeadObjectCommand({ Bucket: opts.bucket, Key: m.key }));
        const event = s3ObjectCreatedEvent(opts.bucket, m.key, head.ContentLength ?? 0, head.ETag ?? '');
        await opts.sqs.send(
          new SendMessageCommand({ QueueUrl: opts.queueUrl, MessageBody: JSON.stringify(event) }),
        );
      } finally {
        pending--;
      }
    }
  };
  let timer: NodeJS.Timeout;
  const loop = async () => {
    if (stopped) return;
    await tick().catch((err) => console.error('s3 notification forwarding failed', err));
    timer = setTimeout(loop, opts.intervalMs ?? 50);
  };
  timer = setTimeout(loop, 0);
  return {
    /** Uploads seen but not yet forwarded. */
    pending: async () => pending + opts.spy.getAllMessages().length - seen,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
