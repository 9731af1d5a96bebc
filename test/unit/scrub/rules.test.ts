import { describe, expect, it } from 'vitest';
import type { Claim, ServiceLine } from '../../../shared/claims/model';
import {
  hasErrors,
  isModifierFormat,
  isPlaceOfService,
  isProcedureCodeFormat,
  isUspsStateCode,
  isValidNpi,
  npiCheckDigit,
  PLACE_OF_SERVICE,
  type ScrubFinding,
  scrubClaim,
  USPS_STATE_CODES,
} from '../../../shared/scrub';
import { write837P } from '../../../shared/x12/write837p';
import { makeEnvelope } from '../x12/fixtures';
import { line as baseLine, cleanClaim } from './claim';

const ctx = { today: '2026-11-01', timelyFilingDays: 365 };

/** Rules about what the 837P can carry unaltered: the writer refuses these claims as well. */
const CONTENT_RULES = new Set([
  'TEXT_EMPTY',
  'TEXT_TOO_LONG',
  'STATE_CODE',
  'ZIP_FORMAT',
  'MEMBER_ID',
  'LINE_ID',
  'ID_CHARACTERS',
  'RENDERING_NAME',
  'UNITS_PRECISION',
]);

/** The rules tests' line: an E/M line with modifier 25, pointing at both diagnoses. */
const line = (over: Partial<ServiceLine> = {}): ServiceLine =>
  baseLine({ modifiers: ['25'], diagnosisPointers: [1, 2], ...over });

/** A claim that passes every rule; each test breaks (or stretches) one thing. */
const clean = (): Claim =>
  cleanClaim({ lines: [line(), baseLine({ lineId: 'L2', procedureCode: '36415', chargeCents: 2500 })] });

const first = (c: Claim) => c.lines[0] as ServiceLine;
const withLines = (c: Claim, lines: ServiceLine[]) => {
  c.lines = lines;
  c.totalChargeCents = lines.reduce((t, l) => t + l.chargeCents, 0);
};
const rulesOf = (findings: ScrubFinding[]) => findings.map((f) => f.rule);

describe('format checks', () => {
  it('NPI: Luhn with the 80840 prefix', () => {
    expect(isValidNpi('1234567893')).toBe(true);
    expect(isValidNpi('1245319599')).toBe(true);
    expect(isValidNpi('1234567890')).toBe(false);
    expect(isValidNpi('123456789')).toBe(false);
    expect(isValidNpi('12345678931')).toBe(false);
    expect(npiCheckDigit('123456789')).toBe('3');
    expect(npiCheckDigit('124531959')).toBe('9');
  });

  it('CPT / HCPCS shape', () => {
    for (const ok of ['99213', '0001F', '0042T', '0001U', 'G0439', 'J3490', 'A0425', 'V2020'])
      expect(isProcedureCodeFormat(ok), ok).toBe(true);
    for (const bad of ['9921', 'W1234', 'G043', '99213X', '0001X', 'g0439'])
      expect(isProcedureCodeFormat(bad), bad).toBe(false);
  });

  it('modifiers and place of service codes', () => {
    expect(isModifierFormat('25')).toBe(true);
    expect(isModifierFormat('GT')).toBe(true);
    expect(isModifierFormat('2')).toBe(false);
    expect(isModifierFormat('G-')).toBe(false);
    for (const ok of ['01', '02', '10', '11', '12', '21', '22', '23', '24', '27', '58', '60', '81', '99'])
      expect(isPlaceOfService(ok), ok).toBe(true);
    for (const bad of ['00', '28', '30', '35', '40', '59', '63', '98', '1', 'toString', '__proto__'])
      expect(isPlaceOfService(bad), bad).toBe(false);
    expect(PLACE_OF_SERVICE['11']).toBe('Office');
    expect(Object.keys(PLACE_OF_SERVICE)).toHaveLength(52);
  });
});

