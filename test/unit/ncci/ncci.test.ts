import { describe, expect, it } from 'vitest';
import type { Claim, ServiceLine } from '../../../shared/claims/model';
import {
  compileNcciTable,
  detectNcciFileKind,
  loadNcciTable,
  type NcciTable,
  ncciFindings,
  ncciMueFindings,
  ncciPtpFindings,
  parseMueFile,
  parsePtpFile,
} from '../../../shared/scrub/ncci';
import { makeClaim, makeLine } from '../x12/fixtures';
import { MUE_CSV, PTP_TXT } from './fixture';

async function table(): Promise<NcciTable> {
  const ptp = await parsePtpFile(PTP_TXT, 'ptp.txt');
  const mue = await parseMueFile(MUE_CSV, 'mue.csv');
  const compiled = compileNcciTable({
    ptp: ptp.rows,
    mue: mue.rows.map((r) => ({ ...r, source: 'mue.csv' })),
    sources: [],
    generatedAt: '2026-12-01T00:00:00.000Z',
  });
  // Through JSON, as the CLI writes and the rules read it.
  return loadNcciTable(JSON.parse(JSON.stringify(compiled.table)));
}

const line = (n: number, procedureCode: string, extra: Partial<ServiceLine> = {}): ServiceLine =>
  makeLine({ lineId: `L${n}`, procedureCode, dateOfService: '2026-01-15', ...extra });
const claimOf = (...lines: ServiceLine[]): Claim => makeClaim({ lines });

describe('NCCI file readers (synthetic files in the CMS layouts)', () => {
  it('reads the PTP text file, skipping its header lines', async () => {
    const r = await parsePtpFile(PTP_TXT, 'ptp.txt');
    expect(r.errors).toEqual([]);
    expect(r.skipped).toBe(2);
    expect(r.rows).toHaveLength(5);
    expect(r.rows[2]).toEqual({
      column1: '0Z001',
      column2: '0Z004',
      effective: '20240101',
      deletion: '20251231',
      modifierIndicator: 0,
    });
    expect(r.rows[0]?.deletion).toBe('');
  });

  it('reads the MUE CSV and takes the MAI from its leading digit', async () => {
    const r = await parseMueFile(MUE_CSV, 'mue.csv');
    expect(r.errors).toEqual([]);
    expect(r.rows).toEqual([
      { code: '0Y001', units: 1, mai: 1 },
      { code: '0Y002', units: 2, mai: 2 },
      { code: '0Y003', units: 4, mai: 3 },
      { code: '0Z002', units: 0, mai: 2 },
    ]);
  });

  it('reads a file streamed in byte chunks split mid-line', async () => {
    const bytes = new TextEncoder().encode(PTP_TXT);
    async function* parts() {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.slice(i, i + 7);
    }
    const r = await parsePtpFile(parts(), 'ptp.txt');
    expect(r.rows).toHaveLength(5);
  });

  it('hands each edit with its line to onRow instead of collecting it', async () => {
    const seen: [string, number][] = [];
    const r = await parseMueFile(MUE_CSV, 'mue.csv', { onRow: (e, line) => seen.push([e.code, line]) });
    expect(r.rows).toEqual([]);
    expect(r.count).toBe(4);
    expect(seen).toEqual([
      ['0Y001', 3],
      ['0Y002', 4],
      ['0Y003', 5],
      ['0Z002', 6],
    ]);
  });

  it('names the file, line and rule of a broken row', async () => {
    const bad = `${PTP_TXT}0Z010\t0Z011\t\t2026-01-01\t*\t1\tx\n0Z012\t0Z013\t\t20260101\t*\t2\tx\n0Z0140\t0Z015\t\t20260101\t*\t1\tx\n`;
    const r = await parsePtpFile(bad, 'part1.txt');
    expect(r.errors.map((e) => [e.source, e.line, e.rule])).toEqual([
      ['part1.txt', 8, 'PTP_EFFECTIVE_DATE'],
      ['part1.txt', 9, 'PTP_MODIFIER_INDICATOR'],
      ['part1.txt', 10, 'PTP_COLUMN1_CODE'],
    ]);
    const m = await parseMueFile(
      `${MUE_CSV}0Y009,two,"1 Line Edit",x\n0Y010,1,"Line Edit",x\n0Y1,1,"1 Line Edit",x\n`,
      'mue.csv',
    );
    expect(m.errors.map((e) => [e.line, e.rule])).toEqual([
      [7, 'MUE_VALUE'],
      [8, 'MUE_ADJUDICATION_INDICATOR'],
      [9, 'MUE_CODE'],
    ]);
  });

  it('tells the two layouts apart', () => {
    expect(detectNcciFileKind(PTP_TXT)).toBe('ptp');
    expect(detectNcciFileKind(MUE_CSV)).toBe('mue');
    expect(detectNcciFileKind('0Z001\t0Z002\t\t20250101\t*\t1\n')).toBe('ptp');
    expect(detectNcciFileKind('0Y001,3,1\n')).toBe('mue');
    expect(detectNcciFileKind('hello,world\n')).toBeUndefined();
  });
});

