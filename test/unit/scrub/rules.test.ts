import { describe, expect, it } from 'vitest';
import type { Claim } from '../../../shared/claims/model';
import {
  isIcd10CmFormat,
  isProcedureCodeFormat,
  isValidNpi,
  npiCheckDigit,
  scrubClaim,
} from '../../../shared/scrub';
import { makeClaim } from '../x12/fixtures';

const ctx = { today: '2026-11-01', timelyFilingDays: 365 };
const rules = (c: Claim) => scrubClaim(c, ctx).map((f) => f.rule);

function clean(): Claim {
  const c = makeClaim();
  c.lines = c.lines.map((l) => ({ ...l, dateOfService: '2026-10-15' }));
  return c;
}

describe('format checks', () => {
  it('NPI Luhn with the 80840 prefix', () => {
    expect(isValidNpi('1234567893')).toBe(true);
    expect(isValidNpi('1234567890')).toBe(false);
    expect(isValidNpi('123456789')).toBe(false);
    expect(npiCheckDigit('123456789')).toBe('3');
  });
  it('ICD-10-CM and CPT/HCPCS shapes', () => {
    for (const ok of ['E119', 'I10', 'Z0000', 'S72001A', 'U071']) expect(isIcd10CmFormat(ok)).toBe(true);
    for (const bad of ['9999', 'E1', 'U999', 'E11.9', 'E1190000']) expect(isIcd10CmFormat(bad)).toBe(false);
    for (const ok of ['99213', '0001F', '0042T', '0001U', 'G0439', 'J3490'])
      expect(isProcedureCodeFormat(ok)).toBe(true);
    for (const bad of ['9921', 'W1234', 'G043', '99213X']) expect(isProcedureCodeFormat(bad)).toBe(false);
  });
});

describe('scrubClaim', () => {
  it('passes a clean claim', () => {
    expect(scrubClaim(clean(), ctx)).toEqual([]);
  });

  it('flags each rule', () => {
    const cases: [string, (c: Claim) => void][] = [
      ['NPI_CHECK_DIGIT', (c) => (c.billingProvider.npi = '1234567890')],
      ['ICD10_FORMAT', (c) => (c.diagnoses[0] = '9999')],
      ['PROCEDURE_FORMAT', (c) => ((c.lines[0] as Claim['lines'][0]).procedureCode = 'W1234')],
      ['PLACE_OF_SERVICE', (c) => (c.placeOfService = '30')],
      [
        'POINTER_RANGE',
        (c) => ((c.lines[0] as Claim['lines'][0]).diagnosisPointers = [c.diagnoses.length + 1]),
      ],
      ['SERVICE_DATE_FUTURE', (c) => ((c.lines[0] as Claim['lines'][0]).dateOfService = '2026-11-02')],
      ['TIMELY_FILING', (c) => ((c.lines[0] as Claim['lines'][0]).dateOfService = '2025-10-01')],
      ['CHARGE_NOT_POSITIVE', (c) => ((c.lines[0] as Claim['lines'][0]).chargeCents = 0)],
      ['TOTAL_MISMATCH', (c) => (c.totalChargeCents += 1)],
      ['MODIFIER_DUPLICATE', (c) => ((c.lines[0] as Claim['lines'][0]).modifiers = ['25', '25'])],
      ['BILLING_ZIP', (c) => (c.billingProvider.address.zip = '62701')],
      ['MEMBER_ID', (c) => (c.subscriber.memberId = ' ')],
    ];
    for (const [rule, breakIt] of cases) {
      const c = clean();
      breakIt(c);
      expect(rules(c), rule).toContain(rule);
    }
  });

  it('carries no patient data in messages', () => {
    const c = clean();
    c.billingProvider.npi = '1234567890';
    c.diagnoses[0] = '9999';
    const text = JSON.stringify(scrubClaim(c, ctx));
    expect(text).not.toContain(c.patient.lastName);
    expect(text).not.toContain(c.subscriber.memberId);
  });
});
