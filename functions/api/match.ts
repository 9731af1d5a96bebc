/**
 * Wiring of the manual remit match (shared/workbench/remit-match.ts): the repositories and the 835
 * reader it needs beyond ApiRepositories, and its ports. The posting and the outcome delivery are
 * the remit poster's own (shared/services/remit.ts postClaimPayment, remitDelivery).
 */

import { note } from '../../shared/services/outcomes';
import { readRemittance, remitDelivery } from '../../shared/services/remit';
import type { ClaimRepository, LedgerRepository, WorkItemRepository } from '../../shared/store';
import { inboundPrefix } from '../../shared/webhooks/receive';
import type { RemitMatchPorts } from '../../shared/workbench/remit-match';
import type { WorkQueuePorts } from '../../shared/workbench/work-queue';
import type { X12Input } from '../../shared/x12';
import { outcomePorts } from '../lib/ports';
import type { ApiRepositories } from './app';
import type { TaskTokens } from './ports';

/** What the match routes need besides ApiRepositories (shared/store classes satisfy it). */
export interface RemitMatchRepositories {
  claims: Pick<ClaimRepository, 'saveOnce' | 'hasMarker'>;
  ledger: Pick<LedgerRepository, 'getLedger' | 'postPayment' | 'isPosted'>;
  work: Pick<WorkItemRepository, 'add' | 'reserveMatch' | 'releaseMatch'>;
  /** The stored 835 (S3 key under inbound/835/ of the X12 bucket). */
  read835(fileKey: string): Promise<X12Input>;
}

/** The match's ports: the work queue's own (items, resolve, audit, clock) plus posting and the 835. */
export function remitMatchPorts(
  repos: ApiRepositories,
  match: RemitMatchRepositories | undefined,
  tokens: TaskTokens,
  queue: WorkQueuePorts,
): RemitMatchPorts | undefined {
  if (!match) return undefined;
  const getState = (claimId: string) => repos.claims.get(claimId);
  const outcomes = {
    ...outcomePorts(
      {
        claims: {
          get: getState,
          saveOnce: (...a) => match.claims.saveOnce(...a),
          hasMarker: (...a) => match.claims.hasMarker(...a),
        },
      },
      tokens,
    ),
    now: queue.now,
  };
  return {
    kinds: queue.kinds,
    getItem: queue.get,
    getClaim: getState,
    remittance: async (fileKey, traceNumber) =>
      // Only the remit poster's files: a work item's detail is data, not a path to anything.
      fileKey.startsWith(inboundPrefix('835'))
        ? readRemittance(() => match.read835(fileKey), traceNumber)
        : undefined,
    // One page: at most 1000 claims examined (the store's default), `limit` kept.
    listClaims: async (practiceIds, statuses, accept, limit) =>
      (await repos.claims.listForPractices(practiceIds, { statuses, limit, accept })).items,
    posting: {
      ledger: (claimId) => match.ledger.getLedger(claimId),
      post: (claimId, key, entries, guard) => match.ledger.postPayment(claimId, key, entries, guard),
      deliver: remitDelivery(outcomes),
    },
    noteMatch: async (claimId, dedupeKey, detail) => {
      await note(outcomes, claimId, dedupeKey, 'REMIT_MATCHED', detail);
    },
    workItem: (item) => match.work.add(item.kind, item.reference, item.detail, queue.now().toISOString()),
    reserve: (kind, reference, claimId) => match.work.reserveMatch(kind, reference, claimId),
    release: (kind, reference, claimId) => match.work.releaseMatch(kind, reference, claimId),
    resolve: queue.resolve,
    audit: queue.audit,
    now: queue.now,
  };
}
