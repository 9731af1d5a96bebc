/**
 * Step Functions tasks that move a claim: appends the event and sets the status; with a task token
 * (the Await* and NeedsCorrection waits) stores the token or answers it with an outcome that came first.
 */
import { z } from 'zod';
import { CLAIM_STATUSES } from '../../shared/claims/model';
import {
  SETTLE_ROUTES,
  type SettleInput,
  type TransitionInput,
  WAIT_KINDS,
} from '../../shared/claims/workflow';
import { openBalanceWriteOff, recordOrSettle } from '../../shared/services/transition';
import { type ClaimStateRecord, PayerRepository, VersionConflictError } from '../../shared/store';
import { loadEnv } from '../env-common';
import { documentClient, sfnClient } from '../lib/aws';
import { repositories, taskTokens } from '../lib/ports';
import { observability, wrap } from '../lib/powertools';
import { envSchema } from './env';

const env = loadEnv(envSchema);
const obs = observability('record-transition');
const doc = documentClient();
const repos = repositories(doc, env.TABLE_NAME);
const tokens = taskTokens(sfnClient());
const payers = new PayerRepository(doc, env.TABLE_NAME);

const inputSchema = z.object({
  claimId: z.string().min(1).max(38),
  to: z.enum(CLAIM_STATUSES),
  event: z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/),
  wait: z.enum(WAIT_KINDS).optional(),
  taskToken: z.string().min(1).max(2048).optional(),
  executionStartedAt: z.string().max(40).optional(),
}) satisfies z.ZodType<TransitionInput>;

/** The Settle and AppealWriteOff states: a route that ends the claim (the route's status, then CLOSED). */
const settleSchema = z.object({
  claimId: inputSchema.shape.claimId,
  settle: z.enum(Object.keys(SETTLE_ROUTES) as [keyof typeof SETTLE_ROUTES]),
}) satisfies z.ZodType<SettleInput>;

/** Built once: a schema built per invocation was constructed and compiled again every time. */
const eventSchema = z.union([settleSchema.strict(), inputSchema]);

export const handler = wrap(obs, async (event: unknown) => {
  const input = eventSchema.parse(event);
  obs.logger.appendKeys({ claimId: input.claimId });
  const result = await recordOrSettle(input, {
    // The claim's state (META) only; its content is read only where a transition needs it.
    getState: (id) => repos.claims.getState(id),
    loadClaim: (id) => repos.claims.getContent(id),
    payerClaimNumber: async (id) => (await repos.claims.getState(id))?.payerClaimControlNumber,
    saveTransition: async (from, next, ev, claim) => {
      try {
        await repos.claims.save(from as ClaimStateRecord, next, ev, [], claim ? { claim } : {});
        return true;
      } catch (err) {
        if (err instanceof VersionConflictError) return false;
        throw err;
      }
    },
    saveState: async (from, next) => {
      try {
        await repos.claims.save(from as ClaimStateRecord, next);
        return true;
      } catch (err) {
        if (err instanceof VersionConflictError) return false;
        throw err;
      }
    },
    answer: (a, kind) => tokens.answer(a.taskToken, a.output, kind),
    now: () => new Date(),
    appealDays: async (payerId) => (await payers.get(payerId))?.appealDeadlineDays,
    workItem: (kind, reference, detail) => repos.work.add(kind, reference, detail, new Date().toISOString()),
    closeOpenBalance: async (claimId, reason) => {
      const at = new Date().toISOString();
      const entry = openBalanceWriteOff(claimId, await repos.ledger.getEntries(claimId), reason, at);
      // Keyed by the reason: a retried task posts nothing twice.
      if (entry) await repos.ledger.postRemit(claimId, `${reason}#${claimId}`, [entry]);
    },
  });
  if ('settle' in input) {
    const routeEvent = SETTLE_ROUTES[input.settle].event;
    obs.logger.info('settle', { route: input.settle, to: result.status });
    for (const e of [routeEvent, 'CLOSED']) obs.metrics.addMetric(`Claim_${e}`, 'Count', 1);
    return result;
  }
  obs.logger.info('transition', { to: input.to, event: input.event, wait: input.wait });
  obs.metrics.addMetric(`Claim_${input.event}`, 'Count', 1);
  return result;
});
