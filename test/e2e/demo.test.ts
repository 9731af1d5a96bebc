/**
 * The whole pipeline on the local runtime: charge files -> claims -> scrub -> 837P -> simulator ->
 * 999 / 277CA / 835 via the webhook -> posting -> routing -> resting states, plus an 835 replay.
 */
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../local/demo';

describe('demo pipeline (e2e)', () => {
  it('brings every claim to a resting state with a balanced ledger, and a replayed 835 changes none of its claims', async () => {
    const result = await runDemo({ seed: 42, claims: 50 });
    const s = result.summary;

    expect(result.ok).toBe(true);
    expect(s.notResting).toEqual([]);
    expect(s.unbalancedClaims).toEqual([]);
    // Every claim of the files except encounters refused at intake made it into the store.
    expect(s.claims).toBeGreaterThanOrEqual(45);
    expect(result.rowErrors).toBeGreaterThan(0);

    // The simulator pays most claims, denies some, and the scrubber stops some before submission.
    expect(s.byStatus.CLOSED ?? 0).toBeGreaterThan(s.claims / 2);
    expect(s.byStatus.NEEDS_CORRECTION ?? 0).toBeGreaterThan(0);
    expect(s.paidCents).toBeGreaterThan(0);
    expect(s.patientResponsibilityCents).toBeGreaterThan(0);
    expect(Object.keys(s.denialsByCarc).length).toBeGreaterThan(0);
    expect(s.byOutcome['paid in full']).toBeGreaterThan(0);
    expect(s.byOutcome['partially paid (patient balance)']).toBeGreaterThan(0);
    expect(Object.keys(s.byOutcome).filter((k) => k.startsWith('denied')).length).toBeGreaterThanOrEqual(3);
    expect(s.byOutcome['stopped by the scrubber']).toBeGreaterThan(0);
    // Every claim the payer denied for missing information waits for a correction, never silently closed.
    expect(s.byStatus.NEEDS_CORRECTION ?? 0).toBeGreaterThanOrEqual(
      (s.byOutcome['denied -> correct'] ?? 0) + (s.byOutcome['stopped by the scrubber'] ?? 0),
    );

    // Money invariant over the whole book.
    expect(s.billedCents).toBe(
      s.paidCents + s.adjustmentsCents + s.patientResponsibilityCents + s.writeOffCents + s.openBalanceCents,
    );

    // The replay was accepted by the webhook and changed nothing.
    expect(result.replayStatus).toBe(202);
    const { before, after } = result.replay;
    expect(before.claims).toBeGreaterThan(0);
    expect(before.ledgerEntries).toBeGreaterThan(0);
    expect(after).toEqual(before);
    expect(Object.values(after.statuses).every((st) => st !== undefined)).toBe(true);
  }, 240_000);
});
