import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyTransition, deliverOutcome } from '../../../shared/claims/state';
import { assertBalanced, postingKey, remitEntries } from '../../../shared/posting/ledger';
import { routeRemit } from '../../../shared/posting/route';
import {
  ClaimRepository,
  EventRepository,
  LedgerRepository,
  VersionConflictError,
} from '../../../shared/store';
import type { ClaimPayment } from '../../../shared/x12/types';
import { type Harness, makeClaim, startHarness } from './harness';

let h: Harness;
let claims: ClaimRepository;
let ledger: LedgerRepository;
let events: EventRepository;

beforeAll(async () => {
  h = await startHarness();
  claims = new ClaimRepository(h.doc, h.tableName);
  ledger = new LedgerRepository(h.doc, h.tableName);
  events = new EventRepository(h.doc, h.tableName);
});
afterAll(async () => h?.stop());

const AT = '2026-03-01T00:00:00.000Z';

function paymentFor(claimId: string, pcn = 'PCN1'): ClaimPayment {
  return {
    patientControlNumber: claimId,
    statusCode: '1',
    chargeCents: 10000,
    paidCents: 7000,
    patientResponsibilityCents: 2000,
    payerClaimControlNumber: pcn,
    adjustments: [
      { group: 'CO', reason: '45', amountCents: 1000 },
      { group: 'PR', reason: '1', amountCents: 2000 },
    ],
    services: [],
    remarkCodes: [],
  };
}

/** What post-remittance does for one claim payment: entries + the claim's REMIT outcome, one transaction. */
async function post(claimId: string, trace: string, p: ClaimPayment, at = AT) {
  const record = await claims.require(claimId);
  const entries = remitEntries(record.claim, p, { traceNumber: trace }, at);
  const outcome = routeRemit(p, trace);
  const delivered = deliverOutcome(record, 'REMIT', outcome, at);
  const t = applyTransition(delivered.state, { claimId, to: record.status, event: 'REMIT_POSTED' }, at);
  if (!t.ok) throw new Error(t.error.message);
  const key = postingKey(trace, p.patientControlNumber, p.payerClaimControlNumber, p.statusCode);
  const result = await ledger.postRemit(claimId, key, entries, { from: record, to: t.state, event: t.event });
  return { result, taskToken: delivered.taskToken, outcome };
}

describe('LedgerRepository.postRemit', () => {
  it('posts once; a replayed 835 is a duplicate and changes nothing', async () => {
    await claims.putIfAbsent(makeClaim('CLMPOST'));
    await claims.transition(
      'CLMPOST',
      { claimId: 'CLMPOST', to: 'RECEIVED', event: 'AWAITING_REMIT', wait: 'REMIT', taskToken: 'tok-r' },
      AT,
    );
    const first = await post('CLMPOST', 'TRACE1', paymentFor('CLMPOST'));
    expect(first.result).toBe('posted');
    expect(first.taskToken).toBe('tok-r');
    const entries = await ledger.getEntries('CLMPOST');
    expect(assertBalanced(entries, { balanceCents: 0 })).toMatchObject({
      chargesCents: 10000,
      paymentsCents: 7000,
      adjustmentsCents: 1000,
      patientResponsibilityCents: 2000,
    });
    const before = await claims.get('CLMPOST');
    expect(before?.waiting).toBeUndefined();
    const eventCount = (await events.list('CLMPOST')).length;

    const replay = await post('CLMPOST', 'TRACE1', paymentFor('CLMPOST'), '2026-03-02T00:00:00.000Z');
    expect(replay.result).toBe('duplicate');
    expect(await ledger.getEntries('CLMPOST')).toEqual(entries);
    expect(await claims.get('CLMPOST')).toEqual(before);
    expect(await events.list('CLMPOST')).toHaveLength(eventCount);
    expect(await ledger.isPosted('CLMPOST', postingKey('TRACE1', 'CLMPOST', 'PCN1'))).toBe(true);
  });

  it('a different trace for the same claim posts (e.g. a later adjustment remit)', async () => {
    await claims.putIfAbsent(makeClaim('CLMTWO'));
    expect((await post('CLMTWO', 'T-A', paymentFor('CLMTWO'))).result).toBe('posted');
    expect((await post('CLMTWO', 'T-B', paymentFor('CLMTWO'))).result).toBe('posted');
    expect(await ledger.getEntries('CLMTWO')).toHaveLength(2 + 3 + 3);
  });

  it('is all-or-nothing: a stale claim version posts no entries and no marker', async () => {
    await claims.putIfAbsent(makeClaim('CLMSTALE'));
    const stale = await claims.require('CLMSTALE');
    await claims.transition('CLMSTALE', { claimId: 'CLMSTALE', to: 'SCRUBBED', event: 'SCRUBBED' }, AT);
    const p = paymentFor('CLMSTALE');
    const entries = remitEntries(stale.claim, p, { traceNumber: 'TS' }, AT);
    const t = applyTransition(stale, { claimId: 'CLMSTALE', to: 'RECEIVED', event: 'REMIT_POSTED' }, AT);
    if (!t.ok) throw new Error('unexpected');
    const key = postingKey('TS', 'CLMSTALE', 'PCN1');
    await expect(
      ledger.postRemit('CLMSTALE', key, entries, { from: stale, to: t.state, event: t.event }),
    ).rejects.toBeInstanceOf(VersionConflictError);
    expect((await ledger.getEntries('CLMSTALE')).map((e) => e.kind)).toEqual(['CHARGE', 'CHARGE']);
    expect(await ledger.isPosted('CLMSTALE', key)).toBe(false);
    // Without a claim update the same posting goes through.
    expect(await ledger.postRemit('CLMSTALE', key, entries)).toBe('posted');
  });

  it('rejects entries of another claim', async () => {
    const entries = remitEntries({ claimId: 'OTHER' }, paymentFor('OTHER'), { traceNumber: 'X' }, AT);
    await expect(ledger.postRemit('CLMPOST', 'X/OTHER/PCN1', entries)).rejects.toThrow(/another claim/);
  });
});
