import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../../shared/reports/csv';

describe('csvCell', () => {
  it.each([
    ['=1+2', "'=1+2"],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
  ])('prefixes a text cell starting a formula: %j', (input, out) => {
    expect(csvCell(input)).toBe(out);
  });
  it('quotes commas, quotes and newlines, doubling quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('a\nb')).toBe('"a\nb"');
  });
  it('writes numbers as numbers, negatives unprefixed; empty for null and non-finite', () => {
    expect(csvCell(-1250)).toBe('-1250');
    expect(csvCell(0.5)).toBe('0.5');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
  });
  it('leaves ordinary text alone', () => {
    expect(csvCell('CO-50')).toBe('CO-50');
  });
});

describe('toCsv', () => {
  it('joins header and rows with CRLF', () => {
    expect(toCsv(['a', 'b'], [[1, '=x']])).toBe("a,b\r\n1,'=x\r\n");
  });
});
