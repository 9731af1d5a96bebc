/**
 * Revenue-cycle reports over a practice's book: A/R aging, days in A/R, clean-claim rate,
 * first-pass resolution rate, denial rates, net collection rate, charge lag. Pure functions over
 * claims, their events and their ledgers; every formula is written out in docs/reports.md.
 * Money is integer cents; rates are { numerator, denominator, rate } with rate null when nothing
 * was counted (never a division by zero).
 */
import type { Claim, ClaimEvent, ClaimStatus } from '../claims/model';
import type { Cents } from '../money';
import { balances, type LedgerEntry } from '../posting/ledger';
import { AR_BUCKETS, type ArBucket, ageInDays, arBucket } from '../workbench/aging';
import { type PatientEntry, patientBalance } from '../workbench/patient-ledger';

/** One claim of the book: what the repositories hold about it. */
export interface BookClaim {
  claim: Pick<Claim, 'claimId' | 'practiceId' | 'payer' | 'lines' | 'totalChargeCents'>;
  status: ClaimStatus;
  events: readonly ClaimEvent[];
  ledger: readonly LedgerEntry[];
  patient?: readonly PatientEntry[];
}

export interface Rate {
  numerator: number;
  denominator: number;
  /** numerator / denominator, or null when the denominator is 0. */
  rate: number | null;
}

export const rate = (numerator: number, denominator: number): Rate => ({
  numerator,
  denominator,
  rate: denominator === 0 ? null : numerator / denominator,
});

const DAY_MS = 86_400_000;

/** The claim's first date of service (the A/R age basis, as in the claims list). */
export function firstDateOfService(claim: Pick<Claim, 'lines'>): string {
  const dates = claim.lines.map((l) => l.dateOfService).sort();
  const first = dates[0];
  if (!first) throw new Error('claim has no lines');
  return first;
}

// ---------------------------------------------------------------- A/R aging

export interface AgingRow {
  payerId: string;
  bucket: ArBucket;
  /** Open insurance balance (ledger balance) of the claims in the cell. */
  insuranceCents: Cents;
  /** Open patient balance (patient responsibility - patient payments - patient write-offs). */
  patientCents: Cents;
  claims: number;
}

export interface AgingReport {
  asOf: string;
  /** One row per payer and bucket holding an open balance, payers sorted, buckets in order. */
  rows: AgingRow[];
  /** Per bucket, all payers. */
  totals: Record<ArBucket, { insuranceCents: Cents; patientCents: Cents; claims: number }>;
  insuranceCents: Cents;
  patientCents: Cents;
}

/** Open balances of one claim: insurance (ledger) and patient side. */
export function openBalances(c: BookClaim): { insuranceCents: Cents; patientCents: Cents } {
  return {
    insuranceCents: balances(c.ledger).balanceCents,
    patientCents: patientBalance(c.ledger, c.patient ?? []).balanceCents,
  };
}

/**
 * A/R aging on `asOf` (YYYY-MM-DD): every claim with a non-zero open balance, aged from its first
 * date of service, summed per payer and bucket, insurance and patient apart.
 */
export function arAging(book: readonly BookClaim[], asOf: string): AgingReport {
  const cells = new Map<string, AgingRow>();
  const totals = Object.fromEntries(
    AR_BUCKETS.map((b) => [b, { insuranceCents: 0, patientCents: 0, claims: 0 }]),
  ) as AgingReport['totals'];
  for (const c of book) {
    const open = openBalances(c);
    if (open.insuranceCents === 0 && open.patientCents === 0) continue;
    const bucket = arBucket(ageInDays(firstDateOfService(c.claim), asOf));
    const key = `${c.claim.payer.payerId}\u0000${bucket}`;
    const row = cells.get(key) ?? {
      payerId: c.claim.payer.payerId,
      bucket,
      insuranceCents: 0,
      patientCents: 0,
      claims: 0,
    };
    row.insuranceCents += open.insuranceCents;
    row.patientCents += open.patientCents;
    row.claims += 1;
    cells.set(key, row);
    totals[bucket].insuranceCents += open.insuranceCents;
    totals[bucket].patientCents += open.patientCents;
    totals[bucket].claims += 1;
  }
  const rows = [...cells.values()].sort(
    (a, b) =>
      a.payerId.localeCompare(b.payerId) || AR_BUCKETS.indexOf(a.bucket) - AR_BUCKETS.indexOf(b.bucket),
  );
  return {
    asOf,
    rows,
    totals,
    insuranceCents: rows.reduce((s, r) => s + r.insuranceCents, 0),
    patientCents: rows.reduce((s, r) => s + r.patientCents, 0),
  };
}

