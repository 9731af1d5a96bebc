/**
 * Matching an unmatched remit claim payment by hand, against dynalite: the 835 is posted by the real
 * remit poster (work items written), then matched through the API: candidates, posting once with
 * the auto-posting checks, the waiting AwaitRemit token answered, replays, refusals, scoping, audit.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../functions/api/app';
import { localJwt, signLocalToken } from '../../../functions/api/auth';
import { outcomePorts } from '../../../functions/lib/ports';
import { claimIdFor } from '../../../shared/claims/ids';
import type { Claim } from '../../../shared/claims/model';
import { balances } from '../../../shared/posting/ledger';
import { postRemittanceFile, type RemitPorts, remitDelivery } from '../../../shared/services/remit';
import {
  AccessAuditRepository,
  ClaimRepository,
  EventRepository,
  LedgerRepository,
  RemitRepository,
  WorkItemRepository,
} from '../../../shared/store';
import type { ClaimPayment835Input } from '../../../shared/x12';
import { remit835 } from '../../support/remit';
import { type Harness, makeClaim, startHarness } from '../store/harness';

const SECRET = 'local-test-secret-0123456789-abcdefghij';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const T = (n: number) => new Date(Date.UTC(2026, 1, 1, 0, 0, n)).toISOString();
const FILE = 'inbound/835/sim/match.x12';
const TRACE = 'TRM1';

const claimFor = (practiceId: string, enc: string, payerId: string, charges?: number[]): Claim => ({
  ...makeClaim(claimIdFor(practiceId, enc), practiceId, charges),
  encounterId: enc,
  payer: { payerId, name: `TEST ${payerId}` },
});
const A = claimFor('PRAC1', 'ENC-100', 'PAYER1'); // $100; waits for its remit on tok-a
const SIB = claimFor('PRAC1', 'ENC-200', 'PAYER1'); // paid by the same 835 under its own CLP01
const OTHER_PAYER = claimFor('PRAC1', 'ENC-300', 'PAYER2');
const SMALL = claimFor('PRAC1', 'ENC-400', 'PAYER1', [5000]);
const D = claimFor('PRAC1', 'ENC-500', 'PAYER1');
const E = claimFor('PRAC1', 'ENC-600', 'PAYER1');
const P2 = claimFor('PRAC2', 'ENC-100', 'PAYER1');

/** A $100 claim payment: paid 80, CO-45 20 on its one service line of 2026-01-15. */
const pay = (clp01: string, pcn: string, paidCents = 8000): ClaimPayment835Input => ({
  patientControlNumber: clp01,
  statusCode: '1',
  chargeCents: 10000,
  paidCents,
  patientResponsibilityCents: 0,
  payerClaimControlNumber: pcn,
  adjustments: [],
  services: [
    {
      procedureQualifier: 'HC',
      procedureCode: '99213',
      modifiers: [],
      chargeCents: 10000,
      paidCents,
      dateOfService: '2026-01-15',
      adjustments: paidCents === 10000 ? [] : [{ group: 'CO', reason: '45', amountCents: 10000 - paidCents }],
      remarkCodes: [],
    },
  ],
  remarkCodes: [],
});
const X12 = remit835(
  [
    pay('ENC-100', 'PCN-U1'),
    pay(SIB.claimId, 'PCN-S', 10000),
    pay('NOPE-2', 'PCN-U2'),
    pay('NOPE-3', 'PCN-U3'),
    pay(SMALL.claimId, 'PCN-M'),
  ],
  { traceNumber: TRACE },
);
const U1 = { kind: 'UNMATCHED_REMIT', reference: `${TRACE}/ENC-100` };
const U2 = { kind: 'UNMATCHED_REMIT', reference: `${TRACE}/NOPE-2` };
const U3 = { kind: 'UNMATCHED_REMIT', reference: `${TRACE}/NOPE-3` };
/** CLP01 is SMALL's id, but its $100 charge is not SMALL's $50: a mismatch of a PRAC1 claim. */
const M = { kind: 'REMIT_MISMATCH', reference: `${TRACE}/${SMALL.claimId}` };

let h: Harness;
let claims: ClaimRepository;
let ledger: LedgerRepository;
let work: WorkItemRepository;
let audit: AccessAuditRepository;
let events: EventRepository;
let app: ReturnType<typeof createApi>;
let remitPorts: RemitPorts;
let manager: string;
let biller: string;
let manager2: string;
let biller2: string;
const answered: { taskToken: string; output: unknown }[] = [];
const tokens = {
  answer: async (taskToken: string, output: unknown) => {
    answered.push({ taskToken, output });
    return 'answered' as const;
  },
};

