/** The work-item index on GSI1: by practice, by claim, unowned; written with the item; backfill. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaimRepository, WorkItemRepository } from '../../../shared/store';
import { type Harness, makeClaim, startHarness } from './harness';

let h: Harness;
let work: WorkItemRepository;
const A = makeClaim('CINDEXA', 'PRAC1');
const B = makeClaim('CINDEXB', 'PRAC1');
const C = makeClaim('CINDEXC', 'PRAC2');
const AT = '2026-02-01T00:00:00.000Z';

const refs = (items: { kind: string; reference: string }[]) =>
  items.map((i) => `${i.kind} ${i.reference}`).sort();

beforeAll(async () => {
  h = await startHarness('work-index-test');
  const claims = new ClaimRepository(h.doc, h.tableName);
  for (const c of [A, B, C]) await claims.putIfAbsent(c, AT);
  work = new WorkItemRepository(h.doc, h.tableName);
  await work.add('REMIT_MISMATCH', `TR1/${A.claimId}`, { problems: ['CHARGE_MISMATCH'] }, AT);
  await work.add('CREDIT_BALANCE', `TR2/${A.claimId}`, {}, AT);
  await work.add('INTAKE_CONFLICT', `${B.claimId}#charges/PRAC1/x.csv`, { claimId: B.claimId }, AT);
  await work.add('REMIT_MISMATCH', `TR1/${C.claimId}`, {}, AT);
  await work.add('UNMATCHED_REMIT', 'TR1/CNEVERSENT', { paidCents: 100 }, AT);
  await work.add('REMIT_HELD', 'inbound/835/sim/abc.x12', { rule: 'UNBALANCED' }, AT);
});
afterAll(async () => h?.stop());

describe('work-item index', () => {
  it("lists a practice's items, every kind, and none of another practice", async () => {
    expect(refs(await work.listForPractice('PRAC1'))).toEqual([
      `CREDIT_BALANCE TR2/${A.claimId}`,
      `INTAKE_CONFLICT ${B.claimId}#charges/PRAC1/x.csv`,
      `REMIT_MISMATCH TR1/${A.claimId}`,
    ]);
    expect(refs(await work.listForPractice('PRAC2'))).toEqual([`REMIT_MISMATCH TR1/${C.claimId}`]);
    expect(await work.listForPractice('PRAC3')).toEqual([]);
  });

  it("lists one claim's items (a claim id that prefixes another does not leak)", async () => {
    expect(refs(await work.listForClaim('PRAC1', A.claimId))).toEqual([
      `CREDIT_BALANCE TR2/${A.claimId}`,
      `REMIT_MISMATCH TR1/${A.claimId}`,
    ]);
    await new ClaimRepository(h.doc, h.tableName).putIfAbsent(makeClaim(`${A.claimId}X`, 'PRAC1'), AT);
    await work.add('CREDIT_BALANCE', `TR9/${A.claimId}X`, {}, AT);
    expect(refs(await work.listForClaim('PRAC1', A.claimId))).toHaveLength(2);
    expect(await work.listForClaim('PRAC2', A.claimId)).toEqual([]);
  });

  it('puts items naming no stored claim in the unowned partition', async () => {
    expect(refs(await work.listUnowned())).toEqual([
      'REMIT_HELD inbound/835/sim/abc.x12',
      'UNMATCHED_REMIT TR1/CNEVERSENT',
    ]);
  });

  it('keeps one index entry per item when the problem occurs again, with the people fields', async () => {
    await work.assign('REMIT_MISMATCH', `TR1/${A.claimId}`, 'user-1');
    await work.add('REMIT_MISMATCH', `TR1/${A.claimId}`, { problems: ['UNBALANCED'] }, AT);
    const items = (await work.listForClaim('PRAC1', A.claimId)).filter((i) => i.kind === 'REMIT_MISMATCH');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      occurrences: 2,
      assignee: 'user-1',
      detail: { problems: ['UNBALANCED'] },
    });
  });

  it('backfills items written before the index (reindex) and leaves indexed ones alone', async () => {
    await work.add('CREDIT_BALANCE', 'TR3/CINDEXC', {}, AT);
    // As an item written by the code before the index: no GSI1 keys.
    await h.doc.send(
      new UpdateCommand({
        TableName: h.tableName,
        Key: { PK: 'WORK#CREDIT_BALANCE', SK: 'REF#TR3/CINDEXC' },
        UpdateExpression: 'REMOVE GSI1PK, GSI1SK',
      }),
    );
    expect(refs(await work.listForPractice('PRAC2'))).not.toContain('CREDIT_BALANCE TR3/CINDEXC');
    expect(await work.reindex('CREDIT_BALANCE')).toBe(1);
    expect(refs(await work.listForPractice('PRAC2'))).toContain('CREDIT_BALANCE TR3/CINDEXC');
    expect(await work.reindex('CREDIT_BALANCE')).toBe(0);
  });
});
