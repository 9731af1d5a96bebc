/**
 * POST /api/claims/{claimId}/void and the correction of a claim whose execution ended, against
 * dynalite: the real repositories, local JWTs, a recording StartExecution client (the Step Functions
 * side is in test/integration/emulators/sfn-appeal-void.test.ts).
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../functions/api/app';
import { localJwt, signLocalToken } from '../../../functions/api/auth';
import { claimIdFor } from '../../../shared/claims/ids';
import type { Claim, ClaimStatus } from '../../../shared/claims/model';
import {
  AccessAuditRepository,
  ClaimRepository,
  EventRepository,
  LedgerRepository,
  WorkItemRepository,
} from '../../../shared/store';
import { type Harness, makeClaim, startHarness } from '../store/harness';

const SECRET = 'local-test-secret-0123456789-abcdefghij';
const NOW = new Date('2026-02-01T12:00:00.000Z');
const T = (n: number) => `2026-01-2${n}T00:00:00.000Z`;

let h: Harness;
let claims: ClaimRepository;
let audit: AccessAuditRepository;
let app: ReturnType<typeof createApi>;
const tokens = { biller: '', manager: '', prac2Manager: '' };
const started: { name: string; input: unknown }[] = [];

const claimFor = (practiceId: string, enc: string): Claim => ({
  ...makeClaim(claimIdFor(practiceId, enc), practiceId),
  encounterId: enc,
});
const CLOSED = claimFor('PRAC1', 'ENC-VC'); // paid and closed, payer claim number PCN-VC
const FIXED = claimFor('PRAC1', 'ENC-FX'); // closed too, corrected below
const NEVER = claimFor('PRAC1', 'ENC-NS'); // stopped by the scrub, never sent
const INFLIGHT = claimFor('PRAC1', 'ENC-IF'); // accepted, waiting for its 835
const OTHER = claimFor('PRAC2', 'ENC-VC');

async function walk(id: string, path: ClaimStatus[], pcn?: string) {
  for (const [i, to] of path.entries()) await claims.transition(id, { claimId: id, to, event: to }, T(i + 1));
  if (pcn) {
    const r = await claims.require(id);
    await claims.save(r, { ...r, version: r.version + 1 }, undefined, [], { payerClaimControlNumber: pcn });
  }
}

const post = (path: string, body: unknown, token: string) =>
  app.request(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const versionOf = async (id: string) => (await claims.require(id)).version;
const voidIt = async (id: string, token = tokens.manager, version?: number) =>
  post(
    `/api/claims/${id}/void`,
    { version: version ?? (await versionOf(id)), reason: 'SENT_IN_ERROR' },
    token,
  );

beforeAll(async () => {
  h = await startHarness('claimflow-voids-test');
  claims = new ClaimRepository(h.doc, h.tableName);
  audit = new AccessAuditRepository(h.doc, h.tableName);
  for (const c of [CLOSED, FIXED, NEVER, INFLIGHT, OTHER]) await claims.putIfAbsent(c, T(0));
  const paid: ClaimStatus[] = ['SCRUBBED', 'SUBMITTED', 'ACCEPTED', 'PAID', 'CLOSED'];
  await walk(CLOSED.claimId, paid, 'PCN-VC');
  await walk(FIXED.claimId, paid, 'PCN-FX');
  await walk(OTHER.claimId, paid, 'PCN-OT');
  await walk(NEVER.claimId, ['NEEDS_CORRECTION']);
  await walk(INFLIGHT.claimId, ['SCRUBBED', 'SUBMITTED', 'ACCEPTED'], 'PCN-IF');
  app = createApi({
    repositories: {
      claims,
      events: new EventRepository(h.doc, h.tableName),
      ledger: new LedgerRepository(h.doc, h.tableName),
      work: new WorkItemRepository(h.doc, h.tableName),
      audit,
    },
    authenticate: localJwt(SECRET),
    clock: () => NOW,
    executions: {
      start: async (name, input) => {
        const again = started.some((s) => s.name === name);
        started.push({ name, input });
        return again ? 'exists' : 'started';
      },
    },
  });
  tokens.biller = await signLocalToken(SECRET, { sub: 'user-biller-1', groups: ['PRAC1', 'biller'] });
  tokens.manager = await signLocalToken(SECRET, { sub: 'user-manager-1', groups: ['PRAC1', 'manager'] });
  tokens.prac2Manager = await signLocalToken(SECRET, { sub: 'user-manager-2', groups: ['PRAC2', 'manager'] });
});
afterAll(async () => h?.stop());

describe('POST /api/claims/{claimId}/void', () => {
  it("needs a token, the manager role, and a claim of the caller's practices", async () => {
    const id = CLOSED.claimId;
    const anon = await app.request(`/api/claims/${id}/void`, { method: 'POST' });
    expect(anon.status).toBe(401);
    expect((await voidIt(id, tokens.biller)).status).toBe(403);
    expect((await voidIt(id, tokens.prac2Manager, 1)).status).toBe(404);
    expect((await voidIt('NOSUCHCLAIM', tokens.manager, 1)).status).toBe(404);
    expect(started).toEqual([]);
    expect((await claims.require(id)).claim.frequencyCode).toBe('1');
    const entries = (await audit.listDay('2026-02-01')).filter((e) => e.action === 'VOID_CLAIM');
    expect(entries.map((e) => [e.sub, e.outcome])).toEqual(
      expect.arrayContaining([
        ['user-biller-1', 'REFUSED'],
        ['user-manager-2', 'NOT_FOUND'],
      ]),
    );
  });

  it('voids a closed claim once: frequency 8 with REF*F8, one execution, audited before and after', async () => {
    const id = CLOSED.claimId;
    const version = await versionOf(id);
    const res = await voidIt(id, tokens.manager, version);
    expect(res.status).toBe(202);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      claimId: id,
      execution: `${id}-void-${version}`,
      started: 'started',
      payerClaimControlNumber: 'PCN-VC',
    });
    const again = await voidIt(id, tokens.manager, version);
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ started: 'exists' });
    expect(new Set(started.map((s) => s.name))).toEqual(new Set([`${id}-void-${version}`]));
    expect(started[0]?.input).toEqual({ claimId: id, void: true });
    const saved = await claims.require(id);
    expect(saved.claim).toMatchObject({ frequencyCode: '8', originalPayerClaimNumber: 'PCN-VC' });
    // Two OK entries (the request and its retry); the change is on the first one only.
    const ok = (await audit.listDay('2026-02-01')).filter(
      (e) => e.action === 'VOID_CLAIM' && e.outcome === 'OK',
    );
    expect(ok).toHaveLength(2);
    const entry = ok.find((e) => e.changes !== undefined);
    expect(ok.filter((e) => e.changes !== undefined)).toHaveLength(1);
    expect(entry).toMatchObject({
      sub: 'user-manager-1',
      claimIds: [id],
      changes: [
        { path: 'frequencyCode', before: '1', after: '8' },
        { path: 'originalPayerClaimNumber', after: 'PCN-VC' },
      ],
    });
    // Voided already: a new request from the current version is refused.
    const third = await voidIt(id);
    expect(third.status).toBe(409);
    expect(await third.json()).toMatchObject({ error: 'already_voided' });
  });

  it('refuses a claim never sent (a correction or a delete, not a void) and one still in flight', async () => {
    const never = await voidIt(NEVER.claimId);
    expect(never.status).toBe(409);
    expect(await never.json()).toMatchObject({
      error: 'never_sent',
      status: 'NEEDS_CORRECTION',
      reason: expect.stringContaining('never sent'),
    });
    const inflight = await voidIt(INFLIGHT.claimId);
    expect(inflight.status).toBe(409);
    expect(await inflight.json()).toMatchObject({ error: 'in_progress', status: 'ACCEPTED' });
    const bad = await post(
      `/api/claims/${CLOSED.claimId}/void`,
      { version: 1, reason: 'OOPS' },
      tokens.manager,
    );
    expect(bad.status).toBe(400);
  });
});

describe('POST /api/claims/{claimId}/correction of a closed claim', () => {
  it('saves it CORRECTED as a replacement and starts a new execution named from its version', async () => {
    const id = FIXED.claimId;
    const version = await versionOf(id);
    const res = await post(
      `/api/claims/${id}/correction`,
      { version, fields: { billing_name: 'TEST CLINIC CORRECTED' } },
      tokens.biller,
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'CORRECTED',
      resumed: 'started',
      frequencyCode: '7',
      changedFields: expect.arrayContaining(['billingProvider.name', 'frequencyCode']),
    });
    expect(started.filter((s) => s.name.startsWith(id))).toEqual([
      { name: `${id}-fix-${version}`, input: { claimId: id } },
    ]);
    expect((await claims.require(id)).claim).toMatchObject({
      frequencyCode: '7',
      originalPayerClaimNumber: 'PCN-FX',
    });
  });

  it('documents the void route with its 403 and 409 answers', async () => {
    const doc = (await (await app.request('/api/openapi.json')).json()) as {
      paths: Record<string, { post: { responses: Record<string, unknown> } }>;
    };
    expect((await new Validator().validate(doc)).errors).toBeUndefined();
    const route = doc.paths['/api/claims/{claimId}/void']?.post;
    expect(Object.keys(route?.responses ?? {})).toEqual(expect.arrayContaining(['202', '403', '404', '409']));
  });
});
