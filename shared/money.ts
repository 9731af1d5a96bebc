/**
 * Money is always integer cents. These helpers are the only place decimal strings are converted.
 */
export type Cents = number;

const DECIMAL = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;

/** Parses "125", "125.5", "125.50", "-3.20" into integer cents. Throws on anything else. */
export function parseCents(text: string): Cents {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new Error(`not a money amount: "${text}"`);
  const whole = Number(m[2]);
  const frac = Number((m[3] ?? '').padEnd(2, '0'));
  const cents = whole * 100 + frac;
  if (!Number.isSafeInteger(cents)) throw new Error(`money amount out of range: "${text}"`);
  return m[1] ? -cents : cents;
}

/** Formats cents as an X12 / CSV decimal: 12500 -> "125", 12550 -> "125.5", 12505 -> "125.05". */
export function formatX12Amount(cents: Cents): string {
  assertCents(cents);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.trunc(abs / 100);
  const frac = abs % 100;
  if (frac === 0) return `${sign}${whole}`;
  const f = String(frac).padStart(2, '0').replace(/0$/, '');
  return `${sign}${whole}.${f}`;
}

/** Formats cents for people: 12550 -> "$125.50". */
export function formatDollars(cents: Cents): string {
  assertCents(cents);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}$${Math.trunc(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`;
}

export function assertCents(value: number): asserts value is Cents {
  if (!Number.isSafeInteger(value)) throw new Error(`money must be integer cents, got ${value}`);
}

export function sumCents(values: Iterable<Cents>): Cents {
  let total = 0;
  for (const v of values) {
    assertCents(v);
    total += v;
  }
  return total;
}
