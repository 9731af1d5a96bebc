/**
 * Matching an 835 claim payment that found no claim (or the wrong one) to a claim by hand: which
 * work items can be matched, which claims are candidates, and the rules a match must pass before it
 * is posted like any other (shared/services/remit.ts postClaimPayment). Pure and AWS-free; ids,
 * codes and amounts only.
 */
import type { Claim } from '../claims/model';
import type { Cents } from '../money';
import type { ClaimPayment, Remittance } from '../x12/types';
import {
  checkRemit,
  type LedgerEntry,
  postingEntryPrefix,
  postingKey,
  REVERSAL_STATUS,
  type RemitProblemCode,
} from './ledger';

/** The work items a person can match: a claim payment with no claim, or one that did not fit its claim. */
export const MATCHABLE_KINDS = ['UNMATCHED_REMIT', 'REMIT_MISMATCH'] as const;

/** The claim payment(s) a work item stands for: trace TRN02 and CLP01 of an 835 file. */
export interface MatchTarget {
  traceNumber: string;
  patientControlNumber: string;
  fileKey: string;
}

/**
 * The claim payment an item names (`<trace>/<CLP01>`, `detail.fileKey`), or undefined for an item
 * that names none (a held file, a PLB, another kind).
 */
export function matchTarget(item: {
  kind: string;
  reference: string;
  detail: Record<string, unknown>;
}): MatchTarget | undefined {
  if (!(MATCHABLE_KINDS as readonly string[]).includes(item.kind)) return undefined;
  const fileKey = item.detail.fileKey;
  const slash = item.reference.lastIndexOf('/');
  if (typeof fileKey !== 'string' || fileKey === '' || slash <= 0 || slash === item.reference.length - 1) {
    return undefined;
  }
  // A PLB that did not fit (`<trace>/PLB<n>`) is the provider's, not a claim's.
  if (typeof item.detail.reason === 'string' && item.detail.amountCents !== undefined) return undefined;
  return {
    traceNumber: item.reference.slice(0, slash),
    patientControlNumber: item.reference.slice(slash + 1),
    fileKey,
  };
}

/**
 * The claim payments of the transaction set with this CLP01, in document order (a reversal and a
 * new adjudication of one claim share it; the work item stands for both, as auto-posting would
 * have posted both).
 */
export function paymentsOf(remit: Pick<Remittance, 'claims'>, patientControlNumber: string): ClaimPayment[] {
  return remit.claims.filter((c) => c.patientControlNumber === patientControlNumber);
}

/** The payment as if its CLP01 had been the claim's id: its posting key is (TRN02, claim id, CLP07). */
export function rebind(payment: ClaimPayment, claimId: string): ClaimPayment {
  return { ...payment, patientControlNumber: claimId };
}

/**
 * What is known of the 835's payer: the payer ids of the stored claims the same transaction set
 * pays (an 835 is from one payer), else the payer's name (N1*PR).
 */
export interface RemitPayer {
  payerIds: readonly string[];
  payerName?: string;
}

const normalName = (name: string) => name.trim().replace(/\s+/g, ' ').toUpperCase();

/** 'same' / 'other' payer than the claim's, or 'unknown' when the 835 tells nothing of its payer. */
export function payerFit(claim: Pick<Claim, 'payer'>, payer: RemitPayer): 'same' | 'other' | 'unknown' {
  if (payer.payerIds.length > 0) return payer.payerIds.includes(claim.payer.payerId) ? 'same' : 'other';
  if (payer.payerName && payer.payerName.trim() !== '') {
    return normalName(payer.payerName) === normalName(claim.payer.name) ? 'same' : 'other';
  }
  return 'unknown';
}

export type MatchRule =
  /** The claim is another payer's than the 835's (409). */
  | 'OTHER_PAYER'
  /** The claim already has a payment from this trace (another claim payment of the 835) (409). */
  | 'ALREADY_PAID_FOR_TRACE'
  /** The 835 names no payer we can compare (no other claim of its set is ours, no N1*PR name) (422). */
  | 'PAYER_UNKNOWN'
  /** The claim payment does not balance against the claim (checkRemit) (422). */
  | Exclude<RemitProblemCode, 'CLAIM_MISMATCH'>;

export interface MatchRefusal {
  status: 409 | 422;
  rule: MatchRule;
  expectedCents?: Cents;
  actualCents?: Cents;
}

