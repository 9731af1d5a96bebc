/** Work queue routes against dynalite: list, assign, comment, resolve; practice scoping; audit. */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../functions/api/app';
import { localJwt, signLocalToken } from '../../../functions/api/auth';
import { claimIdFor } from '../../../shared/claims/ids';
import type { Claim } from '../../../shared/claims/model';
import {
  AccessAuditRepository,
  ClaimRepository,
  EventRepository,
  LedgerRepository,
  WorkItemRepository,
} from '../../../shared/store';
import { type Harness, makeClaim, startHarness } from '../store/harness';

const SECRET = 'local-test-secret-0123456789-abcdefghij';
const NOW = new Date('2026-03-01T12:00:00.000Z');

let h: Harness;
let work: WorkItemRepository;
let audit: AccessAuditRepository;
let app: ReturnType<typeof createApi>;
let biller: string;
let manager: string;
let prac2: string;

const claimFor = (practiceId: string, enc: string, payerId: string): Claim => ({
  ...makeClaim(claimIdFor(practiceId, enc), practiceId),
  encounterId: enc,
  payer: { payerId, name: `TEST ${payerId}` },
});
const P1 = claimFor('PRAC1', 'ENC-1', 'PAYER1');
const P1B = claimFor('PRAC1', 'ENC-2', 'PAYER2');
const P2 = claimFor('PRAC2', 'ENC-1', 'PAYER1');
const MISMATCH = { kind: 'REMIT_MISMATCH', reference: `TR1/${P1.claimId}` };
const CREDIT = { kind: 'CREDIT_BALANCE', reference: 'CB-1' }; // names its claim in the detail
const OTHER = { kind: 'REMIT_MISMATCH', reference: `TR1/${P2.claimId}` };
const UNMATCHED = { kind: 'UNMATCHED_REMIT', reference: 'TR1/CNEVERSENT01' };

type Item = { kind: string; reference: string; [k: string]: unknown };
const call = async (path: string, token: string, body?: unknown) =>
  app.request(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const list = async (query: string, token = biller): Promise<Item[]> => {
  const res = await call(`/api/work-items${query}`, token);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: Item[] }).items;
};
const refs = (items: Item[]) => items.map((i) => i.reference);

beforeAll(async () => {
  h = await startHarness();
  const claims = new ClaimRepository(h.doc, h.tableName);
  work = new WorkItemRepository(h.doc, h.tableName);
  audit = new AccessAuditRepository(h.doc, h.tableName);
  for (const c of [P1, P1B, P2]) await claims.putIfAbsent(c, '2026-01-01T00:00:00.000Z');
  await work.add(
    MISMATCH.kind,
    MISMATCH.reference,
    { problems: ['CHARGE_MISMATCH'] },
    '2026-01-01T00:00:00.000Z',
  );
  await work.add(
    CREDIT.kind,
    CREDIT.reference,
    { claimId: P1B.claimId, cents: 500 },
    '2026-02-25T00:00:00.000Z',
  );
  await work.add(OTHER.kind, OTHER.reference, { problems: ['UNBALANCED'] }, '2026-01-01T00:00:00.000Z');
  await work.add(UNMATCHED.kind, UNMATCHED.reference, { paidCents: 100 }, '2026-02-20T00:00:00.000Z');
  app = createApi({
    repositories: {
      claims,
      events: new EventRepository(h.doc, h.tableName),
      ledger: new LedgerRepository(h.doc, h.tableName),
      work,
      audit,
    },
    authenticate: localJwt(SECRET),
    clock: () => NOW,
  });
  biller = await signLocalToken(SECRET, { sub: 'user-biller-1', groups: ['PRAC1', 'biller'] });
  manager = await signLocalToken(SECRET, { sub: 'user-manager-1', groups: ['PRAC1', 'manager'] });
  prac2 = await signLocalToken(SECRET, { sub: 'user-biller-2', groups: ['PRAC2', 'biller'] });
});
afterAll(async () => h?.stop());

