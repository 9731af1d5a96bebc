/**
 * A claim's ledger: an append-only list of money entries. Pure and AWS-free.
 *
 * Sign convention (integer cents): every entry's amount is how much of the claim's charge it
 * accounts for, as the payer reports it.
 * - CHARGE: + line charge (what we billed).
 * - PAYMENT: + CLP04 (what the payer paid). PATIENT_RESPONSIBILITY: + PR CAS amounts.
 *   ADJUSTMENT: + CO/OA/PI/CR CAS amounts (a negative CAS amount, i.e. an increase, stays negative).
 *   WRITE_OFF: + amount we give up on (balance we stop pursuing).
 * - REVERSAL: a payer reversal (CLP02 = 22) or our own correction; `reverses` names the bucket it
 *   negates and `amountCents` carries the sign that bucket receives (a reversed payment of $50 is
 *   { kind: 'REVERSAL', reverses: 'PAYMENT', amountCents: -5000 }).
 *
 * Invariant: charges = payments + adjustments + patient responsibility + write-offs + balance, where
 * balance is the insurance balance still open. A remit that fully adjudicates the claim leaves balance 0.
 */
import { createHash } from 'node:crypto';
import type { Claim } from '../claims/model';
import { assertCents, type Cents } from '../money';
import type { Adjustment, ClaimPayment, Remittance } from '../x12/types';

export const LEDGER_KINDS = [
  'CHARGE',
  'PAYMENT',
  'ADJUSTMENT',
  'PATIENT_RESPONSIBILITY',
  'WRITE_OFF',
  'REVERSAL',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];
/** The buckets a reversal can negate. */
export type ReversibleKind = Exclude<LedgerKind, 'REVERSAL'>;

export interface LedgerSource {
  traceNumber?: string; // TRN02
  payerClaimControlNumber?: string; // CLP07
  fileKey?: string; // S3 key of the charge file or the 835
}

export interface LedgerEntry {
  /** Deterministic: the same input always yields the same id (ledger rows are keyed by it). */
  entryId: string;
  claimId: string;
  kind: LedgerKind;
  /** Bucket a REVERSAL negates (only on REVERSAL entries). */
  reverses?: ReversibleKind;
  amountCents: Cents;
  carc?: string; // CAS reason code
  group?: Adjustment['group']; // CAS group code
  lineId?: string; // our service line id (REF*6R on the 835)
  source: LedgerSource;
  at: string; // ISO timestamp of the posting
}

export interface Balances {
  chargesCents: Cents;
  paymentsCents: Cents;
  adjustmentsCents: Cents;
  patientResponsibilityCents: Cents;
  writeOffCents: Cents;
  /** Insurance balance still open: charges - payments - adjustments - patient resp. - write-offs. */
  balanceCents: Cents;
}

export class LedgerError extends Error {
  override readonly name = 'LedgerError';
}

/** Claim status code CLP02 = 22: reversal of a previous payment. */
export const REVERSAL_STATUS = '22';

/**
 * The posting key: (payer trace number TRN02, CLP01, CLP07). A replayed 835 yields the same keys, so
 * its claims post nothing twice. A reversal (CLP02 22) usually carries the CLP07 of the claim it
 * reverses, in the same 835 as the corrected claim, so it gets its own suffix to not collide.
 */
export function postingKey(
  traceNumber: string,
  patientControlNumber: string,
  payerClaimControlNumber: string,
  statusCode?: string,
): string {
  const parts = [traceNumber, patientControlNumber, payerClaimControlNumber].map((p) =>
    encodeURIComponent(p),
  );
  return statusCode === REVERSAL_STATUS ? `${parts.join('/')}/R` : parts.join('/');
}

/** Short stable hash used in entry ids (keeps sort keys short whatever the trace numbers look like). */
function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

const pad = (n: number): string => String(n).padStart(3, '0');

