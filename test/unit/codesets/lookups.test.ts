import { describe, expect, it } from 'vitest';
import {
  carc,
  codeSetVersions,
  cptCategory,
  cptFormatOk,
  fiscalYearOf,
  hcpcs,
  icd10cm,
  icd10cmFiscalYears,
  isIsoDate,
  modifier,
  rarc,
} from '../../../shared/scrub/codesets';

const FY2025 = '2025-06-01';
const FY2026 = '2026-06-01';
const FY2027 = '2027-06-01';

describe('ICD-10-CM by fiscal year (README examples)', () => {
  it.each(['B880', 'Z91012'])('%s is billable in FY2025 and a header in FY2026 and FY2027', (code) => {
    expect(icd10cm(code, FY2025)).toEqual({ ok: true, code, fiscalYear: 2025 });
    expect(icd10cm(code, FY2026)).toMatchObject({
      ok: false,
      reason: 'HEADER',
      fiscalYear: 2026,
      billableIn: [2025],
    });
    expect(icd10cm(code, FY2027)).toMatchObject({ ok: false, reason: 'HEADER', fiscalYear: 2027 });
  });

  it.each(['D691', 'Z87890'])('%s is billable in FY2025 and FY2026 and a header in FY2027', (code) => {
    expect(icd10cm(code, FY2025).ok).toBe(true);
    expect(icd10cm(code, FY2026).ok).toBe(true);
    expect(icd10cm(code, FY2027)).toMatchObject({ reason: 'HEADER', billableIn: [2025, 2026] });
  });

  it.each(['E11A', 'QA00101'])('%s is new in FY2026', (code) => {
    expect(icd10cm(code, FY2025)).toMatchObject({ ok: false, reason: 'NOT_YET_VALID', fiscalYear: 2025 });
    expect(icd10cm(code, FY2026)).toEqual({ ok: true, code, fiscalYear: 2026 });
    expect(icd10cm(code, FY2027).ok).toBe(true);
  });

  it.each(['C7831', 'Z878901', 'QA1790'])('%s is new in FY2027', (code) => {
    expect(icd10cm(code, FY2025)).toMatchObject({ reason: 'NOT_YET_VALID', billableIn: [2027] });
    expect(icd10cm(code, FY2026)).toMatchObject({ reason: 'NOT_YET_VALID', fiscalYear: 2026 });
    expect(icd10cm(code, FY2027)).toEqual({ ok: true, code, fiscalYear: 2027 });
  });

  it('README spot checks hold in every fiscal year', () => {
    for (const dos of [FY2025, FY2026, FY2027]) {
      for (const code of ['E119', 'Z0000', 'S72001A', 'I10', 'J449', 'F32A', 'U071', 'R69'])
        expect(icd10cm(code, dos).ok, `${code} ${dos}`).toBe(true);
      for (const code of ['E11', 'S72001']) expect(icd10cm(code, dos)).toMatchObject({ reason: 'HEADER' });
    }
  });

  it('switches code set on October 1: 2025-09-30 is FY2025, 2025-10-01 is FY2026', () => {
    expect(icd10cm('B880', '2025-09-30')).toEqual({ ok: true, code: 'B880', fiscalYear: 2025 });
    expect(icd10cm('B880', '2025-10-01')).toMatchObject({ ok: false, reason: 'HEADER', fiscalYear: 2026 });
    expect(icd10cm('E11A', '2025-09-30')).toMatchObject({
      ok: false,
      reason: 'NOT_YET_VALID',
      fiscalYear: 2025,
    });
    expect(icd10cm('E11A', '2025-10-01')).toEqual({ ok: true, code: 'E11A', fiscalYear: 2026 });
  });

  it('reports a code only in earlier fiscal years as DELETED', () => {
    // S301XXA was deleted by the FY2026 addenda, S23420A by the FY2027 addenda
    expect(icd10cm('S301XXA', '2025-09-30').ok).toBe(true);
    expect(icd10cm('S301XXA', '2025-10-01')).toMatchObject({
      reason: 'DELETED',
      fiscalYear: 2026,
      billableIn: [2025],
    });
    expect(icd10cm('S23420A', FY2026).ok).toBe(true);
    expect(icd10cm('S23420A', FY2027)).toMatchObject({ reason: 'DELETED', billableIn: [2025, 2026] });
  });

  it('accepts the dot after the category, and returns the claim form', () => {
    expect(icd10cm('E11.9', FY2026)).toEqual({ ok: true, code: 'E119', fiscalYear: 2026 });
    expect(icd10cm('QA0.0101', FY2026)).toEqual({ ok: true, code: 'QA00101', fiscalYear: 2026 });
    expect(icd10cm('Z87.8901', FY2027)).toEqual({ ok: true, code: 'Z878901', fiscalYear: 2027 });
  });

  it('refuses malformed codes and dates with a reason instead of guessing', () => {
    for (const code of ['E1.19', 'e119', 'E119 ', '', 'E', 'E11.', '1119', 'E11900000'])
      expect(icd10cm(code, FY2026), code).toMatchObject({ ok: false, reason: 'FORMAT' });
    expect(icd10cm('E119', '2026-02-30')).toMatchObject({
      ok: false,
      reason: 'INVALID_DATE',
      fiscalYear: null,
    });
    expect(icd10cm('E119', '06/01/2026')).toMatchObject({ reason: 'INVALID_DATE' });
    expect(icd10cm('E119X', FY2026)).toMatchObject({ ok: false, reason: 'UNKNOWN', billableIn: [] });
  });

  it('has no code set before FY2025 or after FY2027', () => {
    expect(icd10cmFiscalYears()).toEqual([2025, 2026, 2027]);
    expect(icd10cm('E119', '2024-09-30')).toMatchObject({ reason: 'NO_CODE_SET_FOR_DATE', fiscalYear: 2024 });
    expect(icd10cm('E119', '2024-10-01').ok).toBe(true);
    expect(icd10cm('E119', '2027-09-30').ok).toBe(true);
    expect(icd10cm('E119', '2027-10-01')).toMatchObject({ reason: 'NO_CODE_SET_FOR_DATE', fiscalYear: 2028 });
  });

  it('knows fiscal years and calendar dates', () => {
    expect(fiscalYearOf('2025-09-30')).toBe(2025);
    expect(fiscalYearOf('2025-10-01')).toBe(2026);
    expect(fiscalYearOf('2025-12-31')).toBe(2026);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2025-1-01')).toBe(false);
  });
});

