/**
 * The writers' fast paths (no regex, no Date) say exactly what the plain definitions say: each is
 * compared with its reference implementation over a large range of inputs, odd ones included.
 */
import { describe, expect, it } from 'vitest';
import { formatX12Amount } from '../../../shared/money';
import { isIsoDate, toX12Date } from '../../../shared/x12/values';
import { normalizeText } from '../../../shared/x12/writer';

const referenceIsoDate = (v: string | undefined): boolean => {
  if (v === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
};

function referenceNormalize(value: string | undefined, keepCase = false): string {
  if (!value) return '';
  let s = value.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  s = s.replace(/[*~:^|>\\]/g, ' ').replace(/[^\x20-\x7e]/g, ' ');
  s = s.replace(/\s+/g, ' ').trim();
  return keepCase ? s : s.toUpperCase();
}

function referenceAmount(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.trunc(abs / 100);
  const frac = abs % 100;
  if (frac === 0) return `${sign}${whole}`;
  return `${sign}${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}`;
}

function referenceX12Date(iso: string): string | Error {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[1]}${m[2]}${m[3]}` : new Error('not a date');
}

/** Deterministic pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
}

describe('fast paths match their reference definitions', () => {
  it('isIsoDate: every month and day 00-32 of many years, and malformed text', () => {
    const p2 = (n: number) => String(n).padStart(2, '0');
    const differ: string[] = [];
    for (const y of [0, 1, 4, 100, 400, 1582, 1900, 1999, 2000, 2023, 2024, 2026, 2100, 2400, 9999]) {
      for (let m = 0; m <= 13; m++) {
        for (let d = 0; d <= 32; d++) {
          const v = `${String(y).padStart(4, '0')}-${p2(m)}-${p2(d)}`;
          if (isIsoDate(v) !== referenceIsoDate(v)) differ.push(v);
        }
      }
    }
    for (const v of [
      '2026-1-01',
      '2026/01/01',
      ' 2026-01-01',
      '2026-01-01T00:00',
      '２０２６-01-01',
      '',
      '2026-0a-01',
    ]) {
      if (isIsoDate(v) !== referenceIsoDate(v)) differ.push(v);
    }
    expect(isIsoDate(undefined)).toBe(false);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('1900-02-29')).toBe(false);
    expect(differ).toEqual([]);
  });

  it('normalizeText: random text of letters, spaces, delimiters, controls and non-ASCII', () => {
    const alphabet = [
      'a',
      'B',
      ' ',
      '  ',
      '*',
      '~',
      ':',
      '^',
      '|',
      '>',
      '\\',
      'é',
      '\t',
      '\n',
      '\x7f',
      '\x00',
      '1',
      '-',
      'ß',
      '\u00a0',
      'Ｘ',
      'ı',
      'ﬁ',
    ];
    const next = random(1);
    const differ: string[] = [];
    for (let i = 0; i < 20000; i++) {
      let s = '';
      const length = Math.floor(next() * 8);
      for (let j = 0; j < length; j++) s += alphabet[Math.floor(next() * alphabet.length)];
      for (const keepCase of [false, true]) {
        if (normalizeText(s, keepCase) !== referenceNormalize(s, keepCase)) differ.push(JSON.stringify(s));
      }
    }
    expect(normalizeText('Main St 12')).toBe('MAIN ST 12');
    expect(differ).toEqual([]);
  });

  it('formatX12Amount: every amount from -$1000 to $1000 and the extremes', () => {
    const differ: number[] = [];
    for (let c = -100_000; c <= 100_000; c++) if (formatX12Amount(c) !== referenceAmount(c)) differ.push(c);
    for (const c of [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
      if (formatX12Amount(c) !== referenceAmount(c)) differ.push(c);
    }
    expect(formatX12Amount(12505)).toBe('125.05');
    expect(differ).toEqual([]);
  });

  it('toX12Date: dates, timestamps and text that is not a date', () => {
    for (const v of [
      '2026-01-15',
      '2026-01-15T10:00:00Z',
      '2026-1-15',
      '20260115',
      '2026-0a-15',
      '２０２６-01-15',
      '2026-01-',
      '',
    ]) {
      const want = referenceX12Date(v);
      if (want instanceof Error) expect(() => toX12Date(v)).toThrow('date is not ISO YYYY-MM-DD');
      else expect(toX12Date(v)).toBe(want);
    }
  });
});
