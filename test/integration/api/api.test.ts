/**
 * The workbench API against dynalite: real repositories, local JWTs, the Hono app called in-process,
 * through @hono/node-server and through the hono/aws-lambda adapter with a Cognito-authorized event.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../functions/api/app';
import { cognitoAuthorizer, localJwt, signLocalToken } from '../../../functions/api/auth';
import { serveApi } from '../../../functions/api/local';
import { claimIdFor } from '../../../shared/claims/ids';
import type { Claim } from '../../../shared/claims/model';
import type { LedgerEntry } from '../../../shared/posting/ledger';
import {
  type AccessAuditRecord,
  AccessAuditRepository,
  ClaimRepository,
  EventRepository,
  LedgerRepository,
  WorkItemRepository,
} from '../../../shared/store';
import { type Harness, makeClaim, startHarness } from '../store/harness';

const SECRET = 'local-test-secret-0123456789-abcdefghij';
const NOW = new Date('2026-04-01T12:00:00.000Z');
const TODAY = '2026-04-01';

let h: Harness;
let repos: {
  claims: ClaimRepository;
  events: EventRepository;
  ledger: LedgerRepository;
  work: WorkItemRepository;
  audit: AccessAuditRepository;
};
let app: ReturnType<typeof createApi>;
let billerToken: string;
let prac2Token: string;

/** A fake claim of `practiceId` for encounter `enc`, every line on `dos`, billed to `payerId`. */
function claimFor(practiceId: string, enc: string, dos: string, payerId = 'PAYER1'): Claim {
  const claimId = claimIdFor(practiceId, enc);
  const base = makeClaim(claimId, practiceId);
  return {
    ...base,
    encounterId: enc,
    payer: { payerId, name: `TEST ${payerId}` },
    lines: base.lines.map((l) => ({ ...l, dateOfService: dos })),
  };
}

const A = claimFor('PRAC1', 'ENC-A', '2026-03-20'); // 12 days: 0-30
const B = claimFor('PRAC1', 'ENC-B', '2026-02-10', 'PAYER2'); // 50 days: 31-60, submitted, remitted
const OLD = [1, 2, 3, 4, 5].map((n) => claimFor('PRAC1', `ENC-OLD${n}`, '2025-11-01')); // 151 days: 120+
const X = claimFor('PRAC2', 'ENC-A', '2026-03-20'); // same encounter number, another practice
const PRAC1_IDS = [A, B, ...OLD].map((c) => c.claimId).sort();

interface Summary {
  claimId: string;
  practiceId: string;
  [k: string]: unknown;
}
interface Page {
  items: Summary[];
  cursor?: string;
}
// biome-ignore lint/suspicious/noExplicitAny: test bodies are asserted field by field
type Body = any;
const read = async <T = Body>(res: Response): Promise<T> => (await res.json()) as T;

const get = (path: string, token?: string) =>
  app.request(path, token ? { headers: { authorization: `Bearer ${token}` } } : {});
const post = (path: string, body: unknown, token: string) =>
  app.request(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  h = await startHarness('claimflow-api-test');
  repos = {
    claims: new ClaimRepository(h.doc, h.tableName),
    events: new EventRepository(h.doc, h.tableName),
    ledger: new LedgerRepository(h.doc, h.tableName),
    work: new WorkItemRepository(h.doc, h.tableName),
    audit: new AccessAuditRepository(h.doc, h.tableName),
  };
  for (const c of [A, B, ...OLD, X]) await repos.claims.putIfAbsent(c);
  await repos.claims.transition(
    B.claimId,
    { claimId: B.claimId, to: 'SCRUBBED', event: 'SCRUBBED' },
    '2026-02-11T00:00:00.000Z',
  );
  await repos.claims.transition(
    B.claimId,
    { claimId: B.claimId, to: 'SUBMITTED', event: 'SUBMITTED' },
    '2026-02-12T00:00:00.000Z',
  );
  const at = '2026-03-01T00:00:00.000Z';
  const source = { traceNumber: 'TRACE1', payerClaimControlNumber: 'PCN1' };
  const remit: LedgerEntry[] = [
    { entryId: 'R-T1-001', claimId: B.claimId, kind: 'PAYMENT', amountCents: 5000, source, at },
    {
      entryId: 'R-T1-002',
      claimId: B.claimId,
      kind: 'ADJUSTMENT',
      amountCents: 2000,
      carc: '45',
      group: 'CO',
      source,
      at,
    },
    {
      entryId: 'R-T1-003',
      claimId: B.claimId,
      kind: 'PATIENT_RESPONSIBILITY',
      amountCents: 1000,
      carc: '2',
      group: 'PR',
      source,
      at,
    },
  ];
  await repos.ledger.postRemit(B.claimId, 'TRACE1/B/PCN1', remit);
  await repos.work.add('REMIT_MISMATCH', `TRACE1/${B.claimId}`, { problems: ['CHARGE_MISMATCH'] }, at);
  await repos.work.add('REMIT_MISMATCH', `TRACE1/${X.claimId}`, { problems: ['UNBALANCED'] }, at);
  app = createApi({ repositories: repos, authenticate: localJwt(SECRET), clock: () => NOW });
  // Tokens are checked against the real clock (exp); the API's clock only dates data and audit.
  billerToken = await signLocalToken(SECRET, { sub: 'user-biller-1', groups: ['PRAC1', 'biller'] });
  prac2Token = await signLocalToken(SECRET, { sub: 'user-biller-2', groups: ['PRAC2', 'biller'] });
});
afterAll(async () => h?.stop());

