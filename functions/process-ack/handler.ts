/** Ack queue consumer: 999 and 277CA files -> per-claim outcomes for the AwaitAck waits. */
import { processAckFile } from '../../shared/services/ack';
import { deliver, note } from '../../shared/services/outcomes';
import type { InboundMessage } from '../../shared/webhooks/receive';
import { loadEnv } from '../env-common';
import { documentClient, s3Client, sfnClient } from '../lib/aws';
import { inboundMessageSchema } from '../lib/inbound';
import { inboundWiring, oncePerFile } from '../lib/ports';
import { observability, wrap } from '../lib/powertools';
import { sqsBatch } from '../lib/sqs';
import { envSchema } from './env';

const env = loadEnv(envSchema);
const obs = observability('process-ack');
const { repos, store, outcomes, workItem } = inboundWiring(
  env.TABLE_NAME,
  { doc: documentClient(), s3: s3Client(), sfn: sfnClient() },
  (msg, item) => obs.logger.warn(msg, { workItem: item }),
);

const processFile = oncePerFile(env.IDEMPOTENCY_TABLE_NAME, async (msg: InboundMessage) => {
  if (msg.kind === '835') throw new Error('an 835 reached the ack queue');
  const summary = await processAckFile(await store.read(msg.bucket, msg.key), msg.kind, msg, {
    claimsOfInterchange: async (gcn) => {
      const ids = await repos.interchanges.claimIds(gcn);
      return ids.length > 0 ? ids : undefined;
    },
    deliver: (d, key) => deliver(outcomes, d.claimId, 'ACK', d.outcome, key, d.event, d.detail),
    note: (d, key) => note(outcomes, d.claimId, key, d.event, d.detail),
    workItem,
  });
  obs.logger.info('ack processed', { kind: msg.kind, contentHash: msg.contentHash, ...summary });
  obs.metrics.addMetric('AckDecisions', 'Count', summary.decisions);
  return summary;
});

export const handler = wrap(
  obs,
  sqsBatch(inboundMessageSchema, obs.logger, async ({ body: msg }, context) => {
    await processFile(msg, context);
  }),
);
