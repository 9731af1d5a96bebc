/**
 * SQS + S3 on fauxqs (in-process, 127.0.0.1, random port), and S3 ObjectCreated notifications.
 *
 * fauxqs' own `startFauxqs` always listens on 0.0.0.0, so its app is built with `buildApp` and bound
 * to 127.0.0.1 here. fauxqs has no bucket notifications: every successful object creation (PutObject,
 * CopyObject, CompleteMultipartUpload) is recorded from the HTTP responses, and `forwardObjectCreated`
 * sends a real-shaped S3 event for those under a prefix to a queue, as S3 would.
 */
import type { AddressInfo } from 'node:net';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';

export const REGION = 'us-east-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** One recorded S3 event, shaped like a fauxqs spy event (`service: 's3'`, `status: 'uploaded'`). */
export interface UploadEvent {
  service: 's3';
  bucket: string;
  key: string;
  status: 'uploaded';
  timestamp: number;
}

/** Recent uploads, oldest first; the oldest are dropped past this many. */
const UPLOAD_BUFFER = 10_000;
/** Query parameters an object-creating request may carry besides its operation's own. */
const CREATE_QUERY = new Set(['x-id', 'uploadId']);

/** The S3 request (path style, already rewritten from virtual-hosted style by fauxqs) created an object. */
function createdObject(method: string, rawUrl: string): { bucket: string; key: string } | undefined {
  const url = new URL(rawUrl, 'http://127.0.0.1');
  const params = [...url.searchParams.keys()];
  if (params.some((p) => !CREATE_QUERY.has(p))) return undefined; // ?tagging, ?acl, parts, ...
  const isPut = method === 'PUT' && !url.searchParams.has('uploadId');
  const isComplete = method === 'POST' && url.searchParams.has('uploadId');
  if (!isPut && !isComplete) return undefined;
  const slash = url.pathname.indexOf('/', 1);
  if (slash < 0 || slash === url.pathname.length - 1) return undefined; // a bucket, not an object
  return {
    bucket: decodeURIComponent(url.pathname.slice(1, slash)),
    key: decodeURIComponent(url.pathname.slice(slash + 1)),
  };
}

/** SQS actions the local runtime itself makes (setup, settling, polling: the poller meters receives). */
const UNMETERED_SQS = new Set(['CreateQueue', 'GetQueueAttributes', 'GetQueueUrl', 'ReceiveMessage']);

/** The metering hook's view of SQS and S3 (local/emulators/meter.ts). */
export interface SqsS3Meter {
  sqs(payloadBytes: number): void;
  s3(kind: 'put' | 'get'): void;
}

function meterRequest(
  meter: SqsS3Meter,
  request: { method: string; url: string; headers: Record<string, string | string[] | undefined> },
): void {
  const target = String(request.headers['x-amz-target'] ?? '');
  if (target.startsWith('AmazonSQS.')) {
    if (!UNMETERED_SQS.has(target.slice('AmazonSQS.'.length))) {
      meter.sqs(Number(request.headers['content-length'] ?? 0));
    }
    return;
  }
  const path = new URL(request.url, 'http://127.0.0.1').pathname;
  if (path.indexOf('/', 1) < 0) return; // bucket operations (CreateBucket, ...)
  if (request.method === 'GET' || request.method === 'HEAD') meter.s3('get');
  else if (request.method === 'PUT' || request.method === 'POST') meter.s3('put');
}

export async function startSqsS3(opts: { meter?: SqsS3Meter } = {}) {
  const app = buildApp({ logger: false, defaultRegion: REGION });
  const uploads: UploadEvent[] = [];
  app.addHook(
    'onResponse',
    (
      request: { method: string; url: string; headers: Record<string, string | string[] | undefined> },
      reply: { statusCode: number },
      done: () => void,
    ) => {
      if (opts.meter) meterRequest(opts.meter, request);
      if (reply.statusCode === 200) {
        const created = createdObject(request.method, request.url);
        if (created) {
          uploads.push({ service: 's3', status: 'uploaded', timestamp: Date.now(), ...created });
          if (uploads.length > UPLOAD_BUFFER) uploads.shift();
        }
      }
      done();
    },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  const spy = { getAllMessages: (): UploadEvent[] => [...uploads] };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** `spy` feeds forwardObjectCreated (same shape as a fauxqs message spy, S3 uploads only). */
    server: { port, spy },
    stop: async (): Promise<void> => {
      await app.close();
    },
  };
}

export const localClientConfig = (endpoint: string) => ({
  region: REGION,
  endpoint,
  credentials,
  useQueueUrlAsEndpoint: false,
  // The middleware stack resolved once per command kind (as the functions' clients do).
  cacheMiddleware: true,
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

interface SpyEvent {
  service: string;
  bucket?: string;
  key?: string;
  status: string;
}
interface Spy {
  getAllMessages(): SpyEvent[];
}

/**
 * Forwards uploads under `prefix` in `bucket` to `queueUrl` as S3 ObjectCreated events. The spy's buffer
 * is bounded (oldest evicted first), so progress is tracked by the last event seen, not by an index:
 * when that event was evicted or the buffer cleared, everything left in the buffer is new.
 */
export function forwardObjectCreated(opts: {
  spy: Spy;
  s3: S3Client;
  sqs: SQSClient;
  bucket: string;
  prefix: string;
  queueUrl: string;
  intervalMs?: number;
  onError?: (err: unknown, key: string) => void;
}) {
  let last: SpyEvent | undefined;
  let forwarding = 0;
  let forwarded = 0;
  let stopped = false;
  const wanted = (m: SpyEvent) =>
    m.service === 's3' &&
    m.status === 'uploaded' &&
    m.bucket === opts.bucket &&
    !!m.key?.startsWith(opts.prefix);
  const unseen = (): SpyEvent[] => {
    const all = opts.spy.getAllMessages();
    const at = last ? all.lastIndexOf(last) : -1;
    return all.slice(at + 1);
  };
  const forward = async (key: string) => {
    try {
      const head = await opts.s3.send(new HeadObjectCommand({ Bucket: opts.bucket, Key: key }));
      const event = s3ObjectCreatedEvent(opts.bucket, key, head.ContentLength ?? 0, head.ETag ?? '');
      await opts.sqs.send(
        new SendMessageCommand({ QueueUrl: opts.queueUrl, MessageBody: JSON.stringify(event) }),
      );
      forwarded++;
    } catch (err) {
      // An object deleted before it could be described has nothing left to notify about.
      (opts.onError ?? ((e) => console.error(`s3 notification for ${key} failed`, e)))(err, key);
    }
  };
  const tick = async () => {
    const fresh = unseen();
    if (fresh.length === 0) return;
    last = fresh[fresh.length - 1];
    const keys = fresh.filter(wanted).map((m) => m.key as string);
    forwarding += keys.length;
    try {
      for (const key of keys) await forward(key);
    } finally {
      forwarding -= keys.length;
    }
  };
  let timer: NodeJS.Timeout;
  let current: Promise<void> = Promise.resolve();
  const loop = () => {
    if (stopped) return;
    current = tick().finally(() => {
      if (!stopped) timer = setTimeout(loop, opts.intervalMs ?? 50);
    });
  };
  timer = setTimeout(loop, 0);
  return {
    /** Uploads seen or being forwarded but not yet sent to the queue. */
    pending: async () => forwarding + unseen().filter(wanted).length,
    /** How many notifications were sent. */
    forwarded: () => forwarded,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
