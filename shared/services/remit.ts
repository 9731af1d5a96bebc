/**
 * Posting an 835: read it streaming, refuse an unbalanced or malformed file whole (held for a
 * person, nothing posted), then per claim payment: match CLP01 to our claim, post the ledger entries
 * in one transaction keyed by (trace, CLP01, CLP07) so a replay posts nothing twice, and deliver the
 * routed outcome to the claim's AwaitRemit wait. Unmatched payments become work items.
 */
import type { Claim } from '../claims/model';
import type { RemitOutcome } from '../claims/workflow';
import {
  assertBalanced,
  chargeEntries,
  checkRemit,
  type LedgerEntry,
  LedgerError,
  postingKey,
  REVERSAL_STATUS,
  remitEntries,
} from '../posting/ledger';
import { routeRemit } from '../posting/route';
import { checkBalance, iterate835, type Remittance, X12Error, type X12Input } from '../x12';
import type { Delivery } from './outcomes';

export interface WorkItem {
  kind:
    | 'UNMATCHED_REMIT'
    | 'REMIT_MISMATCH'
    | 'REMIT_HELD'
    | 'UNEXPECTED_REMIT'
    | 'UNMATCHED_ACK'
    | 'ACK_HELD';
  reference: string; // trace / claim id / file key
  detail: Record<string, unknown>; // ids, codes, amounts: no PHI
}

export interface RemitPorts {
  loadClaim(claimId: string): Promise<Claim | undefined>;
  /** Ledger entries + posting marker in one transaction; 'duplicate' when the key was posted. */
  post(claimId: string, key: string, entries: LedgerEntry[]): Promise<'posted' | 'duplicate'>;
  deliver(claimId: string, outcome: RemitOutcome, key: string): Promise<Delivery>;
  recordRemit(remit: Remittance, fileKey: string, status: 'POSTED' | 'HELD', issues: string[]): Promise<void>;
  workItem(item: WorkItem): Promise<void>;
  now(): Date;
}

export interface RemitSummary {
  remits: number;
  held: number;
  posted: number;
  duplicates: number;
  unmatched: number;
  mismatched: number;
}

export async function postRemittanceFile(
  input: X12Input,
  fileKey: string,
  ports: RemitPorts,
): Promise<RemitSummary> {
  const summary: RemitSummary = { remits: 0, held: 0, posted: 0, duplicates: 0, unmatched: 0, mismatched: 0 };
  try {
    for await (const remit of iterate835(input)) {
      summary.remits++;
      await postOne(remit, fileKey, ports, summary);
    }
  } catch (err) {
    if (!(err instanceof X12Error)) throw err;
    // A malformed file cannot get better by retrying: hold it for a person.
    summary.held++;
    await ports.workItem({
      kind: 'REMIT_HELD',
      reference: fileKey,
      detail: { code: err.code, message: err.message },
    });
  }
  return summary;
}

async function postOne(
  remit: Remittance,
  fileKey: string,
  ports: RemitPorts,
  summary: RemitSummary,
): Promise<void> {
  const issues = checkBalance(remit);
  if (issues.length > 0) {
    summary.held++;
    const messages = issues.map((i) => i.message);
    await ports.recordRemit(remit, fileKey, 'HELD', messages);
    await ports.workItem({
      kind: 'REMIT_HELD',
      reference: remit.traceNumber,
      detail: { fileKey, issues: messages },
    });
    return;
  }
  await ports.recordRemit(remit, fileKey, 'POSTED', []);
  const at = ports.now().toISOString();
  for (const payment of remit.claims) {
    const claim = await ports.loadClaim(payment.patientControlNumber);
    if (!claim) {
      summary.unmatched++;
      await ports.workItem({
        kind: 'UNMATCHED_REMIT',
        reference: `${remit.traceNumber}/${payment.patientControlNumber}`,
        detail: {
          fileKey,
          payerClaimControlNumber: payment.payerClaimControlNumber,
          paidCents: payment.paidCents,
        },
      });
      continue;
    }
    const problems = checkRemit(claim, payment);
    if (problems.length > 0) {
      summary.mismatched++;
      await ports.workItem({
        kind: 'REMIT_MISMATCH',
        reference: `${remit.traceNumber}/${claim.claimId}`,
        detail: { fileKey, problems: problems.map((p) => p.code) },
      });
      continue;
    }
    const key = postingKey(
      remit.traceNumber,
      payment.patientControlNumber,
      payment.payerClaimControlNumber,
      payment.statusCode,
    );
    const entries = remitEntries(claim, payment, remit, at, fileKey);
    if (payment.statusCode !== REVERSAL_STATUS) {
      // The money invariant, before anything is written: the claim's charges are fully accounted for
      // by this adjudication (payment + adjustments + patient responsibility), to the cent.
      try {
        assertBalanced([...chargeEntries(claim, at), ...entries], { balanceCents: 0 });
      } catch (err) {
        if (!(err instanceof LedgerError)) throw err;
        summary.mismatched++;
        await ports.workItem({
          kind: 'REMIT_MISMATCH',
          reference: `${remit.traceNumber}/${claim.claimId}`,
          detail: { fileKey, problems: ['LEDGER_WOULD_NOT_BALANCE'], message: err.message },
        });
        continue;
      }
    }
    const posted = await ports.post(claim.claimId, key, entries);
    if (posted === 'posted') summary.posted++;
    else summary.duplicates++;
    // Delivered even on a duplicate posting: an earlier attempt may have stopped after posting.
    // deliver() itself is once-only per key.
    const delivery = await ports.deliver(claim.claimId, routeRemit(payment, remit.traceNumber), key);
    if (delivery === 'unexpected') {
      await ports.workItem({
        kind: 'UNEXPECTED_REMIT',
        reference: `${remit.traceNumber}/${claim.claimId}`,
        detail: { fileKey, statusCode: payment.statusCode },
      });
    }
  }
}
