/** The repository additions the API uses: ClaimRepository.listForPractices, AccessAuditRepository. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessAuditRepository, ClaimRepository, InvalidCursorError } from '../../../shared/store';
import { type Harness, makeClaim, startHarness } from '../store/harness';

let h: Harness;
let claims: ClaimRepository;

beforeAll(async () => {
  h = await startHarness('claimflow-api-store-test');
  claims = new ClaimRepository(h.doc, h.tableName);
  for (let i = 1; i <= 6; i++) await claims.putIfAbsent(makeClaim(`P1C${i}`, 'PRAC1'));
  for (let i = 1; i <= 2; i++) await claims.putIfAbsent(makeClaim(`P2C${i}`, 'PRAC2'));
  await claims.putIfAbsent(makeClaim('P3C1', 'PRAC3'));
  await claims.transition(
    'P1C6',
    { claimId: 'P1C6', to: 'SCRUBBED', event: 'SCRUBBED' },
    '2026-02-01T00:00:00.000Z',
  );
});
afterAll(async () => h?.stop());

async function all(
  practiceIds: string[],
  opts: Omit<Parameters<ClaimRepository['listForPractices']>[1], 'cursor'>,
): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await claims.listForPractices(practiceIds, { ...opts, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.map((r) => r.claimId));
    cursor = page.cursor;
    pages++;
  } while (cursor && pages < 50);
  return { ids, pages };
}

describe('ClaimRepository.listForPractices', () => {
  it('reads only the given practices, across statuses, each claim once', async () => {
    const { ids } = await all(['PRAC1', 'PRAC2'], { limit: 3 });
    expect(ids.sort()).toEqual(['P1C1', 'P1C2', 'P1C3', 'P1C4', 'P1C5', 'P1C6', 'P2C1', 'P2C2']);
  });

  it('narrows to statuses', async () => {
    const { ids } = await all(['PRAC1'], { limit: 10, statuses: ['SCRUBBED'] });
    expect(ids).toEqual(['P1C6']);
  });

  it('skips what accept refuses and stops at the examined budget with a cursor', async () => {
    const odd = (r: { claimId: string }) => Number(r.claimId.slice(-1)) % 2 === 1;
    const first = await claims.listForPractices(['PRAC1'], { limit: 10, accept: odd, maxExamined: 2 });
    expect(first.items.map((r) => r.claimId)).toEqual(['P1C1']);
    expect(first.cursor).toBeDefined();
    const { ids, pages } = await all(['PRAC1'], { limit: 10, accept: odd, maxExamined: 2 });
    expect(ids.sort()).toEqual(['P1C1', 'P1C3', 'P1C5']);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('gives no cursor after the last claim and refuses cursors it did not hand out', async () => {
    const page = await claims.listForPractices(['PRAC3'], { limit: 1 });
    expect(page.items.map((r) => r.claimId)).toEqual(['P3C1']);
    const p1 = await claims.listForPractices(['PRAC1'], { limit: 1 });
    await expect(
      claims.listForPractices(['PRAC2'], { limit: 1, cursor: p1.cursor as string }),
    ).rejects.toThrow(InvalidCursorError);
    await expect(claims.listForPractices(['PRAC1'], { limit: 1, cursor: 'e30' })).rejects.toThrow(
      InvalidCursorError,
    );
  });
});

describe('AccessAuditRepository', () => {
  const entry = {
    at: '2026-03-05T10:00:00.000Z',
    sub: 'user-1',
    role: 'biller' as const,
    action: 'READ_CLAIM' as const,
    route: 'GET /api/claims/{claimId}',
    outcome: 'OK' as const,
    claimIds: ['P1C1'],
    practiceIds: ['PRAC1'],
  };

  it('appends entries by day in time order', async () => {
    const audit = new AccessAuditRepository(h.doc, h.tableName);
    await audit.append({ ...entry, at: '2026-03-05T11:00:00.000Z' });
    await audit.append(entry);
    await audit.append({ ...entry, at: '2026-03-06T00:00:00.000Z' });
    const day = await audit.listDay('2026-03-05');
    expect(day.map((r) => r.at)).toEqual(['2026-03-05T10:00:00.000Z', '2026-03-05T11:00:00.000Z']);
    expect(day[0]).toEqual({ ...day[0], ...entry });
  });

  it('never overwrites an entry', async () => {
    const audit = new AccessAuditRepository(h.doc, h.tableName, () => 'fixed-id');
    await audit.append({ ...entry, at: '2026-03-07T00:00:00.000Z' });
    await expect(audit.append({ ...entry, at: '2026-03-07T00:00:00.000Z', sub: 'user-2' })).rejects.toThrow();
    expect((await audit.listDay('2026-03-07')).map((r) => r.sub)).toEqual(['user-1']);
  });

  it('refuses an entry without an ISO time', async () => {
    const audit = new AccessAuditRepository(h.doc, h.tableName);
    await expect(audit.append({ ...entry, at: 'yesterday' })).rejects.toThrow(/ISO/);
  });
});
