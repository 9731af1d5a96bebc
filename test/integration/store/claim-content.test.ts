/**
 * The claim's content (lines, diagnoses, parties) lives in an item of its own (SK META#CONTENT),
 * written at intake and by a correction; the META item every status change rewrites holds the
 * state only and stays under 1 KB (one write unit). Measured with the emulator's metering hook.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Meter } from '../../../local/emulators/meter';
import { applyTransition } from '../../../shared/claims/state';
import { ClaimRepository } from '../../../shared/store';
import { auditSnapshot } from '../../../shared/store/audit';
import { contentClaim } from '../../../shared/store/claim-items';
import { type Harness, makeClaim, startHarness } from './harness';

let h: Harness;
let claims: ClaimRepository;
let meter: Meter;
const T = (m: number) => `2026-04-01T00:${String(m).padStart(2, '0')}:00.000Z`;

beforeAll(async () => {
  meter = new Meter();
  h = await startHarness('claimflow-content', { meter });
  claims = new ClaimRepository(h.doc, h.tableName);
});
afterAll(async () => h?.stop());

const resetMeter = () => {
  meter.usage.dynamo = { requests: {}, tableWru: 0, indexWru: 0, rru: 0 };
  for (const k of Object.keys(meter.writesByEntity)) delete meter.writesByEntity[k];
};
beforeEach(resetMeter);

const raw = async (claimId: string, sk: string) =>
  (await h.doc.send(new GetCommand({ TableName: h.tableName, Key: { PK: `CLAIM#${claimId}`, SK: sk } })))
    .Item;

/** A claim with many lines: its JSON is well over 1 KB. */
const bigClaim = (claimId: string) => makeClaim(claimId, 'PRACC', [1000, 2000, 3000, 4000, 5000]);

