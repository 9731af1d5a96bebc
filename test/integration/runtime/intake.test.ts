/**
 * Charge intake on the local runtime: the same file uploaded again (same key, or another key)
 * creates no new claims and starts no new executions; row errors land in the error report.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime';
import { generateDemoChargeCsv } from '../../../local/sample-data/generate';
import { CLAIM_STATUSES } from '../../../shared/claims/model';
import { ClaimRepository } from '../../../shared/store';

let rt: LocalRuntime;
const today = new Date().toISOString().slice(0, 10);
const csv = generateDemoChargeCsv({ seed: 7, practiceId: 'PRACX', claims: 8, today, errorRate: 0 });

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