describe('compiled table', () => {
  it('drops indicator-9 edits and refuses an MUE code with two values', async () => {
    const t = await table();
    expect(t.ptpFor('0Z001').map((e) => e.column2)).toEqual(['0Z002', '0Z003', '0Z004']);
    expect(t.ptpFor('0ZZZZ')).toEqual([]);
    expect(t.mueFor('0Y003')).toEqual({ units: 4, mai: 3 });
    const conflict = compileNcciTable({
      ptp: [],
      mue: [
        { code: '0Y001', units: 1, mai: 1, source: 'a.csv', line: 3 },
        { code: '0Y001', units: 2, mai: 1, source: 'b.csv', line: 3 },
      ],
      sources: [],
      generatedAt: 'x',
    });
    expect(conflict.table).toBeUndefined();
    expect(conflict.errors[0]).toMatchObject({ source: 'b.csv', rule: 'MUE_CONFLICT' });
  });

  it('refuses a file that is not a table, saying where', () => {
    expect(() => loadNcciTable({ format: 'other' })).toThrow(/not a claimflow-ncci\/1 table: format/);
    expect(() =>
      loadNcciTable({
        format: 'claimflow-ncci/1',
        generatedAt: 'x',
        sources: [],
        counts: { ptpPairs: 0, ptpColumn1Codes: 0, mueCodes: 1 },
        ptp: {},
        mue: { '0Y001': '1,4' },
      }),
    ).toThrow(/mue\.0Y001/);
  });
});

describe('PTP edits', () => {
  it('refuses the column 2 line of a pair on the same date, naming codes and date', async () => {
    const f = ncciPtpFindings(claimOf(line(1, '0Z001'), line(2, '0Z002')), await table());
    expect(f).toEqual([
      expect.objectContaining({ rule: 'NCCI_PTP', severity: 'error', lineId: 'L2', field: 'modifiers' }),
    ]);
    expect(f[0]?.message).toContain('0Z002 is bundled into 0Z001 on 2026-01-15');
  });

  it('lets indicator 1 through with a bypass modifier on either line', async () => {
    const t = await table();
    for (const mod of ['59', 'XU', 'XS', 'LT', 'F3', 'T9', 'RC']) {
      expect(ncciPtpFindings(claimOf(line(1, '0Z001'), line(2, '0Z002', { modifiers: [mod] })), t)).toEqual(
        [],
      );
      expect(ncciPtpFindings(claimOf(line(1, '0Z001', { modifiers: [mod] }), line(2, '0Z002')), t)).toEqual(
        [],
      );
    }
    // 25 and 76 are not NCCI-associated modifiers
    expect(
      ncciPtpFindings(claimOf(line(1, '0Z001'), line(2, '0Z002', { modifiers: ['25', '76'] })), t),
    ).toHaveLength(1);
  });

  it('never bypasses indicator 0', async () => {
    const f = ncciPtpFindings(
      claimOf(line(1, '0Z001'), line(2, '0Z003', { modifiers: ['59'] })),
      await table(),
    );
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ lineId: 'L2', field: 'procedure_code' });
    expect(f[0]?.message).toContain('indicator 0');
  });

  it('applies an edit from its effective date through its deletion date', async () => {
    const t = await table();
    const at = (dos: string, c2: string) =>
      ncciPtpFindings(
        claimOf(line(1, '0Z001', { dateOfService: dos }), line(2, c2, { dateOfService: dos })),
        t,
      );
    expect(at('2025-12-31', '0Z004')).toHaveLength(1);
    expect(at('2026-01-01', '0Z004')).toEqual([]); // deleted
    expect(at('2024-12-31', '0Z002')).toEqual([]); // not yet in force
    expect(at('2025-01-01', '0Z002')).toHaveLength(1);
    const late = (dos: string) =>
      ncciPtpFindings(
        claimOf(line(1, '0Z006', { dateOfService: dos }), line(2, '0Z007', { dateOfService: dos })),
        t,
      );
    expect(late('2026-03-31')).toEqual([]);
    expect(late('2026-04-01')).toHaveLength(1);
  });

  it('ignores indicator 9, other dates of service and the reverse order of codes', async () => {
    const t = await table();
    expect(ncciPtpFindings(claimOf(line(1, '0Z001'), line(2, '0Z005')), t)).toEqual([]);
    expect(
      ncciPtpFindings(claimOf(line(1, '0Z001'), line(2, '0Z002', { dateOfService: '2026-01-16' })), t),
    ).toEqual([]);
    // order on the claim does not matter: column 1 listed second still bundles column 2
    expect(ncciPtpFindings(claimOf(line(1, '0Z002'), line(2, '0Z001')), t)).toEqual([
      expect.objectContaining({ lineId: 'L1' }),
    ]);
  });
});

