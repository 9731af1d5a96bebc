import { describe, expect, it } from 'vitest';
import { claimIdFor } from '../../../shared/claims/ids';
import type { Claim } from '../../../shared/claims/model';
import type { Caller } from '../../../shared/workbench/access';
import type { AccessAuditEntry } from '../../../shared/workbench/audit';
import { listClaims, readClaim, type WorkbenchPorts } from '../../../shared/workbench/queries';
import type { ClaimRecordView } from '../../../shared/workbench/views';

const NOW = new Date('2026-02-01T12:00:00.000Z');
const biller: Caller = { sub: 'user-1', role: 'biller', practiceIds: ['PRAC1'] };

function rec(practiceId: string, encounterId: string, status: ClaimRecordView['status'] = 'SUBMITTED') {
  const claimId = claimIdFor(practiceId, encounterId);
  const claim = {
    claimId,
    practiceId,
    encounterId,
    frequencyCode: '1',
    payer: { payerId: 'PAYER1', name: 'P' },
    lines: [{ lineId: 'L1', dateOfService: '2026-01-15', chargeCents: 1000 }],
    totalChargeCents: 1000,
    receivedAt: '2026-01-20T00:00:00.000Z',
  } as unknown as Claim;
  return {
    claimId,
    practiceId,
    status,
    version: 1,
    createdAt: 'c',
    updatedAt: 'u',
    claim,
  } satisfies ClaimRecordView;
}

function fakePorts(records: ClaimRecordView[]) {
  const audits: AccessAuditEntry[] = [];
  const listCalls: { practiceIds: readonly string[]; statuses?: readonly string[] }[] = [];
  const ports: WorkbenchPorts = {
    getClaim: async (id) => records.find((r) => r.claimId === id),
    listClaims: async (practiceIds, opts) => {
      listCalls.push({ practiceIds, ...(opts.statuses ? { statuses: opts.statuses } : {}) });
      const items = records
        .filter((r) => practiceIds.includes(r.practiceId))
        .filter((r) => !opts.statuses || opts.statuses.includes(r.status))
        .filter(opts.accept);
      return { items: items.slice(0, opts.limit) };
    },
    events: async () => [],
    ledger: async (id) => [
      { entryId: 'C-001', claimId: id, kind: 'CHARGE', amountCents: 1000, source: {}, at: 'a' },
    ],
    workItems: async () => [],
    audit: async (e) => {
      audits.push(e);
    },
    now: () => NOW,
  };
  return { ports, audits, listCalls };
}

const ROUTE = { route: 'GET /api/claims', requestId: 'req-1' };

describe('listClaims', () => {
  const mine = rec('PRAC1', 'ENC1');
  const paid = rec('PRAC1', 'ENC2', 'PAID');
  const theirs = rec('PRAC2', 'ENC1');

  it("lists only the caller's practices and audits the listed claim ids", async () => {
    const { ports, audits, listCalls } = fakePorts([mine, paid, theirs]);
    const page = await listClaims(ports, biller, { filter: {}, limit: 10 }, ROUTE);
    expect(page.items.map((s) => s.claimId).sort()).toEqual([mine.claimId, paid.claimId].sort());
    expect(listCalls).toEqual([{ practiceIds: ['PRAC1'] }]);
    expect(audits).toEqual([
      {
        at: NOW.toISOString(),
        sub: 'user-1',
        role: 'biller',
        action: 'LIST_CLAIMS',
        route: 'GET /api/claims',
        outcome: 'OK',
        claimIds: page.items.map((s) => s.claimId),
        practiceIds: ['PRAC1'],
        requestId: 'req-1',
      },
    ]);
  });

  it('narrows by status at the store and reads nothing for a foreign practice filter', async () => {
    const { ports, audits, listCalls } = fakePorts([mine, paid, theirs]);
    const page = await listClaims(ports, biller, { filter: { status: 'PAID' }, limit: 10 }, ROUTE);
    expect(page.items.map((s) => s.claimId)).toEqual([paid.claimId]);
    expect(listCalls[0]?.statuses).toEqual(['PAID']);
    const none = await listClaims(ports, biller, { filter: { practiceId: 'PRAC2' }, limit: 10 }, ROUTE);
    expect(none.items).toEqual([]);
    expect(listCalls).toHaveLength(1);
    expect(audits).toHaveLength(2);
  });

  it('finds by claim id or patient account, only within the caller practices', async () => {
    const { ports } = fakePorts([mine, paid, theirs]);
    const byId = await listClaims(ports, biller, { filter: {}, claimId: mine.claimId, limit: 10 }, ROUTE);
    expect(byId.items.map((s) => s.claimId)).toEqual([mine.claimId]);
    const foreign = await listClaims(
      ports,
      biller,
      { filter: {}, claimId: theirs.claimId, limit: 10 },
      ROUTE,
    );
    expect(foreign.items).toEqual([]);
    const byAccount = await listClaims(
      ports,
      biller,
      { filter: {}, patientAccount: 'ENC1', limit: 10 },
      ROUTE,
    );
    expect(byAccount.items.map((s) => [s.claimId, s.practiceId])).toEqual([[mine.claimId, 'PRAC1']]);
    const both = await listClaims(
      ports,
      { ...biller, practiceIds: ['PRAC1', 'PRAC2'] },
      { filter: {}, patientAccount: 'ENC1', limit: 10 },
      ROUTE,
    );
    expect(both.items.map((s) => s.practiceId).sort()).toEqual(['PRAC1', 'PRAC2']);
  });
});

describe('readClaim', () => {
  it('returns the detail of a claim of the caller and audits it with the claim practice', async () => {
    const mine = rec('PRAC1', 'ENC1');
    const { ports, audits } = fakePorts([mine]);
    const d = await readClaim(ports, biller, mine.claimId, { route: 'GET /api/claims/{claimId}' });
    expect(d?.ledger.totals.balanceCents).toBe(1000);
    expect(audits[0]).toMatchObject({
      action: 'READ_CLAIM',
      outcome: 'OK',
      claimIds: [mine.claimId],
      practiceIds: ['PRAC1'],
    });
  });

  it('answers nothing for another practice claim, exactly as for a missing one, and audits the attempt', async () => {
    const theirs = rec('PRAC2', 'ENC1');
    const { ports, audits } = fakePorts([theirs]);
    expect(await readClaim(ports, biller, theirs.claimId, { route: 'r' })).toBeUndefined();
    expect(await readClaim(ports, biller, 'CNOSUCHCLAIM', { route: 'r' })).toBeUndefined();
    expect(audits.map((a) => [a.outcome, a.claimIds, a.practiceIds])).toEqual([
      ['NOT_FOUND', [theirs.claimId], ['PRAC1']],
      ['NOT_FOUND', ['CNOSUCHCLAIM'], ['PRAC1']],
    ]);
  });

  it('returns nothing when the audit cannot be written', async () => {
    const mine = rec('PRAC1', 'ENC1');
    const { ports } = fakePorts([mine]);
    ports.audit = async () => {
      throw new Error('audit table unavailable');
    };
    await expect(readClaim(ports, biller, mine.claimId, { route: 'r' })).rejects.toThrow(/audit/);
  });
});