/** One CHARGE entry per service line. Entry ids C-001, C-002, ... in line order. */
export function chargeEntries(claim: Claim, at: string = claim.receivedAt): LedgerEntry[] {
  return claim.lines.map((line, i) => {
    assertCents(line.chargeCents);
    return {
      entryId: `C-${pad(i + 1)}`,
      claimId: claim.claimId,
      kind: 'CHARGE',
      amountCents: line.chargeCents,
      lineId: line.lineId,
      source: { fileKey: claim.sourceFile },
      at,
    };
  });
}

function bucketOf(adj: Adjustment): 'ADJUSTMENT' | 'PATIENT_RESPONSIBILITY' {
  return adj.group === 'PR' ? 'PATIENT_RESPONSIBILITY' : 'ADJUSTMENT';
}

/**
 * Entries for one ClaimPayment of an 835: a PAYMENT of CLP04, then claim-level CAS, then each service
 * line's CAS, in document order. Zero amounts are not posted.
 * A reversal (CLP02 22) produces REVERSAL entries carrying the payer's (negative) amounts.
 * Entry ids are R-<hash of posting key>-NNN, so a replay produces identical ids.
 */
export function remitEntries(
  claim: Pick<Claim, 'claimId'>,
  payment: ClaimPayment,
  remit: Pick<Remittance, 'traceNumber'>,
  at: string,
  fileKey?: string,
): LedgerEntry[] {
  const key = postingKey(
    remit.traceNumber,
    payment.patientControlNumber,
    payment.payerClaimControlNumber,
    payment.statusCode,
  );
  const prefix = `R-${shortHash(key)}`;
  const reversal = payment.statusCode === REVERSAL_STATUS;
  const source: LedgerSource = {
    traceNumber: remit.traceNumber,
    payerClaimControlNumber: payment.payerClaimControlNumber,
    ...(fileKey ? { fileKey } : {}),
  };
  const entries: LedgerEntry[] = [];
  const add = (
    bucket: ReversibleKind,
    amountCents: Cents,
    extra: Pick<LedgerEntry, 'carc' | 'group' | 'lineId'>,
  ) => {
    assertCents(amountCents);
    if (amountCents === 0) return;
    entries.push({
      entryId: `${prefix}-${pad(entries.length + 1)}`,
      claimId: claim.claimId,
      kind: reversal ? 'REVERSAL' : bucket,
      ...(reversal ? { reverses: bucket } : {}),
      amountCents,
      ...extra,
      source,
      at,
    });
  };
  add('PAYMENT', payment.paidCents, {});
  for (const adj of payment.adjustments) {
    add(bucketOf(adj), adj.amountCents, { carc: adj.reason, group: adj.group });
  }
  for (const svc of payment.services) {
    for (const adj of svc.adjustments) {
      add(bucketOf(adj), adj.amountCents, {
        carc: adj.reason,
        group: adj.group,
        ...(svc.lineItemControlNumber ? { lineId: svc.lineItemControlNumber } : {}),
      });
    }
  }
  return entries;
}

/** A WRITE_OFF of (part of) the open insurance balance, e.g. after a timely-filing denial leftover. */
export function writeOffEntry(claimId: string, amountCents: Cents, at: string, reason: string): LedgerEntry {
  assertCents(amountCents);
  return {
    entryId: `W-${shortHash(`${reason}|${at}|${amountCents}`)}`,
    claimId,
    kind: 'WRITE_OFF',
    amountCents,
    carc: reason,
    source: {},
    at,
  };
}

