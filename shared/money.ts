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

/**
 * parseCents of text.slice(start, end) without making the substring, for the plain forms only
 * ("125", "-3.2", "125.50": optional minus, 1-13 digits, optional point and 1-2 digits). Returns
 * undefined for anything else, so the caller falls back to parseCents for the rest (and its error).
 */
export function parseCentsAt(text: string, start: number, end: number): Cents | undefined {
  let p = start;
  const negative = p < end && text.charCodeAt(p) === 45; // '-'
  if (negative) p++;
  let whole = 0;
  const digits = p;
  while (p < end) {
    const c = text.charCodeAt(p) - 48;
    if (c < 0 || c > 9) break;
    whole = whole * 10 + c;
    p++;
  }
  if (p === digits || p - digits > 13) return undefined;
  let frac = 0;
  if (p < end) {
    if (text.charCodeAt(p) !== 46 || end - p < 2 || end - p > 3) return undefined; // '.' + 1-2 digits
    for (let q = p + 1; q < end; q++) {
      const c = text.charCodeAt(q) - 48;
      if (c < 0 || c > 9) return undefined;
      frac = frac * 10 + c;
    }
    if (end - p === 2) frac *= 10;
  }
  const cents = whole * 100 + frac;
  return negative ? -cents : cents;
}

/** Formats cents as an X12 / CSV decimal: 12500 -> "125", 12550 -> "125.5", 12505 -> "125.05". */
export function formatX12Amount(cents: Cents): string {
  assertCents(cents);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.trunc(abs / 100);
  const frac = abs % 100;
  if (frac === 0) return `${sign}${whole}`;
  // two decimals without the trailing zero: 50 -> "5", 5 -> "05", 55 -> "55"
  const f = frac % 10 === 0 ? String(frac / 10) : frac < 10 ? `0${frac}` : String(frac);
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
