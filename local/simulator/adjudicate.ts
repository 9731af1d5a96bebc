/**
 * The simulated payer's adjudication: a pure, deterministic function of (seed, claim). The outcome
 * comes from sha256(`${seed}:${claimId}`): ~4% rejected at the 277CA (A7:562:85), ~60% paid less a
 * contractual adjustment (CO-45, paid = 80% of charge), ~20% paid with patient responsibility
 * (PR-1 deductible, PR-2 coinsurance or PR-3 copay, plus CO-45), ~16% denied (CLP02 = 4, paid 0):
 * CO-16 + MA130 (correct), CO-50 (appeal), CO-29 (write-off), CO-22 (secondary). A frequency-7
 * replacement of a CO-16 claim (the corrected claim) is paid.
 *
 * All adjustments are at service-line level so that SVC02 - line CAS = SVC03 per line and
 * CLP03 - CAS = CLP04 per claim (a CLM02 that differs from the sum of the lines is settled by a
 * claim-level CAS); CLP05 = total PR. Integer cents only.
 */
import { createHash } from 'node:crypto';
import type { ClaimPayment835Input } from '../../shared/x12';
import type { Adjustment, ServicePayment } from '../../shared/x12/types';
import type { SubmittedClaim, SubmittedLine } from './read837';

export type Outcome =
  | 'PAID'
  | 'PATIENT_RESPONSIBILITY'
  | 'DENIED_16'
  | 'DENIED_50'
  | 'DENIED_29'
  | 'DENIED_22'
  | 'REJECTED';

export const OUTCOMES: readonly Outcome[] = [
  'PAID',
  'PATIENT_RESPONSIBILITY',
  'DENIED_16',
  'DENIED_50',
  'DENIED_29',
  'DENIED_22',
  'REJECTED',
];

/** The claimflow route each simulated denial is meant to exercise. */
export const DENIAL_ROUTES = {
  DENIED_16: 'correct',
  DENIED_50: 'appeal',
  DENIED_29: 'write-off',
  DENIED_22: 'secondary',
} as const;

/** What adjudication needs of a claim (a SubmittedClaim from read837 fits). */
export type AdjudicableClaim = Pick<SubmittedClaim, 'claimId' | 'chargeCents'> &
  Partial<Pick<SubmittedClaim, 'frequencyCode' | 'subscriber'>> & {
    lines: Pick<
      SubmittedLine,
      | 'procedureCode'
      | 'modifiers'
      | 'chargeCents'
      | 'units'
      | 'lineId'
      | 'dateOfService'
      | 'dateOfServiceEnd'
    >[];
  };

export type Decision =
  | {
      ack: 'rejected';
      outcome: 'REJECTED';
      /** STC01 of the 277CA: A7:562:85 (entity's NPI rejected). */
      categoryCode: 'A7';
      statusCode: string;
      entityCode: string;
      payment?: undefined;
    }
  | {
      ack: 'accepted';
      outcome: Exclude<Outcome, 'REJECTED'>;
      /** REF*1K of the 277CA and CLP07 of the 835. */
      payerClaimControlNumber: string;
      payment: ClaimPayment835Input;
    };

/** Contractual rate: allowed = floor(charge * 80 / 100). */
const ALLOWED_PERCENT = 80;
const COINSURANCE_PERCENT = 20;
const COPAY_CENTS = 2_000;

function digest(seed: number | string, claimId: string): Buffer {
  return createHash('sha256').update(`${seed}:${claimId}`).digest();
}

/** Which outcome a claim gets: a pure function of seed and claim id. */
export function outcomeFor(seed: number | string, claimId: string): Outcome {
  const h = digest(seed, claimId);
  const u = h.readUInt32BE(0) % 10_000; // basis points
  if (u < 400) return 'REJECTED';
  if (u < 6_400) return 'PAID';
  if (u < 8_400) return 'PATIENT_RESPONSIBILITY';
  return (['DENIED_16', 'DENIED_50', 'DENIED_29', 'DENIED_22'] as const)[(h[4] as number) % 4] as Outcome;
}

/**
 * The payer claim control number (REF*1K / CLP07) of an accepted claim. A replacement (frequency 7)
 * is a new adjudication and gets a number of its own, as payers assign, so that posting can tell it
 * from the adjudication it replaces (REF*F8).
 */
