/**
 * The simulated payer: reads a submitted 837P and adjudicates each claim deterministically from
 * (seed, claim id): most are paid less a contractual adjustment, some leave patient responsibility,
 * some are denied (CO-16 correct, CO-50 appeal, CO-29 write-off, CO-22 secondary), a few are
 * rejected at the 277CA. Every generated remittance balances by construction.
 */
import { createHash } from 'node:crypto';
import { parseCents } from '../../shared/money';
import { components, el, type TokenizeOptions, tokenizeSync } from '../../shared/x12';
import type { Adjustment, ClaimPayment, ServicePayment } from '../../shared/x12/types';

export interface SubmittedLine {
  procedureCode: string;
  modifiers: string[];
  chargeCents: number;
  units: number;
  lineId?: string;
  dateOfService?: string;
}

export interface SubmittedClaim {
  claimId: string;
  chargeCents: number;
  frequencyCode: string;
  payerId: string;
  billingNpi: string;
  billingName: string;
  subscriber: { lastName: string; firstName: string; memberId: string };
  lines: SubmittedLine[];
}

export interface Submitted837 {
  senderId: string;
  interchangeControlNumber: string;
  groupControlNumber: string;
  transactionSetControlNumbers: string[];
  claims: SubmittedClaim[];
}

/**
 * Reads what a payer needs from an 837P. Strict envelope by default: a broken file throws X12Error;
 * with `{ envelope: 'lenient' }` it reads what it can and reports the defects to onWarning.
 */
export function read837(text: string, options: TokenizeOptions = {}): Submitted837 {
  const out: Submitted837 = {
    senderId: '',
    interchangeControlNumber: '',
    groupControlNumber: '',
    transactionSetControlNumbers: [],
    claims: [],
  };
  let billing = { npi: '', name: '' };
  let subscriber = { lastName: '', firstName: '', memberId: '' };
  let payerId = '';
  let claim: SubmittedClaim | undefined;
  let line: SubmittedLine | undefined;
  for (const seg of tokenizeSync(text, options)) {
    switch (seg.id) {
      case 'ISA':
        out.senderId = el(seg, 6).trim();
        out.interchangeControlNumber = el(seg, 13);
        break;
      case 'GS':
        out.groupControlNumber = el(seg, 6);
        break;
      case 'ST':
        out.transactionSetControlNumbers.push(el(seg, 2));
        break;
      case 'NM1': {
        const entity = el(seg, 1);
        if (entity === '85') billing = { npi: el(seg, 9), name: el(seg, 3) };
        else if (entity === 'IL')
          subscriber = { lastName: el(seg, 3), firstName: el(seg, 4), memberId: el(seg, 9) };
        else if (entity === 'PR') payerId = el(seg, 9);
        break;
      }
      case 'CLM':
        claim = {
          claimId: el(seg, 1),
          chargeCents: parseCents(el(seg, 2)),
          frequencyCode: components(seg, 5)[2] ?? '1',
          payerId,
          billingNpi: billing.npi,
          billingName: billing.name,
          subscriber,
          lines: [],
        };
        out.claims.push(claim);
        line = undefined;
        break;
      case 'SV1': {
        const proc = components(seg, 1);
        line = {
          procedureCode: proc[1] ?? '',
          modifiers: proc.slice(2).filter(Boolean),
          chargeCents: parseCents(el(seg, 2)),
          units: Number(el(seg, 4) || '1'),
        };
        claim?.lines.push(line);
        break;
      }
      case 'DTP':
        if (line && el(seg, 1) === '472') {
          const d = el(seg, 3);
          line.dateOfService = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
        }
        break;
      case 'REF':
        if (line && el(seg, 1) === '6R') line.lineId = el(seg, 2);
        break;
    }
  }
  return out;
}

export type Decision =
  | { ack: 'rejected'; statusCode: string }
  | { ack: 'accepted'; payerClaimControlNumber: string; payment: ClaimPayment };

export type Outcome =
  | 'PAID'
  | 'PATIENT_RESPONSIBILITY'
  | 'DENIED_16'
  | 'DENIED_50'
  | 'DENIED_29'
  | 'DENIED_22'
  | 'REJECTED';

/** Which outcome a claim gets: a pure function of seed and claim id. */
export function outcomeFor(seed: number, claimId: string): Outcome {
  const h = createHash('sha256').update(`${seed}:${claimId}`).digest();
  const u = h.readUInt32BE(0) / 2 ** 32;
  if (u < 0.04) return 'REJECTED';
  if (u < 0.64) return 'PAID';
  if (u < 0.84) return 'PATIENT_RESPONSIBILITY';
  return (['DENIED_16', 'DENIED_50', 'DENIED_29', 'DENIED_22'] as const)[(h[4] as number) % 4] as Outcome;
}

export function adjudicate(seed: number, claim: SubmittedClaim): Decision {
  const outcome = outcomeFor(seed, claim.claimId);
  if (outcome === 'REJECTED') return { ack: 'rejected', statusCode: '562' };
  const payerClaimControlNumber = `SIMPCN${claim.claimId.slice(1, 13)}`;
  const prReason = ['1', '2', '3'][
    (createHash('sha256').update(claim.claimId).digest()[0] as number) % 3
  ] as string;
  const services: ServicePayment[] = claim.lines.map((l) => {
    const adjustments: Adjustment[] = [];
    let paid = 0;
    if (outcome.startsWith('DENIED')) {
      adjustments.push({ group: 'CO', reason: outcome.slice(7), amountCents: l.chargeCents });
    } else {
      const allowed = Math.floor((l.chargeCents * 80) / 100);
      const contractual = l.chargeCents - allowed;
      const pr =
        outcome === 'PATIENT_RESPONSIBILITY'
          ? Math.min(allowed, prReason === '3' ? 2000 : Math.floor(allowed / 5))
          : 0;
      paid = allowed - pr;
      if (contractual > 0) adjustments.push({ group: 'CO', reason: '45', amountCents: contractual });
      if (pr > 0) adjustments.push({ group: 'PR', reason: prReason, amountCents: pr });
    }
    return {
      procedureQualifier: 'HC',
      procedureCode: l.procedureCode,
      modifiers: l.modifiers,
      chargeCents: l.chargeCents,
      paidCents: paid,
      units: l.units,
      ...(l.lineId ? { lineItemControlNumber: l.lineId } : {}),
      ...(l.dateOfService ? { dateOfService: l.dateOfService } : {}),
      adjustments,
      remarkCodes: outcome === 'DENIED_16' ? ['MA130'] : [],
    };
  });
  const paidCents = services.reduce((s, x) => s + x.paidCents, 0);
  const pr = services
    .flatMap((s) => s.adjustments)
    .filter((a) => a.group === 'PR')
    .reduce((s, a) => s + a.amountCents, 0);
  return {
    ack: 'accepted',
    payerClaimControlNumber,
    payment: {
      patientControlNumber: claim.claimId,
      statusCode: outcome.startsWith('DENIED') ? '4' : '1',
      chargeCents: claim.chargeCents,
      paidCents,
      patientResponsibilityCents: pr,
      payerClaimControlNumber,
      frequencyCode: claim.frequencyCode,
      adjustments: [],
      services,
      remarkCodes: [],
    },
  };
}
