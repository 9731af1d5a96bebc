/**
 * POST /api/claims/{claimId}/correction against dynalite: the real repositories, local JWTs, a
 * recording task-token client (the Step Functions side is in sfn-correction.test.ts).
 */
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
const NOW = new Date('2026-02-01T12:00:00.000Z');
const T = (n: number) => `2026-01-2${n}T00:00:00.000Z`;

let h: Harness;
let claims: ClaimRepository;
let events: EventRepository;
let audit: AccessAuditRepository;
let app: ReturnType<typeof createApi>;
let biller: string;
let prac2: string;
const answered: { taskToken: string; output: unknown }[] = [];

const claimFor = (practiceId: string, enc: string): Claim => ({
  ...makeClaim(claimIdFor(practiceId, enc), practiceId),
  encounterId: enc,
});
const WAITING = claimFor('PRAC1', 'ENC-W'); // NEEDS_CORRECTION, waiting on a token
const DENIED = {
  ...claimFor('PRAC1', 'ENC-D'),
  frequencyCode: '7' as const,
  originalPayerClaimNumber: 'PCN-D',
};
const ONWAY = claimFor('PRAC1', 'ENC-R'); // REJECTED: on its way to the wait
const PAID = claimFor('PRAC1', 'ENC-P');
const OTHER = claimFor('PRAC2', 'ENC-W');

async function toNeedsCorrection(id: string, token: string): Promise<void> {
  await claims.transition(id, { claimId: id, to: 'SCRUBBED', event: 'SCRUBBED' }, T(1));
  await claims.transition(id, { claimId: id, to: 'SUBMITTED', event: 'AWAITING_ACK' }, T(2));
  await claims.transition(id, { claimId: id, to: 'REJECTED', event: 'REJECTED' }, T(3));
  if (token) {
    await claims.transition(
      id,
      {
        claimId: id,
        to: 'NEEDS_CORRECTION',
        event: 'NEEDS_CORRECTION',
        wait: 'CORRECTION',
        taskToken: token,
      },
      T(4),
    );
  }
}

