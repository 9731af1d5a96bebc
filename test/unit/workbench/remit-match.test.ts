/** The manual remit match use case on in-memory ports: crashes, reversals, reservations, candidates. */
import { describe, expect, it } from 'vitest';
import type { Claim, ClaimStatus } from '../../../shared/claims/model';
import type { RemitOutcome } from '../../../shared/claims/workflow';
import { balances, chargeEntries, type LedgerEntry, remitEntries } from '../../../shared/posting/ledger';
import type { Caller } from '../../../shared/workbench/access';
import type { AccessAuditEntry } from '../../../shared/workbench/audit';
import {
  type MatchClaim,
  matchCandidates,
  matchWorkItem,
  type RemitMatchPorts,
} from '../../../shared/workbench/remit-match';
import type { WorkItemData } from '../../../shared/workbench/work-queue';
import type { ClaimPayment, Remittance } from '../../../shared/x12/types';
import { makeClaim } from '../x12/fixtures';

const manager: Caller = { sub: 'm1', role: 'manager', practiceIds: ['PRAC1'] };
const REQ = { route: 'POST /api/work-items/match' };
const CHARGE = makeClaim().totalChargeCents;

const claimOf = (
  claimId: string,
  over: Partial<Claim> = {},
  status: ClaimStatus = 'ACCEPTED',
): MatchClaim => ({
  claimId,
  practiceId: over.practiceId ?? 'PRAC1',
  status,
  claim: { ...makeClaim(), claimId, encounterId: `ENC-${claimId}`, ...over },
});

const adjudication = (clp01: string, pcn: string, paid = CHARGE - 1000): ClaimPayment => ({
  patientControlNumber: clp01,
  statusCode: '1',
  chargeCents: CHARGE,
  paidCents: paid,
  patientResponsibilityCents: 0,
  payerClaimControlNumber: pcn,
  adjustments: paid === CHARGE ? [] : [{ group: 'CO', reason: '45', amountCents: CHARGE - paid }],
  services: [],
  remarkCodes: [],
});
const reversal = (clp01: string, pcn: string, paid = CHARGE - 1000): ClaimPayment => ({
  ...adjudication(clp01, pcn, paid),
  statusCode: '22',
  chargeCents: -CHARGE,
  paidCents: -paid,
  adjustments: [{ group: 'CO', reason: '45', amountCents: -(CHARGE - paid) }],
});

/** In-memory books: items, claims, ledgers (versioned), deliveries (once per key), events, audit. */
class World {
  items = new Map<string, WorkItemData>();
  claims = new Map<string, MatchClaim>();
  ledgers = new Map<string, { entries: LedgerEntry[]; version: number }>();
  delivered = new Map<string, RemitOutcome>();
  notes: { claimId: string; key: string }[] = [];
  audits: AccessAuditEntry[] = [];
  work: { kind: string; reference: string }[] = [];
  failResolveOnce = false;
  failPostAfter = Number.POSITIVE_INFINITY;
  posts = 0;

  constructor(public remit: Remittance) {}

  addClaim(c: MatchClaim, entries: LedgerEntry[] = []): void {
    this.claims.set(c.claimId, c);
    this.ledgers.set(c.claimId, { entries: [...chargeEntries(c.claim), ...entries], version: 0 });
  }

  addItem(kind: string, reference: string): { kind: string; reference: string } {
    this.items.set(`${kind} ${reference}`, {
      kind,
      reference,
      detail: { fileKey: 'inbound/835/a.x12' },
      firstSeen: '2026-02-01T00:00:00.000Z',
      lastSeen: '2026-02-01T00:00:00.000Z',
      occurrences: 1,
    });
    return { kind, reference };
  }

  paid(claimId: string): number {
    return balances(this.ledgers.get(claimId)?.entries ?? []).paymentsCents;
  }

