/**
 * Claim chunk consumer (messages from ingest-charges): writes at most one chunk of claims
 * idempotently and starts one workflow execution per claim (name = claim id). A chunk already marked
 * done is skipped; a chunk that failed half-way is redone (every step is idempotent).
 */
import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { type ChunkManifest, ingestChunk } from '../../shared/services/ingest';
import { FileRepository, recordIntake } from '../../shared/store';
import { loadEnv } from '../env-common';
import { documentClient, s3Client, sfnClient } from '../lib/aws';
import { objects, repositories } from '../lib/ports';
import { observability, wrap } from '../lib/powertools';
import { sqsBatch } from '../lib/sqs';
import { envSchema } from './env';

const env = loadEnv(envSchema);
const obs = observability('ingest-claims');
const doc = documentClient();
const repos = repositories(doc, env.TABLE_NAME);
const files = new FileRepository(doc, env.TABLE_NAME);
const store = objects(s3Client());
const sfn = sfnClient();

export const chunkMessage = z.object({
  bucket: z.string().min(1),
  fileKey: z.string().min(1),
  version: z.string(),
  chunk: z.number().int().min(1),
  chunks: z.number().int().min(1),
  manifestKey: z.string().min(1),
});

async function readText(body: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const part of body) parts.push(part);
  return Buffer.concat(parts).toString('utf8');
}

export const handler = wrap(
  obs,
  sqsBatch(chunkMessage, obs.logger, async ({ body: ref }) => {
    const summary = await ingestChunk(ref, {
      isChunkDone: (r) => files.isChunkDone(r.fileKey, r.version, r.chunk),
      readManifest: async (b, k) => JSON.parse(await readText(await store.read(b, k))) as ChunkManifest,
      // The claim is written with its intake record (one transaction) when neither exists yet.
      recordIntake: (claim, contentHash) =>
        recordIntake(
          doc,
          env.TABLE_NAME,
          { claimId: claim.claimId, contentHash, sourceFile: claim.sourceFile, at: claim.receivedAt },
          claim,
        ),
      putClaim: (claim) => repos.claims.putIfAbsent(claim),
      getClaim: async (claimId) => {
        const record = await repos.claims.get(claimId);
        return record ? { claim: record.claim, status: record.status } : undefined;
      },
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
      reportConflict: async (conflict) => {
        obs.logger.warn('intake conflict', { claimId: conflict.claimId, fileKey: conflict.fileKey });
        await repos.work.add(
          'INTAKE_CONFLICT',
          `${conflict.claimId}#${conflict.fileKey}`,
          { ...conflict },
          new Date().toISOString(),
        );
      },
      markChunkDone: (r, counts) =>
        files.chunkDone(r.fileKey, r.version, r.chunk, counts, new Date().toISOString()),
    });
    obs.logger.info('claim chunk ingested', { ...summary });
    obs.metrics.addMetric('ClaimsCreated', 'Count', summary.claimsCreated);
    obs.metrics.addMetric('ExecutionsStarted', 'Count', summary.executionsStarted);
  }),
);