export function balances(entries: readonly LedgerEntry[]): Balances {
  const sums: Record<ReversibleKind, number> = {
    CHARGE: 0,
    PAYMENT: 0,
    ADJUSTMENT: 0,
    PATIENT_RESPONSIBILITY: 0,
    WRITE_OFF: 0,
  };
  for (const e of entries) {
    assertCents(e.amountCents);
    const bucket = e.kind === 'REVERSAL' ? e.reverses : e.kind;
    if (!bucket) throw new LedgerError(`reversal entry ${e.entryId} does not name the bucket it reverses`);
    sums[bucket] += e.amountCents;
  }
  const accounted = sums.PAYMENT + sums.ADJUSTMENT + sums.PATIENT_RESPONSIBILITY + sums.WRITE_OFF;
  return {
    chargesCents: sums.CHARGE,
    paymentsCents: sums.PAYMENT,
    adjustmentsCents: sums.ADJUSTMENT,
    patientResponsibilityCents: sums.PATIENT_RESPONSIBILITY,
    writeOffCents: sums.WRITE_OFF,
    balanceCents: sums.CHARGE - accounted,
  };
}

/**
 * Checks the ledger invariant charges = payments + adjustments + patient responsibility + write-offs
 * + balance, every amount integer cents, entry ids unique, entries all of one claim; and, when given,
 * that the open balance is what the caller expects (e.g. 0 after a full adjudication). Throws LedgerError.
 */
export function assertBalanced(
  entries: readonly LedgerEntry[],
  expected: { balanceCents?: Cents } = {},
): Balances {
  const ids = new Set<string>();
  const claimIds = new Set<string>();
  for (const e of entries) {
    if (ids.has(e.entryId)) throw new LedgerError(`duplicate ledger entry ${e.entryId}`);
    ids.add(e.entryId);
    claimIds.add(e.claimId);
  }
  if (claimIds.size > 1) throw new LedgerError(`ledger mixes claims: ${[...claimIds].join(', ')}`);
  const b = balances(entries);
  const rhs =
    b.paymentsCents + b.adjustmentsCents + b.patientResponsibilityCents + b.writeOffCents + b.balanceCents;
  if (b.chargesCents !== rhs) {
    throw new LedgerError(`ledger out of balance: charges ${b.chargesCents} != accounted ${rhs}`);
  }
  if (expected.balanceCents !== undefined && b.balanceCents !== expected.balanceCents) {
    throw new LedgerError(`open balance ${b.balanceCents} != expected ${expected.balanceCents}`);
  }
  return b;
}

export type RemitProblemCode =
  /** CLP03 differs from our claim's total charge (for a reversal: -CLP03). */
  | 'CHARGE_MISMATCH'
  /** CLP03 - CLP04 != sum of claim- and line-level CAS: the claim payment does not balance. */
  | 'UNBALANCED'
  /** CLP05 != sum of PR adjustments. */
  | 'PATIENT_RESPONSIBILITY_MISMATCH'
  /** CLP01 is not this claim. */
  | 'CLAIM_MISMATCH';

export interface RemitProblem {
  code: RemitProblemCode;
  expectedCents?: Cents;
  actualCents?: Cents;
}

/**
 * Remit-level checks before posting. Any problem means: flag the claim (human review), post nothing.
 * Amounts in the problems are money and codes only, no PHI.
 */
export function checkRemit(
  claim: Pick<Claim, 'claimId' | 'totalChargeCents'>,
  payment: ClaimPayment,
): RemitProblem[] {
  const problems: RemitProblem[] = [];
  if (payment.patientControlNumber !== claim.claimId) problems.push({ code: 'CLAIM_MISMATCH' });
  const reversal = payment.statusCode === REVERSAL_STATUS;
  const charge = reversal ? -payment.chargeCents : payment.chargeCents;
  if (charge !== claim.totalChargeCents) {
    problems.push({ code: 'CHARGE_MISMATCH', expectedCents: claim.totalChargeCents, actualCents: charge });
  }
  const all = [...payment.adjustments, ...payment.services.flatMap((s) => s.adjustments)];
  let adjusted = 0;
  let pr = 0;
  for (const a of all) {
    adjusted += a.amountCents;
    if (a.group === 'PR') pr += a.amountCents;
  }
  if (payment.chargeCents - payment.paidCents !== adjusted) {
    problems.push({
      code: 'UNBALANCED',
      expectedCents: payment.chargeCents - payment.paidCents,
      actualCents: adjusted,
    });
  }
  if (payment.patientResponsibilityCents !== 0 && payment.patientResponsibilityCents !== pr) {
    problems.push({
      code: 'PATIENT_RESPONSIBILITY_MISMATCH',
      expectedCents: payment.patientResponsibilityCents,
      actualCents: pr,
    });
  }
  return problems;
}