describe('MUE edits', () => {
  it('MAI 1 counts each line on its own', async () => {
    const t = await table();
    expect(ncciMueFindings(claimOf(line(1, '0Y001'), line(2, '0Y001', { modifiers: ['76'] })), t)).toEqual(
      [],
    );
    const f = ncciMueFindings(claimOf(line(1, '0Y001', { units: 2 })), t);
    expect(f).toEqual([expect.objectContaining({ rule: 'NCCI_MUE', lineId: 'L1', field: 'units' })]);
    expect(f[0]?.message).toBe(
      'procedure 0Y001 on 2026-01-15: 2 units on one line, above the MUE of 1 per line (MAI 1)',
    );
  });

  it('MAI 2 and 3 sum the units of one code on one date across lines', async () => {
    const t = await table();
    expect(
      ncciMueFindings(claimOf(line(1, '0Y003', { units: 2 }), line(2, '0Y003', { units: 2 })), t),
    ).toEqual([]);
    const f = ncciMueFindings(
      claimOf(line(1, '0Y003', { units: 3 }), line(2, '0Y003', { units: 2 }), line(3, '0Y002', { units: 2 })),
      t,
    );
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ lineId: 'L2' });
    expect(f[0]?.message).toContain(
      '0Y003 on 2026-01-15: 5 units on 2 line(s), above the MUE of 4 per day (MAI 3)',
    );
    // different dates are different days
    expect(
      ncciMueFindings(
        claimOf(line(1, '0Y002', { units: 2 }), line(2, '0Y002', { units: 2, dateOfService: '2026-01-16' })),
        t,
      ),
    ).toEqual([]);
  });

  it('an MUE of 0 refuses any unit; codes without an MUE pass', async () => {
    const t = await table();
    expect(ncciMueFindings(claimOf(line(1, '0Z002')), t)).toHaveLength(1);
    expect(ncciMueFindings(claimOf(line(1, '0X999', { units: 99 })), t)).toEqual([]);
    expect(ncciFindings(claimOf(line(1, '0Z001'), line(2, '0Z002')), t).map((f) => f.rule)).toEqual([
      'NCCI_PTP',
      'NCCI_MUE',
    ]);
  });
});

describe('NCCI in the scrubber', () => {
  it('runs the edits when the deployer supplied a table, and none without one', async () => {
    const { scrubClaim } = await import('../../../shared/scrub/rules');
    const claim = claimOf(line(1, '0Z001'), line(2, '0Z002'));
    const ctx = { today: '2026-02-01', timelyFilingDays: 365 };
    const rules = (findings: { rule: string }[]) => findings.map((f) => f.rule);
    expect(rules(scrubClaim(claim, { ...ctx, ncci: await table() }))).toContain('NCCI_PTP');
    expect(rules(scrubClaim(claim, ctx))).not.toContain('NCCI_PTP');
  });
});