// ---------------------------------------------------------------- days in A/R

export interface DaysInAr {
  /** Open A/R (insurance + patient) on asOf. */
  openCents: Cents;
  /** Charges posted in the window (CHARGE entries dated asOf - windowDays <= at < asOf + 1 day). */
  windowChargesCents: Cents;
  windowDays: number;
  /** openCents / (windowChargesCents / windowDays), one decimal; null without charges in the window. */
  days: number | null;
}

export function daysInAr(book: readonly BookClaim[], asOf: string, windowDays = 90): DaysInAr {
  const end = Date.parse(`${asOf}T00:00:00Z`) + DAY_MS;
  const start = end - windowDays * DAY_MS;
  let openCents = 0;
  let windowChargesCents = 0;
  for (const c of book) {
    const open = openBalances(c);
    openCents += open.insuranceCents + open.patientCents;
    for (const e of c.ledger) {
      const at = Date.parse(e.at);
      const charge = e.kind === 'CHARGE' || (e.kind === 'REVERSAL' && e.reverses === 'CHARGE');
      if (charge && at >= start && at < end) windowChargesCents += e.amountCents;
    }
  }
  const days =
    windowChargesCents <= 0 ? null : Math.round((openCents * windowDays * 10) / windowChargesCents) / 10;
  return { openCents, windowChargesCents, windowDays, days };
}

// ---------------------------------------------------------------- claim outcomes from events

const SUBMITTED = 'SUBMITTED';
const REJECTIONS = new Set(['ACK_999_REJECTED', 'ACK_277CA_REJECTED', 'SUBMIT_REJECTED']);
const REMIT_POSTED = 'REMIT_POSTED';

const ordered = (events: readonly ClaimEvent[]) =>
  [...events].sort((a, b) => a.seq - b.seq || a.at.localeCompare(b.at));

function remitsOf(c: BookClaim): ClaimEvent[] {
  return ordered(c.events).filter((e) => e.type === REMIT_POSTED);
}

/** CARCs ("CO-50") of a remit event. */
function carcsOf(e: ClaimEvent): string[] {
  const carcs = e.detail?.carcs;
  return Array.isArray(carcs) ? carcs.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * A remittance is a denial when the payer paid nothing and at least one adjustment is not patient
 * responsibility (a zero payment that is all deductible, PR-1, is not a denial).
 */
export function isDenial(remit: ClaimEvent): boolean {
  const paid = remit.detail?.paidCents;
  return paid === 0 && carcsOf(remit).some((c) => !c.startsWith('PR-'));
}

/**
 * Clean-claim rate: of the claims submitted, those that never failed the scrubber and were never
 * rejected (999, 277CA or by the clearinghouse) before their first remittance.
 */
export function cleanClaimRate(book: readonly BookClaim[]): Rate {
  let submitted = 0;
  let clean = 0;
  for (const c of book) {
    const events = ordered(c.events);
    if (!events.some((e) => e.type === SUBMITTED)) continue;
    submitted++;
    const firstRemit = events.findIndex((e) => e.type === REMIT_POSTED);
    const before = firstRemit === -1 ? events : events.slice(0, firstRemit);
    if (!before.some((e) => e.type === 'SCRUB_FAILED' || REJECTIONS.has(e.type))) clean++;
  }
  return rate(clean, submitted);
}

/**
 * First-pass resolution rate: of the claims with a remittance, those whose first remittance was not
 * a denial and that were submitted exactly once before it (no rejection, no resubmission).
 */
export function firstPassResolutionRate(book: readonly BookClaim[]): Rate {
  let adjudicated = 0;
  let resolved = 0;
  for (const c of book) {
    const events = ordered(c.events);
    const firstRemit = events.findIndex((e) => e.type === REMIT_POSTED);
    if (firstRemit === -1) continue;
    adjudicated++;
    const before = events.slice(0, firstRemit);
    const submissions = before.filter((e) => e.type === SUBMITTED).length;
    const rejected = before.some((e) => REJECTIONS.has(e.type));
    const remit = events[firstRemit];
    if (remit && !isDenial(remit) && submissions <= 1 && !rejected) resolved++;
  }
  return rate(resolved, adjudicated);
}

export interface DenialRates {
  /** Claims with a remittance, and those whose first remittance was a denial. */
  overall: Rate;
  /** Per CARC (group-code, e.g. CO-50) cited by a first-remittance denial: claims citing it / adjudicated. */
  byCarc: { carc: string; rate: Rate }[];
  /** Per payer: denied claims of the payer / adjudicated claims of the payer. */
  byPayer: { payerId: string; rate: Rate }[];
}

/** Denial rate on first remittances (a denial later overturned still counts: it cost a rework). */
export function denialRates(book: readonly BookClaim[]): DenialRates {
  let adjudicated = 0;
  let denied = 0;
  const carcCounts = new Map<string, number>();
  const payers = new Map<string, { denied: number; adjudicated: number }>();
  for (const c of book) {
    const remit = remitsOf(c)[0];
    if (!remit) continue;
    adjudicated++;
    const p = payers.get(c.claim.payer.payerId) ?? { denied: 0, adjudicated: 0 };
    p.adjudicated++;
    if (isDenial(remit)) {
      denied++;
      p.denied++;
      for (const carc of new Set(carcsOf(remit).filter((x) => !x.startsWith('PR-')))) {
        carcCounts.set(carc, (carcCounts.get(carc) ?? 0) + 1);
      }
    }
    payers.set(c.claim.payer.payerId, p);
  }
  return {
    overall: rate(denied, adjudicated),
    byCarc: [...carcCounts]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([carc, n]) => ({ carc, rate: rate(n, adjudicated) })),
    byPayer: [...payers]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([payerId, p]) => ({ payerId, rate: rate(p.denied, p.adjudicated) })),
  };
}