  get ports(): RemitMatchPorts {
    const item = (kind: string, reference: string) => this.items.get(`${kind} ${reference}`);
    return {
      kinds: ['UNMATCHED_REMIT', 'REMIT_MISMATCH', 'REMIT_HELD'],
      getItem: async (k, r) => item(k, r),
      getClaim: async (id) => this.claims.get(id),
      remittance: async (_file, trace) => (trace === this.remit.traceNumber ? this.remit : undefined),
      listClaims: async (_p, statuses, accept, limit) =>
        [...this.claims.values()].filter((c) => statuses.includes(c.status) && accept(c)).slice(0, limit),
      posting: {
        ledger: async (id) => {
          const l = this.ledgers.get(id) ?? { entries: [], version: 0 };
          return { entries: [...l.entries], version: l.version };
        },
        post: async (id, _key, entries, guard) => {
          if (++this.posts > this.failPostAfter) {
            throw Object.assign(new Error('too large'), { name: 'TransactionTooLargeError' });
          }
          const l = this.ledgers.get(id) as { entries: LedgerEntry[]; version: number };
          if (l.entries.some((e) => entries.some((n) => n.entryId === e.entryId))) return 'duplicate';
          if (l.version !== guard.version) return 'conflict';
          l.entries.push(...entries);
          l.version++;
          return 'posted';
        },
        deliver: async (_id, outcome, key) => {
          if (this.delivered.has(key)) return 'duplicate';
          this.delivered.set(key, outcome);
          return 'answered';
        },
      },
      noteMatch: async (claimId, key) => {
        if (!this.notes.some((n) => n.key === key)) this.notes.push({ claimId, key });
      },
      workItem: async (w) => {
        this.work.push({ kind: w.kind, reference: w.reference });
      },
      reserve: async (k, r, claimId) => {
        const i = item(k, r);
        if (!i) return 'missing';
        if (i.resolution) return 'resolved';
        if (i.matchClaimId && i.matchClaimId !== claimId) return 'other';
        i.matchClaimId = claimId;
        return 'reserved';
      },
      release: async (k, r, claimId) => {
        const i = item(k, r);
        if (i?.matchClaimId === claimId && !i.resolution) delete i.matchClaimId;
      },
      resolve: async (k, r, resolution) => {
        if (this.failResolveOnce) {
          this.failResolveOnce = false;
          throw new Error('crash');
        }
        const i = item(k, r);
        if (!i) return 'missing';
        if (i.resolution) return 'already';
        i.resolution = resolution;
        return 'resolved';
      },
      audit: async (e) => {
        this.audits.push(e);
      },
      now: () => new Date('2026-03-01T00:00:00.000Z'),
    };
  }
}

const remitOf = (claims: ClaimPayment[], payerName?: string): Remittance => ({
  interchangeControlNumber: '1',
  transactionSetControlNumber: '0001',
  traceNumber: 'T1',
  ...(payerName ? { payerName } : {}),
  paymentCents: claims.reduce((t, c) => t + c.paidCents, 0),
  paymentMethod: 'ACH',
  claims,
  providerAdjustments: [],
});