/** Entry-id prefix of the entries a posting key produces (see remitEntries). */
export function postingEntryPrefix(key: string): string {
  return `R-${shortHash(key)}-`;
}

/** True when `ledger` already holds the entries of posting `key` (an earlier run posted it). */
export function hasPosting(ledger: readonly LedgerEntry[], key: string): boolean {
  const prefix = postingEntryPrefix(key);
  return ledger.some((e) => e.entryId.startsWith(prefix));
}

/**
 * True when the entries already posted under `key` are `entries` (same ids, buckets and amounts),
 * i.e. a replay of what was posted; false when the same key was posted with other amounts (a trace
 * number re-used for different money). Our own reversal of a replaced adjudication is not compared.
 */
export function samePosting(
  ledger: readonly LedgerEntry[],
  key: string,
  entries: readonly LedgerEntry[],
): boolean {
  const prefix = postingEntryPrefix(key);
  const sig = (e: LedgerEntry) => `${e.entryId}|${e.kind}|${e.reverses ?? ''}|${e.amountCents}`;
  const posted = ledger
    .filter((e) => e.entryId.startsWith(prefix) && !e.entryId.startsWith(`${prefix}V`))
    .map(sig)
    .sort();
  const now = entries.map(sig).sort();
  return posted.length === now.length && posted.every((s, i) => s === now[i]);
}

export type LedgerCheck =
  | {
      ok: true;
      /** What to post under the posting key: the remit's entries, preceded (for the adjudication of
       * a replacement claim) by the reversal of the adjudication it replaces. */
      entries: LedgerEntry[];
      /** True when the entries reverse the replaced claim's adjudication first. */
      supersedes: boolean;
    }
  | {
      ok: false;
      /** DUPLICATE_REMIT: the claim is already adjudicated; CREDIT_BALANCE: payments would exceed
       * charges; REMIT_MISMATCH: the entries do not fit the ledger (e.g. a reversal of nothing). */
      kind: 'DUPLICATE_REMIT' | 'CREDIT_BALANCE' | 'REMIT_MISMATCH';
      problem:
        | 'SAME_ADJUDICATION'
        | 'ALREADY_ADJUDICATED'
        | 'PAYMENTS_EXCEED_CHARGES'
        | 'NOTHING_TO_REVERSE'
        | 'REVERSAL_DOES_NOT_MATCH_LEDGER'
        | 'LEDGER_WOULD_NOT_BALANCE';
      /** Payments already posted to the claim (net of reversals) and its charges. */
      postedPaymentsCents: Cents;
      chargesCents: Cents;
      message: string;
    };

type LedgerRefusal = Exclude<LedgerCheck, { ok: true }>;

/**
 * The pre-write check of one 835 claim payment against what is ALREADY POSTED to the claim (its
 * ledger), not just against this adjudication, so the same payments re-sent under a new trace number
 * cannot post twice:
 * - an adjudication (CLP02 other than 22) posts only to a claim with nothing accounted yet (never
 *   adjudicated, or reversed since) and must leave the open balance at 0; on a claim already
 *   adjudicated it is DUPLICATE_REMIT (same CLP07, or a second adjudication that stays within the
 *   charges) or CREDIT_BALANCE (payments would exceed the charges); payments above the charges on a
 *   fresh claim are CREDIT_BALANCE too.
 * - exception: the claim is a replacement (frequency 7) of the payer's claim CLP07 = REF*F8 (or an
 *   appeal won had the payer reprocess its claim CLP07 = reprocessedPayerClaimNumber) whose
 *   adjudication is on the ledger, and this is a different CLP07 (the replacement's own
 *   adjudication) with no payer reversal in between: the replaced adjudication is reversed by our own
 *   REVERSAL entries (net per bucket) in the same posting, then the new one posts.
 * - a reversal (CLP02 22) posts only against a posted adjudication and must bring payments,
 *   adjustments and patient responsibility back to 0 (so a new adjudication can follow).
 * `ledger` is the claim's posted entries (CHARGE entries are taken from the claim when absent);
 * `entries` are remitEntries() of the payment under `key` (the posting key).
 */
