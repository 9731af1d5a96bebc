import { describe, expect, it } from 'vitest';
import type { Claim } from '../../../shared/claims/model';
import {
  ageInYears,
  isEvaluationAndManagement,
  type ScrubFinding,
  scrubClaim,
  scrubConsistency,
} from '../../../shared/scrub';
import { cleanClaim, line, today } from './claim';

const ctx = { today, timelyFilingDays: 365 };
const rules = (f: ScrubFinding[]) => f.map((x) => x.rule);
const only = (claim: Claim, rule: string) => scrubClaim(claim, ctx).filter((f) => f.rule === rule);
const withPatient = (over: Partial<Claim['patient']>, dx: string[], more: Partial<Claim> = {}) => {
  const c = cleanClaim({ diagnoses: dx, ...more });
  c.patient = { ...c.patient, ...over };
  c.subscriber = { ...c.subscriber, ...over };
  return c;
};

describe('consistency edits', () => {
  it('a clean claim has none, and passes the whole scrub', () => {
    expect(scrubConsistency(cleanClaim())).toEqual([]);
    expect(scrubClaim(cleanClaim(), ctx)).toEqual([]);
  });

  describe('DX_SEX_MISMATCH', () => {
    it.each([
      ['M', 'O80', 'O00-O9A'],
      ['M', 'N920', 'N70-N98'],
      ['M', 'Z3A20', 'Z3A'],
      ['F', 'N400', 'N40-N53'],
      ['F', 'C61', 'C60-C63'],
    ] as const)('%s patient with %s (%s) is refused', (sex, dx, range) => {
      const found = only(withPatient({ gender: sex }, [dx]), 'DX_SEX_MISMATCH');
      expect(found).toEqual([expect.objectContaining({ severity: 'error', field: 'dx1' })]);
      expect(found[0]?.message).toContain(`dx1 ${dx} (${range})`);
    });

    it.each([
      ['F', 'O80'],
      ['M', 'N400'],
      ['U', 'N400'],
      ['U', 'O80'],
      ['M', 'N390'], // N39 urinary: either sex
      ['F', 'N999'], // after the female range N70-N98
      ['M', 'N539'], // last code of the male range
    ] as const)('%s patient with %s passes', (sex, dx) => {
      expect(only(withPatient({ gender: sex }, [dx]), 'DX_SEX_MISMATCH')).toEqual([]);
    });
  });

  describe('DX_AGE_MATERNITY (ages 12 to 55 on the date of service)', () => {
    it.each([
      ['2014-10-16', 'turns 12 the day after the service'],
      ['1970-10-15', 'turns 56 on the day of service'],
    ])('refuses dob %s (%s)', (dob) => {
      const found = only(withPatient({ dob }, ['O80']), 'DX_AGE_MATERNITY');
      expect(found).toEqual([expect.objectContaining({ severity: 'error', lineId: 'L1', field: 'dx1' })]);
      expect(found[0]?.message).not.toContain(dob);
    });
    it.each([['2014-10-15'], ['1970-10-16']])(
      'accepts dob %s (12 on the day; 55 the day before 56)',
      (dob) => {
        expect(only(withPatient({ dob }, ['O80']), 'DX_AGE_MATERNITY')).toEqual([]);
      },
    );
  });

  describe('DX_AGE_NEWBORN (the first 28 days)', () => {
    it('Z38 liveborn after day 27 is an error; on day 27 it passes', () => {
      expect(only(withPatient({ dob: '2026-09-17' }, ['Z3800']), 'DX_AGE_NEWBORN')).toEqual([
        expect.objectContaining({ severity: 'error', lineId: 'L1' }),
      ]);
      expect(only(withPatient({ dob: '2026-09-18' }, ['Z3800']), 'DX_AGE_NEWBORN')).toEqual([]);
    });
    it('a perinatal P-code later in life is a warning (the guideline allows it while present)', () => {
      const late = scrubClaim(withPatient({ dob: '2020-01-01' }, ['P0739']), ctx);
      expect(late.filter((f) => f.rule === 'DX_AGE_NEWBORN')).toEqual([
        expect.objectContaining({ severity: 'warning' }),
      ]);
      expect(late.every((f) => f.severity === 'warning')).toBe(true);
      expect(only(withPatient({ dob: '2026-10-01' }, ['P0739']), 'DX_AGE_NEWBORN')).toEqual([]);
    });
    it('only lines that point to the code count', () => {
      const c = withPatient({ dob: '2026-10-01' }, ['E119', 'Z3800'], {
        lines: [
          line({ diagnosisPointers: [1], dateOfService: '2026-10-31' }),
          line({ lineId: 'L2', procedureCode: '36415', diagnosisPointers: [2], dateOfService: '2026-10-02' }),
        ],
      });
      expect(only(c, 'DX_AGE_NEWBORN')).toEqual([]);
    });
  });

  describe('DUPLICATE_LINE (CO-18)', () => {
    it('refuses the same code, modifiers (in any order) and date twice, naming both lines', () => {
      const c = cleanClaim({
        lines: [
          line({ procedureCode: '93000', modifiers: ['59', 'GT'] }),
          line({ lineId: 'L2', procedureCode: '93000', modifiers: ['GT', '59'] }),
        ],
      });
      const found = only(c, 'DUPLICATE_LINE');
      expect(found).toEqual([expect.objectContaining({ severity: 'error', lineId: 'L2' })]);
      expect(found[0]?.message).toMatch(/^line L2 repeats line L1: 93000 .* on 2026-10-15/);
    });
    it.each([
      ['another date', { dateOfService: '2026-10-16' }],
      ['another modifier', { modifiers: ['76'] }],
      ['another code', { procedureCode: '93005' }],
    ])('passes with %s', (_, over) => {
      const c = cleanClaim({
        lines: [line({ procedureCode: '93000' }), line({ lineId: 'L2', procedureCode: '93000', ...over })],
      });
      expect(only(c, 'DUPLICATE_LINE')).toEqual([]);
    });
  });

  describe('modifier combinations', () => {
    it('MODIFIER_26_WITH_TC: both on one line is refused; on two lines it passes', () => {
      const both = cleanClaim({ lines: [line({ procedureCode: '71046', modifiers: ['26', 'TC'] })] });
      expect(only(both, 'MODIFIER_26_WITH_TC')).toEqual([
        expect.objectContaining({ lineId: 'L1', field: 'modifiers', severity: 'error' }),
      ]);
      const split = cleanClaim({
        lines: [
          line({ procedureCode: '71046', modifiers: ['26'] }),
          line({ lineId: 'L2', procedureCode: '71046', modifiers: ['TC'] }),
        ],
      });
      expect(scrubClaim(split, ctx)).toEqual([]);
    });
    it('MODIFIER_25_NOT_EM: 25 only on 99201-99499', () => {
      for (const code of ['36415', '99500', '99200', 'G0439'])
        expect(
          only(
            cleanClaim({ lines: [line({ procedureCode: code, modifiers: ['25'] })] }),
            'MODIFIER_25_NOT_EM',
          ),
          code,
        ).toHaveLength(1);
      for (const code of ['99201', '99213', '99499'])
        expect(
          only(
            cleanClaim({ lines: [line({ procedureCode: code, modifiers: ['25'] })] }),
            'MODIFIER_25_NOT_EM',
          ),
          code,
        ).toEqual([]);
      expect(isEvaluationAndManagement('9921A')).toBe(false);
    });
  });

  it('POINTER_TO_HEADER names each line that points to a header code', () => {
    const c = cleanClaim({
      diagnoses: ['E119', 'R51'],
      lines: [
        line({ diagnosisPointers: [1] }),
        line({ lineId: 'L2', procedureCode: '36415', diagnosisPointers: [1, 2] }),
      ],
    });
    const found = only(c, 'POINTER_TO_HEADER');
    expect(found).toEqual([expect.objectContaining({ lineId: 'L2', field: 'dx_pointers' })]);
    expect(found[0]?.message).toBe(
      'line L2: diagnosis pointer 2 points to R51, a header code in FY2027 that cannot be billed',
    );
    expect(rules(scrubClaim(c, ctx))).toContain('ICD10_HEADER');
    c.diagnoses[1] = 'R519';
    expect(only(c, 'POINTER_TO_HEADER')).toEqual([]);
  });

  it('ages in whole years', () => {
    expect(ageInYears('2000-03-01', '2026-02-28')).toBe(25);
    expect(ageInYears('2000-03-01', '2026-03-01')).toBe(26);
    expect(ageInYears('2004-02-29', '2026-02-28')).toBe(21);
    expect(ageInYears('2004-02-29', '2026-03-01')).toBe(22);
  });

  it('findings carry no patient values', () => {
    const c = withPatient({ gender: 'M', dob: '2016-05-05' }, ['O80', 'Z3800']);
    c.lines = [line({ diagnosisPointers: [1, 2] })];
    const text = JSON.stringify(scrubConsistency(c));
    expect(rules(scrubConsistency(c))).toEqual(['DX_SEX_MISMATCH', 'DX_AGE_MATERNITY', 'DX_AGE_NEWBORN']);
    for (const phi of ['2016-05-05', 'TESTPATIENT', 'ALPHA', 'SIMMBR0001', ' male patient', ' 10 '])
      expect(text).not.toContain(phi);
  });
});
