import { describe, expect, it } from 'vitest';
import type { Caller } from '../../../shared/workbench/access';
import {
  claimIdOf,
  matchesWorkFilter,
  mayWork,
  type WorkItemData,
  workItemSummary,
} from '../../../shared/workbench/work-queue';

const item = (over: Partial<WorkItemData> = {}): WorkItemData => ({
  kind: 'REMIT_MISMATCH',
  reference: 'TRACE1/CABC123',
  detail: {},
  firstSeen: '2026-01-01T10:00:00.000Z',
  lastSeen: '2026-01-02T10:00:00.000Z',
  occurrences: 1,
  ...over,
});
const biller: Caller = { sub: 'u1', role: 'biller', practiceIds: ['PRAC1'] };
const manager: Caller = { ...biller, role: 'manager' };
const claim = { claimId: 'CABC123', practiceId: 'PRAC1', status: 'DENIED' as const, payerId: 'P1' };

describe('work queue', () => {
  it('finds the claim an item names: detail.claimId, then the last reference segment', () => {
    expect(claimIdOf(item())).toBe('CABC123');
    expect(claimIdOf(item({ reference: 'CB-1', detail: { claimId: 'CXYZ' } }))).toBe('CXYZ');
    expect(claimIdOf(item({ reference: 'inbound/ab12.x12' }))).toBeUndefined();
  });

  it("scopes an item to its claim's practice; items naming no claim are for managers and admins", () => {
    expect(mayWork(biller, claim)).toBe(true);
    expect(mayWork(biller, { ...claim, practiceId: 'PRAC2' })).toBe(false);
    expect(mayWork(manager, { ...claim, practiceId: 'PRAC2' })).toBe(false);
    expect(mayWork(biller, undefined)).toBe(false);
    expect(mayWork(manager, undefined)).toBe(true);
  });

  it('summarises state and age and filters on them', () => {
    const open = workItemSummary(item(), claim, '2026-01-31');
    expect(open).toMatchObject({ state: 'open', ageDays: 30, payerId: 'P1', claimStatus: 'DENIED' });
    const done = workItemSummary(item({ resolution: { at: 'x', by: 'u1' } }), undefined, '2026-01-31');
    expect(done.state).toBe('resolved');
    expect(matchesWorkFilter(open, {})).toBe(true);
    expect(matchesWorkFilter(done, {})).toBe(false);
    expect(matchesWorkFilter(done, { state: 'all' })).toBe(true);
    expect(matchesWorkFilter(open, { minAgeDays: 31 })).toBe(false);
    expect(matchesWorkFilter(open, { minAgeDays: 30, payerId: 'P1', kind: 'REMIT_MISMATCH' })).toBe(true);
    expect(matchesWorkFilter(open, { payerId: 'P2' })).toBe(false);
    expect(matchesWorkFilter(open, { assignee: 'u1' })).toBe(false);
  });
});