describe('claim content item', () => {
  it('intake writes the content beside META, in the same transaction; META holds no content', async () => {
    const claim = bigClaim('CNT1');
    expect(await claims.putIfAbsent(claim, T(0))).toBe('created');
    expect(meter.usage.dynamo.requests.TransactWriteItems).toBe(1);
    expect((await raw('CNT1', 'META'))?.claim).toBeUndefined();
    // Its JSON is over 1 KB; deflated, the item is under 1 KB: one write unit (two in the transaction).
    expect(JSON.stringify(claim).length).toBeGreaterThan(1024);
    expect(contentClaim(await raw('CNT1', 'META#CONTENT'))).toEqual(claim);
    expect(meter.writesByEntity.CLAIM_CONTENT?.bytes).toBeLessThan(1024);
    expect(meter.writesByEntity.CLAIM_CONTENT?.wru).toBe(2);
    // A second intake writes nothing (the META condition cancels the whole transaction).
    expect(await claims.putIfAbsent({ ...claim, totalChargeCents: 1 }, T(1))).toBe('exists');
    expect((await claims.getContent('CNT1'))?.totalChargeCents).toBe(claim.totalChargeCents);
  });

  it('get reads state and content in one BatchGetItem; getState reads META alone', async () => {
    const claim = bigClaim('CNT2');
    await claims.putIfAbsent(claim, T(0));
    resetMeter();
    const record = await claims.get('CNT2');
    expect(record).toMatchObject({ claimId: 'CNT2', status: 'RECEIVED', version: 1, practiceId: 'PRACC' });
    expect(record?.claim).toEqual(claim);
    expect(meter.usage.dynamo.requests).toEqual({ BatchGetItem: 1 });
    expect(meter.usage.dynamo.rru).toBe(2); // one unit per item (each under 4 KB), read consistently
    resetMeter();
    const state = await claims.getState('CNT2');
    expect(state).toMatchObject({ claimId: 'CNT2', status: 'RECEIVED', version: 1 });
    expect(state).not.toHaveProperty('claim');
    expect(meter.usage.dynamo.requests).toEqual({ GetItem: 1 });
    expect(await claims.get('CNT-NONE')).toBeUndefined();
    expect(await claims.getState('CNT-NONE')).toBeUndefined();
    expect(await claims.getContent('CNT-NONE')).toBeUndefined();
  });

  it('reads(): state and content of one invocation come from one read; a re-read of the state is a GetItem', async () => {
    const claim = bigClaim('CNT7');
    await claims.putIfAbsent(claim, T(0));
    resetMeter();
    const reads = claims.reads('CNT7');
    expect(await reads.content()).toEqual(claim);
    expect(await reads.state()).toMatchObject({ claimId: 'CNT7', version: 1 });
    expect(meter.usage.dynamo.requests).toEqual({ BatchGetItem: 1 });
    await claims.registerWait('CNT7', 'CORRECTION', 'tok-7', T(1));
    resetMeter();
    expect(await reads.state()).toMatchObject({ version: 2, waiting: { taskToken: 'tok-7' } });
    expect(meter.usage.dynamo.requests).toEqual({ GetItem: 1 });
  });

  it('a status change rewrites META only: under 1 KB, one write unit (two in its transaction)', async () => {
    await claims.putIfAbsent(bigClaim('CNT3'), T(0));
    resetMeter();
    await claims.transition('CNT3', { claimId: 'CNT3', to: 'SCRUBBED', event: 'SCRUBBED' }, T(1));
    await claims.registerWait('CNT3', 'CORRECTION', 'tok-1', T(2));
    expect(meter.writesByEntity.CLAIM_CONTENT).toBeUndefined();
    const meta = meter.writesByEntity.CLAIM;
    expect(meta?.writes).toBe(2);
    expect((meta?.bytes ?? 0) / 2).toBeLessThan(1024);
    expect(meta?.wru).toBe(3); // 2 in the transaction with the event, 1 for the single-item update
  });

  it('a correction rewrites the content in the same transaction as the version-checked META update', async () => {
    await claims.putIfAbsent(bigClaim('CNT4'), T(0));
    const from = await claims.require('CNT4');
    const corrected = { ...from.claim, frequencyCode: '7' as const, originalPayerClaimNumber: 'PCN1' };
    const a = applyTransition(from, { claimId: 'CNT4', to: 'NEEDS_CORRECTION', event: 'SCRUB_FAILED' }, T(1));
    if (!a.ok) throw new Error('unexpected');
    resetMeter();
    const saved = await claims.save(from, a.state, a.event, [], { claim: corrected });
    expect(saved.claim).toEqual(corrected);
    expect(meter.usage.dynamo.requests).toEqual({ TransactWriteItems: 1 });
    expect(meter.writesByEntity.CLAIM_CONTENT?.writes).toBe(1);
    expect((await raw('CNT4', 'META'))?.claim).toBeUndefined();
    expect(await claims.get('CNT4')).toEqual(saved);
    // A stale save carrying content writes neither item.
    await expect(claims.save(from, a.state, a.event, [], { claim: from.claim })).rejects.toThrow(
      /no longer at version/,
    );
    expect((await claims.getContent('CNT4'))?.originalPayerClaimNumber).toBe('PCN1');
  });

  it('the work queue and the audit scan return whole claims', async () => {
    await claims.putIfAbsent(bigClaim('CNT5'), T(0));
    await claims.transition('CNT5', { claimId: 'CNT5', to: 'HUMAN_REVIEW', event: 'REVIEW' }, T(1));
    const page = await claims.listByStatus('PRACC', 'HUMAN_REVIEW');
    expect(page.items.map((c) => [c.claimId, c.claim.claimId, c.claim.lines.length])).toEqual([
      ['CNT5', 'CNT5', 5],
    ]);
    const snap = await auditSnapshot(h.doc, h.tableName);
    const audited = snap.claims.find((c) => c.claimId === 'CNT5');
    expect(audited?.claim).toEqual(bigClaim('CNT5'));
    expect(snap.other.CLAIM_CONTENT).toBeUndefined();
    expect(snap.claims.every((c) => c.claim?.claimId === c.claimId)).toBe(true);
  });

  it('reads a META that still holds its claim (the layout before the content item)', async () => {
    const claim = bigClaim('CNT6');
    await h.doc.send(
      new PutCommand({
        TableName: h.tableName,
        Item: {
          PK: 'CLAIM#CNT6',
          SK: 'META',
          entity: 'CLAIM',
          claimId: 'CNT6',
          status: 'RECEIVED',
          version: 1,
          seq: 1,
          followUps: 0,
          pending: {},
          updatedAt: T(0),
          practiceId: 'PRACC',
          createdAt: T(0),
          claim,
        },
      }),
    );
    expect((await claims.get('CNT6'))?.claim).toEqual(claim);
    expect(await claims.getState('CNT6')).not.toHaveProperty('claim');
    // A content item with its claim as plain JSON reads too; one in an encoding not known fails loudly.
    const other = { ...claim, totalChargeCents: 1 };
    const content = (extra: Record<string, unknown>) =>
      h.doc.send(
        new PutCommand({ TableName: h.tableName, Item: { PK: 'CLAIM#CNT6', SK: 'META#CONTENT', ...extra } }),
      );
    await content({ claim: other });
    expect((await claims.get('CNT6'))?.claim).toEqual(other);
    expect(await claims.getContent('CNT6')).toEqual(other);
    await content({ claimId: 'CNT6', encoding: 'zstd', body: new Uint8Array([1, 2, 3]) });
    await expect(claims.get('CNT6')).rejects.toThrow(/content encoding zstd unknown/);
  });
});
