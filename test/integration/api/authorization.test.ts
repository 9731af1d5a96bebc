/**
 * Authorization of every route of the workbench API, from its OpenAPI document: each operation must
 * have a rule in ACCESS below (a new route without one fails this file). For each: no token -> 401;
 * a claim or practice resource of PRAC1 asked for by PRAC2's admin -> 404 (as for one that does not
 * exist); lists and reports read by PRAC2's admin never show PRAC1's data; a role below the route's
 * minimum -> 403. Route-specific behaviour is tested in the route's own file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../functions/api/app';
import { localJwt, signLocalToken } from '../../../functions/api/auth';
import { claimIdFor } from '../../../shared/claims/ids';
import {
  AccessAuditRepository,
  ClaimRepository,
  EventRepository,
  InterchangeRepository,
  LedgerRepository,
  StatementRepository,
  WorkItemRepository,
} from '../../../shared/store';
import type { Role } from '../../../shared/workbench/access';
import { type Harness, makeClaim, startHarness } from '../store/harness';

const SECRET = 'local-test-secret-0123456789-abcdefghij';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const C1 = claimIdFor('PRAC1', 'ENC-AUTHZ-1');
const C2 = claimIdFor('PRAC2', 'ENC-AUTHZ-2');
const ITEM = { kind: 'REMIT_MISMATCH', reference: `TRACE-AUTHZ/${C1}` };

/**
 * claim: the path or body names a PRAC1 claim or item (another practice: 404).
 * practice: the path or body names PRAC1 (another practice: 404).
 * own: the answer holds the caller's practices' data only.
 * open: no token needed.
 */
type Scope = 'claim' | 'practice' | 'own' | 'open';
interface Rule {
  scope: Scope;
  minRole: Role;
  path: string;
  body?: unknown;
}

const ACCESS: Record<string, Rule> = {
  'GET /api/openapi.json': { scope: 'open', minRole: 'biller', path: '/api/openapi.json' },
  'GET /api/claims': { scope: 'own', minRole: 'biller', path: '/api/claims' },
  'POST /api/claims/search': { scope: 'own', minRole: 'biller', path: '/api/claims/search', body: {} },
  'GET /api/claims/{claimId}': { scope: 'claim', minRole: 'biller', path: `/api/claims/${C1}` },
  'GET /api/claims/{claimId}/documents/{documentId}': {
    scope: 'claim',
    minRole: 'biller',
    path: `/api/claims/${C1}/documents/837P-1`,
  },
  'POST /api/claims/{claimId}/correction': {
    scope: 'claim',
    minRole: 'biller',
    path: `/api/claims/${C1}/correction`,
    body: { version: 1, fields: { dx1: 'I10' } },
  },
  'POST /api/claims/{claimId}/appeal': {
    scope: 'claim',
    minRole: 'biller',
    path: `/api/claims/${C1}/appeal`,
    body: {},
  },
  'GET /api/claims/{claimId}/appeal/packet': {
    scope: 'claim',
    minRole: 'biller',
    path: `/api/claims/${C1}/appeal/packet`,
  },
  'POST /api/claims/{claimId}/appeal/outcome': {
    scope: 'claim',
    minRole: 'biller',
    path: `/api/claims/${C1}/appeal/outcome`,
    body: { outcome: 'UPHELD', decidedOn: '2026-02-20' },
  },
  'POST /api/claims/{claimId}/patient-payments': {
    scope: 'claim',
    minRole: 'biller',
    path: `/api/claims/${C1}/patient-payments`,
    body: { key: 'k1', amountCents: 1, method: 'CASH', receivedOn: '2026-02-20' },
  },
  'POST /api/claims/{claimId}/patient-write-offs': {
    scope: 'claim',
    minRole: 'manager',
    path: `/api/claims/${C1}/patient-write-offs`,
    body: { key: 'k1', amountCents: 1, reason: 'small balance' },
  },
  'POST /api/claims/{claimId}/void': {
    scope: 'claim',
    minRole: 'manager',
    path: `/api/claims/${C1}/void`,
    body: { version: 1, reason: 'SENT_IN_ERROR' },
  },
  'POST /api/statements/runs': {
    scope: 'practice',
    minRole: 'biller',
    path: '/api/statements/runs',
    body: { practiceId: 'PRAC1', runNumber: 1 },
  },
  'GET /api/statements/runs/{practiceId}/{runNumber}/{statementNumber}': {
    scope: 'practice',
    minRole: 'biller',
    path: '/api/statements/runs/PRAC1/1/1',
  },
  'GET /api/reports/ar-aging': { scope: 'own', minRole: 'biller', path: '/api/reports/ar-aging' },
  'GET /api/reports/kpis': { scope: 'own', minRole: 'biller', path: '/api/reports/kpis' },
  'GET /api/work-items': { scope: 'own', minRole: 'biller', path: '/api/work-items' },
  'POST /api/work-items/assign': {
    scope: 'claim',
    minRole: 'biller',
    path: '/api/work-items/assign',
    body: { ...ITEM, assignee: 'someone' },
  },
  'POST /api/work-items/comment': {
    scope: 'claim',
    minRole: 'biller',
    path: '/api/work-items/comment',
    body: { ...ITEM, text: 'looked at it' },
  },
  'POST /api/work-items/resolve': {
    scope: 'claim',
    minRole: 'biller',
    path: '/api/work-items/resolve',
    body: { ...ITEM, note: 'done' },
  },
  'POST /api/work-items/candidates': {
    scope: 'claim',
    minRole: 'biller',
    path: '/api/work-items/candidates',
    body: ITEM,
  },
  'POST /api/work-items/match': {
    scope: 'claim',
    minRole: 'biller',
    path: '/api/work-items/match',
    body: { ...ITEM, claimId: C1 },
  },
  'GET /api/audit': { scope: 'own', minRole: 'admin', path: '/api/audit?day=2026-03-01' },
};