/**
 * The rules a match must pass before posting, for each payment the item stands for (rebound to the
 * claim): same payer, and the payment balances against the claim (CLP03 = the claim's charge,
 * CLP03 - CLP04 = its adjustments, CLP05 = its PR adjustments). The ledger rules (duplicate, credit
 * balance, a ledger that must end balanced) are postClaimPayment's, as for auto-posting.
 */
export function matchRefusal(
  claim: Pick<Claim, 'claimId' | 'totalChargeCents' | 'payer'>,
  payments: readonly ClaimPayment[],
  payer: RemitPayer,
): MatchRefusal | undefined {
  const fit = payerFit(claim, payer);
  if (fit === 'other') return { status: 409, rule: 'OTHER_PAYER' };
  if (fit === 'unknown') return { status: 422, rule: 'PAYER_UNKNOWN' };
  for (const p of payments) {
    const problem = checkRemit(claim, rebind(p, claim.claimId)).find((x) => x.code !== 'CLAIM_MISMATCH');
    if (problem) {
      return {
        status: 422,
        rule: problem.code as MatchRefusal['rule'],
        ...(problem.expectedCents !== undefined ? { expectedCents: problem.expectedCents } : {}),
        ...(problem.actualCents !== undefined ? { actualCents: problem.actualCents } : {}),
      };
    }
  }
  return undefined;
}

/** The posting keys of the payments matched to `claimId`: (TRN02, the claim id, CLP07[, R]). */
export function matchedKeys(
  traceNumber: string,
  payments: readonly ClaimPayment[],
  claimId: string,
): string[] {
  return payments.map((p) => postingKey(traceNumber, claimId, p.payerClaimControlNumber, p.statusCode));
}

/**
 * True when the claim's ledger already holds money from this trace under another posting than
 * `ownKeys` (the match's own, posted by an earlier attempt): the 835 already paid this claim.
 */
export function paidFromTrace(
  ledger: readonly LedgerEntry[],
  traceNumber: string,
  ownKeys: readonly string[],
): boolean {
  const own = ownKeys.map(postingEntryPrefix);
  return ledger.some(
    (e) =>
      e.kind !== 'CHARGE' &&
      e.source.traceNumber === traceNumber &&
      !own.some((prefix) => e.entryId.startsWith(prefix)),
  );
}

/** Why a claim is offered as a candidate (strongest first). */
export type CandidateReason = 'ACCOUNT' | 'CHARGE' | 'SERVICE_DATE';
const WEIGHT: Record<CandidateReason, number> = { ACCOUNT: 4, CHARGE: 2, SERVICE_DATE: 1 };

/** Service dates of the 835 within this many days of a claim line's date of service count as near. */
export const SERVICE_DATE_WINDOW_DAYS = 7;

/** Upper case, letters and digits only, no leading zeros in a run of digits ("enc-0042" = "ENC42"). */
const normalAccount = (s: string) =>
  s
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .replace(/(^|[^0-9])0+(?=[0-9])/g, '$1');
const dayNumber = (iso: string) => Math.floor(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / 86_400_000);

/**
 * Why `claim` may be the claim a payment pays: its patient account (CLP01 is the claim id or the
 * encounter id, ignoring case, punctuation and the leading zeros of a number), its total charge (CLP03), a service
 * date within SERVICE_DATE_WINDOW_DAYS of one the 835 reports. Empty: not a candidate.
 */
export function candidateReasons(
  claim: Pick<Claim, 'claimId' | 'encounterId' | 'totalChargeCents' | 'lines'>,
  payment: Pick<ClaimPayment, 'patientControlNumber' | 'chargeCents' | 'statusCode' | 'services'>,
): CandidateReason[] {
  const reasons: CandidateReason[] = [];
  const account = normalAccount(payment.patientControlNumber);
  if (account !== '' && [claim.claimId, claim.encounterId].some((id) => normalAccount(id) === account)) {
    reasons.push('ACCOUNT');
  }
  const charge = payment.statusCode === REVERSAL_STATUS ? -payment.chargeCents : payment.chargeCents;
  if (charge === claim.totalChargeCents) reasons.push('CHARGE');
  const remitDays = payment.services
    .flatMap((s) => (s.dateOfService ? [dayNumber(s.dateOfService)] : []))
    .filter((d) => Number.isFinite(d));
  const near = claim.lines.some((l) =>
    remitDays.some((d) => Math.abs(d - dayNumber(l.dateOfService)) <= SERVICE_DATE_WINDOW_DAYS),
  );
  if (near) reasons.push('SERVICE_DATE');
  return reasons;
}

export function candidateScore(reasons: readonly CandidateReason[]): number {
  return reasons.reduce((t, r) => t + WEIGHT[r], 0);
}
