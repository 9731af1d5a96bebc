/**
 * Denial routing: how a remitted claim goes on, from the 835 claim status (CLP02) and the claim
 * adjustment reason codes (CARC). Pure.
 */
import type { RemitOutcome, RemitRoute } from '../claims/workflow';
import type { Adjustment, ClaimPayment } from '../x12/types';

/** Routes a CARC can send a denied claim to. */
export type CarcRoute = Extract<
  RemitRoute,
  'CORRECT' | 'APPEAL' | 'WRITE_OFF' | 'SECONDARY' | 'HUMAN_REVIEW'
>;

/**
 * CARC -> route for denied / zero-paid claims. Codes not listed route to HUMAN_REVIEW.
 * CORRECT: fix the claim and resubmit as a replacement (frequency 7).
 * APPEAL: the claim was right; dispute the decision (medical necessity, coverage, authorization).
 * WRITE_OFF: not collectible from anyone (contractual, bundled, timely filing, duplicates).
 * SECONDARY: another payer is responsible; bill it.
 */
export const CARC_ROUTES: Readonly<Record<string, { route: CarcRoute; why: string }>> = {
  // Correct & resubmit: the claim as sent was wrong or incomplete.
  '4': { route: 'CORRECT', why: 'procedure code inconsistent with modifier / modifier missing' },
  '5': { route: 'CORRECT', why: 'procedure code / type of bill inconsistent with place of service' },
  '6': { route: 'CORRECT', why: 'procedure/revenue code inconsistent with patient age' },
  '7': { route: 'CORRECT', why: 'procedure/revenue code inconsistent with patient gender' },
  '9': { route: 'CORRECT', why: 'diagnosis inconsistent with patient age' },
  '10': { route: 'CORRECT', why: 'diagnosis inconsistent with patient gender' },
  '11': { route: 'CORRECT', why: 'diagnosis inconsistent with procedure' },
  '16': { route: 'CORRECT', why: 'claim lacks information or has submission/billing errors' },
  '31': { route: 'CORRECT', why: 'patient cannot be identified as our insured' },
  '125': { route: 'CORRECT', why: 'submission/billing error' },
  '140': { route: 'CORRECT', why: 'patient/insured health id number and name do not match' },
  '146': { route: 'CORRECT', why: 'diagnosis invalid for date of service' },
  '181': { route: 'CORRECT', why: 'procedure code invalid on date of service' },
  '182': { route: 'CORRECT', why: 'procedure modifier invalid on date of service' },
  '189': {
    route: 'CORRECT',
    why: 'not otherwise classified / unlisted code billed when a specific code exists',
  },
  '252': { route: 'CORRECT', why: 'attachment / other documentation required' },
  // Appeal: coverage or necessity decision we dispute.
  '15': { route: 'APPEAL', why: 'authorization number missing, invalid or does not apply' },
  '50': { route: 'APPEAL', why: 'not deemed a medical necessity' },
  '55': { route: 'APPEAL', why: 'experimental / investigational' },
  '56': { route: 'APPEAL', why: 'not proven effective' },
  '57': {
    route: 'APPEAL',
    why: 'information does not support this level of service (retired code, still seen)',
  },
  '96': { route: 'APPEAL', why: 'non-covered charge (RARC says why)' },
  '151': { route: 'APPEAL', why: 'information does not support this many/frequency of services' },
  '167': { route: 'APPEAL', why: 'diagnosis not covered' },
  '197': { route: 'APPEAL', why: 'precertification/authorization absent' },
  '198': { route: 'APPEAL', why: 'precertification/authorization exceeded' },
  // Write off: nothing to collect from the payer or the patient.
  '18': {
    route: 'WRITE_OFF',
    why: 'exact duplicate claim/service: this copy is closed, the original stands',
  },
  '29': { route: 'WRITE_OFF', why: 'time limit for filing has expired' },
  '45': { route: 'WRITE_OFF', why: 'charge exceeds fee schedule / contracted amount' },
  '59': { route: 'WRITE_OFF', why: 'multiple/concurrent procedure rules' },
  '97': { route: 'WRITE_OFF', why: 'included in the allowance for another service (bundled)' },
  '119': { route: 'WRITE_OFF', why: 'benefit maximum for this period reached' },
  '234': { route: 'WRITE_OFF', why: 'procedure is not paid separately' },
  '253': { route: 'WRITE_OFF', why: 'sequestration reduction' },
  // Another payer is responsible.
  '22': { route: 'SECONDARY', why: 'care may be covered by another payer per coordination of benefits' },
  '23': { route: 'SECONDARY', why: 'impact of prior payer adjudication' },
  '109': { route: 'SECONDARY', why: 'not covered by this payer; send to the correct payer' },
  // Generic denial: the meaning is in the RARC, which needs a person.
  A1: { route: 'HUMAN_REVIEW', why: 'claim/service denied, reason in remark codes' },
};

