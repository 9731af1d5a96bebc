import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../../shared/posting/ledger';
import { balanceEffect, ledgerStatement } from '../../../shared/workbench/running-balance';

const e = (entryId: string, at: string, kind: LedgerEntry['kind'], amountCents: number, extra = {}) =>
  ({ entryId, claimId: 'CLM1', kind, amountCents, source: {}, at, ...extra }) as LedgerEntry;

const T1 = '2026-01-20T00:00:00.000Z';
const T2 = '2026-02-10T00:00:00.000Z';
const T3 = '2026-03-01T00:00:00.000Z';

describe('ledgerStatement', () => {
  it('runs the open balance entry by entry, in posting order, ending at the ledger balance', () => {
    const entries = [
      e('R-1-002', T2, 'ADJUSTMENT', 2000, { carc: '45', group: 'CO' }),
      e('C-002', T1, 'CHARGE', 4000),
      e('R-1-001', T2, 'PAYMENT', 5500),
      e('C-001', T1, 'CHARGE', 6000),
      e('R-1-003', T2, 'PATIENT_RESPONSIBILITY', 1500, { carc: '2', group: 'PR' }),
    ];
    const s = ledgerStatement(entries);
    expect(s.rows.map((r) => [r.entryId, r.balanceEffectCents, r.runningBalanceCents])).toEqual([
      ['C-001', 6000, 6000],
      ['C-002', 4000, 10000],
      ['R-1-001', -5500, 4500],
      ['R-1-002', -2000, 2500],
      ['R-1-003', -1500, 1000],
    ]);
    expect(s.totals).toEqual({
      chargesCents: 10000,
      paymentsCents: 5500,
      adjustmentsCents: 2000,
      patientResponsibilityCents: 1500,
      writeOffCents: 0,
      balanceCents: 1000,
    });
  });

  it('moves the balance back up on a payment reversal and down again on the corrected payment', () => {
    const s = ledgerStatement([
      e('C-001', T1, 'CHARGE', 10000),
      e('R-1-001', T2, 'PAYMENT', 8000),
      e('R-1-002', T2, 'ADJUSTMENT', 2000),
      e('R-2-001', T3, 'REVERSAL', -8000, { reverses: 'PAYMENT' }),
      e('R-2-002', T3, 'REVERSAL', -2000, { reverses: 'ADJUSTMENT' }),
      e('R-3-001', T3, 'PAYMENT', 9000),
      e('R-3-002', T3, 'WRITE_OFF', 1000),
    ]);
    expect(s.rows.map((r) => r.runningBalanceCents)).toEqual([10000, 2000, 0, 8000, 10000, 1000, 0]);
    expect(s.totals.balanceCents).toBe(0);
  });

  it('a reversed charge lowers the balance', () => {
    expect(balanceEffect(e('X', T3, 'REVERSAL', -500, { reverses: 'CHARGE' }))).toBe(-500);
  });

  it('refuses non-integer cents and reversals without a bucket', () => {
    expect(() => ledgerStatement([e('C-001', T1, 'CHARGE', 10.5)])).toThrow(/integer cents/);
    expect(() => ledgerStatement([e('X', T1, 'REVERSAL', -1)])).toThrow(/bucket/);
  });

  it('an empty ledger is a zero statement', () => {
    expect(ledgerStatement([])).toMatchObject({ rows: [], totals: { balanceCents: 0 } });
  });
});
