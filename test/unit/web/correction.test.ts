/** The correction form's model: prefilled from the claim, and only changes sent. */
import { describe, expect, it } from 'vitest';
import type { components } from '../../../web/src/api/schema';
import { correctionBody, formFromClaim } from '../../../web/src/lib/correction';

type Claim = components['schemas']['Claim'];
const address = { line1: '1 TEST ST', city: 'SPRINGFIELD', state: 'IL', zip: '62701' };
const claim: Claim = {
  claimId: 'CABC',
  practiceId: 'PRAC1',
  encounterId: 'ENC-1',
  frequencyCode: '1',
  patient: { lastName: 'TEST', firstName: 'PAT', dob: '1980-01-02', gender: 'F', address },
  relationship: '18',
  subscriber: { lastName: 'TEST', firstName: 'PAT', dob: '1980-01-02', gender: 'F', address, memberId: 'M1' },
  payer: { payerId: 'SIMPAYER1', name: 'SIM' },
  billingProvider: { npi: '1234567893', name: 'CLINIC', taxId: '123456789', address },
  placeOfService: '11',
  diagnoses: ['9999', 'E119'],
  lines: [
    {
      lineId: 'L1',
      dateOfService: '2026-01-10',
      procedureCode: '99213',
      modifiers: ['25'],
      units: 1,
      chargeCents: 12500,
      diagnosisPointers: [1, 2],
    },
    {
      lineId: 'L2',
      dateOfService: '2026-01-10',
      procedureCode: '36415',
      modifiers: [],
      units: 2,
      chargeCents: 1005,
      diagnosisPointers: [2],
      placeOfService: '22',
    },
  ],
  totalChargeCents: 13505,
  sourceFile: 'charges/PRAC1/a.csv',
  receivedAt: '2026-01-11T00:00:00Z',
};

describe('correction form', () => {
  it('starts from the claim, spelled as a charge file', () => {
    const f = formFromClaim(claim);
    expect(f.fields).toMatchObject({
      dx1: '9999',
      dx2: 'E119',
      dx3: '',
      member_id: 'M1',
      billing_npi: '1234567893',
    });
    expect(f.lines).toEqual([
      {
        line_id: 'L1',
        date_of_service: '2026-01-10',
        procedure_code: '99213',
        modifiers: '25',
        units: '1',
        charge: '125.00',
        dx_pointers: '1:2',
        place_of_service: '11',
      },
      {
        line_id: 'L2',
        date_of_service: '2026-01-10',
        procedure_code: '36415',
        modifiers: '',
        units: '2',
        charge: '10.05',
        dx_pointers: '2',
        place_of_service: '22',
      },
    ]);
  });

  it('sends nothing when nothing changed, and only the changed claim fields otherwise', () => {
    const before = formFromClaim(claim);
    expect(correctionBody(before, before, 3)).toBeUndefined();
    const after = { ...before, fields: { ...before.fields, dx1: ' I10 ', prior_authorization: 'PA1' } };
    expect(correctionBody(before, after, 3)).toEqual({
      version: 3,
      fields: { dx1: 'I10', prior_authorization: 'PA1' },
    });
  });

  it('sends every line, each with only its changed columns, when a line changed', () => {
    const before = formFromClaim(claim);
    const lines = before.lines.map((l) => (l.line_id === 'L2' ? { ...l, units: '3' } : l));
    expect(correctionBody(before, { ...before, lines }, 4)).toEqual({
      version: 4,
      lines: [{ line_id: 'L1' }, { line_id: 'L2', units: '3' }],
    });
  });
});