describe('scrubClaim', () => {
  it('passes a clean claim', () => {
    const findings = scrubClaim(clean(), ctx);
    expect(findings).toEqual([]);
    expect(hasErrors(findings)).toBe(false);
  });

  // [rule, break it, stretch it to the edge of what is allowed (must still pass)]
  const cases: [string, (c: Claim) => void, (c: Claim) => void][] = [
    [
      'NPI_CHECK_DIGIT',
      (c) => (c.billingProvider.npi = '1234567890'),
      (c) => (c.billingProvider.npi = '1245319599'),
    ],
    [
      'NPI_CHECK_DIGIT',
      (c) => {
        if (c.renderingProvider) c.renderingProvider.npi = '1245319590';
      },
      (c) => delete c.renderingProvider,
    ],
    ['ICD10_FORMAT', (c) => (c.diagnoses[1] = '9999'), (c) => (c.diagnoses[1] = 'U071')],
    ['ICD10_FORMAT', (c) => (c.diagnoses[1] = 'I1.0'), (c) => (c.diagnoses[1] = 'I10')],
    ['ICD10_FORMAT', (c) => (c.diagnoses[1] = 'E11.9'), (c) => (c.diagnoses[1] = 'E119')],
    ['ICD10_UNKNOWN', (c) => (c.diagnoses[1] = 'U999'), (c) => (c.diagnoses[1] = 'U099')],
    ['ICD10_HEADER', (c) => (c.diagnoses[1] = 'R51'), (c) => (c.diagnoses[1] = 'R519')],
    [
      'PROCEDURE_FORMAT',
      (c) => (first(c).procedureCode = 'W1234'),
      (c) => (first(c).procedureCode = '0001F'),
    ],
    ['MODIFIER_FORMAT', (c) => (first(c).modifiers = ['2']), (c) => (first(c).modifiers = ['GT'])],
    [
      'MODIFIER_COUNT',
      (c) => (first(c).modifiers = ['25', '59', 'GT', 'XU', 'LT']),
      (c) => (first(c).modifiers = ['25', '59', 'GT', 'XU']),
    ],
    [
      'MODIFIER_DUPLICATE',
      (c) => (first(c).modifiers = ['25', '25']),
      (c) => (first(c).modifiers = ['25', '59']),
    ],
    ['PLACE_OF_SERVICE', (c) => (c.placeOfService = '30'), (c) => (c.placeOfService = '02')],
    ['PLACE_OF_SERVICE', (c) => (first(c).placeOfService = '00'), (c) => (first(c).placeOfService = '22')],
    [
      'POINTER_RANGE',
      (c) => (first(c).diagnosisPointers = [1, 3]),
      (c) => {
        c.diagnoses.push('J069');
        first(c).diagnosisPointers = [1, 3];
      },
    ],
    ['POINTER_RANGE', (c) => (first(c).diagnosisPointers = [0]), (c) => (first(c).diagnosisPointers = [2])],
    [
      'POINTER_COUNT',
      (c) => {
        c.diagnoses = ['E119', 'I10', 'J069', 'M545', 'R51'];
        first(c).diagnosisPointers = [1, 2, 3, 4, 5];
      },
      (c) => {
        c.diagnoses = ['E119', 'I10', 'J069', 'M545', 'R51'];
        first(c).diagnosisPointers = [5, 2, 3, 4];
      },
    ],
    ['POINTER_COUNT', (c) => (first(c).diagnosisPointers = []), (c) => (first(c).diagnosisPointers = [1])],
    [
      'POINTER_DUPLICATE',
      (c) => (first(c).diagnosisPointers = [1, 1]),
      (c) => (first(c).diagnosisPointers = [2, 1]),
    ],
    [
      'DIAGNOSIS_COUNT',
      (c) => (c.diagnoses = Array.from({ length: 13 }, (_, i) => `Z${String(i).padStart(2, '0')}`)),
      (c) => (c.diagnoses = Array.from({ length: 12 }, (_, i) => `Z${String(i).padStart(2, '0')}`)),
    ],
    ['DIAGNOSIS_REQUIRED', (c) => withDiagnoses(c, []), (c) => withDiagnoses(c, ['E119'])],
    ['NO_LINES', (c) => withLines(c, []), (c) => withLines(c, [line({ diagnosisPointers: [1] })])],
    [
      'TOO_MANY_LINES',
      (c) =>
        withLines(
          c,
          Array.from({ length: 51 }, (_, i) => line({ lineId: `L${i + 1}` })),
        ),
      (c) =>
        withLines(
          c,
          Array.from({ length: 50 }, (_, i) => line({ lineId: `L${i + 1}` })),
        ),
    ],
    [
      'SERVICE_DATE_FUTURE',
      (c) => (first(c).dateOfService = '2026-11-02'),
      (c) => (first(c).dateOfService = '2026-11-01'),
    ],
    [
      'TIMELY_FILING',
      (c) => (first(c).dateOfService = '2025-10-31'), // 366 days before today
      (c) => (first(c).dateOfService = '2025-11-01'), // exactly 365 days
    ],
    [
      'CHARGE_NOT_POSITIVE',
      (c) => withLines(c, [line({ chargeCents: 0 })]),
      (c) => withLines(c, [line({ chargeCents: 1 })]),
    ],
    ['UNITS_NOT_POSITIVE', (c) => (first(c).units = 0), (c) => (first(c).units = 0.5)],
    ['TOTAL_MISMATCH', (c) => (c.totalChargeCents += 1), (c) => withLines(c, [line({ chargeCents: 99 })])],
    ['MEMBER_ID', (c) => (c.subscriber.memberId = ' '), (c) => (c.subscriber.memberId = 'X')],
    [
      'BILLING_TAX_ID',
      (c) => (c.billingProvider.taxId = '12-3456789'),
      (c) => (c.billingProvider.taxId = '000000001'),
    ],
    [
      'BILLING_ZIP',
      (c) => (c.billingProvider.address.zip = '12345'),
      (c) => (c.billingProvider.address.zip = '000010001'),
    ],
    [
      'SERVICE_BEFORE_BIRTH',
      (c) => (c.patient.dob = '2026-10-16'),
      (c) => (c.patient.dob = '2026-10-15'), // born on the day of service
    ],
    ['DOB_IN_FUTURE', (c) => (c.patient.dob = '2026-11-02'), (c) => (c.patient.dob = '1900-01-01')],
    // 837P element content: nothing the writer would have to empty, cut or alter
    [
      'TEXT_EMPTY',
      (c) => (c.subscriber.lastName = '*~^:'),
      (c) => (c.subscriber.lastName = "O'Test-Ünïcode"),
    ],
    [
      'TEXT_EMPTY',
      (c) => (c.billingProvider.name = '测试诊所'),
      (c) => (c.billingProvider.name = 'Clinique Été'),
    ],
    ['TEXT_EMPTY', (c) => (c.payer.name = ' | '), (c) => (c.payer.name = 'P')],
    [
      'TEXT_EMPTY',
      (c) => (c.billingProvider.address.city = '>>'),
      (c) => (c.billingProvider.address.city = 'X'),
    ],
    ['TEXT_EMPTY', (c) => dependent(c, { lastName: '\\' }), (c) => dependent(c, { lastName: 'TESTCHILD' })],
    [
      'TEXT_EMPTY',
      (c) => dependent(c, { address: { ...c.patient.address, line1: '~' } }),
      (c) => dependent(c, { address: { ...c.patient.address, line1: '1' } }),
    ],
    [
      'TEXT_TOO_LONG',
      (c) => (c.billingProvider.name = 'B'.repeat(61)),
      (c) => (c.billingProvider.name = `${'B'.repeat(60)}  `),
    ],
    [
      'TEXT_TOO_LONG',
      (c) => (c.subscriber.address.line1 = 'A'.repeat(56)),
      (c) => (c.subscriber.address.line1 = 'A'.repeat(55)),
    ],
    [
      'TEXT_TOO_LONG',
      (c) => (c.subscriber.middleName = 'M'.repeat(26)),
      (c) => (c.subscriber.middleName = 'M'),
    ],
    [
      'STATE_CODE',
      (c) => (c.billingProvider.address.state = 'XX'),
      (c) => (c.billingProvider.address.state = 'DC'),
    ],
    [
      'STATE_CODE',
      (c) => (c.subscriber.address.state = 'New York'),
      (c) => (c.subscriber.address.state = 'AE'),
    ],
    ['STATE_CODE', (c) => (c.subscriber.address.state = 'ny'), (c) => (c.subscriber.address.state = 'PR')],
    [
      'STATE_CODE',
      (c) => dependent(c, { address: { ...c.patient.address, state: 'ON' } }),
      (c) => dependent(c, { address: { ...c.patient.address, state: 'GU' } }),
    ],
    [
      'ZIP_FORMAT',
      (c) => (c.subscriber.address.zip = '1234'),
      (c) => (c.subscriber.address.zip = '123456789'),
    ],
    [
      'ZIP_FORMAT',
      (c) => dependent(c, { address: { ...c.patient.address, zip: '12345-6789' } }),
      (c) => dependent(c, { address: { ...c.patient.address, zip: '00501' } }),
    ],
    [
      'RENDERING_NAME',
      (c) => {
        if (c.renderingProvider) c.renderingProvider.lastName = '';
      },
      (c) => (c.renderingProvider = { npi: c.billingProvider.npi, lastName: '', firstName: '' }),
    ],
    [
      'RENDERING_NAME',
      (c) => {
        if (c.renderingProvider) c.renderingProvider.lastName = '**';
      },
      (c) => {
        if (c.renderingProvider)
          c.renderingProvider = { ...c.renderingProvider, lastName: 'X', firstName: '' };
      },
    ],
    ['MEMBER_ID', (c) => (c.subscriber.memberId = ''), (c) => (c.subscriber.memberId = 'x'.repeat(80))],
    ['ID_CHARACTERS', (c) => (c.subscriber.memberId = 'AB 12'), (c) => (c.subscriber.memberId = 'ab-12.3/4')],
    ['ID_CHARACTERS', (c) => (c.subscriber.memberId = 'AB*12'), (c) => (c.subscriber.memberId = 'AB12')],
    ['ID_CHARACTERS', (c) => (c.subscriber.memberId = 'Ñ1234'), (c) => (c.subscriber.memberId = 'N1234')],
    [
      'ID_CHARACTERS',
      (c) => (c.subscriber.memberId = 'M'.repeat(81)),
      (c) => (c.subscriber.memberId = 'M'.repeat(80)),
    ],
    ['ID_CHARACTERS', (c) => (first(c).lineId = 'L:1'), (c) => (first(c).lineId = 'l-1_a')],
    ['ID_CHARACTERS', (c) => (first(c).lineId = 'L'.repeat(51)), (c) => (first(c).lineId = 'L'.repeat(50))],
    ['LINE_ID', (c) => (first(c).lineId = ''), (c) => (first(c).lineId = '1')],
    ['TEXT_EMPTY', (c) => (c.subscriber.firstName = '^^'), (c) => (c.subscriber.firstName = '')],
    ['TEXT_EMPTY', (c) => (c.subscriber.address.line2 = '*'), (c) => (c.subscriber.address.line2 = '  ')],
    ['UNITS_PRECISION', (c) => (first(c).units = 1.2345), (c) => (first(c).units = 1.234)],
    ['LINE_ID_DUPLICATE', (c) => (first(c).lineId = 'L2'), (c) => (first(c).lineId = 'l2')],
    [
      'ID_CHARACTERS',
      (c) => {
        c.frequencyCode = '7';
        c.originalPayerClaimNumber = 'PCN^0001';
      },
      (c) => {
        c.frequencyCode = '8';
        c.originalPayerClaimNumber = 'PCN-0001';
      },
    ],
    [
      'ID_CHARACTERS',
      (c) => (c.subscriber.groupNumber = 'GRP 1'),
      (c) => (c.subscriber.groupNumber = 'GRP1'),
    ],
    ['ID_CHARACTERS', (c) => (c.payer.payerId = 'SIM~PAYER'), (c) => (c.payer.payerId = 'SIM-PAYER')],
  ];

  it.each(cases)('%s: fails when broken, passes at the edge', (rule, breakIt, stretch) => {
    const broken = clean();
    breakIt(broken);
    const findings = scrubClaim(broken, ctx);
    expect(rulesOf(findings)).toContain(rule);
    expect(hasErrors(findings)).toBe(true);
    for (const f of findings.filter((x) => x.rule === rule)) expect(f.severity).toBe('error');

    const edge = clean();
    stretch(edge);
    expect(rulesOf(scrubClaim(edge, ctx))).not.toContain(rule);
  });

  it('every claim it passes is one the 837P writer writes; every 837P content finding the writer refuses too', () => {
    const envelope = makeEnvelope();
    let passed = 0;
    let refused = 0;
    for (const [rule, breakIt, stretch] of cases) {
      const edge = clean();
      stretch(edge);
      if (scrubClaim(edge, ctx).length === 0) {
        expect(() => write837P({ claims: [edge], envelope }), rule).not.toThrow();
        passed++;
      }
      const broken = clean();
      breakIt(broken);
      if (CONTENT_RULES.has(rule)) {
        expect(() => write837P({ claims: [broken], envelope }), rule).toThrow(/^INVALID_INPUT: claim CTEST/);
        refused++;
      }
    }
    expect(passed).toBeGreaterThan(40);
    expect(refused).toBe(cases.filter(([rule]) => CONTENT_RULES.has(rule)).length);
  });

  it('names the line and the field of a line-level finding', () => {
    const c = clean();
    (c.lines[1] as ServiceLine).procedureCode = 'W1234';
    expect(scrubClaim(c, ctx)).toEqual([
      expect.objectContaining({ rule: 'PROCEDURE_FORMAT', lineId: 'L2', field: 'procedure_code' }),
    ]);
  });

  it('names the rule and field of an 837P content finding, never the value', () => {
    const c = clean();
    c.subscriber.memberId = 'SECRET 42';
    c.subscriber.address.state = 'Zz';
    c.subscriber.lastName = '~~';
    first(c).lineId = 'LINE*SECRET';
    const findings = scrubClaim(c, ctx);
    expect(findings.map((f) => [f.rule, f.field])).toEqual([
      ['TEXT_EMPTY', 'subscriber_last_name'],
      ['STATE_CODE', 'subscriber_state'],
      ['ID_CHARACTERS', 'member_id'],
      ['ID_CHARACTERS', 'line_id'],
    ]);
    expect(findings.every((f) => f.severity === 'error')).toBe(true);
    expect(findings[3]?.message).toMatch(/^line 1: /);
    const text = JSON.stringify(findings);
    for (const value of ['SECRET', 'Zz', '~~']) expect(text).not.toContain(value);
  });

  it('accepts every USPS state, territory and military code, and nothing else', () => {
    expect(USPS_STATE_CODES.size).toBe(50 + 1 + 8 + 3);
    for (const ok of ['AL', 'WY', 'DC', 'PR', 'VI', 'GU', 'AS', 'MP', 'AA', 'AE', 'AP'])
      expect(isUspsStateCode(ok), ok).toBe(true);
    for (const bad of ['XX', 'ny', 'NYC', '', 'ON', 'UK', 'constructor'])
      expect(isUspsStateCode(bad), bad).toBe(false);
  });

  it('uses the timely filing window it is given', () => {
    const c = clean();
    first(c).dateOfService = '2026-08-01'; // 92 days before today
    expect(rulesOf(scrubClaim(c, { ...ctx, timelyFilingDays: 90 }))).toEqual(['TIMELY_FILING']);
    expect(scrubClaim(c, { ...ctx, timelyFilingDays: 92 })).toEqual([]);
  });

  it('carries no patient data in messages', () => {
    const c = clean();
    c.billingProvider.npi = '1234567890';
    c.diagnoses[0] = '9999';
    c.patient.dob = '2027-01-01';
    first(c).diagnosisPointers = [7];
    const text = JSON.stringify(scrubClaim(c, ctx));
    for (const phi of [
      c.patient.lastName,
      c.patient.firstName,
      c.subscriber.memberId,
      c.patient.dob,
      '1 TEST STREET',
    ])
      expect(text).not.toContain(phi);
  });
});

/** Makes the patient a dependent of the subscriber (so 2010CA is written), with patient overrides. */
function dependent(c: Claim, patient: Partial<Claim['patient']>) {
  c.relationship = '19';
  c.subscriber = { ...c.subscriber, lastName: 'TESTSUBSCRIBER', firstName: 'PARENT', dob: '1970-01-01' };
  c.patient = { ...c.patient, ...patient };
}

function withDiagnoses(c: Claim, dx: string[]) {
  c.diagnoses = dx;
  withLines(
    c,
    c.lines.map((l) => ({ ...l, diagnosisPointers: dx.length ? [1] : [] })),
  );
}
