import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyTransition } from '../../../shared/claims/state';
import {
  ClaimRepository,
  EventRepository,
  IllegalTransitionError,
  LedgerRepository,
  VersionConflictError,
} from '../../../shared/store';
import { type Harness, makeClaim, startHarness } from './harness';

let h: Harness;
let claims: ClaimRepository;
let events: EventRepository;
let ledger: LedgerRepository;

beforeAll(async () => {
  h = await startHarness();
  claims = new ClaimRepository(h.doc, h.tableName);
  events = new EventRepository(h.doc, h.tableName);
  ledger = new LedgerRepository(h.doc, h.tableName);
});
afterAll(async () => h?.stop());

const T = (m: number) => `2026-02-01T00:${String(m).padStart(2, '0')}:00.000Z`;

describe('ClaimRepository', () => {
  it('putIfAbsent creates once (claim, RECEIVED event, charges) and is idempotent', async () => {
    const claim = makeClaim('CLMPUT1');
    expect(await claims.putIfAbsent(claim)).toBe('created');
    expect(await claims.putIfAbsent({ ...claim, totalChargeCents: 1 })).toBe('exists');
    const record = await claims.get('CLMPUT1');
    expect(record).toMatchObject({
      claimId: 'CLMPUT1',
      status: 'RECEIVED',
      version: 1,
      seq: 1,
      practiceId: 'PRAC1',
    });
    expect(record?.claim).toEqual(claim);
    expect(await events.list('CLMPUT1')).toEqual([
      { claimId: 'CLMPUT1', at: claim.receivedAt, seq: 1, type: 'RECEIVED', status: 'RECEIVED' },
    ]);
    const entries = await ledger.getEntries('CLMPUT1');
    expect(entries.map((e) => [e.entryId, e.kind, e.amountCents])).toEqual([
      ['C-001', 'CHARGE', 6000],
      ['C-002', 'CHARGE', 4000],
    ]);
    expect(await ledger.postCharges(claim)).toBe('duplicate');
    expect(await ledger.getEntries('CLMPUT1')).toHaveLength(2);
    expect(await claims.get('NOPE')).toBeUndefined();
  });

  it('transition appends events and rejects illegal transitions without writing', async () => {
    await claims.putIfAbsent(makeClaim('CLMTR1'));
    const r = await claims.transition(
      'CLMTR1',
      { claimId: 'CLMTR1', to: 'SCRUBBED', event: 'SCRUBBED' },
      T(1),
    );
    expect(r.record).toMatchObject({ status: 'SCRUBBED', version: 2, seq: 2 });
    await expect(
      claims.transition('CLMTR1', { claimId: 'CLMTR1', to: 'PAID', event: 'X' }, T(2)),
    ).rejects.toBeInstanceOf(IllegalTransitionError);
    expect((await claims.get('CLMTR1'))?.status).toBe('SCRUBBED');
    expect((await events.list('CLMTR1')).map((e) => [e.seq, e.type, e.status])).toEqual([
      [1, 'RECEIVED', 'RECEIVED'],
      [2, 'SCRUBBED', 'SCRUBBED'],
    ]);
  });

  it('optimistic lock: a save from a stale read fails with VersionConflictError and writes nothing', async () => {
    await claims.putIfAbsent(makeClaim('CLMLOCK'));
    const stale = await claims.get('CLMLOCK');
    if (!stale) throw new Error('missing');
    const a = applyTransition(stale, { claimId: 'CLMLOCK', to: 'SCRUBBED', event: 'SCRUBBED' }, T(1));
    const b = applyTransition(
      stale,
      { claimId: 'CLMLOCK', to: 'NEEDS_CORRECTION', event: 'SCRUB_FAILED' },
      T(1),
    );
    if (!a.ok || !b.ok) throw new Error('unexpected');
    await claims.save(stale, a.state, a.event);
    await expect(claims.save(stale, b.state, b.event)).rejects.toBeInstanceOf(VersionConflictError);
    expect((await claims.get('CLMLOCK'))?.status).toBe('SCRUBBED');
    // The losing transaction's event was not written either (all-or-nothing).
    expect((await events.list('CLMLOCK')).map((e) => e.type)).toEqual(['RECEIVED', 'SCRUBBED']);
  });

  it('concurrent transitions all land (retry on conflict), each with its own seq', async () => {
    await claims.putIfAbsent(makeClaim('CLMCONC'));
    await Promise.all(
      [1, 2, 3, 4].map((i) =>
        claims.transition('CLMCONC', { claimId: 'CLMCONC', to: 'RECEIVED', event: `NOTE_${i}` }, T(i)),
      ),
    );
    const list = await events.list('CLMCONC');
    expect(list.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect((await claims.get('CLMCONC'))?.version).toBe(5);
  });

  it('an outcome that arrives before the wait is kept and handed over when the wait registers', async () => {
    await claims.putIfAbsent(makeClaim('CLMWAIT'));
    await claims.transition('CLMWAIT', { claimId: 'CLMWAIT', to: 'SCRUBBED', event: 'SCRUBBED' }, T(1));
    const early = await claims.deliverOutcome(
      'CLMWAIT',
      'ACK',
      { accepted: true, source: '999', codes: [] },
      T(2),
    );
    expect(early).toEqual({ pending: true });
    const r = await claims.transition(
      'CLMWAIT',
      { claimId: 'CLMWAIT', to: 'SUBMITTED', event: 'AWAITING_ACK', wait: 'ACK', taskToken: 'tok-ack' },
      T(3),
    );
    expect(r.answer).toEqual({ taskToken: 'tok-ack', output: { accepted: true, source: '999', codes: [] } });
    const stored = await claims.getState('CLMWAIT');
    expect(r.record).toEqual(stored);
    expect(stored?.pending).toEqual({});
    expect(stored?.waiting).toBeUndefined();

    // The normal order: wait first, then the outcome takes the token.
    await claims.transition(
      'CLMWAIT',
      { claimId: 'CLMWAIT', to: 'ACCEPTED', event: 'AWAITING_REMIT', wait: 'REMIT', taskToken: 'tok-remit' },
      T(4),
    );
    expect((await claims.get('CLMWAIT'))?.waiting).toEqual({
      kind: 'REMIT',
      taskToken: 'tok-remit',
      since: T(4),
    });
    expect(await claims.deliverOutcome('CLMWAIT', 'REMIT', { route: 'PAID' }, T(5))).toEqual({
      taskToken: 'tok-remit',
      pending: false,
    });
    expect((await claims.get('CLMWAIT'))?.waiting).toBeUndefined();
    expect(await claims.takeWaiting('CLMWAIT', 'REMIT', T(6))).toBeUndefined();
  });

  it('registerWait and takeWaiting', async () => {
    await claims.putIfAbsent(makeClaim('CLMREG'));
    expect(await claims.registerWait('CLMREG', 'CORRECTION', 'tok-c', T(1))).not.toHaveProperty('answer');
    expect(await claims.takeWaiting('CLMREG', 'ACK', T(2))).toBeUndefined();
    expect(await claims.takeWaiting('CLMREG', 'CORRECTION', T(2))).toBe('tok-c');
    expect(await claims.takeWaiting('CLMREG', 'CORRECTION', T(3))).toBeUndefined();
  });

  it('listByStatus pages through a practice work queue via GSI1', async () => {
    for (const id of ['Q1', 'Q2', 'Q3']) await claims.putIfAbsent(makeClaim(id, 'PRACQ'));
    await claims.putIfAbsent(makeClaim('Q4', 'OTHERPRAC'));
    await claims.transition('Q2', { claimId: 'Q2', to: 'NEEDS_CORRECTION', event: 'SCRUB_FAILED' }, T(1));
    await claims.transition('Q3', { claimId: 'Q3', to: 'NEEDS_CORRECTION', event: 'SCRUB_FAILED' }, T(2));
    const all = await claims.listByStatus('PRACQ', 'NEEDS_CORRECTION');
    expect(all.items.map((c) => c.claimId)).toEqual(['Q2', 'Q3']);
    expect((await claims.listByStatus('PRACQ', 'RECEIVED')).items.map((c) => c.claimId)).toEqual(['Q1']);
    const page1 = await claims.listByStatus('PRACQ', 'NEEDS_CORRECTION', { limit: 1 });
    expect(page1.items.map((c) => c.claimId)).toEqual(['Q2']);
    const page2 = await claims.listByStatus('PRACQ', 'NEEDS_CORRECTION', { limit: 1, cursor: page1.cursor });
    expect(page2.items.map((c) => c.claimId)).toEqual(['Q3']);
  });
});
