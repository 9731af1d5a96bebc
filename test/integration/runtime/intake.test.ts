/**
 * Charge intake on the local runtime: the same file uploaded again (same key, or another key)
 * creates no new claims and starts no new executions; row errors land in the error report; a file
 * goes through several claim chunks (5 claims each locally); a changed re-upload is a conflict.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime';
import { generateDemoChargeCsv } from '../../../local/sample-data/generate';
import { CHARGE_COLUMNS } from '../../../shared/charges';
import { CLAIM_STATUSES } from '../../../shared/claims/model';
import { ClaimRepository, FileRepository, WorkItemRepository } from '../../../shared/store';

let rt: LocalRuntime;
const today = new Date().toISOString().slice(0, 10);
const csv = generateDemoChargeCsv({ seed: 7, practiceId: 'PRACX', claims: 8, today, errorRate: 0 });

async function report(key: string) {
  const out = await rt.s3.send(new GetObjectCommand({ Bucket: rt.chargesBucket, Key: key }));
  return JSON.parse(await (out.Body as { transformToString(): Promise<string> }).transformToString());
}

async function claimIds(): Promise<string[]> {
  const repo = new ClaimRepository(rt.doc, rt.tableName);
  const ids: string[] = [];
  for (const s of CLAIM_STATUSES)
    ids.push(...(await repo.listByStatus('PRACX', s)).items.map((c) => c.claimId));
  return ids.sort();
}

beforeAll(async () => {
  rt = await startLocalRuntime({ seed: 7 });
});
afterAll(async () => rt?.stop());

describe('charge intake (local runtime)', () => {
  it('creates claims once, whatever the number of uploads', async () => {
    await rt.uploadChargeFile('PRACX', 'day1.csv', csv);
    await rt.settle();
    const first = await claimIds();
    expect(first).toHaveLength(8);
    const executions = rt.sfn.executions().length;
    expect(executions).toBe(8);

    await rt.uploadChargeFile('PRACX', 'day1.csv', csv); // same key again
    await rt.uploadChargeFile('PRACX', 'day1-copy.csv', csv); // same content, another key
    await rt.settle();
    expect(await claimIds()).toEqual(first);
    expect(rt.sfn.executions().length).toBe(executions);
    // Not a conflict either, although the workflow has moved (and may have replaced) the claims.
    expect(await new WorkItemRepository(rt.doc, rt.tableName).list('INTAKE_CONFLICT')).toEqual([]);
    const file = await new FileRepository(rt.doc, rt.tableName).get('charges/PRACX/day1.csv');
    expect(file).toMatchObject({ status: 'DONE', chunks: 2, chunksDone: 2, claimsCreated: 8 });
  });

  it('reports a re-upload that changes an encounter as a conflict and leaves the claim alone', async () => {
    const repo = new ClaimRepository(rt.doc, rt.tableName);
    await rt.uploadChargeFile('PRACX', 'day1.csv', csv); // already there when the first test ran
    await rt.settle();
    const before = await claimIds();
    const executions = rt.sfn.executions().length;
    const lines = csv.trimEnd().split('\n');
    const charge = CHARGE_COLUMNS.indexOf('charge');
    const fields = (lines[1] as string).split(',');
    const encounter = fields[1] as string;
    fields[charge] = '999.99';
    lines[1] = fields.join(',');
    const storedBefore = await Promise.all(before.map((id) => repo.get(id)));
    await rt.uploadChargeFile('PRACX', 'day1-changed.csv', `${lines.join('\n')}\n`);
    await rt.settle();
    expect(await claimIds()).toEqual(before);
    expect(rt.sfn.executions().length).toBe(executions);
    const errors = (await report('errors/PRACX/day1-changed.csv.errors.json')).errors.filter(
      (e: { reason: string }) => e.reason.includes('INTAKE_CONFLICT'),
    );
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e.encounterId).toBe(encounter);
      expect(e.reason).toMatch(/INTAKE_CONFLICT/);
    }
    expect(errors[0].line).toBe(2);
    const items = await new WorkItemRepository(rt.doc, rt.tableName).list('INTAKE_CONFLICT');
    expect(items).toHaveLength(1);
    expect(items[0]?.detail).toMatchObject({
      practiceId: 'PRACX',
      fileKey: 'charges/PRACX/day1-changed.csv',
    });
    const storedAfter = await Promise.all(before.map((id) => repo.get(id)));
    expect(storedAfter.map((r) => r?.claim)).toEqual(storedBefore.map((r) => r?.claim));
  });

  it('accepts a 50-line encounter and refuses a 51-line one row by row', async () => {
    const [header, first] = csv.trimEnd().split('\n') as [string, string];
    const line = CHARGE_COLUMNS.indexOf('line_id');
    const rows = (encounter: string, n: number) =>
      Array.from({ length: n }, (_, i) => {
        const f = first.split(',');
        f[1] = encounter;
        f[line] = `L${i + 1}`;
        return f.join(',');
      });
    await rt.uploadChargeFile(
      'PRACX',
      'long.csv',
      `${[header, ...rows('LONG50', 50), ...rows('LONG51', 51)].join('\n')}\n`,
    );
    await rt.settle();
    const file = await new FileRepository(rt.doc, rt.tableName).get('charges/PRACX/long.csv');
    expect(file).toMatchObject({ status: 'DONE', claimCount: 1, claimsCreated: 1, errorCount: 51 });
    const errors = (await report('errors/PRACX/long.csv.errors.json')).errors;
    expect(errors.map((e: { line: number }) => e.line)).toEqual(Array.from({ length: 51 }, (_, i) => i + 52));
    expect(errors.every((e: { reason: string }) => e.reason.includes('TOO_MANY_LINES'))).toBe(true);
  });

  it('refuses an empty file and non-UTF-8 bytes, saying why; reads declared Windows-1252', async () => {
    const files = new FileRepository(rt.doc, rt.tableName);
    await rt.uploadChargeFile('PRACX', 'empty.csv', '');
    const latin = Buffer.from(
      csv.replaceAll('TESTPATIENT0001', 'TESTPATIENTÉ').replaceAll('PRACX', 'PRACW'),
      'latin1',
    );
    await rt.uploadChargeFile('PRACW', 'latin.csv', latin);
    await rt.uploadChargeFile('PRACW', 'declared.csv', latin, 'text/csv; charset=windows-1252');
    await rt.settle();
    expect(await files.get('charges/PRACX/empty.csv')).toMatchObject({
      status: 'REJECTED',
      reason: 'EMPTY_FILE: the file is empty',
    });
    expect((await files.get('charges/PRACW/latin.csv'))?.reason).toMatch(
      /^NOT_UTF8: not valid UTF-8 at line 2 /,
    );
    expect((await report('errors/PRACW/latin.csv.errors.json')).rejected.code).toBe('NOT_UTF8');
    expect(await files.get('charges/PRACW/declared.csv')).toMatchObject({ status: 'DONE', claimsCreated: 8 });
    const repo = new ClaimRepository(rt.doc, rt.tableName);
    const names: string[] = [];
    for (const st of CLAIM_STATUSES)
      names.push(...(await repo.listByStatus('PRACW', st)).items.map((c) => c.claim.patient.lastName));
    expect(names).toContain('TESTPATIENTÉ');
  });

  it('writes the refused rows to an error report with line numbers', async () => {
    await rt.uploadChargeFile('PRACX', 'bad.csv', csv.replace(/^(.*\n.*?)\bPRACX\b/, '$1OTHER'));
    await rt.settle();
    const out = await rt.s3.send(
      new GetObjectCommand({ Bucket: rt.chargesBucket, Key: 'errors/PRACX/bad.csv.errors.json' }),
    );
    const report = JSON.parse(
      await (out.Body as { transformToString(): Promise<string> }).transformToString(),
    );
    expect(
      report.errors.some((e: { line: number; field: string }) => e.line === 2 && e.field === 'practice_id'),
    ).toBe(true);
  });
});