describe('matchWorkItem', () => {
  it('completes after a crash between posting and resolving: nothing posted or delivered twice', async () => {
    const w = new World(remitOf([adjudication('X1', 'PCN1'), adjudication('SIB', 'PCN9')]));
    w.addClaim(claimOf('SIB'));
    w.addClaim(claimOf('CA'));
    const ref = w.addItem('UNMATCHED_REMIT', 'T1/X1');
    w.failResolveOnce = true;
    await expect(matchWorkItem(w.ports, manager, ref, 'CA', REQ)).rejects.toThrow('crash');
    expect(w.items.get('UNMATCHED_REMIT T1/X1')?.matchClaimId).toBe('CA');
    // Someone else cannot take it meanwhile.
    w.addClaim(claimOf('CB'));
    expect(await matchWorkItem(w.ports, manager, ref, 'CB', REQ)).toMatchObject({
      kind: 'refused',
      status: 409,
      rule: 'MATCHED_TO_OTHER_CLAIM',
    });
    const again = await matchWorkItem(w.ports, manager, ref, 'CA', REQ);
    expect(again).toMatchObject({ kind: 'ok', postings: [{ result: 'duplicate', delivery: 'duplicate' }] });
    expect(w.paid('CA')).toBe(CHARGE - 1000);
    expect(w.paid('CB')).toBe(0);
    expect(w.delivered.size).toBe(1);
    expect(w.notes).toHaveLength(1);
    expect(w.items.get('UNMATCHED_REMIT T1/X1')?.resolution).toMatchObject({
      by: 'm1',
      match: { claimId: 'CA' },
    });
  });

  it('posts a reversal and the new adjudication of one CLP01 in order; a later refusal keeps the reservation', async () => {
    // CA was paid PCN1 by an earlier trace (T0); this 835 reverses it and pays PCN2, under a wrong CLP01.
    const earlier = remitEntries(
      { claimId: 'CA' },
      adjudication('CA', 'PCN1'),
      { traceNumber: 'T0' },
      'then',
    );
    const w = new World(
      remitOf([reversal('X1', 'PCN1'), adjudication('X1', 'PCN2', CHARGE), adjudication('SIB', 'P9')]),
    );
    w.addClaim(claimOf('SIB'));
    w.addClaim(claimOf('CA'), earlier);
    const ref = w.addItem('UNMATCHED_REMIT', 'T1/X1');
    w.failPostAfter = 1; // the second posting fails as too large for one transaction
    const r = await matchWorkItem(w.ports, manager, ref, 'CA', REQ);
    expect(r).toEqual({ kind: 'refused', status: 422, rule: 'POSTING_TOO_LARGE' });
    expect(w.paid('CA')).toBe(0); // the reversal posted
    expect(w.items.get('UNMATCHED_REMIT T1/X1')?.matchClaimId).toBe('CA');
    expect(w.audits.map((a) => a.outcome)).toEqual(['OK', 'REFUSED']);
    w.failPostAfter = Number.POSITIVE_INFINITY;
    const done = await matchWorkItem(w.ports, manager, ref, 'CA', REQ);
    expect(done).toMatchObject({
      kind: 'ok',
      postings: [
        { statusCode: '22', result: 'duplicate' },
        { statusCode: '1', result: 'posted' },
      ],
    });
    expect(w.paid('CA')).toBe(CHARGE);
    expect(w.delivered.size).toBe(2);
  });

  it("refuses a payer it cannot tell (422) and a claim the caller's practices do not hold (404)", async () => {
    const w = new World(remitOf([adjudication('X1', 'PCN1')]));
    w.addClaim(claimOf('CA'));
    w.addClaim(claimOf('CP2', { practiceId: 'PRAC2' }));
    const ref = w.addItem('UNMATCHED_REMIT', 'T1/X1');
    expect(await matchWorkItem(w.ports, manager, ref, 'CA', REQ)).toEqual({
      kind: 'refused',
      status: 422,
      rule: 'PAYER_UNKNOWN',
    });
    w.remit = remitOf([adjudication('X1', 'PCN1')], makeClaim().payer.name);
    expect(await matchWorkItem(w.ports, manager, ref, 'CP2', REQ)).toEqual({ kind: 'not_found' });
    expect(await matchWorkItem(w.ports, manager, ref, 'CA', REQ)).toMatchObject({ kind: 'ok' });
    expect(w.audits.map((a) => a.outcome)).toEqual(['REFUSED', 'NOT_FOUND', 'OK']);
  });
});

describe('matchCandidates', () => {
  it("answers the caller's claims of the payer with a reason, best first, each once", async () => {
    const w = new World(remitOf([adjudication('ENC-CA', 'PCN1'), adjudication('SIB', 'P9')]));
    w.addClaim(claimOf('SIB', {}, 'PAID'));
    w.addClaim(claimOf('CA')); // ACCOUNT + CHARGE (the 835 reports no service dates here)
    w.addClaim(claimOf('CB')); // CHARGE
    w.addClaim(claimOf('CC', { totalChargeCents: 1 })); // no reason
    w.addClaim(claimOf('CD', { payer: { payerId: 'OTHER', name: 'OTHER' } })); // another payer
    w.addClaim(claimOf('CE', { practiceId: 'PRAC2' })); // another practice
    const ref = w.addItem('UNMATCHED_REMIT', 'T1/ENC-CA');
    const r = await matchCandidates(w.ports, manager, ref, REQ);
    expect(r).toEqual({
      kind: 'ok',
      candidates: [
        expect.objectContaining({ claimId: 'CA', reasons: ['ACCOUNT', 'CHARGE'], score: 6 }),
        expect.objectContaining({ claimId: 'CB', reasons: ['CHARGE'], score: 2 }),
      ],
    });
    expect(w.audits[0]).toMatchObject({ action: 'LIST_MATCH_CANDIDATES', claimIds: ['CA', 'CB'] });
  });
});
