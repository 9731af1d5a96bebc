import { describe, expect, it } from 'vitest';
import { generateDemoChargeCsv } from '../../../local/sample-data/generate';
import { parseChargeFile } from '../../../shared/charges';
import { scrubClaim } from '../../../shared/scrub';

describe('demo charge file', () => {
  const opts = { seed: 42, practiceId: 'PRAC1', claims: 60, today: '2026-11-01' };

  it('is deterministic and has malformed rows and claims that fail the scrub', async () => {
    const text = generateDemoChargeCsv(opts);
    expect(generateDemoChargeCsv(opts)).toBe(text);
    const r = await parseChargeFile(text, {
      sourceFile: 'charges/PRAC1/demo.csv',
      receivedAt: '2026-11-01T00:00:00Z',
      practiceId: 'PRAC1',
    });
    expect(r.claims).toHaveLength(60);
    expect(r.errors.map((e) => e.field)).toEqual(['patient_dob', 'member_id', 'charge']);
    const failing = r.claims.filter(
      (c) => scrubClaim(c, { today: opts.today, timelyFilingDays: 365 }).length > 0,
    );
    expect(failing).toHaveLength(6);
  });
});