const call = async (path: string, token: string | undefined, body: unknown) =>
  app.request(path, {
    method: 'POST',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
const match = (body: object, token = manager) => call('/api/work-items/match', token, body);
const paymentsOf = async (claimId: string) => balances(await ledger.getEntries(claimId)).paymentsCents;

beforeAll(async () => {
  h = await startHarness();
  claims = new ClaimRepository(h.doc, h.tableName);
  ledger = new LedgerRepository(h.doc, h.tableName);
  work = new WorkItemRepository(h.doc, h.tableName);
  audit = new AccessAuditRepository(h.doc, h.tableName);
  events = new EventRepository(h.doc, h.tableName);
  const remits = new RemitRepository(h.doc, h.tableName);
  for (const c of [A, SIB, OTHER_PAYER, SMALL, D, E, P2]) {
    await claims.putIfAbsent(c, T(0));
    await ledger.postCharges(c);
    await claims.transition(c.claimId, { claimId: c.claimId, to: 'SCRUBBED', event: 'SCRUBBED' }, T(1));
    await claims.transition(c.claimId, { claimId: c.claimId, to: 'SUBMITTED', event: 'SUBMITTED' }, T(2));
  }
  await claims.transition(
    A.claimId,
    { claimId: A.claimId, to: 'ACCEPTED', event: 'AWAITING_REMIT', wait: 'REMIT', taskToken: 'tok-a' },
    T(3),
  );
  const outcomes = outcomePorts({ claims, ledger }, tokens);
  remitPorts = {
    loadClaim: async (id) => (await claims.get(id))?.claim,
    ledger: (id) => ledger.getLedger(id),
    post: (id, key, entries, guard) => ledger.postPayment(id, key, entries, guard),
    postProviderAdjustment: (e) => ledger.postProviderAdjustment(e),
    deliver: remitDelivery(outcomes),
    recordRemit: (header, fileKey, status, progress) => remits.track(header, fileKey, status, progress, T(4)),
    workItem: (i) => work.add(i.kind, i.reference, i.detail, T(4)),
    now: () => new Date(T(4)),
  };
  const first = await postRemittanceFile(X12, FILE, remitPorts);
  expect(first).toMatchObject({ posted: 1, unmatched: 3, mismatched: 1 });
  await work.add('REMIT_HELD', 'inbound/835/sim/held.x12', { rule: 'UNBALANCED' }, T(4));
  app = createApi({
    repositories: { claims, events, ledger, work, audit },
    authenticate: localJwt(SECRET),
    clock: () => NOW,
    tokens,
    remitMatch: {
      claims,
      ledger,
      work,
      read835: async (key) => {
        if (key !== FILE) throw new Error(`no such file ${key}`);
        return X12;
      },
    },
  });
  manager = await signLocalToken(SECRET, { sub: 'user-manager-1', groups: ['PRAC1', 'manager'] });
  biller = await signLocalToken(SECRET, { sub: 'user-biller-1', groups: ['PRAC1', 'biller'] });
  manager2 = await signLocalToken(SECRET, { sub: 'user-manager-2', groups: ['PRAC2', 'manager'] });
  biller2 = await signLocalToken(SECRET, { sub: 'user-biller-2', groups: ['PRAC2', 'biller'] });
});
afterAll(async () => h?.stop());

describe('POST /api/work-items/candidates', () => {
  it("offers the caller's claims of the 835's payer, the patient account match first, ids and amounts only", async () => {
    const res = await call('/api/work-items/candidates', manager, U1);
    expect(res.status).toBe(200);
    const { candidates } = (await res.json()) as { candidates: Record<string, unknown>[] };
    expect(candidates[0]).toEqual({
      claimId: A.claimId,
      practiceId: 'PRAC1',
      payerId: 'PAYER1',
      status: 'ACCEPTED',
      totalChargeCents: 10000,
      reasons: ['ACCOUNT', 'CHARGE', 'SERVICE_DATE'],
      score: 7,
    });
    const ids = candidates.map((c) => c.claimId);
    expect(ids).toContain(D.claimId);
    expect(ids).not.toContain(OTHER_PAYER.claimId); // another payer
    expect(ids).not.toContain(P2.claimId); // another practice
    const entry = (await audit.listDay('2026-03-01')).find((e) => e.action === 'LIST_MATCH_CANDIDATES');
    expect(entry).toMatchObject({ outcome: 'OK', workItem: U1, claimIds: ids, practiceIds: ['PRAC1'] });
  });

  it("answers 404 to a biller (an item naming no claim is a manager's) and 409 for an item with no payment", async () => {
    expect((await call('/api/work-items/candidates', biller, U1)).status).toBe(404);
    const held = await call('/api/work-items/candidates', manager, {
      kind: 'REMIT_HELD',
      reference: 'inbound/835/sim/held.x12',
    });
    expect(held.status).toBe(409);
    expect(await held.json()).toEqual({ error: 'match_refused', rule: 'NOT_MATCHABLE' });
    expect((await call('/api/work-items/candidates', undefined, U1)).status).toBe(401);
  });
});

describe('POST /api/work-items/match', () => {
  it('refuses another payer (409), amounts that cannot balance (422), a claim of another practice (404)', async () => {
    const other = await match({ ...U1, claimId: OTHER_PAYER.claimId });
    expect(other.status).toBe(409);
    expect(await other.json()).toEqual({ error: 'match_refused', rule: 'OTHER_PAYER' });
    const small = await match({ ...U1, claimId: SMALL.claimId });
    expect(small.status).toBe(422);
    expect(await small.json()).toEqual({
      error: 'match_refused',
      rule: 'CHARGE_MISMATCH',
      expectedCents: 5000,
      actualCents: 10000,
    });
    for (const body of [
      { ...U1, claimId: P2.claimId }, // a claim of PRAC2
      { ...U1, claimId: 'CNOSUCHCLAIM' },
      { kind: 'UNMATCHED_REMIT', reference: `${TRACE}/NOPE-9`, claimId: A.claimId },
    ]) {
      const res = await match(body);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'not_found' });
    }
    // A PRAC2 manager sees the item (it names no claim) but not the PRAC1 claim.
    expect((await match({ ...U1, claimId: A.claimId }, manager2)).status).toBe(404);
    expect((await match({ ...U1, claimId: A.claimId }, biller)).status).toBe(404);
    expect((await match({ ...U1, claimId: 'bad id!' })).status).toBe(400);
    expect((await call('/api/work-items/match', undefined, { ...U1, claimId: A.claimId })).status).toBe(401);
    for (const c of [OTHER_PAYER, SMALL, P2, A]) expect(await paymentsOf(c.claimId)).toBe(0);
    expect(answered).toEqual([]);
    const refusals = (await audit.listDay('2026-03-01')).filter((e) => e.action === 'MATCH_REMIT');
    expect(refusals.map((e) => e.outcome).sort()).toEqual([
      'NOT_FOUND',
      'NOT_FOUND',
      'NOT_FOUND',
      'NOT_FOUND',
      'NOT_FOUND',
      'REFUSED',
      'REFUSED',
    ]);
  });

  it("posts once with the auto-poster's key, answers the waiting token, resolves, audits and records events", async () => {
    const res = await match({ ...U1, claimId: A.claimId, note: 'CLP01 was the encounter number' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      item: Record<string, unknown>;
      claimId: string;
      postings: Record<string, unknown>[];
    };
    expect(body.claimId).toBe(A.claimId);
    expect(body.postings).toEqual([
      {
        traceNumber: TRACE,
        payerClaimControlNumber: 'PCN-U1',
        statusCode: '1',
        paidCents: 8000,
        result: 'posted',
        delivery: 'answered',
      },
    ]);
    expect(body.item).toMatchObject({
      ...U1,
      state: 'resolved',
      matchClaimId: A.claimId,
      resolution: {
        at: NOW.toISOString(),
        by: 'user-manager-1',
        note: 'CLP01 was the encounter number',
        match: { claimId: A.claimId },
      },
    });
    expect(balances(await ledger.getEntries(A.claimId))).toMatchObject({
      paymentsCents: 8000,
      adjustmentsCents: 2000,
      balanceCents: 0,
    });
    expect(answered).toHaveLength(1);
    expect(answered[0]).toMatchObject({
      taskToken: 'tok-a',
      output: { route: 'PAID', paidCents: 8000, payerClaimControlNumber: 'PCN-U1', traceNumber: TRACE },
    });
    const stored = await claims.get(A.claimId);
    expect(stored?.waiting).toBeUndefined();
    const types = (await events.list(A.claimId)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['REMIT_POSTED', 'REMIT_MATCHED']));
    const matched = (await events.list(A.claimId)).find((e) => e.type === 'REMIT_MATCHED');
    expect(matched?.detail).toEqual({
      by: 'user-manager-1',
      workItemKind: 'UNMATCHED_REMIT',
      traceNumber: TRACE,
      fileKey: 'inbound/835/sim/match.x12', // the claim's documents list the 835 it was matched from
      payerClaimControlNumbers: ['PCN-U1'],
      paidCents: 8000,
    });
    const entry = (await audit.listDay('2026-03-01')).find(
      (e) => e.action === 'MATCH_REMIT' && e.outcome === 'OK',
    );
    expect(entry).toMatchObject({
      sub: 'user-manager-1',
      workItem: U1,
      claimIds: [A.claimId],
      changes: [{ path: 'workItem.match', before: null, after: A.claimId }, { path: 'claim.ledger' }],
    });
    expect((await new RemitRepository(h.doc, h.tableName).reconcile(TRACE)).postedClaimPayments).toBe(2);
  });

  it('posts nothing more when matched again, or when the 835 is replayed', async () => {
    const entries = (await ledger.getEntries(A.claimId)).length;
    const again = await match({ ...U1, claimId: A.claimId });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { postings: { result: string }[] }).postings[0]?.result).toBe(
      'duplicate',
    );
    const replay = await postRemittanceFile(X12, FILE, remitPorts);
    expect(replay).toMatchObject({ posted: 0, duplicates: 1, unmatched: 3 });
    expect(await ledger.getEntries(A.claimId)).toHaveLength(entries);
    expect(await paymentsOf(A.claimId)).toBe(8000);
    expect(answered).toHaveLength(1);
    expect((await work.get(U1.kind, U1.reference))?.resolution?.match).toEqual({ claimId: A.claimId });
    // Resolved to A: matching it to another claim is refused.
    const elsewhere = await match({ ...U1, claimId: D.claimId });
    expect(elsewhere.status).toBe(409);
    expect(await elsewhere.json()).toEqual({ error: 'already_resolved' });
  });

  it('refuses a claim the same trace already paid (409), and an item being matched to another claim', async () => {
    for (const claimId of [SIB.claimId, A.claimId]) {
      const res = await match({ ...U2, claimId });
      expect(res.status).toBe(409);
      expect(await res.json()).toEqual({ error: 'match_refused', rule: 'ALREADY_PAID_FOR_TRACE' });
    }
    expect(await work.reserveMatch(U3.kind, U3.reference, 'CSOMEONEELSE')).toBe('reserved');
    const busy = await match({ ...U3, claimId: D.claimId });
    expect(busy.status).toBe(409);
    expect(await busy.json()).toEqual({ error: 'match_refused', rule: 'MATCHED_TO_OTHER_CLAIM' });
    expect(await paymentsOf(D.claimId)).toBe(0);
    expect((await work.get(U2.kind, U2.reference))?.resolution).toBeUndefined();
  });

  it('refuses an overpayment (a credit balance: 409) as auto-posting does, posting nothing', async () => {
    await work.releaseMatch(U3.kind, U3.reference, 'CSOMEONEELSE');
    // D is paid in full by another trace first; U3's $80 on top would exceed its charges.
    const other = remit835([pay(D.claimId, 'PCN-D', 10000)], { traceNumber: 'TRM2' });
    expect(await postRemittanceFile(other, 'inbound/835/sim/other.x12', remitPorts)).toMatchObject({
      posted: 1,
    });
    const res = await match({ ...U3, claimId: D.claimId });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: 'match_refused', rule: 'PAYMENTS_EXCEED_CHARGES' });
    expect(await paymentsOf(D.claimId)).toBe(10000);
    expect((await work.get(U3.kind, U3.reference))?.matchClaimId).toBeUndefined();
  });

  it("lets a biller match a mismatch of their practice's claim; another practice's biller gets 404", async () => {
    const seen = await call('/api/work-items/candidates', biller, M);
    expect(seen.status).toBe(200);
    const ids = ((await seen.json()) as { candidates: { claimId: string }[] }).candidates.map(
      (c) => c.claimId,
    );
    expect(ids).toContain(E.claimId);
    expect((await call('/api/work-items/candidates', biller2, M)).status).toBe(404);
    expect((await match({ ...M, claimId: E.claimId }, biller2)).status).toBe(404);
    const res = await match({ ...M, claimId: E.claimId }, biller);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      claimId: E.claimId,
      item: { ...M, claimId: SMALL.claimId, state: 'resolved', resolution: { by: 'user-biller-1' } },
      postings: [{ payerClaimControlNumber: 'PCN-M', result: 'posted', delivery: 'pending' }],
    });
    expect(await paymentsOf(E.claimId)).toBe(8000);
    expect(await paymentsOf(SMALL.claimId)).toBe(0);
    // The claim detail lists the item (work-item index by claim), resolved to E.
    const detail = await app.request(`/api/claims/${SMALL.claimId}`, {
      headers: { authorization: `Bearer ${biller}` },
    });
    const items = ((await detail.json()) as { workItems: { reference: string; resolution?: unknown }[] })
      .workItems;
    expect(items).toEqual([
      expect.objectContaining({
        ...M,
        resolution: expect.objectContaining({ match: { claimId: E.claimId } }),
      }),
    ]);
  });

  it('documents both routes in a valid OpenAPI 3.1 document', async () => {
    const doc = (await (await app.request('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect((await new Validator().validate(doc)).valid).toBe(true);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/work-items/candidates', '/api/work-items/match']),
    );
  });
});