describe('HCPCS Level II by date of service', () => {
  it('accepts an active code with its CMS short description', () => {
    expect(hcpcs('G0438', '2026-01-05')).toEqual({
      ok: true,
      code: 'G0438',
      effective: '2011-01-01',
      termination: '',
      description: 'Ppps, initial visit',
    });
    expect(hcpcs('J0131', '2026-01-05')).toMatchObject({ ok: true, description: 'Inj, acetaminophen (nos)' });
  });

  it('takes effect on its effective date', () => {
    expect(hcpcs('G2211', '2020-12-31')).toMatchObject({
      ok: false,
      reason: 'NOT_YET_EFFECTIVE',
      effective: '2021-01-01',
    });
    expect(hcpcs('G2211', '2021-01-01').ok).toBe(true);
  });

  it('is valid through its termination date (CMS TERM_DT is the last valid date)', () => {
    expect(hcpcs('G9327', '2020-12-31')).toMatchObject({ ok: true, termination: '2020-12-31' });
    expect(hcpcs('G9327', '2021-01-01')).toMatchObject({
      ok: false,
      reason: 'TERMINATED',
      termination: '2020-12-31',
      afterRelease: false,
    });
  });

  it('refuses unknown, malformed codes and bad dates, and flags dates after the release', () => {
    expect(hcpcs('G0000', '2026-01-05')).toMatchObject({ ok: false, reason: 'UNKNOWN', afterRelease: false });
    expect(hcpcs('G0000', '2026-04-01')).toMatchObject({ ok: false, reason: 'UNKNOWN', afterRelease: true });
    expect(hcpcs('99213', '2026-01-05')).toMatchObject({ ok: false, reason: 'FORMAT' });
    expect(hcpcs('W1234', '2026-01-05')).toMatchObject({ ok: false, reason: 'FORMAT' });
    expect(hcpcs('G0438', '2026-13-01')).toMatchObject({ ok: false, reason: 'INVALID_DATE' });
  });
});