export function payerClaimNumber(claimId: string, frequencyCode?: string): string {
  return frequencyCode === '7' ? `PCN${claimId}R` : `PCN${claimId}`;
}

const allowedOf = (chargeCents: number) => Math.floor((chargeCents * ALLOWED_PERCENT) / 100);

/**
 * Splits one charge into paid + adjustments. `prBudget` carries the claim's remaining deductible or
 * copay across lines (mutated).
 */
function settle(
  outcome: Exclude<Outcome, 'REJECTED'>,
  chargeCents: number,
  prReason: '1' | '2' | '3',
  prBudget: { cents: number },
): { paidCents: number; adjustments: Adjustment[] } {
  if (outcome.startsWith('DENIED_')) {
    const reason = outcome.slice('DENIED_'.length);
    return {
      paidCents: 0,
      adjustments: chargeCents !== 0 ? [{ group: 'CO', reason, amountCents: chargeCents }] : [],
    };
  }
  const allowed = chargeCents > 0 ? allowedOf(chargeCents) : chargeCents;
  const adjustments: Adjustment[] = [];
  if (chargeCents - allowed !== 0) {
    adjustments.push({ group: 'CO', reason: '45', amountCents: chargeCents - allowed });
  }
  let pr = 0;
  if (outcome === 'PATIENT_RESPONSIBILITY' && allowed > 0) {
    if (prReason === '2') pr = Math.floor((allowed * COINSURANCE_PERCENT) / 100);
    else {
      pr = Math.min(allowed, prBudget.cents);
      prBudget.cents -= pr;
    }
    if (pr > 0) adjustments.push({ group: 'PR', reason: prReason, amountCents: pr });
  }
  return { paidCents: allowed - pr, adjustments };
}

/**
 * The outcome of one submission: the claim id's (outcomeFor), except that a replacement claim
 * (frequency 7) of a claim denied CO-16 + MA130 (information missing) is paid, since the correction
 * supplied what was missing. Originals and re-sent originals keep their outcome.
 */
export function submissionOutcome(
  seed: number | string,
  claim: Pick<AdjudicableClaim, 'claimId' | 'frequencyCode'>,
): Outcome {
  const outcome = outcomeFor(seed, claim.claimId);
  return outcome === 'DENIED_16' && claim.frequencyCode === '7' ? 'PAID' : outcome;
}

/**
 * A void (CLM05-3 = 8) of a claim this payer adjudicated: accepted on the 277CA under the original's
 * claim number; what the original paid is taken back with a reversal (CLP02 = 22, every amount of
 * the original negated, same CLP07), as payers answer a void. A void of a claim that was denied or
 * paid nothing gets no 835 (`payment` undefined).
 */
export function decideVoid(
  seed: number | string,
  claim: AdjudicableClaim,
  /** CLM05-3 of the submission the void takes back: a replacement (7) was adjudicated as its own. */
  voidedFrequency = '1',
): { payerClaimControlNumber: string; payment?: ClaimPayment835Input } {
  const original = decide(seed, { ...claim, frequencyCode: voidedFrequency });
  const payerClaimControlNumber = payerClaimNumber(claim.claimId, voidedFrequency);
  if (original.ack !== 'accepted' || original.payment.paidCents <= 0) return { payerClaimControlNumber };
  const o = original.payment;
  const negate = (a: Adjustment): Adjustment => ({ ...a, amountCents: -a.amountCents });
  return {
    payerClaimControlNumber,
    payment: {
      ...o,
      statusCode: '22',
      frequencyCode: '8',
      chargeCents: -o.chargeCents,
      paidCents: -o.paidCents,
      patientResponsibilityCents: -o.patientResponsibilityCents,
      adjustments: o.adjustments.map(negate),
      services: o.services.map((sv) => ({
        ...sv,
        chargeCents: -sv.chargeCents,
        paidCents: -sv.paidCents,
        adjustments: sv.adjustments.map(negate),
      })),
    },
  };
}

/**
 * The payer reprocesses a claim whose denial was appealed and overturned: paid as a clean claim
 * (less the contractual adjustment) under a new claim control number (the denial's + "R"), which
 * claimflow posts as replacing the denial (docs/remittance-posting.md).
 */