export function checkAgainstLedger(
  claim: Claim,
  ledger: readonly LedgerEntry[],
  payment: ClaimPayment,
  entries: readonly LedgerEntry[],
  posting: { key: string; at: string; traceNumber: string; fileKey?: string },
): LedgerCheck {
  const base = ledger.some((e) => e.kind === 'CHARGE') ? [...ledger] : [...chargeEntries(claim), ...ledger];
  const before = balances(base);
  const fail = (
    kind: LedgerRefusal['kind'],
    problem: LedgerRefusal['problem'],
    message: string,
  ): LedgerCheck => ({
    ok: false,
    kind,
    problem,
    postedPaymentsCents: before.paymentsCents,
    chargesCents: before.chargesCents,
    message,
  });
  // Adjudicated: some payment, adjustment or patient responsibility is on the ledger (net of reversals).
  const adjudicated =
    before.paymentsCents !== 0 || before.adjustmentsCents !== 0 || before.patientResponsibilityCents !== 0;
  let toPost = [...entries];
  let supersedes = false;
  if (payment.statusCode !== REVERSAL_STATUS && adjudicated) {
    const postedPcns = new Set(
      base
        .filter((e) => e.kind !== 'CHARGE' && e.kind !== 'REVERSAL')
        .map((e) => e.source.payerClaimControlNumber)
        .filter((p): p is string => p !== undefined),
    );
    const sameAdjudication = postedPcns.has(payment.payerClaimControlNumber);
    // A replacement's original, or the denial an appeal won has the payer reprocess.
    const original =
      claim.frequencyCode === '7' ? claim.originalPayerClaimNumber : claim.reprocessedPayerClaimNumber;
    if (!sameAdjudication && original !== undefined && postedPcns.has(original)) {
      toPost = [...replacedReversal(claim.claimId, before, original, posting), ...entries];
      supersedes = true;
    } else {
      const wouldPay = before.paymentsCents + payment.paidCents;
      if (!sameAdjudication && wouldPay > before.chargesCents) {
        return fail(
          'CREDIT_BALANCE',
          'PAYMENTS_EXCEED_CHARGES',
          `payments would be ${wouldPay} cents on charges of ${before.chargesCents} cents`,
        );
      }
      return fail(
        'DUPLICATE_REMIT',
        sameAdjudication ? 'SAME_ADJUDICATION' : 'ALREADY_ADJUDICATED',
        `claim already adjudicated: ${before.paymentsCents} cents paid on charges of ${before.chargesCents} cents`,
      );
    }
  }
  let after: Balances;
  try {
    after = assertBalanced([...base, ...toPost]);
  } catch (err) {
    if (!(err instanceof LedgerError)) throw err;
    return fail('REMIT_MISMATCH', 'LEDGER_WOULD_NOT_BALANCE', err.message);
  }
  if (payment.statusCode === REVERSAL_STATUS) {
    if (!adjudicated) {
      return fail('REMIT_MISMATCH', 'NOTHING_TO_REVERSE', 'reversal of a claim with no posted adjudication');
    }
    if (after.paymentsCents !== 0 || after.adjustmentsCents !== 0 || after.patientResponsibilityCents !== 0) {
      return fail(
        'REMIT_MISMATCH',
        'REVERSAL_DOES_NOT_MATCH_LEDGER',
        `reversal leaves payments ${after.paymentsCents}, adjustments ${after.adjustmentsCents}, patient responsibility ${after.patientResponsibilityCents} cents`,
      );
    }
    return { ok: true, entries: toPost, supersedes };
  }
  if (after.paymentsCents > after.chargesCents) {
    return fail(
      'CREDIT_BALANCE',
      'PAYMENTS_EXCEED_CHARGES',
      `payments would be ${after.paymentsCents} cents on charges of ${after.chargesCents} cents`,
    );
  }
  if (after.balanceCents !== 0) {
    return fail(
      'REMIT_MISMATCH',
      'LEDGER_WOULD_NOT_BALANCE',
      `open balance ${after.balanceCents} != expected 0 after the adjudication`,
    );
  }
  return { ok: true, entries: toPost, supersedes };
}

