import { describe, expect, it } from 'vitest';
import { postingEntryPrefix, postingKey, remitEntries } from '../../../shared/posting/ledger';
import {
  candidateReasons,
  candidateScore,
  matchedKeys,
  matchRefusal,
  matchTarget,
  paidFromTrace,
  payerFit,
  paymentsOf,
  rebind,
} from '../../../shared/posting/match';
import { makeClaim } from '../x12/fixtures';
import { adj, payment, service } from './helpers';

const claim = { ...makeClaim(), claimId: 'CLAIMA', encounterId: 'ENC-0042' };
const charge = claim.totalChargeCents;
const fits = payment({
  patientControlNumber: 'ENC42',
  chargeCents: charge,
  paidCents: charge - 1000,
  adjustments: [adj('CO', '45', 1000)],
});
const payer1 = { payerIds: [claim.payer.payerId] };

describe('matchTarget', () => {
  const item = (over: object = {}) => ({
    kind: 'UNMATCHED_REMIT',
    reference: 'TRN/1/ENC42',
    detail: { fileKey: 'inbound/835/sim/a.x12' },
    ...over,
  });

  it('names the trace (up to the last slash), the CLP01 and the file of a remit claim payment item', () => {
    expect(matchTarget(item())).toEqual({
      traceNumber: 'TRN/1',
      patientControlNumber: 'ENC42',
      fileKey: 'inbound/835/sim/a.x12',
    });
    expect(matchTarget(item({ kind: 'REMIT_MISMATCH' }))?.patientControlNumber).toBe('ENC42');
  });

  it('names nothing for other kinds, a held file, a PLB or an item without its file', () => {
    expect(matchTarget(item({ kind: 'REMIT_HELD' }))).toBeUndefined();
    expect(matchTarget(item({ kind: 'CREDIT_BALANCE' }))).toBeUndefined();
    expect(matchTarget(item({ detail: {} }))).toBeUndefined();
    expect(matchTarget(item({ reference: 'NOSLASH' }))).toBeUndefined();
    expect(matchTarget(item({ reference: 'TRN/' }))).toBeUndefined();
    const plb = { fileKey: 'inbound/835/a.x12', reason: 'WO', amountCents: 500 };
    expect(matchTarget(item({ kind: 'REMIT_MISMATCH', reference: 'TRN/PLB1', detail: plb }))).toBeUndefined();
  });
});

describe('payerFit', () => {
  it('compares with the payers of the claims the same 835 pays, else the N1*PR name', () => {
    expect(payerFit(claim, payer1)).toBe('same');
    expect(payerFit(claim, { payerIds: ['OTHER'] })).toBe('other');
    expect(payerFit(claim, { payerIds: [], payerName: ` ${claim.payer.name.toLowerCase()} ` })).toBe('same');
    expect(payerFit(claim, { payerIds: [], payerName: 'ANOTHER PAYER' })).toBe('other');
    expect(payerFit(claim, { payerIds: [] })).toBe('unknown');
    // Ids win over a name.
    expect(payerFit(claim, { payerIds: ['OTHER'], payerName: claim.payer.name })).toBe('other');
  });
});

describe('matchRefusal', () => {
  it('passes a payment of the same payer that balances against the claim', () => {
    expect(matchRefusal(claim, [fits], payer1)).toBeUndefined();
  });

  it('refuses another payer (409) and a payer it cannot tell (422)', () => {
    expect(matchRefusal(claim, [fits], { payerIds: ['OTHER'] })).toEqual({
      status: 409,
      rule: 'OTHER_PAYER',
    });
    expect(matchRefusal(claim, [fits], { payerIds: [] })).toEqual({ status: 422, rule: 'PAYER_UNKNOWN' });
  });

  it('refuses amounts that do not balance against the claim (422, naming the rule and amounts)', () => {
    const more = payment({ ...fits, chargeCents: charge + 100, adjustments: [adj('CO', '45', 1100)] });
    expect(matchRefusal(claim, [more], payer1)).toEqual({
      status: 422,
      rule: 'CHARGE_MISMATCH',
      expectedCents: charge,
      actualCents: charge + 100,
    });
    const unbalanced = payment({ ...fits, adjustments: [adj('CO', '45', 900)] });
    expect(matchRefusal(claim, [unbalanced], payer1)).toMatchObject({ status: 422, rule: 'UNBALANCED' });
    const pr = payment({ ...fits, patientResponsibilityCents: 500 });
    expect(matchRefusal(claim, [pr], payer1)).toMatchObject({ rule: 'PATIENT_RESPONSIBILITY_MISMATCH' });
  });

  it('checks every payment the item stands for (a reversal and its new adjudication)', () => {
    const reversal = payment({
      ...fits,
      statusCode: '22',
      chargeCents: -charge,
      paidCents: -(charge - 1000),
      adjustments: [adj('CO', '45', -1000)],
    });
    expect(matchRefusal(claim, [reversal, fits], payer1)).toBeUndefined();
    expect(matchRefusal(claim, [reversal, { ...fits, chargeCents: 1 }], payer1)?.rule).toBe(
      'CHARGE_MISMATCH',
    );
  });
});