describe('authentication', () => {
  it('answers 401 without a token, with a bad signature, an expired token or no role group', async () => {
    const other = await signLocalToken('another-secret-0123456789-abcdefghijkl', {
      sub: 'u',
      groups: ['PRAC1', 'biller'],
    });
    const expired = await signLocalToken(
      SECRET,
      { sub: 'u', groups: ['PRAC1', 'biller'] },
      { now: new Date('2020-01-01T00:00:00Z') },
    );
    const noRole = await signLocalToken(SECRET, { sub: 'u', groups: ['PRAC1'] });
    for (const res of [
      await get('/api/claims'),
      await get(`/api/claims/${A.claimId}`),
      await get('/api/claims', other),
      await get('/api/claims', expired),
      await get('/api/claims', noRole),
      await app.request('/api/claims', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }),
    ]) {
      expect(res.status).toBe(401);
      expect(await read(res)).toEqual({ error: 'unauthorized' });
    }
  });
});

describe('GET /api/claims', () => {
  it("lists the caller's practice claims only, uncached", async () => {
    const res = await get('/api/claims?limit=100', billerToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const page = await read(res);
    expect(page.items.map((s: { claimId: string }) => s.claimId).sort()).toEqual(PRAC1_IDS);
    expect(page.cursor).toBeUndefined();
    expect(JSON.stringify(page)).not.toContain('TESTPATIENT');
    const b = page.items.find((s: { claimId: string }) => s.claimId === B.claimId);
    expect(b).toMatchObject({
      status: 'SUBMITTED',
      payerId: 'PAYER2',
      encounterId: 'ENC-B',
      serviceFrom: '2026-02-10',
      totalChargeCents: 10000,
      arAgeDays: 50,
      arBucket: '31-60',
    });
  });

  it('filters by status, payer, A/R bucket, date of service, practice and claim id', async () => {
    const ids = async (query: string, token = billerToken) => {
      const res = await get(`/api/claims?${query}`, token);
      expect(res.status).toBe(200);
      return ((await read(res)).items as { claimId: string }[]).map((s) => s.claimId).sort();
    };
    expect(await ids('status=SUBMITTED')).toEqual([B.claimId]);
    expect(await ids('payerId=PAYER2')).toEqual([B.claimId]);
    expect(await ids('arBucket=120%2B&limit=100')).toEqual(OLD.map((c) => c.claimId).sort());
    expect(await ids('arBucket=0-30')).toEqual([A.claimId]);
    expect(await ids('serviceFrom=2026-02-01&serviceTo=2026-03-20')).toEqual([A.claimId, B.claimId].sort());
    expect(await ids('serviceFrom=2026-02-01&serviceTo=2026-03-19')).toEqual([B.claimId]);
    expect(await ids('status=RECEIVED&payerId=PAYER2')).toEqual([]);
    expect(await ids(`claimId=${A.claimId}`)).toEqual([A.claimId]);
    expect(await ids(`claimId=${X.claimId}`)).toEqual([]);
    expect(await ids('practiceId=PRAC2')).toEqual([]);
    expect(await ids('practiceId=PRAC2', prac2Token)).toEqual([X.claimId]);
  });

  it('refuses bad filters naming the field, never echoing the value', async () => {
    const res = await get('/api/claims?status=NOT_A_STATUS&serviceFrom=JOHN-DOE', billerToken);
    expect(res.status).toBe(400);
    const body = await read(res);
    expect(body.error).toBe('bad_request');
    expect(body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['serviceFrom', 'status']);
    expect(JSON.stringify(body)).not.toMatch(/JOHN|NOT_A_STATUS/);
  });

  it('pages with an opaque cursor through every claim exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await get(`/api/claims?limit=2${cursor ? `&cursor=${cursor}` : ''}`, billerToken);
      expect(res.status).toBe(200);
      const page = await read(res);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((s: { claimId: string }) => s.claimId));
      cursor = page.cursor;
      pages++;
    } while (cursor && pages < 20);
    expect(seen.sort()).toEqual(PRAC1_IDS);
    expect(pages).toBeGreaterThanOrEqual(4);
  });

  it('pages a filtered list (only accepted claims count toward the limit)', async () => {
    const first = await await read<Page>(await get('/api/claims?arBucket=120%2B&limit=3', billerToken));
    expect(first.items).toHaveLength(3);
    const second = await await read<Page>(
      await get(`/api/claims?arBucket=120%2B&limit=3&cursor=${first.cursor}`, billerToken),
    );
    expect([...first.items, ...second.items].map((s: { claimId: string }) => s.claimId).sort()).toEqual(
      OLD.map((c) => c.claimId).sort(),
    );
  });

  it('refuses a forged cursor and a cursor of another practice with 400', async () => {
    expect((await get('/api/claims?cursor=not-a-cursor', billerToken)).status).toBe(400);
    const theirs = await await read<Page>(await get('/api/claims?limit=1', prac2Token));
    const forged = Buffer.from(JSON.stringify({ p: 'PRAC2', s: 'RECEIVED' })).toString('base64url');
    for (const cursor of [theirs.cursor, forged].filter(Boolean)) {
      const res = await get(`/api/claims?cursor=${cursor}`, billerToken);
      expect(res.status).toBe(400);
      expect(await read(res)).toEqual({
        error: 'bad_request',
        issues: [{ path: 'cursor', code: 'invalid_cursor' }],
      });
    }
  });
});