describe('GET /api/work-items', () => {
  it("lists the items of the caller's practices, oldest first, with claim, payer and age", async () => {
    const items = await list('');
    expect(refs(items)).toEqual([MISMATCH.reference, CREDIT.reference]);
    expect(items[0]).toMatchObject({
      claimId: P1.claimId,
      practiceId: 'PRAC1',
      payerId: 'PAYER1',
      claimStatus: 'RECEIVED',
      ageDays: 59,
      state: 'open',
    });
    expect(items[1]).toMatchObject({ claimId: P1B.claimId, payerId: 'PAYER2', ageDays: 4 });
    expect(refs(await list('', prac2))).toEqual([OTHER.reference]);
    const entries = (await audit.listDay('2026-03-01')).filter((e) => e.action === 'LIST_WORK_ITEMS');
    // Same instant: entries of one millisecond come in uuid order.
    expect(entries.find((e) => e.sub === 'user-biller-1')?.claimIds).toEqual([P1.claimId, P1B.claimId]);
    expect(entries.find((e) => e.sub === 'user-biller-2')?.claimIds).toEqual([P2.claimId]);
  });

  it('shows items naming no stored claim to managers, not to billers', async () => {
    expect(refs(await list('', manager))).toEqual([
      MISMATCH.reference,
      UNMATCHED.reference,
      CREDIT.reference,
    ]);
    expect(refs(await list('?kind=UNMATCHED_REMIT'))).toEqual([]);
  });

  it('filters by kind, payer and age', async () => {
    expect(refs(await list('?kind=CREDIT_BALANCE'))).toEqual([CREDIT.reference]);
    expect(refs(await list('?payerId=PAYER1'))).toEqual([MISMATCH.reference]);
    expect(refs(await list('?minAgeDays=30'))).toEqual([MISMATCH.reference]);
    const bad = await call('/api/work-items?minAgeDays=-1', biller);
    expect(bad.status).toBe(400);
  });

  it('answers 401 without a token', async () => {
    expect((await app.request('/api/work-items')).status).toBe(401);
  });
});

describe('assign, comment, resolve', () => {
  it('assigns, with the change audited before and after', async () => {
    const res = await call('/api/work-items/assign', biller, { ...MISMATCH, assignee: 'user-biller-1' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ...MISMATCH, assignee: 'user-biller-1' });
    expect(refs(await list('?assignee=user-biller-1'))).toEqual([MISMATCH.reference]);
    const entry = (await audit.listDay('2026-03-01')).find((e) => e.action === 'UPDATE_WORK_ITEM');
    expect(entry).toMatchObject({
      outcome: 'OK',
      workItem: MISMATCH,
      claimIds: [P1.claimId],
      changes: [{ path: 'assignee', after: 'user-biller-1' }],
    });
    const un = await call('/api/work-items/assign', biller, MISMATCH);
    expect(((await un.json()) as Item).assignee).toBeUndefined();
  });

  it('keeps comments with who and when', async () => {
    await call('/api/work-items/comment', biller, { ...MISMATCH, text: 'called the payer' });
    const res = await call('/api/work-items/comment', manager, { ...MISMATCH, text: 'reprocessing' });
    expect(((await res.json()) as Item).comments).toEqual([
      { at: NOW.toISOString(), by: 'user-biller-1', text: 'called the payer' },
      { at: NOW.toISOString(), by: 'user-manager-1', text: 'reprocessing' },
    ]);
  });

  it('resolves once; resolved items leave the open queue', async () => {
    const res = await call('/api/work-items/resolve', biller, { ...CREDIT, note: 'refunded' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      state: 'resolved',
      resolution: { at: NOW.toISOString(), by: 'user-biller-1', note: 'refunded' },
    });
    const again = await call('/api/work-items/resolve', manager, CREDIT);
    expect(again.status).toBe(409);
    expect((await work.get(CREDIT.kind, CREDIT.reference))?.resolution?.by).toBe('user-biller-1');
    expect(refs(await list(''))).toEqual([MISMATCH.reference]);
    expect(refs(await list('?state=resolved'))).toEqual([CREDIT.reference]);
  });

  it("answers 404 for another practice's item, an item naming no claim (biller) and an unknown one", async () => {
    for (const body of [
      { ...OTHER, assignee: 'x' },
      { ...UNMATCHED, assignee: 'x' },
      { kind: 'REMIT_MISMATCH', reference: 'NOPE', assignee: 'x' },
      { kind: 'NOT_A_KIND', reference: MISMATCH.reference, assignee: 'x' },
    ]) {
      const res = await call('/api/work-items/assign', biller, body);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'not_found' });
    }
    expect((await work.get(OTHER.kind, OTHER.reference))?.assignee).toBeUndefined();
    const res = await call('/api/work-items/resolve', manager, UNMATCHED);
    expect(res.status).toBe(200);
  });

  it('documents the routes in a valid OpenAPI 3.1 document', async () => {
    const doc = (await (await app.request('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect((await new Validator().validate(doc)).valid).toBe(true);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/work-items',
        '/api/work-items/assign',
        '/api/work-items/comment',
        '/api/work-items/resolve',
      ]),
    );
  });
});
