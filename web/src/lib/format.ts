/** Display helpers. Pure (no DOM), unit-tested in test/unit/web. Money is integer cents. */

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** 12345 -> "$123.45", -500 -> "-$5.00". */
export const money = (cents: number): string => usd.format(cents / 100);

/** A rate (0..1 or null when there is nothing to divide by) as "87.5%" or "n/a". */
export const percent = (rate: number | null | undefined): string =>
  rate === null || rate === undefined ? 'n/a' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;

/** An ISO timestamp as "YYYY-MM-DD HH:MM UTC"; a calendar date is returned as is. */
export const when = (iso: string): string =>
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso;

/** Cents as a charge file writes them: 12345 -> "123.45". */
export const chargeText = (cents: number): string =>
  `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;

/** A status constant as words: NEEDS_CORRECTION -> "needs correction". */
export const words = (constant: string): string => constant.toLowerCase().replaceAll('_', ' ');

/** A dollar amount typed by a person ("12", "12.3", "$1,234.50") as cents; undefined if it is not one. */
export function parseDollars(text: string): number | undefined {
  const m = /^\$?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return undefined;
  return Number((m[1] as string).replaceAll(',', '')) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
