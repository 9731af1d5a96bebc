import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateDemoChargeCsv } from '../../../local/sample-data/generate';
import { SAMPLE_DIR, SAMPLE_FILES } from '../../../local/sample-data/write';
import { parseChargeFile } from '../../../shared/charges';
import { isValidNpi, scrubClaim } from '../../../shared/scrub';

const today = '2026-11-01';
const read = (name: string) => readFileSync(path.join(SAMPLE_DIR, name), 'utf8');
const parseSample = (name: string) =>
  parseChargeFile(read(name), {
    sourceFile: `charges/PRAC1/${name}`,
    receivedAt: `${today}T00:00:00.000Z`,
    practiceId: 'PRAC1',
  });

describe('sample charge files', () => {
  it('are what local/sample-data/write.ts generates (rerun it after changing the generator)', () => {
    for (const [name, opts] of Object.entries(SAMPLE_FILES))
      expect(read(name), name).toBe(generateDemoChargeCsv(opts));
  });

  it('the generator is deterministic per seed', () => {
    const opts = { seed: 42, practiceId: 'PRAC1', claims: 60, today };
    expect(generateDemoChargeCsv(opts)).toBe(generateDemoChargeCsv(opts));
    expect(generateDemoChargeCsv({ ...opts, seed: 43 })).not.toBe(generateDemoChargeCsv(opts));
  });

  it('demo-charges.csv: 60 claims, 3 row errors, 6 claims that fail the scrub', async () => {
    const r = await parseSample('demo-charges.csv');
    expect(r.rowCount).toBe(152);
    expect(r.claims).toHaveLength(60);
    expect(r.claims.reduce((n, c) => n + c.lines.length, 0)).toBe(149);
    expect(r.claims.reduce((n, c) => n + c.totalChargeCents, 0)).toBe(1_305_600);
    expect(r.errors.map((e) => [e.line, e.encounterId, e.field])).toEqual([
      [151, 'ENC-PRAC1-0052-X', 'patient_dob'],
      [152, 'ENC-PRAC1-0029-X', 'member_id'],
      [153, 'ENC-PRAC1-0015-X', 'charge'],
    ]);
    const failing = r.claims
      .map((c): [string, string[]] => [
        c.encounterId,
        [...new Set(scrubClaim(c, { today, timelyFilingDays: 365 }).map((f) => f.rule))],
      ])
      .filter(([, rules]) => rules.length > 0);
    expect(failing).toEqual([
      ['ENC-PRAC1-0011', ['NPI_CHECK_DIGIT']],
      ['ENC-PRAC1-0017', ['ICD10_FORMAT']],
      ['ENC-PRAC1-0032', ['POINTER_RANGE']],
      ['ENC-PRAC1-0038', ['SERVICE_DATE_FUTURE']],
      ['ENC-PRAC1-0041', ['PLACE_OF_SERVICE']],
      ['ENC-PRAC1-0052', ['NPI_CHECK_DIGIT']],
    ]);

    // Shape of the data: 3 payers, ~20% dependents, 1-4 lines, dates within 60 days, fake people.
    expect(new Set(r.claims.map((c) => c.payer.payerId))).toEqual(
      new Set(['SIMPAYER1', 'SIMPAYER2', 'SIMPAYER3']),
    );
    expect(r.claims.filter((c) => c.relationship !== '18')).toHaveLength(14);
    for (const c of r.claims) {
      expect(c.lines.length).toBeGreaterThanOrEqual(1);
      expect(c.lines.length).toBeLessThanOrEqual(4);
      expect(c.patient.lastName).toMatch(/^TESTPATIENT/);
      expect(c.billingProvider.address.zip).toMatch(/^\d{9}$/);
      if (c.encounterId !== 'ENC-PRAC1-0038')
        for (const l of c.lines)
          expect(l.dateOfService >= '2026-09-02' && l.dateOfService < today).toBe(true);
      if (c.renderingProvider) expect(isValidNpi(c.renderingProvider.npi)).toBe(true);
    }
  });

  it('small.csv: 3 clean claims and 1 row error', async () => {
    const r = await parseSample('small.csv');
    expect(r.rowCount).toBe(11);
    expect(r.claims).toHaveLength(3);
    expect(r.errors).toMatchObject([{ line: 12, encounterId: 'ENC-PRAC1-0003-X', field: 'patient_dob' }]);
    for (const c of r.claims) expect(scrubClaim(c, { today, timelyFilingDays: 365 })).toEqual([]);
  });

  it('a large file streamed in chunks gives the same result as the whole text', async () => {
    const text = generateDemoChargeCsv({ seed: 9, practiceId: 'P9', claims: 3000, today });
    const ctx = { sourceFile: 'charges/P9/big.csv', receivedAt: today, practiceId: 'P9' };
    const bytes = Buffer.from(text);
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 65_536) yield bytes.subarray(i, i + 65_536);
    }
    const streamed = await parseChargeFile(chunks(), ctx);
    expect(streamed).toEqual(await parseChargeFile(text, ctx));
    expect(streamed.claims).toHaveLength(3000);
    expect(streamed.errors).toHaveLength(3);
  });

  it('errorRate 0 builds no scrub failures', async () => {
    const text = generateDemoChargeCsv({
      seed: 5,
      practiceId: 'P9',
      claims: 40,
      today,
      errorRate: 0,
      badRows: 0,
    });
    const r = await parseChargeFile(text, {
      sourceFile: 'charges/P9/x.csv',
      receivedAt: today,
      practiceId: 'P9',
    });
    expect(r.errors).toEqual([]);
    expect(r.claims).toHaveLength(40);
    expect(r.claims.filter((c) => scrubClaim(c, { today, timelyFilingDays: 365 }).length > 0)).toEqual([]);
  });
});
