/**
 * Step Functions task `Scrub` (lambda:invoke.waitForTaskToken): runs the scrub rules on a stored
 * claim, with its payer's registry rules and the deployer's reference data (NCCI table, CPT list)
 * read from S3 once per container, then answers the task token (scrubAnswer: clean, void or
 * findings; findings are an answer, not a function error).
 */
import { z } from 'zod';
import type { ScrubInput } from '../../shared/claims/workflow';
import { scrubAndAnswer } from '../../shared/services/scrub';
import { type ClaimStateRecord, PayerRepository, VersionConflictError } from '../../shared/store';
import { loadEnv } from '../env-common';
import { documentClient, s3Client, sfnClient } from '../lib/aws';
import { repositories, taskTokens } from '../lib/ports';
import { observability, wrap } from '../lib/powertools';
import { envSchema } from './env';
import { loadReferenceData, referenceCache } from './reference';

const env = loadEnv(envSchema);
const obs = observability('scrub-claim');
const repos = repositories(documentClient(), env.TABLE_NAME);
const payers = new PayerRepository(documentClient(), env.TABLE_NAME);
const reference = referenceCache(() =>
  loadReferenceData(
    s3Client(),
    { bucket: env.REFERENCE_BUCKET, ncciKey: env.NCCI_TABLE_KEY, cptKey: env.CPT_LIST_KEY },
    { info: (message, extra) => obs.logger.info(message, extra ?? {}) },
  ).catch((err: unknown) => {
    // Names the bucket, key and what is wrong with the file; never claim data.
    obs.logger.error('reference data failed to load', { error: (err as Error).message });
    obs.metrics.addMetric('ReferenceDataLoadFailed', 'Count', 1);
    throw err;
  }),
);
const tokens = taskTokens(sfnClient());
const claimId = z.string().min(1).max(38);
/** The Scrub state's payload (events/sfn-scrub-input.json is a sample). */
export const scrubInput = z.object({
  claimId,
  execution: z.object({ claimId, void: z.literal(true).optional() }),
  taskToken: z.string().min(1).max(2048),
}) satisfies z.ZodType<ScrubInput>;

export const handler = wrap(obs, async (event: unknown) => {
  const scrub = scrubInput.parse(event);
  obs.logger.appendKeys({ claimId: scrub.claimId });
  const { ncci, cpt } = await reference();
  const reads = repos.claims.reads(scrub.claimId);
  const result = await scrubAndAnswer(
    scrub,
    { timelyFilingDays: env.TIMELY_FILING_DAYS, ...(ncci ? { ncci } : {}), ...(cpt ? { cpt } : {}) },
    {
      // State and content in one read; a retry after a version conflict reads the state again.
      loadClaim: () => reads.content(),
      getState: () => reads.state(),
      getPayer: (payerId) => payers.get(payerId),
      saveScrub: async (from, next, event, findings) => {
        try {
          await repos.claims.save(from as ClaimStateRecord, next, event, [], { scrubFindings: findings });
          return true;
        } catch (err) {
          if (err instanceof VersionConflictError) return false;
          throw err;
        }
      },
      now: () => new Date(),
      reply: (taskToken, reply) => tokens.reply(taskToken, reply),
    },
  );
  obs.metrics.addMetric(result.ok ? 'ClaimScrubbed' : 'ClaimScrubFailed', 'Count', 1);
  obs.logger.info('scrubbed', { ok: result.ok, errors: result.errorCount, warnings: result.warningCount });
  return result;
});
