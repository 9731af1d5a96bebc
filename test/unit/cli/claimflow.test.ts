/**
 * The claimflow command run as a child process (tsx cli/claimflow.ts ...) on files the test writes:
 * exit codes and output. NCCI tables here are SYNTHETIC (made-up edits on made-up codes).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDemoChargeCsv } from '../../../local/sample-data/generate';
import { parseChargeFile } from '../../../shared/charges';
import { write277CA, write835, write999 } from '../../../shared/x12';
import { MUE_CSV, PTP_TXT } from '../ncci/fixture';
import { makePayerEnvelope } from '../x12/fixtures';
import { read837PClaimIds } from './x12';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const dir = mkdtempSync(path.join(tmpdir(), 'claimflow-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TODAY = '2026-11-30';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function claimflow(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ['cli/claimflow.ts', ...args],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const file = (name: string, content: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};

const demo = generateDemoChargeCsv({ seed: 7, practiceId: 'P1', claims: 20, today: TODAY });
const clean = generateDemoChargeCsv({
  seed: 7,
  practiceId: 'P1',
  claims: 20,
  today: TODAY,
  errorRate: 0,
  badRows: 0,
});

describe('claimflow check', () => {
  it('prints every finding with line, claim and rule, and exits 1 when a claim would not go out', async () => {
    const csv = file('demo.csv', demo);
    const r = await claimflow('check', csv, '--today', TODAY);
    expect(r.code).toBe(1);
    const findings = r.stdout.split('\n').filter((l) => l.startsWith('line '));
    expect(findings.length).toBeGreaterThanOrEqual(5);
    expect(r.stdout).toMatch(/^line \d+ {2}claim [A-Z0-9]{1,17} {2}NPI_CHECK_DIGIT {2}error: /m);
    expect(r.stdout).toMatch(/^line \d+ {2}claim - {2}encounter ENC-P1-\d{4}-X {2}CHARGE_ROW {2}error: /m);
    expect(r.stdout).toContain('20 claims: 18 would go out, 2 would not; 3 rows refused at intake');
    // no patient data on the way out
    expect(r.stdout).not.toMatch(/TESTPATIENT|SIMMBR|TEST STREET/);
  });

  it('--json gives the same findings for machines, each line pointing at the row in the file', async () => {
    const csv = file('demo-json.csv', demo);
    const r = await claimflow('check', csv, '--json', '--today', TODAY);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ claims: 20, claimsGoingOut: 18, claimsHeld: 2, rowsRefused: 3, ok: false });
    const lines = demo.split('\n');
    for (const f of out.findings.filter((x: { stage: string }) => x.stage === 'scrub')) {
      // the physical line named is a row of the claim's encounter
      expect(lines[f.line - 1]).toContain(`,${f.encounterId},`);
      expect(f.claimId).toMatch(/^[A-Z0-9]{1,17}$/);
    }
    expect(out.findings.map((f: { rule: string }) => f.rule)).toContain('ICD10_FORMAT');
  });

  it('exits 0 on a file whose claims all go out', async () => {
    const r = await claimflow('check', file('clean.csv', clean), '--today', TODAY);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('20 would go out, 0 would not; 0 rows refused');
  });

  it('refuses a missing file or a bad command line with exit 2, and a file that is not a charge CSV with exit 1', async () => {
    const missing = await claimflow('check', path.join(dir, 'nope.csv'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.csv: no such file');
    expect((await claimflow('check')).code).toBe(2);
    expect((await claimflow('check', 'a.csv', '--today', '2026-13-45')).stderr).toContain(
      '--today must be a date',
    );
    expect((await claimflow('frobnicate')).code).toBe(2);
    const redrive = await claimflow('redrive', '--from', 'https://sqs.example/dlq');
    expect(redrive.code).toBe(2);
    expect(redrive.stderr).toContain('usage: claimflow redrive --from');
    const notCsv = await claimflow('check', file('notes.txt', 'hello there\nthis is not a charge file\n'));
    expect(notCsv.code).toBe(1);
    expect(notCsv.stdout).toContain('file refused (BAD_HEADER)');
  });

  it('writes progress lines to stderr when asked (or for large files)', async () => {
    const r = await claimflow('check', file('progress.csv', clean), '--today', TODAY, '--progress');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/progress\.csv: read [\d.]+ MB of [\d.]+ MB/);
  });
});

describe('claimflow ncci load and check --ncci', () => {
  it('compiles synthetic PTP and MUE files (recognised by their headers) and applies them', async () => {
    const table = path.join(dir, 'ncci.json');
    // Made-up codes in the CMS layouts: V9991 bundles V9992 (indicator 0); V9993 has an MUE of 1 per day.
    const ptp = file('ptp.txt', `${PTP_TXT}V9991\tV9992\t\t20250101\t*\t0\tMutually exclusive\r\n`);
    const mue = file('mue.csv', `${MUE_CSV}V9993,1,"2 Date of Service Edit: Policy","Nature of Service"\n`);
    const load = await claimflow('ncci', 'load', ptp, mue, '--out', table);
    expect(load.stderr).toBe('');
    expect(load.code).toBe(0);
    expect(load.stdout).toContain('5 PTP pairs');
    expect(JSON.parse(readFileSync(table, 'utf8')).sources.map((s: { kind: string }) => s.kind)).toEqual([
      'ptp',
      'mue',
    ]);

    // One encounter of the clean file gets the bundled pair and two units of the MUE code.
    const rows = parse(clean, { columns: true }) as Record<string, string>[];
    const enc = rows[0]?.encounter_id;
    const mine = rows.filter((r) => r.encounter_id === enc);
    const extra = (lineId: string, code: string, units: string): Record<string, string> => ({
      ...mine[0],
      line_id: lineId,
      procedure_code: code,
      units,
      modifiers: '',
    });
    const edited = [...rows, extra('N1', 'V9991', '1'), extra('N2', 'V9992', '1'), extra('N3', 'V9993', '2')];
    const header = Object.keys(rows[0] ?? {});
    const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const csv = file(
      'ncci.csv',
      [header.join(','), ...edited.map((r) => header.map((h) => q(r[h] ?? '')).join(','))].join('\n'),
    );

    const r = await claimflow('check', csv, '--today', TODAY, '--ncci', table);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(
        `line ${rows.length + 3} {2}claim \\w+ {2}NCCI_PTP {2}error: procedure V9992 is bundled into V9991 on \\d{4}-\\d{2}-\\d{2}`,
      ),
    );
    expect(r.stdout).toMatch(
      new RegExp(
        `line ${rows.length + 4} {2}claim \\w+ {2}NCCI_MUE {2}error: procedure V9993 on \\d{4}-\\d{2}-\\d{2}: 2 units`,
      ),
    );
    const without = await claimflow('check', csv, '--today', TODAY);
    expect(without.stdout).not.toContain('NCCI_');

    const shown = await claimflow('codesets', '--ncci', table);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/NCCI .*5 PTP pairs, 5 MUE codes, from ptp\.txt, mue\.csv/);
  });

  it('refuses a broken row naming file, line and rule, and writes no table', async () => {
    const bad = file('bad-ptp.txt', `${PTP_TXT}V9991\tV9992\t\t2025-01-01\t*\t0\tx\r\n`);
    const out = path.join(dir, 'never.json');
    const r = await claimflow('ncci', 'load', '--ptp', bad, '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad-ptp.txt:8: PTP_EFFECTIVE_DATE');
    expect(readdirSync(dir)).not.toContain('never.json');
    expect(
      (await claimflow('ncci', 'load', file('junk.txt', 'nothing here\n'), '--out', out)).stderr,
    ).toContain('neither a CMS PTP nor an MUE file');
  });
});

describe('claimflow build-837p', () => {
  it('writes one interchange per payer holding exactly the claims that pass the scrub', async () => {
    const csv = file('build.csv', demo);
    const out = path.join(dir, 'x12');
    const r = await claimflow(
      'build-837p',
      csv,
      '--out',
      out,
      '--today',
      TODAY,
      '--sender-id',
      'SUBMIT01',
      '--control-number',
      '500',
      '--json',
    );
    expect(r.code).toBe(1); // two claims held back
    const summary = JSON.parse(r.stdout);
    expect(summary.claimsHeld).toBe(2);
    const files = readdirSync(out).sort();
    expect(files).toEqual(['SIMPAYER1-000000500.x12', 'SIMPAYER2-000000501.x12', 'SIMPAYER3-000000502.x12']);

    const checked = JSON.parse((await claimflow('check', csv, '--json', '--today', TODAY)).stdout);
    const held = new Set(
      checked.findings
        .filter((f: { claimId?: string }) => f.claimId)
        .map((f: { claimId: string }) => f.claimId),
    );
    const parsed = await parseChargeFile(demo, { sourceFile: 'build.csv', receivedAt: `${TODAY}T00:00:00Z` });
    const expected = parsed.claims.filter((c) => !held.has(c.claimId));
    const written = files.flatMap((f) => read837PClaimIds(readFileSync(path.join(out, f), 'utf8')));
    expect(written.sort()).toEqual(expected.map((c) => c.claimId).sort());
    for (const f of files) {
      const x12 = readFileSync(path.join(out, f), 'utf8');
      expect(x12.startsWith('ISA*00*          *00*          *ZZ*SUBMIT01       *ZZ*CLEARINGHOUSE  *')).toBe(
        true,
      );
      // every claim of the file is for the payer the file is named after
      expect(x12).toContain(`*PI*${f.split('-')[0]}~`);
    }
  });

  it('needs --out and sane envelope ids', async () => {
    const csv = file('b2.csv', clean);
    expect((await claimflow('build-837p', csv)).stderr).toContain('needs --out DIR');
    const bad = await claimflow(
      'build-837p',
      csv,
      '--out',
      path.join(dir, 'o2'),
      '--sender-id',
      'NO SPACES ALLOWED',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--sender-id must be 2 to 15 letters or digits');
  });
});

describe('claimflow read', () => {
  const payment = (id: string, paid: number) => ({
    patientControlNumber: id,
    statusCode: '1',
    chargeCents: 10000,
    paidCents: paid,
    patientResponsibilityCents: 0,
    payerClaimControlNumber: `PCN${id}`,
    adjustments: [{ group: 'CO' as const, reason: '45', amountCents: 10000 - paid }],
    services: [],
    remarkCodes: [],
  });
  const remit = (override?: number) =>
    write835({
      envelope: makePayerEnvelope(),
      payer: {
        name: 'PAYER',
        identifier: '1999999999',
        address: { line1: '1 A ST', city: 'X', state: 'CT', zip: '061030001' },
      },
      payee: { name: 'CLINIC', npi: '1234567893' },
      traceNumber: 'TRACE9',
      paymentMethod: 'ACH',
      paymentDate: '2026-11-01',
      claims: [
        {
          ...payment('C1', 8000),
          patient: { lastName: 'TESTPATIENT', firstName: 'ALPHA', memberId: 'MEMBERX1' },
        },
        payment('C2', 6000),
      ],
      ...(override !== undefined ? { paymentCentsOverride: override } : {}),
    }).x12;

  it('summarises a balanced 835 (exit 0) and an unbalanced one (exit 1), without patient data', async () => {
    const ok = await claimflow('read', file('ok.835', remit()));
    expect(ok.code).toBe(0);
    const out = JSON.parse(ok.stdout);
    expect(out).toMatchObject({ type: '835', balanced: true });
    expect(out.remittances[0]).toMatchObject({
      traceNumber: 'TRACE9',
      paymentCents: 14000,
      balance: { balanced: true, issues: [] },
    });
    expect(out.remittances[0].claims.map((c: { claimId: string }) => c.claimId)).toEqual(['C1', 'C2']);
    expect(ok.stdout).not.toMatch(/TESTPATIENT|ALPHA|MEMBERX1/);
    const bad = await claimflow('read', file('bad.835', remit(1)));
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).remittances[0].balance.issues[0]).toMatchObject({
      rule: 'TRANSACTION',
      actualCents: 1,
    });
  });

  it('detects and summarises a 999 and a 277CA', async () => {
    const ack = write999({
      envelope: makePayerEnvelope(),
      groupControlNumber: '7',
      transactions: [{ transactionSetId: '837', controlNumber: '0001', code: 'A' }],
    }).x12;
    const r999 = await claimflow('read', file('a.999', ack));
    expect(r999.code).toBe(0);
    expect(JSON.parse(r999.stdout)).toMatchObject({ type: '999', accepted: true, transactionsAccepted: 1 });
    const ca = write277CA({
      envelope: makePayerEnvelope(),
      payer: { name: 'Test Payer', id: 'TESTPAYER1' },
      receiver: { name: 'Submitter', id: 'SUBMIT01' },
      batchReference: '000000042',
      receiptDate: '2026-02-01',
      processDate: '2026-02-02',
      claims: [
        {
          patientControlNumber: 'CLM0001',
          billingProviderNpi: '1234567893',
          billingProviderName: 'Clinic',
          patient: { lastName: 'TESTPATIENT', firstName: 'BETA', memberId: 'MEMBERX2' },
          categoryCode: 'A7',
          statusCode: '21',
          chargeCents: 12500,
          serviceDateFrom: '2026-01-15',
        },
      ],
    }).x12;
    const r277 = await claimflow('read', file('a.277', ca));
    expect(r277.code).toBe(0);
    expect(JSON.parse(r277.stdout)).toMatchObject({
      type: '277CA',
      claimsRejected: 1,
      claims: [{ patientControlNumber: 'CLM0001' }],
    });
    expect(r277.stdout).not.toMatch(/TESTPATIENT|BETA|MEMBERX2/);
  });

  it('refuses a file that is not X12, or an 837, with exit 2', async () => {
    const notX12 = await claimflow('read', file('x.csv', clean));
    expect(notX12.code).toBe(2);
    expect(notX12.stderr).toContain('not X12');
    expect((await claimflow('read', path.join(dir, 'absent.835'))).stderr).toContain('no such file');
  });
});

describe('claimflow codesets and help', () => {
  it('shows the loaded code-set versions, as text or JSON', async () => {
    const r = await claimflow('codesets', '--json');
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(Object.keys(v.icd10cm.fiscalYears).length).toBeGreaterThan(0);
    expect(v.hcpcs.release).toBeTruthy();
    const t = await claimflow('codesets');
    expect(t.stdout).toMatch(/^ICD-10-CM {3}FY\d{4}/m);
  });

  it('runs through the package bin shim, as npx claimflow does', async () => {
    const r = await new Promise<Run>((resolve) =>
      execFile(process.execPath, ['cli/claimflow.mjs', 'help'], { cwd: ROOT }, (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
      ),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: claimflow check FILE.csv');
    expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).bin).toEqual({
      claimflow: 'cli/claimflow.mjs',
    });
  });
});
