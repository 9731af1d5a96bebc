/**
 * A claim's ledger as a statement: every entry with the open insurance balance after it.
 * Uses the sign convention of shared/posting/ledger.ts: CHARGE raises the balance, every other
 * bucket lowers it, a REVERSAL moves it the way its bucket would with its (signed) amount.
 * The last running balance always equals balances(entries).balanceCents.
 */
import type { Cents } from '../money';
import { assertCents } from '../money';
import { type Balances, balances, type LedgerEntry } from '../posting/ledger';

export interface LedgerRow extends LedgerEntry {
  /** How this entry moved the open balance (+ raises, - lowers). */
  balanceEffectCents: Cents;
  /** Open insurance balance after this entry. */
  runningBalanceCents: Cents;
}

export interface LedgerStatement {
  rows: LedgerRow[];
  totals: Balances;
}

export function balanceEffect(entry: LedgerEntry): Cents {
  assertCents(entry.amountCents);
  const bucket = entry.kind === 'REVERSAL' ? entry.reverses : entry.kind;
  if (!bucket) throw new Error(`reversal entry ${entry.entryId} does not name the bucket it reverses`);
  return bucket === 'CHARGE' ? entry.amountCents : -entry.amountCents;
}

/** Orders entries by posting time then entry id (the repository's order) and runs the balance. */
export function ledgerStatement(entries: readonly LedgerEntry[]): LedgerStatement {
  const sorted = [...entries].sort((a, b) => a.at.localeCompare(b.at) || a.entryId.localeCompare(b.entryId));
  let running = 0;
  const rows = sorted.map((e) => {
    const effect = balanceEffect(e);
    running += effect;
    return { ...e, balanceEffectCents: effect, runningBalanceCents: running };
  });
  const totals = balances(sorted);
  if (totals.balanceCents !== running) {
    throw new Error(`running balance ${running} != ledger balance ${totals.balanceCents}`);
  }
  return { rows, totals };
}
