/** The console's pure modules: routes (no PHI in URLs), idle sign-out, search bodies, formatting. */
import { describe, expect, it } from 'vitest';
import { chargeText, money, parseDollars, percent, when } from '../../../web/src/lib/format';
import { idleWatch } from '../../../web/src/lib/idle';
import { href, parseRoute } from '../../../web/src/lib/routes';
import { EMPTY_FILTERS, searchBody } from '../../../web/src/lib/search';

describe('routes', () => {
  it('round-trips every page through its hash', () => {
    for (const r of [
      { page: 'dashboard' },
      { page: 'claims' },
      { page: 'claim', claimId: 'CABCDEFGHIJKLMNOP' },
      { page: 'correct', claimId: 'CABCDEFGHIJKLMNOP' },
      { page: 'appeal', claimId: 'CABCDEFGHIJKLMNOP' },
      { page: 'work' },
      { page: 'statements' },
      { page: 'reports' },
    ] as const)
      expect(parseRoute(href(r))).toEqual(r);
  });

  it('sends anything unknown or malformed to the dashboard', () => {
    for (const h of [
      '',
      '#',
      '#/nope',
      '#/claims/a b',
      '#/claims/X/void',
      '#/claims/X/correct/more',
      '#main',
    ])
      expect(parseRoute(h)).toEqual({ page: 'dashboard' });
  });
});

describe('idle sign-out', () => {
  it('fires once after idleMs without input, and input postpones it', () => {
    let fired = 0;
    const w = idleWatch(1000, 0, () => fired++);
    expect(w.check(999)).toBe(false);
    w.touch(500);
    expect(w.check(1400)).toBe(false);
    expect(w.remaining(1400)).toBe(100);
    expect(w.check(1500)).toBe(true);
    expect(w.check(5000)).toBe(false);
    expect(fired).toBe(1);
    w.touch(6000); // input after sign-out does not revive the session
    expect(w.remaining(6000)).toBe(0);
  });

  it('ignores input reported out of order and refuses a non-positive idle time', () => {
    let fired = 0;
    const w = idleWatch(1000, 0, () => fired++);
    w.touch(800);
    w.touch(100);
    expect(w.check(1799)).toBe(false);
    expect(w.check(1800)).toBe(true);
    expect(fired).toBe(1);
    expect(() => idleWatch(0, 0, () => undefined)).toThrow();
  });
});

describe('claims search body', () => {
  it('holds only the filters that are set, the search under the field chosen', () => {
    expect(searchBody(EMPTY_FILTERS, undefined)).toEqual({ limit: 25 });
    expect(
      searchBody(
        {
          ...EMPTY_FILTERS,
          status: 'DENIED',
          payerId: ' SIMPAYER1 ',
          arBucket: '120+',
          serviceFrom: '2026-01-01',
          searchBy: 'patientAccount',
          search: ' ENC-1001 ',
        },
        'cursor1',
      ),
    ).toEqual({
      limit: 25,
      status: 'DENIED',
      payerId: 'SIMPAYER1',
      arBucket: '120+',
      serviceFrom: '2026-01-01',
      patientAccount: 'ENC-1001',
      cursor: 'cursor1',
    });
    expect(searchBody({ ...EMPTY_FILTERS, search: 'CABC' }, undefined)).toEqual({
      limit: 25,
      claimId: 'CABC',
    });
  });
});

describe('format', () => {
  it('shows cents as dollars, rates as percentages, times in UTC', () => {
    expect(money(123456)).toBe('$1,234.56');
    expect(money(-500)).toBe('-$5.00');
    expect(chargeText(12345)).toBe('123.45');
    expect(chargeText(5)).toBe('0.05');
    expect(chargeText(-250)).toBe('-2.50');
    expect(percent(0.875)).toBe('87.5%');
    expect(percent(null)).toBe('n/a');
    expect(when('2026-03-01T12:34:56.000Z')).toBe('2026-03-01 12:34 UTC');
    expect(when('2026-03-01')).toBe('2026-03-01');
  });
});

describe('parseDollars', () => {
  it('reads what people type as cents, and refuses anything else', () => {
    expect(parseDollars('12')).toBe(1200);
    expect(parseDollars(' 12.3 ')).toBe(1230);
    expect(parseDollars('$1,234.05')).toBe(123405);
    expect(parseDollars('0.07')).toBe(7);
    for (const bad of ['', '12.345', '-5', '1,23', '12,00', 'ten', '1e3', '.5'])
      expect(parseDollars(bad)).toBeUndefined();
  });
});
