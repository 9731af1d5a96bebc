/** Obviously fake claims and their books for the appeal and statement tests. */
import type { Claim, ClaimEvent } from '../../../shared/claims/model';
import type { LedgerEntry } from '../../../shared/posting/ledger';

export function fakeClaim(claimId: string, over: Partial<Claim> = {}): Claim {
  const address = { line1: '1 TEST STREET', city: 'TESTVILLE', state: 'NY', zip: '12345' };
  const patient = {
    lastName: 'TESTPATIENT',
    firstName: 'ALPHA',
    dob: '1980-02-03',
    gender: 'F' as const,
    address,
  };
  const lines = [
    {
      lineId: 'L1',
      dateOfService: '2026-01-15',
      procedureCode: '99213',
      modifiers: ['25'],
      units: 1,
      chargeCents: 6000,
      diagnosisPointers: [1],
    },
    {
      lineId: 'L2',
      dateOfService: '2026-01-15',
      procedureCode: '80053',
      modifiers: [],
      units: 1,
      chargeCents: 4000,
      diagnosisPointers: [1],
    },
  ];
  return {
    claimId,
    practiceId: 'PRAC1',
    encounterId: `ENC-${claimId}`,
    frequencyCode: '1',
    patient,
    relationship: '18',
    subscriber: { ...patient, memberId: 'TESTMEMBER1' },
    payer: { payerId: 'PAYER1', name: 'TEST PAYER' },
    billingProvider: {
      npi: '1234567893',
      name: 'TEST CLINIC',
      taxId: '123456789',
      address: { ...address, zip: '123451234' },
    },
    placeOfService: '11',
    diagnoses: ['E119'],
    lines,
    totalChargeCents: 10000,
    sourceFile: 'charges/PRAC1/batch.csv',
    receivedAt: '2026-01-20T00:00:00.000Z',
    ...over,
  };
}

export const event = (
  claimId: string,
  seq: number,
  type: string,
  at: string,
  detail?: Record<string, unknown>,
): ClaimEvent => ({
  claimId,
  seq,
  type,
  at,
  status: 'SUBMITTED',
  ...(detail ? { detail } : {}),
});

export const charges = (claim: Claim): LedgerEntry[] =>
  claim.lines.map((l, i) => ({
    entryId: `C-00${i + 1}`,
    claimId: claim.claimId,
    kind: 'CHARGE',
    amountCents: l.chargeCents,
    lineId: l.lineId,
    source: {},
    at: claim.receivedAt,
  }));