describe('rebinding and posting keys', () => {
  it("posts under (TRN02, the matched claim's id, CLP07): what auto-posting would have used", () => {
    const bound = rebind(fits, claim.claimId);
    expect(bound.patientControlNumber).toBe('CLAIMA');
    expect(fits.patientControlNumber).toBe('ENC42');
    expect(matchedKeys('T1', [fits], 'CLAIMA')).toEqual([postingKey('T1', 'CLAIMA', 'PCN1', '1')]);
  });

  it('finds money the trace already paid the claim under another posting, not under its own', () => {
    const own = matchedKeys('T1', [fits], 'CLAIMA');
    const ownEntries = remitEntries(claim, rebind(fits, 'CLAIMA'), { traceNumber: 'T1' }, 'now');
    expect(ownEntries[0]?.entryId.startsWith(postingEntryPrefix(own[0] as string))).toBe(true);
    expect(paidFromTrace(ownEntries, 'T1', own)).toBe(false);
    const other = remitEntries(
      claim,
      { ...fits, payerClaimControlNumber: 'PCN9' },
      { traceNumber: 'T1' },
      'x',
    );
    expect(paidFromTrace([...ownEntries, ...other], 'T1', own)).toBe(true);
    expect(paidFromTrace(other, 'T2', own)).toBe(false);
  });

  it('takes every payment of the CLP01 in the set, in document order', () => {
    const a = payment({ patientControlNumber: 'X', payerClaimControlNumber: 'A' });
    const b = payment({ patientControlNumber: 'Y' });
    const c = payment({ patientControlNumber: 'X', payerClaimControlNumber: 'C' });
    expect(paymentsOf({ claims: [a, b, c] }, 'X')).toEqual([a, c]);
  });
});

describe('candidateReasons', () => {
  const dated = (d: string) => ({ ...fits, services: [service({ dateOfService: d })] });
  const dos = claim.lines[0]?.dateOfService as string;

  it('scores the patient account (id or encounter, ignoring case, punctuation, leading zeros), charge and dates', () => {
    expect(candidateReasons(claim, dated(dos))).toEqual(['ACCOUNT', 'CHARGE', 'SERVICE_DATE']);
    expect(candidateScore(['ACCOUNT', 'CHARGE', 'SERVICE_DATE'])).toBe(7);
    expect(candidateReasons(claim, { ...fits, patientControlNumber: 'claima' })).toContain('ACCOUNT');
    expect(candidateReasons(claim, { ...fits, patientControlNumber: 'ENC-9' })).toEqual(['CHARGE']);
  });

  it('counts service dates within 7 days either side, and a reversal by its negated charge', () => {
    const plus = (days: number) =>
      new Date(Date.parse(`${dos}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
    const other = { ...fits, patientControlNumber: 'Z', chargeCents: 1 };
    expect(candidateReasons(claim, { ...other, services: [service({ dateOfService: plus(7) })] })).toEqual([
      'SERVICE_DATE',
    ]);
    expect(candidateReasons(claim, { ...other, services: [service({ dateOfService: plus(-8) })] })).toEqual(
      [],
    );
    expect(candidateReasons(claim, { ...other, statusCode: '22', chargeCents: -charge })).toEqual(['CHARGE']);
  });
});