// ---------------------------------------------------------------- net collection rate

export interface NetCollection {
  paymentsCents: Cents;
  patientPaymentsCents: Cents;
  chargesCents: Cents;
  contractualCents: Cents;
  /** (payments + patient payments) / (charges - contractual adjustments). */
  rate: Rate;
}

/**
 * Net collection rate: what was collected (insurance payments net of reversals + patient payments)
 * over what was collectible (charges - contractual adjustments, CAS group CO, net of reversals).
 */
export function netCollectionRate(book: readonly BookClaim[]): NetCollection {
  let paymentsCents = 0;
  let patientPaymentsCents = 0;
  let chargesCents = 0;
  let contractualCents = 0;
  for (const c of book) {
    const b = balances(c.ledger);
    paymentsCents += b.paymentsCents;
    chargesCents += b.chargesCents;
    for (const e of c.ledger) {
      const adj = e.kind === 'ADJUSTMENT' || (e.kind === 'REVERSAL' && e.reverses === 'ADJUSTMENT');
      if (adj && e.group === 'CO') contractualCents += e.amountCents;
    }
    patientPaymentsCents += patientBalance(c.ledger, c.patient ?? []).paymentsCents;
  }
  return {
    paymentsCents,
    patientPaymentsCents,
    chargesCents,
    contractualCents,
    rate: rate(paymentsCents + patientPaymentsCents, chargesCents - contractualCents),
  };
}

// ---------------------------------------------------------------- charge lag

export interface ChargeLag {
  /** Claims submitted at least once. */
  claims: number;
  /** Days from first date of service to the first SUBMITTED event (UTC calendar days). */
  averageDays: number | null;
  medianDays: number | null;
  maxDays: number | null;
}

export function chargeLag(book: readonly BookClaim[]): ChargeLag {
  const lags: number[] = [];
  for (const c of book) {
    const sent = ordered(c.events).find((e) => e.type === SUBMITTED);
    if (!sent) continue;
    lags.push(ageInDays(firstDateOfService(c.claim), sent.at.slice(0, 10)));
  }
  if (lags.length === 0) return { claims: 0, averageDays: null, medianDays: null, maxDays: null };
  lags.sort((a, b) => a - b);
  const mid = Math.floor(lags.length / 2);
  const median = lags.length % 2 === 1 ? (lags[mid] ?? 0) : ((lags[mid - 1] ?? 0) + (lags[mid] ?? 0)) / 2;
  return {
    claims: lags.length,
    averageDays: Math.round((lags.reduce((s, n) => s + n, 0) / lags.length) * 10) / 10,
    medianDays: median,
    maxDays: lags[lags.length - 1] ?? null,
  };
}

// ---------------------------------------------------------------- all KPIs

export interface Kpis {
  asOf: string;
  claims: number;
  daysInAr: DaysInAr;
  cleanClaimRate: Rate;
  firstPassResolutionRate: Rate;
  denials: DenialRates;
  netCollection: NetCollection;
  chargeLag: ChargeLag;
}

export function kpis(book: readonly BookClaim[], asOf: string): Kpis {
  return {
    asOf,
    claims: book.length,
    daysInAr: daysInAr(book, asOf),
    cleanClaimRate: cleanClaimRate(book),
    firstPassResolutionRate: firstPassResolutionRate(book),
    denials: denialRates(book),
    netCollection: netCollectionRate(book),
    chargeLag: chargeLag(book),
  };
}