export function reprocessAfterAppeal(seed: number | string, claim: AdjudicableClaim): ClaimPayment835Input {
  const paid = decide(seed, claim, 'PAID');
  if (paid.ack !== 'accepted') throw new Error(`claim ${claim.claimId}: not reprocessable`);
  return {
    ...paid.payment,
    payerClaimControlNumber: `${payerClaimNumber(claim.claimId, claim.frequencyCode)}R`,
  };
}

/** Adjudicates one claim: the 277CA answer and, when accepted, its 835 claim payment. */
export function decide(
  seed: number | string,
  claim: AdjudicableClaim,
  forced?: Exclude<Outcome, 'REJECTED'>,
): Decision {
  const outcome = forced ?? submissionOutcome(seed, claim);
  if (outcome === 'REJECTED') {
    return { ack: 'rejected', outcome, categoryCode: 'A7', statusCode: '562', entityCode: '85' };
  }
  const h = digest(seed, claim.claimId);
  const prReason = (['1', '2', '3'] as const)[(h[5] as number) % 3] as '1' | '2' | '3';
  // deductible $25..$100 for the claim, or a $20 copay
  const prBudget = { cents: prReason === '1' ? 2_500 * (1 + ((h[6] as number) % 4)) : COPAY_CENTS };

  const services: ServicePayment[] = claim.lines.map((l) => {
    const { paidCents, adjustments } = settle(outcome, l.chargeCents, prReason, prBudget);
    return {
      procedureQualifier: 'HC',
      procedureCode: l.procedureCode,
      modifiers: [...l.modifiers],
      chargeCents: l.chargeCents,
      paidCents,
      units: l.units,
      ...(l.lineId ? { lineItemControlNumber: l.lineId } : {}),
      ...(l.dateOfService ? { dateOfService: l.dateOfService } : {}),
      ...(l.dateOfService && l.dateOfServiceEnd ? { dateOfServiceEnd: l.dateOfServiceEnd } : {}),
      adjustments,
      remarkCodes: outcome === 'DENIED_16' ? ['MA130'] : [],
    };
  });

  // CLM02 not equal to the sum of the lines (or no lines at all): settle the rest at claim level.
  const linesCharge = services.reduce((t, s) => t + s.chargeCents, 0);
  const rest = claim.chargeCents - linesCharge;
  let claimAdjustments: Adjustment[] = [];
  let claimPaid = 0;
  if (rest !== 0) {
    if (services.length === 0) {
      const settled = settle(outcome, rest, prReason, prBudget);
      claimAdjustments = settled.adjustments;
      claimPaid = settled.paidCents;
    } else {
      const reason = outcome.startsWith('DENIED_') ? outcome.slice('DENIED_'.length) : '45';
      claimAdjustments = [{ group: 'CO', reason, amountCents: rest }];
    }
  }

  const paidCents = claimPaid + services.reduce((t, s) => t + s.paidCents, 0);
  const patientResponsibilityCents = [...claimAdjustments, ...services.flatMap((s) => s.adjustments)]
    .filter((a) => a.group === 'PR')
    .reduce((t, a) => t + a.amountCents, 0);
  const payerClaimControlNumber = payerClaimNumber(claim.claimId, claim.frequencyCode);
  const sub = claim.subscriber;
  return {
    ack: 'accepted',
    outcome,
    payerClaimControlNumber,
    payment: {
      patientControlNumber: claim.claimId,
      statusCode: outcome.startsWith('DENIED_') ? '4' : '1',
      chargeCents: claim.chargeCents,
      paidCents,
      patientResponsibilityCents,
      payerClaimControlNumber,
      ...(claim.frequencyCode ? { frequencyCode: claim.frequencyCode } : {}),
      adjustments: claimAdjustments,
      services,
      remarkCodes: [],
      ...(sub?.lastName
        ? {
            patient: {
              lastName: sub.lastName,
              ...(sub.firstName ? { firstName: sub.firstName } : {}),
              ...(sub.memberId ? { memberId: sub.memberId } : {}),
            },
          }
        : {}),
    },
  };
}

/** The same as decide (the name the rest of claimflow's tests use). */
export const adjudicate = decide;
