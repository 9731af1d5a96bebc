/**
 * Remit queue consumer: streams an 835 from S3, refuses unbalanced files (held, nothing posted),
 * posts each matched claim payment once (keyed by trace, CLP01, CLP07) and answers AwaitRemit.
 */
import { deliver } from '../../shared/services/outcomes';
import { postRemittanceFile } from '../../shared/services/remit';
import type { InboundMessage } from '../../shared/webhooks/receive';
import { loadEnv } from '../env-common';
import { documentClient, s3Client, sfnClient } from '../lib/aws';
import { inboundMessageSchema } from '../lib/inbound';
import { inboundWiring, oncePerFile } from '../lib/ports';
import { observability, wrap } from '../lib/powertools';
import { sqsBatch } from '../lib/sqs';
import { envSchema } from './env';

const env = loadEnv(envSchema);
const obs = observability('post-remittance');
const { repos, store, outcomes, workItem } = inboundWiring(
  env.TABLE_NAME,
  { doc: documentClient(), s3: s3Client(), sfn: sfnClient() },
  (msg, item) => obs.logger.warn(msg, { workItem: item }),
);

const processFile = oncePerFile(env.IDEMPOTENCY_TABLE_NAME, async (msg: InboundMessage) => {
  if (msg.kind !== '835') throw new Error(`a ${msg.kind} reached the remit queue`);
  const summary = await postRemittanceFile(await store.read(msg.bucket, msg.key), msg.key, {
    loadClaim: async (id) => (await repos.claims.get(id))?.claim,
    post: (claimId, key, entries) => repos.ledger.postRemit(claimId, key, entries),
    deliver: (claimId, outcome, key) =>
      deliver(outcomes, claimId, 'REMIT', outcome, `OUTCOME#${key}`, 'REMIT_POSTED', {
        route: outcome.route,
        paidCents: outcome.paidCents,
        patientResponsibilityCents: outcome.patientResponsibilityCents,
        carcs: outcome.carcs,
        traceNumber: outcome.traceNumber,
      }),
    recordRemit: async (remit, fileKey, status, issues) => {
      const at = new Date().toISOString();
      await repos.remits.putIfAbsent({
        traceNumber: remit.traceNumber,
        fileKey,
        ...(remit.payerIdentifier ? { payerIdentifier: remit.payerIdentifier } : {}),
        paymentCents: remit.paymentCents,
        claimCount: remit.claims.length,
        status,
        postedClaims: 0,
        duplicateClaims: 0,
        unmatchedClaimIds: [],
        ...(issues.length > 0 ? { heldReason: issues.join('; ') } : {}),
        receivedAt: at,
        updatedAt: at,
      });
    },
    workItem,
    now: () => new Date(),
  });
  obs.logger.info('remittance processed', { key: msg.key, ...summary });
  obs.metrics.addMetric('RemitClaimsPosted', 'Count', summary.posted);
  obs.metrics.addMetric('RemitDuplicatesSkipped', 'Count', summary.duplicates);
  obs.metrics.addMetric('RemitsHeld', 'Count', summary.held);
  return summary;
});

export const handler = wrap(
  obs,
  sqsBatch(inboundMessageSchema, obs.logger, async ({ body: msg }, context) => {
    await processFile(msg, context);
  }),
);
