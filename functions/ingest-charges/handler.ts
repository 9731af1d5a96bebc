/**
 * Intake queue consumer (S3 ObjectCreated notifications for charges/{practiceId}/...): parses and
 * validates the charge file, writes the error report, writes claims idempotently and starts one
 * workflow execution per claim (name = claim id, so retries and re-uploads start nothing new).
 */
import { S3Schema } from '@aws-lambda-powertools/parser/schemas/s3';
import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { errorReport, parseChargeFile } from '../../shared/charges';
import { ingestChargeFile } from '../../shared/services/ingest';
import { FileRepository } from '../../shared/store';
import { loadEnv } from '../env-common';
import { documentClient, s3Client, sfnClient } from '../lib/aws';
import { objects, repositories } from '../lib/ports';
import { observability, wrap } from '../lib/powertools';
import { sqsBatch } from '../lib/sqs';
import { envSchema } from './env';

const env = loadEnv(envSchema);
const obs = observability('ingest-charges');
const doc = documentClient();
const repos = repositories(doc, env.TABLE_NAME);
const files = new FileRepository(doc, env.TABLE_NAME);
const store = objects(s3Client());
const sfn = sfnClient();

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
      const summary = await ingestChargeFile(
        { bucket, key, errorsBucket: env.ERRORS_BUCKET },
        {
          readObject: (b, k) => store.read(b, k),
          writeObject: (b, k, text, type) => store.write(b, k, text, type),
          parse: (input, ctx) => parseChargeFile(input, ctx),
          errorReport,
          putClaim: (claim) => repos.claims.putIfAbsent(claim),
          startExecution: async (name, input) => {
            try {
              await sfn.send(
                new StartExecutionCommand({
                  stateMachineArn: env.STATE_MACHINE_ARN,
                  name,
                  input: JSON.stringify(input),
                }),
              );
              return 'started';
            } catch (err) {
              if (err instanceof ExecutionAlreadyExists || (err as Error).name === 'ExecutionAlreadyExists')
                return 'exists';
              throw err;
            }
          },
          recordFile: async (s) => {
            await files.start(s.key, s.receivedAt, s.practiceId);
            if (s.status === 'REJECTED') await files.fail(s.key, s.reason ?? 'rejected', s.receivedAt);
            else
              await files.complete(
                s.key,
                {
                  rowCount: s.rows,
                  claimCount: s.claims,
                  errorCount: s.rowErrors,
                  ...(s.errorReportKey ? { errorReportKey: s.errorReportKey } : {}),
                },
                s.receivedAt,
              );
          },
          now: () => new Date(),
        },
      );
      obs.logger.info('charge file ingested', { ...summary });
      obs.metrics.addMetric('ChargeRows', 'Count', summary.rows);
      obs.metrics.addMetric('ChargeRowErrors', 'Count', summary.rowErrors);
      obs.metrics.addMetric('ClaimsCreated', 'Count', summary.claimsCreated);
    }
  }),
);
