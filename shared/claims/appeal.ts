/**
 * The appeal deadline as the workflow times it. Pure. The payer's appeal window (payer registry
 * `appealDeadlineDays`, default 180) counts from the day of the 835 that denied the claim; the
 * deadline is the last day of the window, and the AwaitAppeal timer runs to the end of that day (UTC).
 */
import { DEFAULT_PAYER_RULES, type Payer } from '../payers';

const DAY_MS = 86_400_000;

/** YYYY-MM-DD + days. */
export function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The payer's appeal window in days: the registry's `appealDeadlineDays`, else the default. */
export const appealWindowDays = (registered: Payer['appealDeadlineDays'] | undefined): number =>
  registered ?? DEFAULT_PAYER_RULES.appealDeadlineDays;

/**
 * The deadline (remit date + window) and the whole seconds from `now` to the end of that day, at
 * least 1 (Step Functions TimeoutSecondsPath wants a positive integer; a window already over
 * expires at once).
 */
export function appealTimer(
  remitDate: string,
  days: number,
  now: Date,
  executionStartedAt?: string,
): { deadline: string; seconds: number } {
  const deadline = addDays(remitDate, days);
  const deadlineEnd = Date.parse(`${deadline}T00:00:00Z`) + DAY_MS;
  const started = executionStartedAt ? Date.parse(executionStartedAt) : Number.NaN;
  // A Standard execution lives at most a year: the timer ends a day before that, or the wait would
  // die with the execution (a longer window expires the wait early: a work item, a person decides).
  const end = Number.isNaN(started) ? deadlineEnd : Math.min(deadlineEnd, started + EXECUTION_LIMIT_MS);
  return { deadline, seconds: Math.max(1, Math.ceil((end - now.getTime()) / 1000)) };
}

/** One year less a day: what the AwaitAppeal timer leaves of a Standard execution's lifetime. */
const EXECUTION_LIMIT_MS = 364 * DAY_MS;
