/**
 * The billing routes (appeals, statements, patient payments and write-offs, reports) against
 * dynalite: real repositories, local JWTs, the Hono app called in-process.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../functions/api/app';
import { localJwt, signLocalToken } from '../../../functions/api/auth';
import { claimIdFor } from '../../../shared/claims/ids';
import type { Claim, ClaimStatus } from '../../../shared/claims/model';
import type { LedgerEntry } from '../../../shared/posting/ledger';
import {
  AccessAuditRepository,
  ClaimRepository,
  EventRepository,
  InterchangeRepository,
  LedgerRepository,
  StatementRepository,
  WorkItemRepository,
} from '../../../shared/store';
import { appendClaimEvent } from '../../../shared/workbench/billing';
import { pdfText } from '../../support/pdf';
import { type Harness, makeClaim, startHarness } from '../store/harness';

const SECRET = 'local-test-secret-0123456789-abcdefghij';
const NOW = new Date('2026-04-01T12:00:00.000Z');

let h: Harness;
let app: ReturnType<typeof createApi>;
let claims: ClaimRepository;
let events: EventRepository;
let audit: AccessAuditRepository;
const tokens: Record<'biller' | 'manager' | 'prac2' | 'prac2Manager', string> = {
  biller: '',
  manager: '',
  prac2: '',
  prac2Manager: '',
};

function claimFor(practiceId: string, enc: string, payerId = 'PAYER1'): Claim {
  const base = makeClaim(claimIdFor(practiceId, enc), practiceId);
  return { ...base, encounterId: enc, payer: { payerId, name: `TEST ${payerId}` } };
}
const DENIED = claimFor('PRAC1', 'ENC-DEN'); // CO-50 denial, 10000
const PAID = claimFor('PRAC1', 'ENC-PAID', 'PAYER2'); // paid 6000, CO-45 2000, PR-1 2000
const OTHER = claimFor('PRAC2', 'ENC-OTHER'); // another practice, PR 1000

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
type Body = any;
const read = async (res: Response): Promise<Body> => res.json();
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const get = (path: string, token?: string) => app.request(path, token ? { headers: auth(token) } : {});
const post = (path: string, body: unknown, token: string) =>
  app.request(path, {
    method: 'POST',
    headers: { ...auth(token), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function moveTo(claimId: string, path: ClaimStatus[], at: string) {
  for (const to of path) await claims.transition(claimId, { claimId, to, event: to }, at);
}

function remitEntries(
  claimId: string,
  trace: string,
  at: string,
  rows: [LedgerEntry['kind'], number, string?, string?][],
) {
  const source = { traceNumber: trace, payerClaimControlNumber: `PCN-${trace}` };
  return rows.map(([kind, amountCents, group, carc], i) => ({
    entryId: `R-${trace}-00${i + 1}`,
    claimId,
    kind,
    amountCents,
    ...(group ? { group: group as 'CO' | 'PR' } : {}),
    ...(carc ? { carc } : {}),
    source,
    at,
  })) as LedgerEntry[];
}

beforeAll(async () => {
  h = await startHarness('claimflow-billing-test');
  claims = new ClaimRepository(h.doc, h.tableName);
  events = new EventRepository(h.doc, h.tableName);
  audit = new AccessAuditRepository(h.doc, h.tableName);
  const ledger = new LedgerRepository(h.doc, h.tableName);
  const interchanges = new InterchangeRepository(h.doc, h.tableName);
  for (const c of [DENIED, PAID, OTHER]) await claims.putIfAbsent(c);
  const ports = { getClaim: (id: string) => claims.get(id), saveEventOnce: claims.saveOnce.bind(claims) };
  // The denied claim: sent in interchange 42, accepted by 999 and 277CA, denied CO-50 by the 835.
  await interchanges.put({
    interchangeControlNumber: '000000042',
    groupControlNumber: '42',
    transactionSetControlNumber: '0001',
    payerId: 'PAYER1',
    x12Key: 'x12/out/PAYER1/42.x12',
    claimIds: [DENIED.claimId],
    createdAt: '2026-01-21T08:00:00.000Z',
    sentAt: '2026-01-21T08:00:03.000Z',
  });
  await moveTo(DENIED.claimId, ['SCRUBBED'], '2026-01-20T01:00:00.000Z');
  await moveTo(DENIED.claimId, ['SUBMITTED'], '2026-01-21T08:00:00.000Z');
  await appendClaimEvent(
    ports,
    DENIED.claimId,
    'SUBMITTED',
    { interchangeControlNumber: '000000042' },
    'T-S',
    '2026-01-21T08:00:01.000Z',
  );
  await appendClaimEvent(
    ports,
    DENIED.claimId,
    'ACK_999_ACCEPTED',
    { groupControlNumber: '42' },
    'T-999',
    '2026-01-21T09:00:00.000Z',
  );
  await appendClaimEvent(
    ports,
    DENIED.claimId,
    'ACK_277CA_ACCEPTED',
    { payerClaimControlNumber: 'PCN-TD' },
    'T-277',
    '2026-01-22T09:00:00.000Z',
  );
  await ledger.postRemit(
    DENIED.claimId,
    'TD/x/y',
    remitEntries(DENIED.claimId, 'TD', '2026-02-20T10:00:00.000Z', [['ADJUSTMENT', 10000, 'CO', '50']]),
  );
  await moveTo(DENIED.claimId, ['ACCEPTED', 'DENIED'], '2026-02-20T10:00:00.000Z');
  await appendClaimEvent(
    ports,
    DENIED.claimId,
    'REMIT_POSTED',
    { paidCents: 0, carcs: ['CO-50'], traceNumber: 'TD' },
    'T-R',
    '2026-02-20T10:00:01.000Z',
  );
  // The paid claim leaves 20.00 to the patient; the other practice's claim 10.00.
  await ledger.postRemit(
    PAID.claimId,
    'TP/x/y',
    remitEntries(PAID.claimId, 'TP', '2026-02-10T10:00:00.000Z', [
      ['PAYMENT', 6000],
      ['ADJUSTMENT', 2000, 'CO', '45'],
      ['PATIENT_RESPONSIBILITY', 2000, 'PR', '1'],
    ]),
  );
  await ledger.postRemit(
    OTHER.claimId,
    'TO/x/y',
    remitEntries(OTHER.claimId, 'TO', '2026-02-10T10:00:00.000Z', [
      ['PAYMENT', 9000],
      ['PATIENT_RESPONSIBILITY', 1000, 'PR', '1'],
    ]),
  );

  app = createApi({
    repositories: {
      claims,
      events,
      ledger,
      work: new WorkItemRepository(h.doc, h.tableName),
      audit,
    },
    billing: {
      claims,
      interchanges,
      statements: new StatementRepository(h.doc, h.tableName),
      appealConfig: { appealDaysByPayer: { PAYER9: 60 } },
    },
    authenticate: localJwt(SECRET),
    clock: () => NOW,
  });
  tokens.biller = await signLocalToken(SECRET, { sub: 'u-biller', groups: ['PRAC1', 'biller'] });
  tokens.manager = await signLocalToken(SECRET, { sub: 'u-manager', groups: ['PRAC1', 'manager'] });
  tokens.prac2 = await signLocalToken(SECRET, { sub: 'u-prac2', groups: ['PRAC2', 'biller'] });
  tokens.prac2Manager = await signLocalToken(SECRET, { sub: 'u-prac2-m', groups: ['PRAC2', 'manager'] });
});
afterAll(async () => h?.stop());

describe('authorization on every billing route', () => {
  const routes: [string, string, unknown?][] = [
    ['POST', `/api/claims/${DENIED.claimId}/appeal`, {}],
    ['GET', `/api/claims/${DENIED.claimId}/appeal/packet`],
    ['POST', `/api/claims/${DENIED.claimId}/appeal/outcome`, { outcome: 'UPHELD', decidedOn: '2026-03-01' }],
    [
      'POST',
      `/api/claims/${PAID.claimId}/patient-payments`,
      { key: 'k', amountCents: 1, method: 'CASH', receivedOn: '2026-03-01' },
    ],
    [
      'POST',
      `/api/claims/${PAID.claimId}/patient-write-offs`,
      { key: 'k', amountCents: 1, reason: 'small balance' },
    ],
    ['POST', '/api/statements/runs', { practiceId: 'PRAC1', runNumber: 1 }],
    ['GET', '/api/statements/runs/PRAC1/1/1'],
    ['GET', '/api/reports/ar-aging'],
    ['GET', '/api/reports/kpis'],
  ];
  it('answers 401 without a token', async () => {
    for (const [method, path, body] of routes) {
      const res = await app.request(path, {
        method,
        ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
      });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });
  it("answers 404 for another practice's claims, runs and statements (manager too)", async () => {
    for (const [method, path, body] of routes.slice(0, 7)) {
      const res =
        method === 'GET' ? await get(path, tokens.prac2Manager) : await post(path, body, tokens.prac2Manager);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await read(res)).toEqual({ error: 'not_found' });
    }
  });
});

describe('appeals', () => {
  it('opens an appeal once, with the deadline 180 days from the 835', async () => {
    const res = await post(`/api/claims/${DENIED.claimId}/appeal`, {}, tokens.biller);
    expect(res.status).toBe(200);
    const body = await read(res);
    expect(body).toMatchObject({
      category: 'MEDICAL_NECESSITY',
      deadline: '2026-08-19',
      appealDays: 180,
      recorded: 'saved',
    });
    expect(body.denial.codes[0]).toMatchObject({ code: 'CO-50', kind: 'CARC', amountCents: 10000 });
    expect(body.timelyFiling.interchanges[0]).toMatchObject({
      interchangeControlNumber: '000000042',
      sentAt: '2026-01-21T08:00:03.000Z',
    });
    const again = await read(await post(`/api/claims/${DENIED.claimId}/appeal`, {}, tokens.biller));
    expect(again.recorded).toBe('duplicate');
    const opened = (await events.list(DENIED.claimId)).filter((e) => e.type === 'APPEAL_OPENED');
    expect(opened).toHaveLength(1);
    expect(opened[0]?.detail).toMatchObject({ deadline: '2026-08-19', by: 'u-biller' });
    expect(opened[0]?.status).toBe('DENIED');
  });

  it('answers 409 for a claim without a denial', async () => {
    const res = await post(`/api/claims/${PAID.claimId}/appeal`, {}, tokens.biller);
    expect(res.status).toBe(409);
    expect(await read(res)).toEqual({ error: 'not_denied' });
  });

  it('serves the packet as an uncached PDF naming the codes and the proof of timely filing', async () => {
    const res = await get(`/api/claims/${DENIED.claimId}/appeal/packet`, tokens.biller);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect((await PDFDocument.load(bytes)).getPageCount()).toBeGreaterThanOrEqual(1);
    const text = await pdfText(bytes);
    expect(text).toContain('CARC CO-50');
    expect(text).toContain('Interchange 000000042 (group 42)');
    expect(text).toContain('277CA accepted 2026-01-22T09:00:00.000Z');
    expect(text).toContain('Appeal deadline: 2026-08-19');
  });

  it('records the outcome once as a claim event', async () => {
    const body = { outcome: 'OVERTURNED', decidedOn: '2026-03-15' };
    // The claim is DENIED, not under an appeal its execution waits on: recorded only.
    expect(
      await read(await post(`/api/claims/${DENIED.claimId}/appeal/outcome`, body, tokens.biller)),
    ).toEqual({ recorded: 'saved', route: 'REMIT', resumed: 'none' });
    expect(
      await read(await post(`/api/claims/${DENIED.claimId}/appeal/outcome`, body, tokens.biller)),
    ).toEqual({ recorded: 'duplicate', route: 'REMIT', resumed: 'none' });
    const outcome = (await events.list(DENIED.claimId)).filter((e) => e.type === 'APPEAL_OUTCOME');
    expect(outcome.map((e) => e.detail?.outcome)).toEqual(['OVERTURNED']);
    const bad = await post(`/api/claims/${DENIED.claimId}/appeal/outcome`, { outcome: 'WON' }, tokens.biller);
    expect(bad.status).toBe(400);
  });
});

describe('patient payments, statements and write-offs', () => {
  const pay = (key: string, amountCents: number, token = tokens.biller) =>
    post(
      `/api/claims/${PAID.claimId}/patient-payments`,
      { key, amountCents, method: 'CHECK', receivedOn: '2026-03-30' },
      token,
    );

  it('posts a payment once per key and keeps responsibility = payments + write-offs + balance', async () => {
    const first = await pay('chk-1001', 1500);
    expect(first.status).toBe(200);
    const body = await read(first);
    expect(body).toMatchObject({
      posted: 'posted',
      balance: { responsibilityCents: 2000, paymentsCents: 1500, writeOffCents: 0, balanceCents: 500 },
    });
    const again = await read(await pay('chk-1001', 1500));
    expect(again).toMatchObject({
      posted: 'duplicate',
      entryId: body.entryId,
      balance: { balanceCents: 500 },
    });
  });

  it('refuses more than the open balance and non-positive amounts with 422', async () => {
    const over = await pay('chk-1002', 501);
    expect(over.status).toBe(422);
    expect((await read(over)).error).toBe('exceeds_balance');
    expect((await pay('chk-1003', 0)).status).toBe(422);
  });

  it('runs statements idempotently by run number', async () => {
    const first = await post(
      '/api/statements/runs',
      { practiceId: 'PRAC1', runNumber: 1, statementDate: '2026-04-01' },
      tokens.biller,
    );
    expect(first.status).toBe(201);
    const run = await read(first);
    expect(run.run).toMatchObject({ practiceId: 'PRAC1', runNumber: 1, statements: 1, amountDueCents: 500 });
    expect(run.statements).toEqual([{ statementNumber: 1, claimIds: [PAID.claimId], amountDueCents: 500 }]);
    expect(JSON.stringify(run)).not.toContain('TESTPATIENT');
    await pay('chk-1004', 100); // the books move on; the saved run does not
    const second = await post('/api/statements/runs', { practiceId: 'PRAC1', runNumber: 1 }, tokens.biller);
    expect(second.status).toBe(200);
    const rerun = await read(second);
    expect(rerun.outcome).toBe('exists');
    expect(rerun.run).toEqual(run.run);
    expect(rerun.statements).toEqual(run.statements);
  });

  it('serves a statement PDF with the amount due', async () => {
    const res = await get('/api/statements/runs/PRAC1/1/1', tokens.biller);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const text = await pdfText(new Uint8Array(await res.arrayBuffer()));
    expect(text).toContain('Amount due: $5.00');
    expect(text).toContain('ALPHA TESTPATIENT');
    expect((await get('/api/statements/runs/PRAC1/1/2', tokens.biller)).status).toBe(404);
    const other = await get('/api/statements/runs/PRAC1/1/1', tokens.prac2Manager);
    expect(other.status).toBe(404);
    expect(await read(other)).toEqual({ error: 'not_found' });
    expect((await get('/api/statements/runs/PRAC1/9/1', tokens.biller)).status).toBe(404);
  });

  it('lets a manager, not a biller, write off a small balance with a reason', async () => {
    const body = { key: 'wo-1', amountCents: 400, reason: 'small balance' };
    const biller = await post(`/api/claims/${PAID.claimId}/patient-write-offs`, body, tokens.biller);
    expect(biller.status).toBe(403);
    expect(await read(biller)).toEqual({ error: 'forbidden' });
    const manager = await post(`/api/claims/${PAID.claimId}/patient-write-offs`, body, tokens.manager);
    expect(manager.status).toBe(200);
    expect((await read(manager)).balance).toEqual({
      responsibilityCents: 2000,
      paymentsCents: 1600,
      writeOffCents: 400,
      balanceCents: 0,
    });
    const noReason = await post(
      `/api/claims/${PAID.claimId}/patient-write-offs`,
      { key: 'wo-2', amountCents: 1 },
      tokens.manager,
    );
    expect(noReason.status).toBe(400);
  });
});

describe('reports', () => {
  it("A/R aging of the caller's practices only, as JSON and as CSV", async () => {
    const res = await get('/api/reports/ar-aging', tokens.biller);
    expect(res.status).toBe(200);
    const r = await read(res);
    expect(r.asOf).toBe('2026-04-01');
    // DOS 2026-01-15 -> 76 days: 61-90. DENIED is fully adjusted and PAID's patient side is settled.
    expect(r.rows).toEqual([]);
    const other = await read(await get('/api/reports/ar-aging', tokens.prac2));
    expect(other.rows).toEqual([
      { payerId: 'PAYER1', bucket: '61-90', insuranceCents: 0, patientCents: 1000, claims: 1 },
    ]);
    const csv = await get('/api/reports/ar-aging?format=csv', tokens.prac2);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toBe(
      'as_of,payer_id,bucket,insurance_cents,patient_cents,claims\r\n2026-04-01,PAYER1,61-90,0,1000,1\r\n',
    );
    expect((await read(await get('/api/reports/ar-aging?practiceId=PRAC1', tokens.prac2))).rows).toEqual([]);
  });

  it('KPIs as JSON and CSV', async () => {
    const k = await read(await get('/api/reports/kpis', tokens.biller));
    expect(k.claims).toBe(2);
    expect(k.denials.overall).toEqual({ numerator: 1, denominator: 1, rate: 1 });
    expect(k.netCollection).toMatchObject({
      paymentsCents: 6000,
      patientPaymentsCents: 1600,
      chargesCents: 20000,
      contractualCents: 12000,
    });
    const csv = await (await get('/api/reports/kpis?format=csv', tokens.biller)).text();
    expect(csv).toContain('2026-04-01,denial_rate_by_carc,CO-50,1,1,1');
  });

  it('every billing call was audited, ids only', async () => {
    const day = await audit.listDay('2026-04-01');
    const actions = new Set(day.map((e) => e.action));
    for (const a of [
      'OPEN_APPEAL',
      'READ_APPEAL_PACKET',
      'RECORD_APPEAL_OUTCOME',
      'POST_PATIENT_PAYMENT',
      'RUN_STATEMENTS',
      'READ_STATEMENT',
      'WRITE_OFF_PATIENT_BALANCE',
      'READ_REPORT',
    ]) {
      expect(actions.has(a as never), a).toBe(true);
    }
    expect(day.some((e) => e.outcome === 'NOT_FOUND' && e.sub === 'u-prac2-m')).toBe(true);
    expect(JSON.stringify(day)).not.toContain('TESTPATIENT');
  });
});

describe('OpenAPI document', () => {
  it('validates as OpenAPI 3.1 with the billing routes', async () => {
    const doc = await read(await get('/api/openapi.json'));
    const result = await new Validator().validate(doc);
    expect(result.errors).toBeUndefined();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/claims/{claimId}/appeal',
        '/api/claims/{claimId}/appeal/packet',
        '/api/claims/{claimId}/appeal/outcome',
        '/api/claims/{claimId}/patient-payments',
        '/api/claims/{claimId}/patient-write-offs',
        '/api/statements/runs',
        '/api/statements/runs/{practiceId}/{runNumber}/{statementNumber}',
        '/api/reports/ar-aging',
        '/api/reports/kpis',
      ]),
    );
    expect(doc.paths['/api/claims/{claimId}/patient-write-offs'].post.responses).toHaveProperty('403');
  });
});
