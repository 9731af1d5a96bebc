import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyTransition, deliverOutcome } from '../../../shared/claims/state';
import { assertBalanced, postingKey, remitEntries } from '../../../shared/posting/ledger';
import { routeRemit } from '../../../shared/posting/route';
import { postRemittanceFile, type RemitPorts } from '../../../shared/services/remit';
import {
  ClaimRepository,
  EventRepository,
  LedgerRepository,
  RemitRepository,
  VersionConflictError,
} from '../../../shared/store';
import { write835 } from '../../../shared/x12';
import type { ClaimPayment } from '../../../shared/x12/types';
import { makePayerEnvelope } from '../../unit/x12/fixtures';
import { type Harness, makeClaim, startHarness } from './harness';

let h: Harness;
let claims: ClaimRepository;
let ledger: LedgerRepository;
let events: EventRepository;
let remits: RemitRepository;

beforeAll(async () => {
  h = await startHarness();
  claims = new ClaimRepository(h.doc, h.tableName);
  ledger = new LedgerRepository(h.doc, h.tableName);
  events = new EventRepository(h.doc, h.tableName);
  remits = new RemitRepository(h.doc, h.tableName);
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

describe('LedgerRepository.postPayment (version-guarded claim posting)', () => {
  it('posts at the version read; a stale version is a conflict and writes nothing; a replay is a duplicate', async () => {
    await claims.putIfAbsent(makeClaim('CLMGUARD'));
    const before = await ledger.getLedger('CLMGUARD');
    expect(before.version).toBe(0);
    const p = paymentFor('CLMGUARD');
    const key = postingKey('TG1', 'CLMGUARD', 'PCN1');
    const entries = remitEntries({ claimId: 'CLMGUARD' }, p, { traceNumber: 'TG1' }, AT);
    const guard = { version: 0, traceNumber: 'TG1', paidCents: 7000 };
    expect(await ledger.postPayment('CLMGUARD', key, entries, guard)).toBe('posted');
    const after = await ledger.getLedger('CLMGUARD');
    expect(after.version).toBe(1);
    expect(after.entries).toHaveLength(2 + 3);

    // Another trace checked against the old ledger (version 0) must not land.
    const key2 = postingKey('TG2', 'CLMGUARD', 'PCN1');
    const entries2 = remitEntries({ claimId: 'CLMGUARD' }, p, { traceNumber: 'TG2' }, AT);
    expect(
      await ledger.postPayment('CLMGUARD', key2, entries2, {
        version: 0,
        traceNumber: 'TG2',
        paidCents: 7000,
      }),
    ).toBe('conflict');
    expect(await ledger.getLedger('CLMGUARD')).toEqual(after);
    expect(await ledger.isPosted('CLMGUARD', key2)).toBe(false);
    expect((await remits.reconcile('TG2')).postedClaimPayments).toBe(0);

    // The same key again, whatever version it was checked at: nothing twice.
    expect(await ledger.postPayment('CLMGUARD', key, entries, { ...guard, version: 1 })).toBe('duplicate');
    expect(await ledger.getLedger('CLMGUARD')).toEqual(after);
    expect(await remits.reconcile('TG1')).toMatchObject({
      postedClaimPaymentCents: 7000,
      postedClaimPayments: 1,
    });
  });
});

describe('provider-level adjustments and reconciliation per trace', () => {
  const plbEntry = (index: number, amountCents: number) => ({
    entryId: `PLB-x-${index + 1}`,
    providerId: '1234567893',
    traceNumber: 'TPLB',
    index,
    reason: 'WO',
    fiscalPeriodDate: '2026-12-31',
    amountCents,
    at: AT,
  });

  it('posts each PLB once on the provider account', async () => {
    expect(await ledger.postProviderAdjustment(plbEntry(0, 1500))).toBe('posted');
    expect(await ledger.postProviderAdjustment(plbEntry(1, -200))).toBe('posted');
    expect(await ledger.postProviderAdjustment(plbEntry(0, 1500))).toBe('duplicate');
    expect(await ledger.postProviderAdjustment(plbEntry(0, 1400))).toBe('mismatch');
    expect((await ledger.getProviderEntries('1234567893')).map((e) => e.amountCents)).toEqual([1500, -200]);
    expect(await remits.reconcile('TPLB')).toMatchObject({
      plbCents: 1300,
      plbAdjustments: 2,
      balanced: false,
    });
  });

  it('a whole 835 posted through the service reconciles: CLP04 posted - PLB = BPR02, and a replay changes nothing', async () => {
    for (const id of ['CLMR1', 'CLMR2']) await claims.putIfAbsent(makeClaim(id));
    const x12 = write835({
      envelope: makePayerEnvelope(),
      payer: {
        name: 'PAYER',
        identifier: '1999999999',
        address: { line1: '1 A ST', city: 'X', state: 'CT', zip: '061030001' },
      },
      payee: { name: 'CLINIC', npi: '1234567893' },
      traceNumber: 'TREC',
      paymentMethod: 'ACH',
      paymentDate: '2026-11-01',
      claims: [paymentFor('CLMR1', 'P1'), paymentFor('CLMR2', 'P2'), paymentFor('CLMNONE', 'P3')],
      providerAdjustments: [
        { providerId: '1234567893', fiscalPeriodDate: '2026-12-31', reason: 'L6', amountCents: -150 },
      ],
    }).x12;
    const delivered: string[] = [];
    const ports: RemitPorts = {
      loadClaim: async (id) => (await claims.get(id))?.claim,
      ledger: (id) => ledger.getLedger(id),
      post: (id, key, entries, guard) => ledger.postPayment(id, key, entries, guard),
      postProviderAdjustment: (e) => ledger.postProviderAdjustment(e),
      deliver: async (_id, _outcome, key) => {
        delivered.push(key);
        return 'answered';
      },
      recordRemit: (header, fileKey, status, progress) => remits.track(header, fileKey, status, progress, AT),
      workItem: async () => undefined,
      now: () => new Date(AT),
    };
    const first = await postRemittanceFile(x12, 'inbound/rec.x12', ports);
    expect(first).toMatchObject({ posted: 2, unmatched: 1, providerAdjustments: 1 });
    // CLMNONE's 70.00 was not posted (unmatched work item): the trace does not reconcile yet.
    expect(await remits.reconcile('TREC')).toEqual({
      traceNumber: 'TREC',
      bpr02Cents: 3 * 7000 + 150,
      status: 'PARTIAL',
      postedClaimPaymentCents: 14000,
      postedClaimPayments: 2,
      plbCents: -150,
      plbAdjustments: 1,
      balanced: false,
    });
    // Once the missing claim exists, a re-run posts it and nothing else twice.
    await claims.putIfAbsent(makeClaim('CLMNONE'));
    const again = await postRemittanceFile(x12, 'inbound/rec.x12', ports);
    expect(again).toMatchObject({ posted: 1, duplicates: 2, providerAdjustments: 0 });
    const rec = await remits.reconcile('TREC');
    expect(rec).toMatchObject({
      postedClaimPaymentCents: 21000,
      plbCents: -150,
      balanced: true,
      status: 'POSTED',
    });
    expect((await ledger.getEntries('CLMR1')).length).toBe(2 + 3);
    expect(new Set(delivered).size).toBe(3);
  });
});

describe('RemitRepository.track', () => {
  const header = { traceNumber: 'TTRACK', paymentCents: 500, claimCount: 1 };
  it('HELD, then a corrected file takes the trace over; a later held file does not demote a posted trace', async () => {
    await remits.track(header, 'inbound/bad.x12', 'HELD', { issues: ['TRANSACTION: off by 1'] }, AT);
    expect(await remits.get('TTRACK')).toMatchObject({ status: 'HELD', heldReason: 'TRANSACTION: off by 1' });
    await remits.track({ ...header, paymentCents: 600 }, 'inbound/good.x12', 'RECEIVED', {}, AT);
    const received = await remits.get('TTRACK');
    expect(received).toMatchObject({ status: 'RECEIVED', fileKey: 'inbound/good.x12', paymentCents: 600 });
    expect(received?.heldReason).toBeUndefined();
    await remits.track(header, 'inbound/good.x12', 'POSTED', { postedClaims: 1, duplicateClaims: 0 }, AT);
    await remits.track(header, 'inbound/bad2.x12', 'HELD', { issues: ['CLAIM: x'] }, AT);
    expect(await remits.get('TTRACK')).toMatchObject({
      status: 'POSTED',
      fileKey: 'inbound/good.x12',
      postedClaims: 1,
    });
  });
});
