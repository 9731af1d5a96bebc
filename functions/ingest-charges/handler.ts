/**
 * Intake queue consumer (S3 ObjectCreated notifications for charges/{practiceId}/...): reads and
 * validates the charge file, writes the error report and the claim chunk manifests, and enqueues one
 * message per chunk for ingest-claims. It writes no claim itself, so a file of any size fits one
 * invocation's time: the per-claim work is spread over the chunk consumers.
 */
import { S3Schema } from '@aws-lambda-powertools/parser/schemas/s3';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { errorReport, parseChargeFile } from '../../shared/charges';
import { ingestChargeFile } from '../../shared/services/ingest';
import { FileRepository, storedClaims } from '../../shared/store';
import { loadEnv } from '../env-common';
import { documentClient, s3Client, sqsClient } from '../lib/aws';
import { objects } from '../lib/ports';
import { observability, wrap } from '../lib/powertools';
import { sqsBatch } from '../lib/sqs';
import { envSchema } from './env';

const env = loadEnv(envSchema);
const obs = observability('ingest-charges');
const doc = documentClient();
const files = new FileRepository(doc, env.TABLE_NAME);
const s3 = s3Client();
const store = objects(s3);
const sqs = sqsClient();

/** S3 sends a test event when a notification is configured; it carries no object. */
const notification = z.union([S3Schema, z.object({ Event: z.literal('s3:TestEvent') }).loose()]);

export const handler = wrap(
  obs,
  sqsBatch(notification, obs.logger, async ({ body }) => {
    const records = 'Event' in body ? [] : (body as z.infer<typeof S3Schema>).Records;
    for (const rec of records) {
      const bucket = rec.s3.bucket.name;
      // S3 URL-encodes keys in notifications (spaces as '+').
      const key = decodeURIComponent(rec.s3.object.key.replace(/\+/g, ' '));
      // The version this notification is about (versioned bucket): a quick second upload to the same
      // key must not hide the first one.
      const versionId = rec.s3.object.versionId;
      const summary = await ingestChargeFile(
        { bucket, key, errorsBucket: env.ERRORS_BUCKET, claimsPerChunk: env.CLAIMS_PER_CHUNK },
        {
          readObject: async (b, k) => {
            const out = await s3.send(
              new GetObjectCommand({ Bucket: b, Key: k, ...(versionId ? { VersionId: versionId } : {}) }),
            );
            if (!out.Body) throw new Error(`s3://${b}/${k} has no body`);
            return {
              body: out.Body as AsyncIterable<Uint8Array>,
              ...(out.ContentType ? { contentType: out.ContentType } : {}),
              version: out.VersionId ?? versionId ?? (out.ETag ?? '').replace(/"/g, ''),
            };
          },
          writeObject: (b, k, text, type) => store.write(b, k, text, type),
          parse: (input, ctx) => parseChargeFile(input, ctx),
          errorReport,
          storedClaims: (ids) => storedClaims(doc, env.TABLE_NAME, ids),
          beginFile: (k, version, at, practiceId) => files.begin(k, version, at, practiceId),
          recordFile: async (s) => {
            const counts = {
              rowCount: s.rows,
              claimCount: s.claims,
              errorCount: s.rowErrors,
              ...(s.errorReportKey ? { errorReportKey: s.errorReportKey } : {}),
            };
            if (s.status === 'SKIPPED') return;
            await files.split(
              s.key,
              {
                ...counts,
                ...(s.version ? { version: s.version } : {}),
                ...(s.practiceId ? { practiceId: s.practiceId } : {}),
                status: s.status,
                ...(s.reason ? { reason: s.reason } : {}),
                chunks: s.chunks,
                conflicts: s.conflicts,
                unchanged: s.unchanged,
              },
              s.receivedAt,
            );
          },
          enqueueChunks: async (chunks) => {
            for (let i = 0; i < chunks.length; i += 10) {
              const batch = chunks.slice(i, i + 10);
              const out = await sqs.send(
                new SendMessageBatchCommand({
                  QueueUrl: env.CHUNK_QUEUE_URL,
                  Entries: batch.map((c) => ({ Id: String(c.chunk), MessageBody: JSON.stringify(c) })),
                }),
              );
              // A refused entry fails the file message: it is retried and the chunks are sent again
              // (a chunk already done is a no-op).
              if (out.Failed?.length)
                throw new Error(`chunk queue refused ${out.Failed.length} of ${batch.length} messages`);
            }
          },
          now: () => new Date(),
        },
      );
      // The key names the practice and file; it carries no PHI by convention (see docs).
      obs.logger.info('charge file split', { ...summary });
      obs.metrics.addMetric('ChargeRows', 'Count', summary.rows);
      obs.metrics.addMetric('ChargeRowErrors', 'Count', summary.rowErrors);
      obs.metrics.addMetric('ClaimChunks', 'Count', summary.chunks);
      obs.metrics.addMetric('IntakeConflicts', 'Count', summary.conflicts);
    }
  }),
);
