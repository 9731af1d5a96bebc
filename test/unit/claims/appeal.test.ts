import { describe, expect, it } from 'vitest';
import { addDays, appealTimer, appealWindowDays } from '../../../shared/claims/appeal';

const DAY = 86_400;

describe('appealTimer', () => {
  it('runs to the end of the deadline day: remit date + window', () => {
    const now = new Date('2026-03-01T18:00:00.000Z');
    expect(appealTimer('2026-03-01', 30, now)).toEqual({
      deadline: '2026-03-31',
      seconds: 30 * DAY + 6 * 3600,
    });
  });

  it('a window already over expires at once (at least one second)', () => {
    expect(appealTimer('2025-01-01', 30, new Date('2026-03-01T00:00:00.000Z')).seconds).toBe(1);
  });

  it("ends a day before the execution's one-year limit when the window runs longer", () => {
    const now = new Date('2026-03-01T00:00:00.000Z');
    const started = '2026-01-01T00:00:00.000Z';
    const timer = appealTimer('2026-03-01', 365, now, started);
    expect(timer.deadline).toBe('2027-03-01');
    expect(timer.seconds).toBe((364 - 59) * DAY);
    // A window that ends earlier is not touched.
    expect(appealTimer('2026-03-01', 30, now, started).seconds).toBe(31 * DAY);
  });

  it('the registry window, else 180 days', () => {
    expect(appealWindowDays(45)).toBe(45);
    expect(appealWindowDays(undefined)).toBe(180);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
