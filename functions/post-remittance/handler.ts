/**
 * Remit queue consumer: streams an 835 from S3 twice (validate the whole file, then post), holds a
 * malformed or unbalanced file (nothing posted), posts each matched claim payment once (keyed by
 * trace, CLP01, CLP07) and its PLBs to the provider ledger, and answers AwaitRemit.
 */
import { postRemittanceFile, remitDelivery } from '../../shared/services/remit';
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
  // Opened twice: the whole file is validated before anything from it is posted.
  const open = () => store.read(msg.bucket, msg.key);
  const summary = await postRemittanceFile(open, msg.key, {
    loadClaim: async (id) => (await repos.claims.get(id))?.claim,
    ledger: (claimId) => repos.ledger.getLedger(claimId),
    post: (claimId, key, entries, guard) => repos.ledger.postPayment(claimId, key, entries, guard),
    postProviderAdjustment: (entry) => repos.ledger.postProviderAdjustment(entry),
    deliver: remitDelivery(outcomes, msg.key),
    recordRemit: (header, fileKey, status, progress) =>
      repos.remits.track(header, fileKey, status, progress, new Date().toISOString()),
    workItem,
    now: () => new Date(),
  });
  obs.logger.info('remittance processed', { key: msg.key, ...summary });
  obs.metrics.addMetric('RemitClaimsPosted', 'Count', summary.posted);
  obs.metrics.addMetric('RemitDuplicatesSkipped', 'Count', summary.duplicates);
  obs.metrics.addMetric('RemitsHeld', 'Count', summary.held);
  obs.metrics.addMetric('RemitClaimsRefused', 'Count', summary.refused);
  return summary;
});

export const handler = wrap(
  obs,
  sqsBatch(inboundMessageSchema, obs.logger, async ({ body: msg }, context) => {
    await processFile(msg, context);
  }),
);
