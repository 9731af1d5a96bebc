import type { Claim, ServiceLine } from '../../../shared/claims/model';

export const today = '2026-11-01';

export function line(over: Partial<ServiceLine> = {}): ServiceLine {
  return {
    lineId: 'L1',
    dateOfService: '2026-10-15',
    procedureCode: '99213',
    modifiers: [],
    units: 1,
    chargeCents: 11000,
    diagnosisPointers: [1],
    ...over,
  };
}

/** An obviously fake claim that passes every scrub rule; tests change one thing. */
export function cleanClaim(over: Partial<Claim> = {}): Claim {
  const address = { line1: '1 TEST STREET', city: 'TESTVILLE', state: 'NY', zip: '12345' };
  const patient = {
    lastName: 'TESTPATIENT',
    firstName: 'ALPHA',
    dob: '1980-02-03',
    gender: 'F' as const,
    address,
  };
  const lines = over.lines ?? [line(), line({ lineId: 'L2', procedureCode: '36415', chargeCents: 2500 })];
  return {
    claimId: 'CTEST000000000001',
    practiceId: 'PRAC1',
    encounterId: 'E1',
    frequencyCode: '1',
    patient,
    relationship: '18',
    subscriber: { ...patient, memberId: 'SIMMBR0001' },
    payer: { payerId: 'SIMPAYER1', name: 'SIMULATED PAYER ONE' },
    billingProvider: {
      npi: '1234567893',
      name: 'TEST CLINIC',
      taxId: '123456789',
      address: { ...address, zip: '123451234' },
    },
    renderingProvider: { npi: '1245319599', lastName: 'TESTDOCTOR', firstName: 'PAT' },
    placeOfService: '11',
    diagnoses: ['E119', 'I10'],
    totalChargeCents: lines.reduce((t, l) => t + l.chargeCents, 0),
    sourceFile: 'charges/PRAC1/test.csv',
    receivedAt: '2026-11-01T00:00:00.000Z',
    ...over,
    lines,
  };
}