/** When a claim carries several denial CARCs, the first route in this order wins. */
export const ROUTE_PRECEDENCE: readonly CarcRoute[] = [
  'CORRECT',
  'SECONDARY',
  'APPEAL',
  'HUMAN_REVIEW',
  'WRITE_OFF',
];

/** CLP02 codes meaning "processed" by a primary/secondary/tertiary payer (19-21: and forwarded). */
const PROCESSED = new Set(['1', '2', '3', '19', '20', '21']);
const DENIED = '4';
const REVERSAL = '22';

export function carcRoute(carc: string): CarcRoute {
  return CARC_ROUTES[carc]?.route ?? 'HUMAN_REVIEW';
}

function allAdjustments(payment: ClaimPayment): Adjustment[] {
  return [...payment.adjustments, ...payment.services.flatMap((s) => s.adjustments)];
}

/** The route from CLP02 + CARCs. */
export function remitRoute(payment: ClaimPayment): RemitRoute {
  const adjustments = allAdjustments(payment);
  const pr = patientResponsibility(payment, adjustments);
  if (payment.statusCode === REVERSAL) return 'HUMAN_REVIEW';
  const processed = PROCESSED.has(payment.statusCode);
  if (!processed && payment.statusCode !== DENIED) return 'HUMAN_REVIEW';
  if (processed && payment.paidCents > 0) return pr > 0 ? 'PATIENT_BALANCE' : 'PAID';
  if (payment.paidCents < 0) return 'HUMAN_REVIEW';

  // Denied, or processed with nothing paid: route by the payer-side (non-PR) CARCs.
  const routes = new Set<CarcRoute>();
  for (const a of adjustments) {
    if (a.group !== 'PR' && a.amountCents !== 0) routes.add(carcRoute(a.reason));
  }
  // Only contractual/write-off reasons on the payer side and the rest is the patient's: deductible etc.
  const onlyWriteOff = routes.size === 0 || (routes.size === 1 && routes.has('WRITE_OFF'));
  if (pr > 0 && onlyWriteOff) return 'PATIENT_BALANCE';
  if (routes.size === 0) return 'HUMAN_REVIEW';
  for (const r of ROUTE_PRECEDENCE) if (routes.has(r)) return r;
  return 'HUMAN_REVIEW';
}

function patientResponsibility(payment: ClaimPayment, adjustments: Adjustment[]): number {
  if (payment.patientResponsibilityCents !== 0) return payment.patientResponsibilityCents;
  return adjustments.filter((a) => a.group === 'PR').reduce((s, a) => s + a.amountCents, 0);
}

/** Routes one 835 claim payment; the result answers the claim's REMIT wait. */
export function routeRemit(payment: ClaimPayment, traceNumber = ''): RemitOutcome {
  const adjustments = allAdjustments(payment);
  const carcs: string[] = [];
  for (const a of adjustments) {
    const c = `${a.group}-${a.reason}`;
    if (!carcs.includes(c)) carcs.push(c);
  }
  return {
    route: remitRoute(payment),
    paidCents: payment.paidCents,
    patientResponsibilityCents: patientResponsibility(payment, adjustments),
    adjustmentCents: adjustments.filter((a) => a.group !== 'PR').reduce((s, a) => s + a.amountCents, 0),
    carcs,
    payerClaimControlNumber: payment.payerClaimControlNumber,
    traceNumber,
  };
}