/** Our own REVERSAL entries (one per non-zero bucket) undoing the adjudication a replacement replaces. */
function replacedReversal(
  claimId: string,
  before: Balances,
  originalPayerClaimNumber: string,
  posting: { key: string; at: string; traceNumber: string; fileKey?: string },
): LedgerEntry[] {
  const buckets: [ReversibleKind, Cents][] = [
    ['PAYMENT', before.paymentsCents],
    ['ADJUSTMENT', before.adjustmentsCents],
    ['PATIENT_RESPONSIBILITY', before.patientResponsibilityCents],
  ];
  return buckets
    .filter(([, cents]) => cents !== 0)
    .map(([bucket, cents], i) => ({
      entryId: `${postingEntryPrefix(posting.key)}V${pad(i + 1)}`,
      claimId,
      kind: 'REVERSAL' as const,
      reverses: bucket,
      amountCents: -cents,
      source: {
        traceNumber: posting.traceNumber,
        payerClaimControlNumber: originalPayerClaimNumber,
        ...(posting.fileKey ? { fileKey: posting.fileKey } : {}),
      },
      at: posting.at,
    }));
}

/**
 * A provider-level adjustment (835 PLB) posted to the provider's own ledger account, not to a claim.
 * Sign convention: `amountCents` is the PLB amount as the payer reports it: positive = withheld from
 * the provider (reduces the payment, e.g. a recoupment WO or a levy), negative = paid to the provider
 * on top of the claim payments (e.g. interest L6). So each 835 reconciles as
 *   BPR02 = sum(CLP04 posted) - sum(PLB amounts posted).
 */
export interface ProviderLedgerEntry {
  /** PLB-<hash of trace>-NNN: NNN is the adjustment's 1-based position in the transaction set. */
  entryId: string;
  /** PLB01 (the payer's provider id, e.g. NPI or TIN); the payee NPI when PLB01 is empty. */
  providerId: string;
  traceNumber: string;
  /** 0-based index of the adjustment among the transaction set's PLB adjustments. */
  index: number;
  reason: string; // PLB03-1 e.g. WO, L6, FB
  reference?: string; // PLB03-2
  fiscalPeriodDate: string;
  amountCents: Cents;
  fileKey?: string;
  at: string;
}

/** The provider ledger entries of a remittance's PLB adjustments (deterministic ids, replay-safe). */
export function providerEntries(
  remit: Pick<Remittance, 'traceNumber' | 'providerAdjustments' | 'payeeNpi'>,
  at: string,
  fileKey?: string,
): ProviderLedgerEntry[] {
  const prefix = `PLB-${shortHash(remit.traceNumber)}`;
  return remit.providerAdjustments.map((adj, index) => {
    assertCents(adj.amountCents);
    const providerId = adj.providerId || remit.payeeNpi || '';
    if (providerId === '') throw new LedgerError(`PLB ${index + 1} names no provider`);
    return {
      entryId: `${prefix}-${pad(index + 1)}`,
      providerId,
      traceNumber: remit.traceNumber,
      index,
      reason: adj.reason,
      ...(adj.reference ? { reference: adj.reference } : {}),
      fiscalPeriodDate: adj.fiscalPeriodDate,
      amountCents: adj.amountCents,
      ...(fileKey ? { fileKey } : {}),
      at,
    };
  });
}
