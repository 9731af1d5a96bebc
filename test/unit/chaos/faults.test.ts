import { describe, expect, it } from 'vitest';
import { DEFAULT_RATES, FAULT_KINDS, FaultPlan } from '../../../local/chaos/faults';

const decisions = (plan: FaultPlan, keys: string[]) => keys.map((k) => plan.should('dynamo.writeFails', k));
const KEYS = Array.from({ length: 400 }, (_, i) => `PutItem:${i}`);

describe('fault plan', () => {
  it('makes the same decisions for the same seed and operations, in any order', () => {
    const a = decisions(new FaultPlan(7), KEYS);
    const reversed = decisions(new FaultPlan(7), [...KEYS].reverse()).reverse();
    expect(reversed).toEqual(a);
    expect(decisions(new FaultPlan(8), KEYS)).not.toEqual(a);
  });

  it('injects at about its rate, and decides a repeat of the same operation afresh', () => {
    const plan = new FaultPlan(3);
    const hits = decisions(plan, KEYS).filter(Boolean).length;
    expect(hits).toBeGreaterThan(KEYS.length * DEFAULT_RATES['dynamo.writeFails'] * 0.4);
    expect(hits).toBeLessThan(KEYS.length * DEFAULT_RATES['dynamo.writeFails'] * 2);
    // A retried operation is not doomed to fail forever: its later attempts get their own draws.
    const retries = Array.from({ length: 50 }, () => plan.should('dynamo.writeFails', 'same-op'));
    expect(retries.some((x) => !x)).toBe(true);
  });

  it('counts faults and duplicates apart, and injects nothing when disabled', () => {
    const rates = Object.fromEntries(FAULT_KINDS.map((k) => [k, 1])) as typeof DEFAULT_RATES;
    const plan = new FaultPlan(1, rates);
    expect(plan.should('sqs.duplicate', 'm1')).toBe(true);
    expect(plan.should('webhook.reenvelope', 't1')).toBe(true);
    expect(plan.should('clearinghouse.timeout', '1')).toBe(true);
    expect(plan.totals()).toEqual({ faults: 1, duplicates: 2 });
    plan.enabled = false;
    expect(plan.should('clearinghouse.timeout', '2')).toBe(false);
    expect(plan.byKind()['clearinghouse.timeout']).toBe(1);
  });
});
