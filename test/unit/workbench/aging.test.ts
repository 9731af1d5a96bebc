import { describe, expect, it } from 'vitest';
import { ageInDays, arBucket, isoDay } from '../../../shared/workbench/aging';

describe('A/R aging', () => {
  it('counts whole UTC days, never negative', () => {
    expect(ageInDays('2026-01-15', '2026-01-15')).toBe(0);
    expect(ageInDays('2026-01-15', '2026-02-14')).toBe(30);
    expect(ageInDays('2025-12-31', '2026-03-01')).toBe(60);
    expect(ageInDays('2026-03-10', '2026-03-01')).toBe(0);
    expect(ageInDays('2024-02-28', '2024-03-01')).toBe(2); // leap year
  });

  it('buckets at the boundaries 30/31, 60/61, 90/91, 120/121', () => {
    expect([0, 30, 31, 60, 61, 90, 91, 120, 121, 400].map(arBucket)).toEqual([
      '0-30',
      '0-30',
      '31-60',
      '31-60',
      '61-90',
      '61-90',
      '91-120',
      '91-120',
      '120+',
      '120+',
    ]);
  });

  it('refuses a date that is not YYYY-MM-DD', () => {
    expect(() => ageInDays('01/15/2026', '2026-02-01')).toThrow(/ISO date/);
    expect(() => ageInDays('2026-13-45', '2026-02-01')).toThrow(/ISO date/);
  });

  it('isoDay is the UTC calendar date', () => {
    expect(isoDay(new Date('2026-03-01T23:59:59.999Z'))).toBe('2026-03-01');
  });
});