describe('POST /api/claims/search', () => {
  it("finds a patient account among the caller's practices only (account in the body, not the URL)", async () => {
    const res = await post('/api/claims/search', { patientAccount: 'ENC-A' }, billerToken);
    expect(res.status).toBe(200);
    expect((await read(res)).items.map((s: { claimId: string }) => s.claimId)).toEqual([A.claimId]);
    const res2 = await post('/api/claims/search', { patientAccount: 'ENC-A' }, prac2Token);
    expect((await read(res2)).items.map((s: { claimId: string }) => s.claimId)).toEqual([X.claimId]);
    const none = await post('/api/claims/search', { patientAccount: 'ENC-NOPE' }, billerToken);
    expect((await read(none)).items).toEqual([]);
  });

  it('takes the list filters too and refuses a malformed body without echoing it', async () => {
    const res = await post('/api/claims/search', { status: 'SUBMITTED', limit: 10 }, billerToken);
    expect((await read(res)).items.map((s: { claimId: string }) => s.claimId)).toEqual([B.claimId]);
    const bad = await app.request('/api/claims/search', {
      method: 'POST',
      headers: { authorization: `Bearer ${billerToken}`, 'content-type': 'application/json' },
      body: '{"patientAccount": "ENC-SECRET"',
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).not.toContain('ENC-SECRET');
  });
});

describe('GET /api/claims/{claimId}', () => {
  it('returns the claim with lines, diagnoses, timeline, ledger with running balance and work items', async () => {
    const res = await get(`/api/claims/${B.claimId}`, billerToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const d = await read(res);
    expect(d.claim.lines).toHaveLength(2);
    expect(d.claim.diagnoses).toEqual(['E119']);
    expect(d.scrubFindings).toEqual([]);
    expect(d.summary).toMatchObject({ claimId: B.claimId, status: 'SUBMITTED', arBucket: '31-60' });
    expect(d.timeline.map((e: { type: string }) => e.type)).toEqual(['RECEIVED', 'SCRUBBED', 'SUBMITTED']);
    expect(
      d.ledger.rows.map((r: { entryId: string; runningBalanceCents: number }) => [
        r.entryId,
        r.runningBalanceCents,
      ]),
    ).toEqual([
      ['C-001', 6000],
      ['C-002', 10000],
      ['R-T1-001', 5000],
      ['R-T1-002', 3000],
      ['R-T1-003', 2000],
    ]);
    expect(d.ledger.totals).toEqual({
      chargesCents: 10000,
      paymentsCents: 5000,
      adjustmentsCents: 2000,
      patientResponsibilityCents: 1000,
      writeOffCents: 0,
      balanceCents: 2000,
    });
    expect(d.workItems.map((w: { reference: string }) => w.reference)).toEqual([`TRACE1/${B.claimId}`]);
  });

  it('answers 404 for a claim of another practice, exactly as for a claim that does not exist', async () => {
    const foreign = await get(`/api/claims/${X.claimId}`, billerToken);
    const missing = await get('/api/claims/CNOSUCHCLAIM00000', billerToken);
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(await read(foreign)).toEqual(await read(missing));
    expect((await get(`/api/claims/${X.claimId}`, prac2Token)).status).toBe(200);
  });
});

describe('access audit', () => {
  it('writes who/when/what for every list and detail read, ids only', async () => {
    let tick = 0;
    const auditor = createApi({
      repositories: { ...repos, audit: new AccessAuditRepository(h.doc, 'claimflow-api-test') },
      authenticate: localJwt(SECRET),
      clock: () => new Date(Date.parse('2026-04-02T09:00:00.000Z') + 1000 * tick++),
    });
    const call = (path: string, init: RequestInit = {}) =>
      auditor.request(path, {
        ...init,
        headers: { ...init.headers, authorization: `Bearer ${billerToken}` },
      });
    await call(`/api/claims/${B.claimId}`);
    await call(`/api/claims/${X.claimId}`);
    await call('/api/claims?status=SUBMITTED');
    await call('/api/claims/search', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ patientAccount: 'ENC-A' }),
    });
    await auditor.request('/api/claims'); // 401: no caller, nothing read, nothing audited
    const day = await repos.audit.listDay('2026-04-02');
    expect(
      day.map((r: AccessAuditRecord) => [r.action, r.route, r.outcome, r.claimIds, r.practiceIds]),
    ).toEqual([
      ['READ_CLAIM', 'GET /api/claims/{claimId}', 'OK', [B.claimId], ['PRAC1']],
      ['READ_CLAIM', 'GET /api/claims/{claimId}', 'NOT_FOUND', [X.claimId], ['PRAC1']],
      ['LIST_CLAIMS', 'GET /api/claims', 'OK', [B.claimId], ['PRAC1']],
      ['LIST_CLAIMS', 'POST /api/claims/search', 'OK', [A.claimId], ['PRAC1']],
    ]);
    for (const r of day) {
      expect(r).toMatchObject({ sub: 'user-biller-1', role: 'biller' });
      expect(r.at).toMatch(/^2026-04-02T09:00:0\d\.000Z$/);
      expect(r.auditId).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.requestId).toBeTruthy();
    }
    const stored = JSON.stringify(day);
    for (const phi of ['TESTPATIENT', 'ALPHA', '1980-02-03', 'TESTMEMBER1', 'ENC-A', 'E119']) {
      expect(stored).not.toContain(phi);
    }
  });

  it("is readable by admins only, each admin seeing their practices' entries, paged", async () => {
    let tick = 0;
    const auditor = createApi({
      repositories: { ...repos, audit: new AccessAuditRepository(h.doc, 'claimflow-api-test') },
      authenticate: localJwt(SECRET),
      clock: () => new Date(Date.parse('2026-04-03T09:00:00.000Z') + 1000 * tick++),
    });
    const adminToken = await signLocalToken(SECRET, { sub: 'user-admin-1', groups: ['PRAC1', 'admin'] });
    const managerToken = await signLocalToken(SECRET, {
      sub: 'user-manager-1',
      groups: ['PRAC1', 'manager'],
    });
    const call = (path: string, token: string) =>
      auditor.request(path, { headers: { authorization: `Bearer ${token}` } });
    await call(`/api/claims/${B.claimId}`, billerToken); // PRAC1
    await call(`/api/claims/${X.claimId}`, prac2Token); // PRAC2's own read: not PRAC1's admin's business
    await call(`/api/claims/${A.claimId}`, billerToken);

    for (const token of [billerToken, managerToken]) {
      const refused = await call('/api/audit?day=2026-04-03', token);
      expect(refused.status).toBe(403);
    }
    const read = async (query: string) => {
      const res = await call(`/api/audit?${query}`, adminToken);
      expect(res.status).toBe(200);
      return (await res.json()) as { items: AccessAuditRecord[]; cursor?: string };
    };
    const first = await read('day=2026-04-03&limit=1');
    expect(first.items.map((r) => r.claimIds)).toEqual([[B.claimId]]);
    expect(first.cursor).toBeTruthy();
    const rest = await read(`day=2026-04-03&limit=50&cursor=${first.cursor}`);
    // The manager's refused read (PRAC1) shows, the PRAC2 biller's read does not; the first admin
    // read is there too (reads of the log are audited).
    expect(rest.items.map((r) => [r.sub, r.action, r.outcome])).toEqual([
      ['user-biller-1', 'READ_CLAIM', 'OK'],
      ['user-biller-1', 'READ_AUDIT_LOG', 'REFUSED'],
      ['user-manager-1', 'READ_AUDIT_LOG', 'REFUSED'],
      ['user-admin-1', 'READ_AUDIT_LOG', 'OK'],
    ]);
    expect(rest.cursor).toBeUndefined();
    const byClaim = await read(`day=2026-04-03&claimId=${A.claimId}`);
    expect(byClaim.items.map((r) => r.claimIds)).toEqual([[A.claimId]]);
    const bySub = await read('day=2026-04-03&sub=user-manager-1');
    expect(bySub.items.map((r) => r.sub)).toEqual(['user-manager-1']);
    // A cursor of another day, or a forged one, is refused.
    expect((await call(`/api/audit?day=2026-04-02&cursor=${first.cursor}`, adminToken)).status).toBe(400);
    expect((await call('/api/audit?day=2026-04-03&cursor=%21%21', adminToken)).status).toBe(400);
    expect((await call('/api/audit?day=April', adminToken)).status).toBe(400);
  });

  it('every request of this suite was audited on its day', async () => {
    const day = await repos.audit.listDay(TODAY);
    expect(day.length).toBeGreaterThan(10);
    expect(new Set(day.map((r: AccessAuditRecord) => r.sub))).toEqual(
      new Set(['user-biller-1', 'user-biller-2']),
    );
  });
});

