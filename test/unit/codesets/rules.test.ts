import { describe, expect, it } from 'vitest';
import type { Claim, ServiceLine } from '../../../shared/claims/model';
import { createCptList } from '../../../shared/scrub/codesets';
import {
  CODE_SET_RULES,
  cptRule,
  hcpcsRule,
  icd10Rule,
  modifierRule,
  scrubCodeSets,
  serviceDateRule,
} from '../../../shared/scrub/codesets/rules';

function line(over: Partial<ServiceLine> = {}): ServiceLine {
  return {
    lineId: 'L1',
    dateOfService: '2026-01-15',
    procedureCode: '99213',
    modifiers: ['25'],
    units: 1,
    chargeCents: 11000,
    diagnosisPointers: [1],
    ...over,
  };
}

function claim(diagnoses: string[], lines: ServiceLine[] = [line()]): Claim {
  const address = { line1: '1 TEST STREET', city: 'TESTVILLE', state: 'NY', zip: '12345' };
  const patient = {
    lastName: 'TESTPATIENT',
    firstName: 'ALPHA',
    dob: '1980-02-03',
    gender: 'F' as const,
    address,
  };
  return {
    claimId: 'CTEST000000000001',
    practiceId: 'PRAC1',
    encounterId: 'E1',
    frequencyCode: '1',
    patient,
    relationship: '18',
    subscriber: { ...patient, memberId: 'SIMMBR0001' },
    payer: { payerId: 'SIMPAYER1', name: 'SIMULATED PAYER ONE' },
    billingProvider: { npi: '1234567893', name: 'TEST CLINIC', taxId: '123456789', address },
    placeOfService: '11',
    diagnoses,
    lines,
    totalChargeCents: lines.reduce((s, l) => s + l.chargeCents, 0),
    sourceFile: 'charges/PRAC1/test.csv',
    receivedAt: '2026-11-01T00:00:00.000Z',
  };
}