describe('modifiers', () => {
  it('knows CPT modifiers as codes only, without descriptor', () => {
    expect(modifier('25', '2026-01-05')).toMatchObject({ ok: true, codeSet: 'CPT', description: '' });
    expect(modifier('59', '2020-01-01')).toMatchObject({ ok: true, codeSet: 'CPT' });
    expect(modifier('21', '2026-01-05')).toMatchObject({ ok: false, reason: 'UNKNOWN' });
  });

  it('dates HCPCS Level II modifiers', () => {
    expect(modifier('JG', '2024-12-31')).toMatchObject({ ok: true, codeSet: 'HCPCS-II' });
    expect(modifier('JG', '2025-01-01')).toMatchObject({
      ok: false,
      reason: 'TERMINATED',
      termination: '2024-12-31',
    });
    expect(modifier('AB', '2022-12-31')).toMatchObject({
      ok: false,
      reason: 'NOT_YET_EFFECTIVE',
      effective: '2023-01-01',
    });
    expect(modifier('AB', '2023-01-01')).toMatchObject({
      ok: true,
      description: 'Aud svs w/o order evry 12mo',
    });
    expect(modifier('ZZ', '2026-01-05')).toMatchObject({ ok: false, reason: 'UNKNOWN' });
    expect(modifier('2', '2026-01-05')).toMatchObject({ ok: false, reason: 'FORMAT' });
  });
});

describe('CARC and RARC', () => {
  it('looks up a CARC with or without its group code', () => {
    const co45 = {
      code: '45',
      active: true,
      status: 'current',
      description: 'Exceeds allowed or contracted amount',
    };
    expect(carc('45')).toEqual(co45);
    expect(carc('CO-45')).toEqual(co45);
    expect(carc('1')).toMatchObject({ active: true, description: 'Patient deductible applied' });
  });

  it('keeps deactivated codes, marked inactive', () => {
    expect(carc('15')).toMatchObject({ active: false, status: 'deactivated' });
    expect(carc('999')).toBeUndefined();
  });

  it('looks up RARC, with a paraphrase where one was written', () => {
    expect(rarc('N130')).toEqual({
      code: 'N130',
      active: true,
      status: 'current',
      description: 'See plan benefit documents',
    });
    expect(rarc('M1')).toMatchObject({ active: true, description: '' });
    expect(rarc('MA01')).toBeDefined();
    expect(rarc('X1')).toBeUndefined();
  });
});

describe('CPT shape (no CPT content shipped)', () => {
  it('knows the categories', () => {
    expect(cptCategory('99213')).toBe('I');
    expect(cptCategory('1036F')).toBe('II');
    expect(cptCategory('0042T')).toBe('III');
    expect(cptCategory('0001U')).toBe('PLA');
    expect(cptCategory('0002M')).toBe('MAAA');
  });

  it.each(['9921', '992131', 'G0438', '1036X', '99 13', 'F1036', '1036f', ''])('refuses %j', (code) => {
    expect(cptFormatOk(code)).toBe(false);
  });
});

describe('codeSetVersions', () => {
  it('reports fiscal years, releases, sources with sha256 and licences', () => {
    const v = codeSetVersions();
    expect(Object.keys(v.icd10cm.fiscalYears)).toEqual(['2025', '2026', '2027']);
    expect(v.icd10cm.fiscalYears['2026']).toEqual({
      start: '2025-10-01',
      end: '2026-09-30',
      source: 'icd10cm-2026.tsv',
      codes: 98186,
      billable: 74719,
      headers: 23467,
    });
    expect(v.icd10cm.fiscalYears['2027']).toMatchObject({ billable: 74879, headers: 23524 });
    expect(v.hcpcs).toMatchObject({ codes: 8623, terminated: 1300, reliableThrough: '2026-03-31' });
    expect(v.modifiers).toMatchObject({ hcpcsLevel2: 383, hcpcsLevel2Terminated: 20, cptCodesOnly: 43 });
    expect(v.carc).toEqual({ asOf: '2026-08-17', codes: 407, active: 297 });
    expect(v.rarc).toEqual({ asOf: '2026-08-17', codes: 1216, active: 1137 });
    expect(v.icd10cm.licence).toContain('public domain');
    expect(v.adjustmentCodesLicence).toContain('No X12 description text is copied');
    for (const s of Object.values(v.sources)) expect(s.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
