/**
 * A deceased patient's date of death: read from the charge file, written as PAT05-06 in the
 * subscriber (patient = subscriber) or patient loop, and no service after it.
 */
import { describe, expect, it } from 'vitest';
import { generateDemoChargeCsv } from '../../../local/sample-data/generate';
import { parseChargeFile } from '../../../shared/charges';
import { scrubClaim } from '../../../shared/scrub';
import { write837P } from '../../../shared/x12/write837p';
import { makeClaim, makeEnvelope, makeLine } from './fixtures';

const ctx = { today: '2026-02-01', timelyFilingDays: 365 };
const segments = (x12: string) => x12.split('~').filter((s) => s !== '');

describe('patient date of death', () => {
  it('is a charge file column, carried onto the claim', async () => {
    const csv = generateDemoChargeCsv({
      seed: 5,
      practiceId: 'PRAC1',
      claims: 1,
      today: '2026-11-01',
      errorRate: 0,
      badRows: 0,
    });
    const [header, ...rows] = csv.trimEnd().split('\n');
    const withDeath = [`${header},patient_death_date`, ...rows.map((r) => `${r},2026-10-30`)].join('\n');
    const result = await parseChargeFile(withDeath, {
      sourceFile: 'x.csv',
      receivedAt: '2026-11-01T00:00:00Z',
      practiceId: 'PRAC1',
    });
    expect(result.errors).toEqual([]);
    expect(result.claims[0]?.patientDeathDate).toBe('2026-10-30');
  });

  it('is written as PAT*****D8 after the SBR of a subscriber-patient, and in the PAT of a dependent', () => {
    const self = makeClaim({ claimId: 'DEAD1', relationship: '18', patientDeathDate: '2026-01-20' });
    const dependent = makeClaim({ claimId: 'DEAD2', relationship: '19', patientDeathDate: '2026-01-20' });
    expect(scrubClaim(self, ctx)).toEqual([]);
    expect(scrubClaim(dependent, ctx)).toEqual([]);
    const all = segments(write837P({ claims: [self, dependent], envelope: makeEnvelope() }).x12);
    const sbr = all.findIndex((s) => s.startsWith('SBR*P*18*'));
    expect(all[sbr + 1]).toBe('PAT*****D8*20260120');
    expect(all).toContain('PAT*19****D8*20260120');
    const alive = segments(
      write837P({ claims: [makeClaim({ relationship: '18' })], envelope: makeEnvelope() }).x12,
    );
    expect(alive.some((s) => s.startsWith('PAT*'))).toBe(false);
  });

  it('refuses a service after death and a death before birth, naming the rule and the element', () => {
    const after = makeClaim({
      patientDeathDate: '2026-01-10',
      lines: [makeLine({ dateOfService: '2026-01-15' })],
    });
    expect(scrubClaim(after, ctx)).toEqual([
      expect.objectContaining({
        rule: 'DATE_ORDER',
        severity: 'error',
        message: expect.stringMatching(/after the patient's date of death/),
      }),
    ]);
    const beforeBirth = makeClaim({
      patientDeathDate: '1900-01-01',
      lines: [makeLine({ dateOfService: '1899-12-01' })],
    });
    expect(scrubClaim(beforeBirth, ctx).map((f) => f.message)).toContain(
      "the patient's date of death is before the date of birth (2000B/2000C PAT06)",
    );
    expect(() => write837P({ claims: [after], envelope: makeEnvelope() })).toThrow(/date of death/);
  });
});
