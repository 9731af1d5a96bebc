import { describe, expect, it } from 'vitest';
import type { Caller } from '../../../shared/workbench/access';
import type { AccessAuditEntry } from '../../../shared/workbench/audit';
import { type AuditLogPorts, type AuditRecordView, readAuditLog } from '../../../shared/workbench/audit-log';

const entry = (n: number, practiceIds: string[], over: Partial<AuditRecordView> = {}): AuditRecordView => ({
  auditId: `id-${n}`,
  at: `2026-04-02T09:00:${String(n).padStart(2, '0')}.000Z`,
  sub: 'user-1',
  role: 'biller',
  action: 'READ_CLAIM',
  route: 'GET /api/claims/{claimId}',
  outcome: 'OK',
  claimIds: [`C${n}`],
  practiceIds,
  ...over,
});

/** A day of entries behind a cursor that is the index of the next entry, as the repository pages. */
function world(day: AuditRecordView[]) {
  const audited: AccessAuditEntry[] = [];
  const calls: { limit: number; cursor?: string }[] = [];
  const ports: AuditLogPorts = {
    pageDay: async (_d, opts) => {
      calls.push(opts);
      const from = opts.cursor ? Number(opts.cursor) : 0;
      const items = day.slice(from, from + opts.limit);
      const next = from + items.length;
      return { items, ...(next < day.length ? { cursor: String(next) } : {}) };
    },
    audit: async (e) => {
      audited.push(e);
    },
    now: () => new Date('2026-04-03T00:00:00Z'),
  };
  return { ports, audited, calls };
}

const admin: Caller = { sub: 'admin-1', role: 'admin', practiceIds: ['PRAC1'] };
const request = { route: 'GET /api/audit' };

describe('readAuditLog', () => {
  it('refuses billers and managers (audited as REFUSED) without reading the log', async () => {
    for (const role of ['biller', 'manager'] as const) {
      const w = world([entry(1, ['PRAC1'])]);
      const out = await readAuditLog(w.ports, { ...admin, role }, { day: '2026-04-02', limit: 10 }, request);
      expect(out).toEqual({ ok: false, error: 'forbidden' });
      expect(w.calls).toEqual([]);
      expect(w.audited).toMatchObject([{ action: 'READ_AUDIT_LOG', outcome: 'REFUSED', role }]);
    }
  });

  it('shows an admin only the entries of their practices, filtered by claim and user', async () => {
    const day = [
      entry(1, ['PRAC1']),
      entry(2, ['PRAC2']),
      entry(3, ['PRAC1', 'PRAC2'], { sub: 'user-2' }),
      entry(4, ['PRAC1'], { claimIds: ['C1'] }),
    ];
    const w = world(day);
    const all = await readAuditLog(w.ports, admin, { day: '2026-04-02', limit: 10 }, request);
    expect(all.ok && all.items.map((e) => e.auditId)).toEqual(['id-1', 'id-3', 'id-4']);
    const byClaim = await readAuditLog(
      w.ports,
      admin,
      { day: '2026-04-02', claimId: 'C1', limit: 10 },
      request,
    );
    expect(byClaim.ok && byClaim.items.map((e) => e.auditId)).toEqual(['id-1', 'id-4']);
    const byUser = await readAuditLog(
      w.ports,
      admin,
      { day: '2026-04-02', sub: 'user-2', limit: 10 },
      request,
    );
    expect(byUser.ok && byUser.items.map((e) => e.auditId)).toEqual(['id-3']);
    expect(w.audited.map((a) => [a.action, a.outcome, a.claimIds])).toEqual([
      ['READ_AUDIT_LOG', 'OK', []],
      ['READ_AUDIT_LOG', 'OK', ['C1']],
      ['READ_AUDIT_LOG', 'OK', []],
    ]);
  });

  it('pages through every visible entry exactly once, skipping other practices across pages', async () => {
    const day = Array.from({ length: 23 }, (_, i) => entry(i, [i % 3 === 0 ? 'PRAC2' : 'PRAC1']));
    const w = world(day);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await readAuditLog(
        w.ports,
        admin,
        { day: '2026-04-02', limit: 4, ...(cursor ? { cursor } : {}) },
        request,
      );
      if (!page.ok) throw new Error('refused');
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.items.map((e) => e.auditId));
      cursor = page.cursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(day.filter((e) => e.practiceIds[0] === 'PRAC1').map((e) => e.auditId));
    expect(pages).toBe(4); // 15 entries of PRAC1, 4 a page
    // Never asked for more entries than still fit the page.
    for (const c of w.calls) expect(c.limit).toBeLessThanOrEqual(4);
  });
});