describe('code-set scrub rules', () => {
  it('passes a clean claim, QA0 codes included', () => {
    const c = claim(
      ['E119', 'QA00101', 'Z878901'],
      [
        line({ diagnosisPointers: [1, 2], modifiers: ['25', 'GT'] }),
        line({
          lineId: 'L2',
          procedureCode: 'G0438',
          modifiers: [],
          dateOfService: '2026-10-02',
          diagnosisPointers: [3],
        }),
      ],
    );
    expect(scrubCodeSets(c)).toEqual([]);
  });

  it('names the diagnosis, the date and the fiscal year of a code not yet valid', () => {
    const c = claim(['E119', 'E11A'], [line({ dateOfService: '2025-06-01', diagnosisPointers: [1, 2] })]);
    expect(icd10Rule(c)).toEqual([
      {
        rule: 'ICD10_NOT_VALID_ON_DOS',
        severity: 'error',
        message: 'dx2 E11A is not valid on 2025-06-01 (FY2025): new in FY2026, valid from 2025-10-01',
        field: 'dx2',
        lineId: 'L1',
      },
    ]);
  });

  it('checks each diagnosis against the dates of the lines pointing to it, across October 1', () => {
    const c = claim(
      ['B880', 'E119'],
      [
        line({ lineId: 'L1', dateOfService: '2025-09-30', diagnosisPointers: [1] }),
        line({ lineId: 'L2', dateOfService: '2025-10-01', diagnosisPointers: [2] }),
      ],
    );
    expect(icd10Rule(c)).toEqual([]);
    c.lines[1]?.diagnosisPointers.push(1);
    expect(icd10Rule(c)).toEqual([
      {
        rule: 'ICD10_HEADER',
        severity: 'error',
        message:
          'dx1 B880 is a header, not billable, on 2025-10-01 (FY2026): use a more specific code (billable in FY2025)',
        field: 'dx1',
        lineId: 'L2',
      },
    ]);
  });

  it('reports a diagnosis nobody points to against every date of service, once per fiscal year', () => {
    const c = claim(
      ['E119', 'D691'],
      [
        line({ lineId: 'L1', dateOfService: '2026-10-01' }),
        line({ lineId: 'L2', dateOfService: '2026-10-02' }),
        line({ lineId: 'L3', dateOfService: '2026-09-30' }),
      ],
    );
    const findings = icd10Rule(c);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'ICD10_HEADER', field: 'dx2', lineId: 'L1' });
    expect(findings[0]?.message).toContain('dx2 D691 is a header, not billable, on 2026-10-01 (FY2027)');
  });

  it('reports deleted, unknown, malformed and dotted codes and dates without a code set', () => {
    const c = claim(
      ['S23420A', 'E119X', 'E1.19', 'E11.9', 'E119'],
      [
        line({ dateOfService: '2026-10-05', diagnosisPointers: [1, 2, 3, 4] }),
        line({ lineId: 'L2', dateOfService: '2024-09-30', diagnosisPointers: [5] }),
      ],
    );
    expect(icd10Rule(c).map((f) => [f.rule, f.field, f.message])).toEqual([
      [
        'ICD10_NOT_VALID_ON_DOS',
        'dx1',
        'dx1 S23420A is not valid on 2026-10-05 (FY2027): deleted, last valid in FY2026 (to 2026-09-30)',
      ],
      ['ICD10_UNKNOWN', 'dx2', 'dx2 E119X is not an ICD-10-CM code in any of FY2025-FY2027'],
      [
        'ICD10_FORMAT',
        'dx3',
        'dx3 E1.19 is not an ICD-10-CM code: expected a letter, then 2 to 6 upper-case letters or digits',
      ],
      ['ICD10_FORMAT', 'dx4', 'dx4 E11.9 must be written without the dot on a claim (E119)'],
      [
        'ICD10_NO_CODE_SET_FOR_DATE',
        'dx5',
        'dx5 E119 cannot be checked on 2024-09-30 (FY2024): the shipped ICD-10-CM code sets cover ' +
          'FY2025-FY2027 (2024-10-01 to 2027-09-30); regenerate them with npm run codesets',
      ],
    ]);
  });

  it('reports a bad date of service once and skips that line elsewhere', () => {
    const c = claim(
      ['E119'],
      [line({ dateOfService: '2026-02-30', procedureCode: 'G9327', modifiers: ['MA'] })],
    );
    expect(scrubCodeSets(c)).toEqual([
      {
        rule: 'SERVICE_DATE_INVALID',
        severity: 'error',
        message: "line L1: date of service '2026-02-30' is not a YYYY-MM-DD calendar date",
        lineId: 'L1',
        field: 'date_of_service',
      },
    ]);
    expect(serviceDateRule(claim(['E119']))).toEqual([]);
    // with no dated line a diagnosis is still checked for existence
    expect(icd10Rule(claim(['E119X', 'E119'], [])).map((f) => f.rule)).toEqual(['ICD10_UNKNOWN']);
  });

  it('reports terminated, not yet effective and unknown HCPCS codes on their line', () => {
    const c = claim(
      ['E119'],
      [
        line({ lineId: 'L1', procedureCode: 'G9327', dateOfService: '2021-01-01' }),
        line({ lineId: 'L2', procedureCode: 'G2211', dateOfService: '2020-12-31' }),
        line({ lineId: 'L3', procedureCode: 'G0000', dateOfService: '2026-01-05' }),
        line({ lineId: 'L4', procedureCode: 'G0000', dateOfService: '2026-06-01' }),
        line({ lineId: 'L5', procedureCode: 'G0438', dateOfService: '2026-01-05' }),
      ],
    );
    expect(hcpcsRule(c)).toEqual([
      {
        rule: 'HCPCS_TERMINATED',
        severity: 'error',
        message:
          'line L1: HCPCS G9327 was terminated 2020-12-31 (its last valid date); not valid on 2021-01-01',
        lineId: 'L1',
        field: 'procedure_code',
      },
      {
        rule: 'HCPCS_NOT_YET_EFFECTIVE',
        severity: 'error',
        message: 'line L2: HCPCS G2211 is not yet effective on 2020-12-31: it takes effect 2021-01-01',
        lineId: 'L2',
        field: 'procedure_code',
      },
      {
        rule: 'HCPCS_UNKNOWN',
        severity: 'error',
        message: 'line L3: HCPCS G0000 is not in the CMS HCPCS Level II quarterly update, January 2026',
        lineId: 'L3',
        field: 'procedure_code',
      },
      {
        rule: 'HCPCS_UNKNOWN',
        severity: 'warning',
        message:
          'line L4: HCPCS G0000 is not in the CMS HCPCS Level II quarterly update, January 2026 (the shipped ' +
          'release covers dates of service to 2026-03-31; a later CMS quarterly file may change this)',
        lineId: 'L4',
        field: 'procedure_code',
      },
    ]);
  });

  it('reports unknown, terminated and not yet effective modifiers', () => {
    const c = claim(
      ['E119'],
      [
        line({ lineId: 'L1', dateOfService: '2025-01-01', modifiers: ['25', 'JG', 'ZZ', 'x'] }),
        line({ lineId: 'L2', dateOfService: '2022-06-01', procedureCode: 'V5364', modifiers: ['AB'] }),
      ],
    );
    expect(modifierRule(c).map((f) => [f.rule, f.severity, f.lineId, f.message])).toEqual([
      [
        'MODIFIER_TERMINATED',
        'error',
        'L1',
        'line L1: modifier JG was terminated 2024-12-31 (its last valid date); not valid on 2025-01-01',
      ],
      [
        'MODIFIER_UNKNOWN',
        'error',
        'L1',
        'line L1: modifier ZZ is neither a HCPCS Level II nor a CPT modifier',
      ],
      [
        'MODIFIER_NOT_YET_EFFECTIVE',
        'error',
        'L2',
        'line L2: modifier AB is not yet effective on 2022-06-01: it takes effect 2023-01-01',
      ],
    ]);
  });

  it('checks CPT codes only against a deployer-supplied list', () => {
    const c = claim(
      ['E119'],
      [line({ procedureCode: '99213' }), line({ lineId: 'L2', procedureCode: '99214' })],
    );
    expect(cptRule(c)).toEqual([]);
    const cpt = createCptList(['99213'], 'cpt-test.txt');
    expect(cptRule(c, { cpt })).toEqual([
      {
        rule: 'CPT_UNKNOWN',
        severity: 'error',
        message: "line L2: CPT 99214 is not in the deployer's CPT list (cpt-test.txt)",
        lineId: 'L2',
        field: 'procedure_code',
      },
    ]);
    expect(scrubCodeSets(c, { cpt }).map((f) => f.rule)).toEqual(['CPT_UNKNOWN']);
  });

  it('exports every rule for wiring', () => {
    expect(CODE_SET_RULES).toEqual([serviceDateRule, icd10Rule, hcpcsRule, modifierRule, cptRule]);
  });
});
