import { describe, expect, it } from 'vitest';
import type { ScrubFinding } from '../../../shared/scrub';
import { hasErrors, scrubClaim } from '../../../shared/scrub';
import { createCptList } from '../../../shared/scrub/codesets';
import { cleanClaim, line, today } from './claim';

const ctx = { today, timelyFilingDays: 365 };
const pick = (f: ScrubFinding[]) =>
  f.map(({ rule, severity, lineId, field }) => ({ rule, severity, lineId, field }));

describe('scrubClaim checks every claim against the shipped code sets', () => {
  it('accepts a QA0 code (letter in second place) on a date in FY2026, refuses it before, naming code and year', () => {
    const c = cleanClaim({ diagnoses: ['QA00101'], lines: [line({ dateOfService: '2025-10-15' })] });
    expect(scrubClaim(c, { ...ctx, today: '2025-11-01' })).toEqual([]);
    c.lines = [line({ dateOfService: '2025-09-30' })];
    const findings = scrubClaim(c, { ...ctx, today: '2025-11-01' });
    expect(pick(findings)).toEqual([
      { rule: 'ICD10_NOT_VALID_ON_DOS', severity: 'error', lineId: 'L1', field: 'dx1' },
    ]);
    expect(findings[0]?.message).toBe(
      'dx1 QA00101 is not valid on 2025-09-30 (FY2025): new in FY2026, valid from 2025-10-01',
    );
  });

  it('refuses unknown and header diagnoses', () => {
    const c = cleanClaim({
      diagnoses: ['E119', 'Z9999', 'R51'],
      lines: [line({ diagnosisPointers: [1, 2, 3] })],
    });
    const rules = scrubClaim(c, ctx).map((f) => f.rule);
    expect(rules).toEqual(['ICD10_UNKNOWN', 'ICD10_HEADER', 'POINTER_TO_HEADER']);
  });

  it('refuses a terminated HCPCS code and an unknown modifier, naming the line (a warning after the HCPCS release)', () => {
    const c = cleanClaim({
      lines: [
        line({ procedureCode: 'G9327' }),
        line({ lineId: 'L2', procedureCode: '36415', modifiers: ['Z9'] }),
      ],
    });
    const findings = scrubClaim(c, ctx);
    expect(pick(findings)).toEqual([
      { rule: 'HCPCS_TERMINATED', severity: 'error', lineId: 'L1', field: 'procedure_code' },
      { rule: 'MODIFIER_UNKNOWN', severity: 'warning', lineId: 'L2', field: 'modifiers' },
    ]);
    expect(findings[0]?.message).toContain('G9327 was terminated 2020-12-31');
    // within the January 2026 release's quarter the modifier is certainly unknown: an error
    for (const l of c.lines) l.dateOfService = '2026-02-10';
    expect(scrubClaim(c, ctx).find((f) => f.rule === 'MODIFIER_UNKNOWN')?.severity).toBe('error');
  });

  it('checks CPT codes against the deployer list only when one is given', () => {
    const c = cleanClaim();
    expect(scrubClaim(c, ctx)).toEqual([]);
    const cpt = createCptList(['99213'], 'test list');
    const findings = scrubClaim(c, { ...ctx, cpt });
    expect(pick(findings)).toEqual([
      { rule: 'CPT_UNKNOWN', severity: 'error', lineId: 'L2', field: 'procedure_code' },
    ]);
    expect(scrubClaim(c, { ...ctx, cpt: createCptList(['99213', '36415'], 'test list') })).toEqual([]);
  });

  it('a date of service that is not a calendar date is one clear finding', () => {
    const c = cleanClaim({ lines: [line({ dateOfService: '2026-02-30' })] });
    const findings = scrubClaim(c, ctx);
    expect(findings.map((f) => f.rule)).toContain('SERVICE_DATE_INVALID');
    expect(hasErrors(findings)).toBe(true);
  });
});