const ROLES: Role[] = ['biller', 'manager', 'admin'];
const below = (role: Role) => ROLES.slice(0, ROLES.indexOf(role));

let h: Harness;
let app: ReturnType<typeof createApi>;
const token: Record<string, string> = {};

beforeAll(async () => {
  h = await startHarness('claimflow-authz-test');
  const claims = new ClaimRepository(h.doc, h.tableName);
  const ledger = new LedgerRepository(h.doc, h.tableName);
  const work = new WorkItemRepository(h.doc, h.tableName);
  for (const [id, practice] of [
    [C1, 'PRAC1'],
    [C2, 'PRAC2'],
  ] as const) {
    await claims.putIfAbsent({ ...makeClaim(id, practice), encounterId: id }, NOW.toISOString());
    await ledger.postCharges({ ...makeClaim(id, practice), encounterId: id });
  }
  await work.add(ITEM.kind, ITEM.reference, { problems: ['UNBALANCED'] }, NOW.toISOString());
  const repositories = {
    claims,
    events: new EventRepository(h.doc, h.tableName),
    ledger,
    work,
    audit: new AccessAuditRepository(h.doc, h.tableName),
  };
  app = createApi({
    repositories,
    billing: {
      claims,
      interchanges: new InterchangeRepository(h.doc, h.tableName),
      statements: new StatementRepository(h.doc, h.tableName),
    },
    x12: { interchanges: new InterchangeRepository(h.doc, h.tableName), read: async () => undefined },
    remitMatch: {
      claims,
      ledger,
      work,
      read835: async () => {
        throw new Error('no 835 in this test');
      },
    },
    tokens: { answer: async () => 'answered' },
    authenticate: localJwt(SECRET),
    clock: () => NOW,
  });
  for (const practice of ['PRAC1', 'PRAC2'])
    for (const role of ROLES)
      token[`${practice}/${role}`] = await signLocalToken(SECRET, {
        sub: `user-${practice}-${role}`,
        groups: [practice, role],
      });
}, 60_000);
afterAll(async () => h?.stop());

const call = (rule: Rule, method: string, who?: string) =>
  app.request(rule.path, {
    method,
    headers: {
      ...(who ? { authorization: `Bearer ${token[who]}` } : {}),
      ...(rule.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(rule.body === undefined ? {} : { body: JSON.stringify(rule.body) }),
  });

describe('authorization of every route', () => {
  const operations = async () => {
    const doc = (await (await app.request('/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    return [
      'GET /api/openapi.json',
      ...Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    ];
  };

  it('has a rule for every operation of the OpenAPI document, and none for a route that is gone', async () => {
    expect((await operations()).sort()).toEqual(Object.keys(ACCESS).sort());
  });

  it('answers 401 without a token on every route but the document', async () => {
    for (const [op, rule] of Object.entries(ACCESS)) {
      const res = await call(rule, op.split(' ')[0] as string);
      expect(res.status, op).toBe(rule.scope === 'open' ? 200 : 401);
    }
  });

  it("answers 404 for PRAC1's claims, items and practice resources to PRAC2's admin", async () => {
    for (const [op, rule] of Object.entries(ACCESS)) {
      if (rule.scope !== 'claim' && rule.scope !== 'practice') continue;
      const res = await call(rule, op.split(' ')[0] as string, 'PRAC2/admin');
      expect(res.status, op).toBe(404);
    }
  });

  it("never shows PRAC1's data in PRAC2's lists and reports", async () => {
    // PRAC1's own reads, so that the audit log has PRAC1 entries to keep from PRAC2.
    expect((await call(ACCESS['GET /api/claims/{claimId}'] as Rule, 'GET', 'PRAC1/biller')).status).toBe(200);
    for (const [op, rule] of Object.entries(ACCESS)) {
      if (rule.scope !== 'own') continue;
      const res = await call(rule, op.split(' ')[0] as string, 'PRAC2/admin');
      expect(res.status, op).toBe(200);
      const text = await res.text();
      expect(text, op).not.toContain('PRAC1');
      // The audit log names C1 in PRAC2's own refused attempts to read it (the 404s above): that is
      // PRAC2's business; no entry of PRAC1's users shows (no PRAC1 above).
      if (op !== 'GET /api/audit') expect(text, op).not.toContain(C1);
    }
  });

  it('answers 403 to roles below the route minimum, in the right practice', async () => {
    let checked = 0;
    for (const [op, rule] of Object.entries(ACCESS)) {
      for (const role of below(rule.minRole)) {
        const res = await call(rule, op.split(' ')[0] as string, `PRAC1/${role}`);
        expect(res.status, `${op} as ${role}`).toBe(403);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
