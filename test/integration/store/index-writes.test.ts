/**
 * Fewer and smaller writes: GSI1 holds keys only and is written when a claim changes status, a save
 * of one item is a conditional update (not a transaction), and the work-queue reads still return
 * whole claims. Measured with the emulator's metering hook (local/emulators/meter.ts).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Meter } from '../../../local/emulators/meter';
import { ClaimRepository, VersionConflictError } from '../../../shared/store';
import { type Harness, makeClaim, startHarness } from './harness';

let h: Harness;
let claims: ClaimRepository;
let meter: Meter;
const T = (m: number) => `2026-03-01T00:${String(m).padStart(2, '0')}:00.000Z`;

beforeAll(async () => {
  meter = new Meter();
  h = await startHarness('claimflow-index', { meter });
  claims = new ClaimRepository(h.doc, h.tableName);
});
afterAll(async () => h?.stop());
beforeEach(() => {
  meter.usage.dynamo = { requests: {}, tableWru: 0, indexWru: 0, rru: 0 };
});

const indexKeys = async (claimId: string) => {
  const out = await h.doc.send(
    new GetCommand({ TableName: h.tableName, Key: { PK: `CLAIM#${claimId}`, SK: 'META' } }),
  );
  return { pk: out.Item?.GSI1PK, sk: out.Item?.GSI1SK };
};

describe('claim writes and GSI1', () => {
  it('registers and takes a wait with one conditional update each, no transaction, no index write', async () => {
    await claims.putIfAbsent(makeClaim('IDX1', 'PRACI'), T(0));
    const keys = await indexKeys('IDX1');
    meter.usage.dynamo = { requests: {}, tableWru: 0, indexWru: 0, rru: 0 };
    await claims.registerWait('IDX1', 'CORRECTION', 'tok-1', T(1));
    expect(await claims.takeWaiting('IDX1', 'CORRECTION', T(2))).toBe('tok-1');
    expect(meter.usage.dynamo.requests.UpdateItem).toBe(2);
    expect(meter.usage.dynamo.requests.TransactWriteItems).toBeUndefined();
    expect(meter.usage.dynamo.indexWru).toBe(0);
    expect(await indexKeys('IDX1')).toEqual(keys);
  });

  it('moves the index entry on a status change only (delete + put of a keys-only entry)', async () => {
    await claims.putIfAbsent(makeClaim('IDX2', 'PRACI'), T(0));
    meter.usage.dynamo = { requests: {}, tableWru: 0, indexWru: 0, rru: 0 };
    await claims.transition('IDX2', { claimId: 'IDX2', to: 'NEEDS_CORRECTION', event: 'SCRUB_FAILED' }, T(3));
    expect(meter.usage.dynamo.indexWru).toBe(2);
    expect(await indexKeys('IDX2')).toEqual({
      pk: 'PRACTICE#PRACI#STATUS#NEEDS_CORRECTION',
      sk: `${T(3)}#IDX2`,
    });
  });

  it('still answers a version conflict on a single-item save', async () => {
    await claims.putIfAbsent(makeClaim('IDX3', 'PRACI'), T(0));
    const stale = await claims.require('IDX3');
    await claims.registerWait('IDX3', 'ACK', 'tok-a', T(1));
    await expect(claims.save(stale, { ...stale, version: stale.version + 1 })).rejects.toBeInstanceOf(
      VersionConflictError,
    );
  });

  it('lists whole claims from the keys-only index, longest in the status first', async () => {
    await claims.putIfAbsent(makeClaim('IDX4', 'PRACL'), T(0));
    await claims.putIfAbsent(makeClaim('IDX5', 'PRACL'), T(0));
    await claims.transition('IDX5', { claimId: 'IDX5', to: 'NEEDS_CORRECTION', event: 'SCRUB_FAILED' }, T(4));
    await claims.transition('IDX4', { claimId: 'IDX4', to: 'NEEDS_CORRECTION', event: 'SCRUB_FAILED' }, T(5));
    // A later save that keeps the status does not reorder the queue.
    await claims.registerWait('IDX5', 'CORRECTION', 'tok-5', T(6));
    const page = await claims.listByStatus('PRACL', 'NEEDS_CORRECTION');
    expect(page.items.map((c) => c.claimId)).toEqual(['IDX5', 'IDX4']);
    expect(page.items[0]?.claim.claimId).toBe('IDX5');
    expect(page.items[0]?.waiting?.taskToken).toBe('tok-5');
    expect(await claims.countByStatus('PRACL')).toEqual({ NEEDS_CORRECTION: 2 });
  });

  it('keeps once-only markers on the claim: saveOnce writes META and the event only, a repeat writes nothing', async () => {
    await claims.putIfAbsent(makeClaim('IDX6', 'PRACI'), T(0));
    const from = await claims.requireState('IDX6');
    const to = { ...from, version: from.version + 1, seq: from.seq + 1, updatedAt: T(1) };
    const event = { claimId: 'IDX6', at: T(1), seq: to.seq, type: 'ACK_999_ACCEPTED', status: to.status };
    meter.usage.dynamo = { requests: {}, tableWru: 0, indexWru: 0, rru: 0 };
    for (const k of Object.keys(meter.writesByEntity)) delete meter.writesByEntity[k];
    expect(await claims.hasMarker('IDX6', 'ACK#f1')).toBe(false);
    expect(await claims.saveOnce(from, to, event, 'ACK#f1')).toBe('saved');
    expect(meter.writesByEntity.POSTED).toBeUndefined();
    expect(meter.usage.dynamo.tableWru).toBe(4); // META and EVENT, one unit each, doubled in the transaction
    expect(await claims.hasMarker('IDX6', 'ACK#f1')).toBe(true);
    expect(await claims.getState('IDX6')).not.toHaveProperty('markers');
    // The same marker again, from the state now stored: a duplicate, nothing written.
    const now = await claims.requireState('IDX6');
    const again = { ...now, version: now.version + 1, seq: now.seq + 1, updatedAt: T(2) };
    expect(await claims.saveOnce(now, again, { ...event, at: T(2), seq: again.seq }, 'ACK#f1')).toBe(
      'duplicate',
    );
    // Another marker from a stale state: a conflict; from the stored one: saved, both markers kept.
    expect(await claims.saveOnce(from, to, event, 'ACK#f2')).toBe('conflict');
    expect(await claims.saveOnce(now, again, { ...event, at: T(2), seq: again.seq }, 'ACK#f2')).toBe('saved');
    expect(await claims.hasMarker('IDX6', 'ACK#f1')).toBe(true);
    expect(await claims.hasMarker('IDX6', 'ACK#f2')).toBe(true);
    expect((await claims.getState('IDX6'))?.version).toBe(3);
    expect((await claims.getState('IDX6', { markers: true }))?.markers).toEqual(['ACK#f1', 'ACK#f2']);
  });
});