describe('OpenAPI document', () => {
  it('is served without a token, validates as OpenAPI 3.1 and lists the routes', async () => {
    const res = await get('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = await read(res);
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    // Other route files (corrections, work items, reports, ...) check their own paths.
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/claims', '/api/claims/search', '/api/claims/{claimId}']),
    );
    expect(doc.paths['/api/claims'].get.operationId).toBe('listClaims');
    expect(doc.paths['/api/claims/{claimId}'].get.responses).toHaveProperty('404');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});

describe('adapters', () => {
  it('serves the same app through hono/aws-lambda with the Cognito authorizer claims', async () => {
    const lambda = handle(
      createApi({ repositories: repos, authenticate: cognitoAuthorizer(), clock: () => NOW }),
    );
    const event = (claims?: Record<string, unknown>) =>
      ({
        version: '2.0',
        routeKey: 'GET /api/claims/{claimId}',
        rawPath: `/api/claims/${A.claimId}`,
        rawQueryString: '',
        headers: { host: 'api.example.test' },
        pathParameters: { claimId: A.claimId },
        requestContext: {
          accountId: '000000000000',
          apiId: 'api',
          domainName: 'api.example.test',
          domainPrefix: 'api',
          http: {
            method: 'GET',
            path: `/api/claims/${A.claimId}`,
            protocol: 'HTTP/1.1',
            sourceIp: '127.0.0.1',
            userAgent: 'test',
          },
          requestId: 'apigw-request-1',
          routeKey: 'GET /api/claims/{claimId}',
          stage: '$default',
          time: NOW.toUTCString(),
          timeEpoch: NOW.getTime(),
          ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
        },
        isBase64Encoded: false,
      }) as unknown as APIGatewayProxyEventV2 as unknown as LambdaEvent;
    // HTTP API's JWT authorizer hands array claims over as "[a b]" strings.
    const ok = await lambda(event({ sub: 'cognito-sub-1', 'cognito:groups': '[PRAC1 biller]' }));
    expect(ok.statusCode).toBe(200);
    expect(ok.headers?.['x-request-id']).toBe('apigw-request-1');
    expect(JSON.parse(ok.body).summary.claimId).toBe(A.claimId);
    const other = await lambda(event({ sub: 'cognito-sub-2', 'cognito:groups': '[PRAC2 manager]' }));
    expect(other.statusCode).toBe(404);
    const none = await lambda(event());
    expect(none.statusCode).toBe(401);
  });

  it('serves the same app through @hono/node-server on 127.0.0.1', async () => {
    const server = await serveApi(app);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${server.url}/api/claims/${A.claimId}`, {
        headers: { authorization: `Bearer ${billerToken}` },
      });
      expect(res.status).toBe(200);
      expect((await read(res)).summary.claimId).toBe(A.claimId);
      expect((await fetch(`${server.url}/api/claims`)).status).toBe(401);
    } finally {
      await server.stop();
    }
  });
});
