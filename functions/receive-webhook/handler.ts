/**
 * POST /webhooks/{clearinghouse}: bound the size, authenticate (source allow-list, HMAC-SHA256 +
 * timestamp), check the body is X12 text, store the raw body in S3 under its content hash, enqueue it for
 * processing, answer 202. On any auth failure: 401 `unauthorized`, nothing stored; on a bad body: 400.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { allowList } from '../../shared/webhooks/allowlist';
import { decideWebhook, type InboundMessage } from '../../shared/webhooks/receive';
import { loadEnv } from '../env-common';
import { s3Client, sqsClient } from '../lib/aws';
import { observability, wrap } from '../lib/powertools';
import { envSchema } from './env';

const env = loadEnv(envSchema);
const obs = observability('receive-webhook');
const s3 = s3Client();
const sqs = sqsClient();
const keysSchema = z.record(z.string(), z.string().min(16));
const allowed = allowList(env.WEBHOOK_ALLOWED_CIDRS);
/** Names are caller-chosen before authentication: log only well-formed ones, never arbitrary text. */
const loggable = (name: string) => (/^[a-z0-9-]{1,63}$/.test(name) ? name : '(malformed)');

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export async function receiveWebhook(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const clearinghouse = event.pathParameters?.clearinghouse ?? '';
  const keys = keysSchema.parse(await getSecret(env.WEBHOOK_SECRET_ID, { transform: 'json', maxAge: 300 }));
  const decision = decideWebhook(
    {
      clearinghouse,
      headers: event.headers ?? {},
      body: event.body,
      isBase64Encoded: event.isBase64Encoded === true,
      sourceIp: event.requestContext?.http?.sourceIp,
    },
    keys,
    {
      nowSeconds: Math.floor(Date.now() / 1000),
      toleranceSeconds: env.SIGNATURE_TOLERANCE_SECONDS,
      maxBodyBytes: env.MAX_BODY_BYTES,
    },
    allowed,
  );
  if (!decision.accept) {
    // The reason is for operators; the caller only sees statusCode and error.
    obs.logger.warn('webhook refused', {
      clearinghouse: loggable(clearinghouse),
      statusCode: decision.statusCode,
      reason: decision.reason,
    });
    obs.metrics.addMetric('WebhookRefused', 'Count', 1);
    return json(decision.statusCode, { error: decision.error });
  }
  const body = decision.body;
  // Same bytes, same key: a replayed webhook overwrites the object with identical content.
  await s3.send(
    new PutObjectCommand({
      Bucket: env.X12_BUCKET,
      Key: decision.objectKey,
      Body: body,
      ContentType: 'application/edi-x12',
    }),
  );
  const message: InboundMessage = {
    bucket: env.X12_BUCKET,
    key: decision.objectKey,
    contentHash: decision.contentHash,
    clearinghouse,
    kind: decision.kind,
    receivedAt: new Date().toISOString(),
  };
  // Always enqueue, even for a body seen before: if an earlier attempt stored but failed to enqueue,
  // this is what saves it. Processing is idempotent per content hash and per posting key.
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: decision.kind === '835' ? env.REMIT_QUEUE_URL : env.ACK_QUEUE_URL,
      MessageBody: JSON.stringify(message),
    }),
  );
  obs.logger.info('webhook accepted', {
    clearinghouse,
    kind: decision.kind,
    contentHash: decision.contentHash,
  });
  obs.metrics.addMetric('WebhookAccepted', 'Count', 1);
  return json(202, { id: decision.contentHash, kind: decision.kind });
}

export const handler = wrap(obs, receiveWebhook);
