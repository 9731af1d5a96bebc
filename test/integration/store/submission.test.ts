import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyTransition, type ClaimState } from '../../../shared/claims/state';
import { ClaimRepository, InterchangeRepository } from '../../../shared/store';
import { type Harness, makeClaim, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.stop());

const AT = '2026-03-01T00:00:00.000Z';

/** A claim stored and scrubbed; returns its state and the SUBMITTED mark for `icn`. */
async function scrubbed(claims: ClaimRepository, claimId: string) {
  await claims.putIfAbsent(makeClaim(claimId), AT);
  const { record } = await claims.transition(claimId, { claimId, to: 'SCRUBBED', event: 'SCRUBBED' }, AT);
  return record;
}

function mark(from: ClaimState & { practiceId: string }, icn: string) {
  const applied = applyTransition(from, { claimId: from.claimId, to: 'SUBMITTED', event: 'SUBMITTED' }, AT);
  if (!applied.ok) throw new Error(applied.error.message);
  const result = {
    interchangeControlNumber: icn,
    groupControlNumber: '1',
    transactionSetControlNumber: '0001',
    x12Key: 'k',
  };
  return {
    practiceId: from.practiceId,
    from,
    to: applied.state,
    event: applied.event,
    attrs: { submission: { tokenHash: `h-${from.claimId}`, result } },
  };
}

const interchange = (icn: string, claimIds: string[]) => ({
  interchangeControlNumber: icn,
  groupControlNumber: '1',
  transactionSetControlNumber: '0001',
  payerId: 'PAYER1',
  x12Key: 'k',
  claimIds,
  createdAt: AT,
});

describe('InterchangeRepository.putWithMembers', () => {
  it('records the interchange and marks every member SUBMITTED with its pointer in one write', async () => {
    const claims = new ClaimRepository(h.doc, h.tableName);
    const repo = new InterchangeRepository(h.doc, h.tableName);
    const a = await scrubbed(claims, 'SUBA1');
    const b = await scrubbed(claims, 'SUBB1');
    await repo.putWithMembers(interchange('000000501', ['SUBA1', 'SUBB1']), [
      mark(a, '000000501'),
      mark(b, '000000501'),
    ]);
    expect((await repo.get(501))?.claimIds).toEqual(['SUBA1', 'SUBB1']);
    for (const id of ['SUBA1', 'SUBB1']) {
      const rec = await claims.get(id);
      expect(rec?.status).toBe('SUBMITTED');
      expect(rec?.submission).toEqual({
        tokenHash: `h-${id}`,
        result: expect.objectContaining({ interchangeControlNumber: '000000501' }),
      });
    }
  });

  it('writes nothing at all when one member changed since it was read', async () => {
    const claims = new ClaimRepository(h.doc, h.tableName);
    const repo = new InterchangeRepository(h.doc, h.tableName);
    const a = await scrubbed(claims, 'SUBA2');
    const b = await scrubbed(claims, 'SUBB2');
    // b moves on (e.g. its execution went to human review) before the interchange is recorded
    await claims.transition('SUBB2', { claimId: 'SUBB2', to: 'HUMAN_REVIEW', event: 'HUMAN_REVIEW' }, AT);
    await expect(
      repo.putWithMembers(interchange('000000502', ['SUBA2', 'SUBB2']), [
        mark(a, '000000502'),
        mark(b, '000000502'),
      ]),
    ).rejects.toMatchObject({ name: 'InterchangeConflictError' });
    expect(await repo.get(502)).toBeUndefined();
    expect(await repo.claimIds(502)).toEqual([]);
    expect((await claims.get('SUBA2'))?.status).toBe('SCRUBBED');
    expect((await claims.get('SUBA2'))?.submission).toBeUndefined();
    expect((await claims.get('SUBB2'))?.status).toBe('HUMAN_REVIEW');
  });
});
