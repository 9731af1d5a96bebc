/**
 * The fault-injection harness, as CI runs it: the whole local pipeline with faults at every boundary,
 * then the invariants (no claim lost or billed twice, no payment posted twice, balanced ledgers,
 * reconciled 835s, nothing left dead-lettered after the documented redrive).
 */
import { describe, expect, it } from 'vitest';
import { runChaos } from '../../local/chaos';

describe('chaos harness (e2e)', () => {
  it('keeps every invariant with faults injected at every boundary (seed 1)', async () => {
    // 40 claims: fewer requests per claim (batched deletes, one read per task, fewer states) left
    // 30 claims too few operations to draw 20 duplicates from on every timing.
    const result = await runChaos({ seed: 1, claims: 40 });
    expect(result.breaches).toEqual([]);
    expect(result.line).toMatch(/^chaos seed=1 claims=40 faults=\d+ duplicates=\d+ invariants=ok$/);
    // The run really was faulty: every kind of fault that has enough operations to hit was injected.
    expect(result.faults).toBeGreaterThan(20);
    expect(result.duplicates).toBeGreaterThan(20);
    for (const kind of [
      'sqs.duplicate',
      'dynamo.writeFails',
      'sfn.sendTaskFails',
      'webhook.resend',
    ] as const) {
      expect(result.byKind[kind], kind).toBeGreaterThan(0);
    }
  }, 600_000);
});