const post = async (id: string, body: unknown, token = biller) =>
  app.request(`/api/claims/${id}/correction`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const versionOf = async (id: string) => (await claims.require(id)).version;

beforeAll(async () => {
  h = await startHarness();
  claims = new ClaimRepository(h.doc, h.tableName);
  events = new EventRepository(h.doc, h.tableName);
  audit = new AccessAuditRepository(h.doc, h.tableName);
  for (const c of [WAITING, DENIED, ONWAY, PAID, OTHER]) await claims.putIfAbsent(c, T(0));
  await toNeedsCorrection(WAITING.claimId, 'tok-waiting');
  await toNeedsCorrection(DENIED.claimId, 'tok-denied');
  await toNeedsCorrection(ONWAY.claimId, '');
  await toNeedsCorrection(OTHER.claimId, 'tok-other');
  await claims.transition(PAID.claimId, { claimId: PAID.claimId, to: 'SCRUBBED', event: 'SCRUBBED' }, T(1));
  await claims.transition(PAID.claimId, { claimId: PAID.claimId, to: 'SUBMITTED', event: 'S' }, T(2));
  await claims.transition(PAID.claimId, { claimId: PAID.claimId, to: 'PAID', event: 'PAID' }, T(3));
  app = createApi({
    repositories: {
      claims,
      events,
      ledger: new LedgerRepository(h.doc, h.tableName),
      work: new WorkItemRepository(h.doc, h.tableName),
      audit,
    },
    authenticate: localJwt(SECRET),
    clock: () => NOW,
    tokens: {
      answer: async (taskToken, output) => {
        answered.push({ taskToken, output });
        return 'answered';
      },
    },
  });
  biller = await signLocalToken(SECRET, { sub: 'user-biller-1', groups: ['PRAC1', 'biller'] });
  prac2 = await signLocalToken(SECRET, { sub: 'user-biller-2', groups: ['PRAC2', 'biller'] });
});
afterAll(async () => h?.stop());

describe('POST /api/claims/{claimId}/correction', () => {
  it('saves the edit, answers the waiting token, clears the wait, audits before and after', async () => {
    const id = WAITING.claimId;
    const res = await post(id, { version: await versionOf(id), fields: { dx1: 'I10' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { changedFields: string[] };
    expect(body).toMatchObject({ claimId: id, status: 'NEEDS_CORRECTION', resumed: 'answered' });
    expect(body.changedFields).toEqual(['diagnoses.0']);
    expect(answered).toContainEqual({
      taskToken: 'tok-waiting',
      output: expect.objectContaining({ correctedAt: NOW.toISOString() }),
    });
    const saved = await claims.require(id);
    expect(saved.claim.diagnoses).toEqual(['I10']);
    expect(saved.claim.frequencyCode).toBe('1'); // before adjudication: an original
    expect(saved.waiting).toBeUndefined();
    const last = (await events.list(id)).at(-1);
    expect(last).toMatchObject({
      type: 'CORRECTION_SAVED',
      detail: { by: 'user-biller-1', fields: ['diagnoses.0'] },
    });
    expect(JSON.stringify(last)).not.toContain('I10');
    const entries = (await audit.listDay('2026-02-01')).filter((e) => e.action === 'CORRECT_CLAIM');
    expect(entries).toContainEqual(
      expect.objectContaining({
        sub: 'user-biller-1',
        outcome: 'OK',
        claimIds: [id],
        at: NOW.toISOString(),
        changes: [{ path: 'diagnoses.0', before: 'E119', after: 'I10' }],
      }),
    );
  });

  it('after a denial the claim stays a replacement (frequency 7, REF*F8 kept)', async () => {
    const id = DENIED.claimId;
    const res = await post(id, {
      version: await versionOf(id),
      lines: [{ line_id: 'L1', modifiers: '25' }, { line_id: 'L2' }],
    });
    expect(res.status).toBe(200);
    const saved = await claims.require(id);
    expect(saved.claim).toMatchObject({ frequencyCode: '7', originalPayerClaimNumber: 'PCN-D' });
    expect(saved.claim.lines[0]?.modifiers).toEqual(['25']);
    expect(answered.map((a) => a.taskToken)).toContain('tok-denied');
  });

  it('a claim not yet waiting keeps the correction pending for its wait', async () => {
    const id = ONWAY.claimId;
    const res = await post(id, { version: await versionOf(id), fields: { patient_first_name: 'BETA' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { resumed: string }).resumed).toBe('pending');
    const r = await claims.registerWait(id, 'CORRECTION', 'tok-later', T(5));
    expect(r.answer).toMatchObject({ taskToken: 'tok-later' });
  });

  it('refuses invalid input with the line, column and rule (422), saving nothing', async () => {
    const before = await versionOf(WAITING.claimId);
    const res = await post(WAITING.claimId, {
      version: before,
      lines: [{ line_id: 'L1', date_of_service: '2026-13-01' }, { line_id: 'L2' }],
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      error: 'invalid_correction',
      issues: [
        { lineId: 'L1', field: 'date_of_service', reason: 'date_of_service: is not a valid calendar date' },
      ],
    });
    expect(await versionOf(WAITING.claimId)).toBe(before);
  });

  it('refuses an edit failing the scrub rules (422 with findings)', async () => {
    const res = await post(WAITING.claimId, {
      version: await versionOf(WAITING.claimId),
      lines: [{ line_id: 'L1', dx_pointers: '4' }, { line_id: 'L2' }],
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: string }).error).toBe('scrub_errors');
  });

  it('answers 409 on a stale version and for a claim that waits for no correction', async () => {
    const stale = await post(WAITING.claimId, { version: 1, fields: { dx1: 'E119' } });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toEqual({ error: 'conflict' });
    const paid = await post(PAID.claimId, { version: await versionOf(PAID.claimId), fields: { dx1: 'I10' } });
    expect(paid.status).toBe(409);
    expect(await paid.json()).toEqual({ error: 'not_correctable', status: 'PAID' });
  });

  it("answers 404 for another practice's claim and an unknown one, and audits the attempt", async () => {
    const version = await versionOf(OTHER.claimId);
    for (const id of [OTHER.claimId, 'CNOSUCHCLAIM']) {
      const res = await post(id, { version, fields: { dx1: 'I10' } });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'not_found' });
    }
    expect((await claims.require(OTHER.claimId)).claim.diagnoses).toEqual(['E119']);
    expect(answered.map((a) => a.taskToken)).not.toContain('tok-other');
    const entries = await audit.listDay('2026-02-01');
    expect(entries).toContainEqual(
      expect.objectContaining({ action: 'CORRECT_CLAIM', outcome: 'NOT_FOUND', claimIds: [OTHER.claimId] }),
    );
    // Its own practice's biller may.
    const own = await post(OTHER.claimId, { version, fields: { dx1: 'I10' } }, prac2);
    expect(own.status).toBe(200);
  });

  it('answers 401 without a token and 400 for unknown columns, naming no value', async () => {
    const res = await app.request(`/api/claims/${WAITING.claimId}/correction`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: 1 }),
    });
    expect(res.status).toBe(401);
    const bad = await post(WAITING.claimId, { version: 1, fields: { claim_id: 'SECRET-VALUE' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).not.toContain('SECRET-VALUE');
  });
});

describe('OpenAPI', () => {
  it('documents the correction route in a valid 3.1 document', async () => {
    const doc = (await (await app.request('/api/openapi.json')).json()) as {
      paths: Record<string, { post?: { operationId?: string; responses?: object } }>;
    };
    expect((await new Validator().validate(doc)).valid).toBe(true);
    const route = doc.paths['/api/claims/{claimId}/correction']?.post;
    expect(route?.operationId).toBe('correctClaim');
    expect(Object.keys(route?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '401', '404', '409', '422']),
    );
  });
});
