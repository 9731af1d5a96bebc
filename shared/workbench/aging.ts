/**
 * Accounts-receivable aging. A claim's age is counted in whole days from its first date of service
 * to "today" (UTC calendar dates), the usual basis for A/R buckets in professional billing.
 */

export const AR_BUCKETS = ['0-30', '31-60', '61-90', '91-120', '120+'] as const;
export type ArBucket = (typeof AR_BUCKETS)[number];

const DAY_MS = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function dayNumber(isoDate: string): number {
  if (!ISO_DATE.test(isoDate)) throw new Error(`not an ISO date: "${isoDate}"`);
  const ms = Date.parse(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new Error(`not an ISO date: "${isoDate}"`);
  return Math.floor(ms / DAY_MS);
}

/** Whole days from `from` (YYYY-MM-DD) to `today` (YYYY-MM-DD); never negative (a future date is 0). */
export function ageInDays(from: string, today: string): number {
  return Math.max(0, dayNumber(today) - dayNumber(from));
}

/** 0-30, 31-60, 61-90, 91-120, then 120+ (121 days and older). */
export function arBucket(ageDays: number): ArBucket {
  if (ageDays <= 30) return '0-30';
  if (ageDays <= 60) return '31-60';
  if (ageDays <= 90) return '61-90';
  if (ageDays <= 120) return '91-120';
  return '120+';
}

/** The UTC calendar date of an instant. */
export const isoDay = (at: Date): string => at.toISOString().slice(0, 10);
