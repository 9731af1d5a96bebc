/**
 * The promises the chaos harness checks after a run has settled, as pure functions of what is
 * stored (an audit snapshot), what the payer decided (the simulator's adjudications) and what is
 * left in the dead-letter queues. Each breach names the claim, interchange or trace: ids only.
 */
import { RESTING_STATUSES } from '../../shared/claims/model';
import { assertBalanced, balances, LedgerError } from '../../shared/posting/ledger';
import type { AuditSnapshot } from '../../shared/store/audit';

export interface PayerTruth {
  claimId: string;
  paidCents: number;
  /** How many times the payer adjudicated the claim: more than once means it was billed twice. */
  times: number;
}

export interface InvariantInput {
  snapshot: AuditSnapshot;
  truth: Map<string, PayerTruth>;
  /** Messages left in each dead-letter queue after the documented redrive ran. */
  deadLetters: Record<string, number>;
  /** Claim executions that ended FAILED, TIMED_OUT or ABORTED (by execution name = claim id). */
  failedExecutions?: string[];
  /** Per 835 trace number: the provider-level (PLB) amount posted, positive reducing the payment. */
  providerAdjustmentsCents?: (traceNumber: string) => number;
}

export interface Breach {
  invariant:
    | 'claim-not-at-rest'
    | 'claim-in-two-interchanges'
    | 'billed-twice'
    | 'payment-posted-twice'
    | 'payment-missing'
    | 'ledger-unbalanced'
    | 'remit-does-not-reconcile'
    | 'dead-letter-left'
    | 'execution-failed';
  subject: string;
  detail: string;
}

/** A claim id is "on a work item" when an item's reference or detail names it. */
function claimsOnWorkItems(snapshot: AuditSnapshot): Set<string> {
  const ids = new Set<string>();
  const claimIds = new Set(snapshot.claims.map((c) => c.claimId));
  for (const item of snapshot.workItems) {
    for (const part of item.reference.split(/[/#:]/)) if (claimIds.has(part)) ids.add(part);
    const named = item.detail?.claimId;
    if (typeof named === 'string') ids.add(named);
  }
  return ids;
}

export function checkInvariants(input: InvariantInput): Breach[] {
  const { snapshot, truth } = input;
  const breaches: Breach[] = [];
  const onWorkItems = claimsOnWorkItems(snapshot);
  const tracesOnWorkItems = new Set(
    snapshot.workItems.flatMap((w) => [
      w.reference,
      w.reference.split('/')[0] ?? '',
      String(w.detail?.traceNumber ?? ''),
      String(w.detail?.fileKey ?? ''),
    ]),
  );

  for (const record of snapshot.claims) {
    const id = record.claimId;
    if (!RESTING_STATUSES.has(record.status) && !onWorkItems.has(id)) {
      breaches.push({
        invariant: 'claim-not-at-rest',
        subject: id,
        detail: `status ${record.status}, no work item`,
      });
    }
    const icns = snapshot.interchangesByClaim.get(id) ?? [];
    if (new Set(icns).size > 1) {
      breaches.push({
        invariant: 'claim-in-two-interchanges',
        subject: id,
        detail: `interchanges ${[...new Set(icns)].join(', ')}`,
      });
    }
    const payer = truth.get(id);
    if (payer && payer.times > 1) {
      breaches.push({ invariant: 'billed-twice', subject: id, detail: `adjudicated ${payer.times} times` });
    }
    const entries = snapshot.ledger.get(id) ?? [];
    try {
      assertBalanced(entries);
      const b = balances(entries);
      if (b.chargesCents !== record.claim.totalChargeCents) {
        throw new LedgerError(`charges ${b.chargesCents} != claim total ${record.claim.totalChargeCents}`);
      }
      if (b.balanceCents < 0 && !onWorkItems.has(id)) {
        throw new LedgerError(`credit balance ${b.balanceCents} with no work item`);
      }
      const expected = payer?.paidCents ?? 0;
      if (b.paymentsCents > expected) {
        breaches.push({
          invariant: 'payment-posted-twice',
          subject: id,
          detail: `posted ${b.paymentsCents} cents, the payer paid ${expected}`,
        });
      } else if (b.paymentsCents < expected && record.status === 'CLOSED') {
        breaches.push({
          invariant: 'payment-missing',
          subject: id,
          detail: `closed with ${b.paymentsCents} cents posted, the payer paid ${expected}`,
        });
      }
    } catch (err) {
      if (!(err instanceof LedgerError)) throw err;
      breaches.push({ invariant: 'ledger-unbalanced', subject: id, detail: err.message });
    }
  }

  // Per 835: what was posted to claims, less the provider-level adjustments, is BPR02.
  const postedByTrace = new Map<string, number>();
  for (const entries of snapshot.ledger.values()) {
    for (const e of entries) {
      const trace = e.source.traceNumber;
      if (!trace) continue;
      const sign = e.kind === 'PAYMENT' ? 1 : e.kind === 'REVERSAL' && e.reverses === 'PAYMENT' ? 1 : 0;
      if (sign) postedByTrace.set(trace, (postedByTrace.get(trace) ?? 0) + e.amountCents);
    }
  }
  for (const remit of snapshot.remits) {
    const posted = postedByTrace.get(remit.traceNumber) ?? 0;
    const plb = input.providerAdjustmentsCents?.(remit.traceNumber) ?? 0;
    const explained = tracesOnWorkItems.has(remit.traceNumber) || tracesOnWorkItems.has(remit.fileKey);
    if (posted - plb !== remit.paymentCents && !explained) {
      breaches.push({
        invariant: 'remit-does-not-reconcile',
        subject: remit.traceNumber,
        detail: `${remit.status}: posted ${posted} - PLB ${plb} != BPR02 ${remit.paymentCents}, no work item`,
      });
    }
  }

  for (const name of input.failedExecutions ?? []) {
    breaches.push({
      invariant: 'execution-failed',
      subject: name,
      detail: 'the claim execution did not end well',
    });
  }

  for (const [queue, n] of Object.entries(input.deadLetters)) {
    if (n > 0) {
      breaches.push({
        invariant: 'dead-letter-left',
        subject: queue,
        detail: `${n} message(s) still dead-lettered after the redrive`,
      });
    }
  }
  return breaches;
}
