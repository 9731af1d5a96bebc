/** Element value conversions shared by the readers and writers. */
import { type Cents, parseCents } from '../money';
import { X12Error } from './errors';
import { el, type Segment } from './tokenizer';

/** X12 decimal (R type) element -> integer cents. Throws INVALID_VALUE naming the segment. */
export function centsAt(seg: Segment, n: number): Cents {
  const raw = el(seg, n).trim();
  const text = raw.startsWith('.') ? `0${raw}` : raw.startsWith('-.') ? `-0${raw.slice(1)}` : raw;
  try {
    return parseCents(text);
  } catch {
    throw new X12Error('INVALID_VALUE', `${seg.id}${String(n).padStart(2, '0')} is not a money amount`, {
      segmentIndex: seg.index,
      segmentId: seg.id,
    });
  }
}

/** Optional money element: undefined when empty. */
export function optionalCentsAt(seg: Segment, n: number): Cents | undefined {
  return el(seg, n).trim() === '' ? undefined : centsAt(seg, n);
}

/** Numeric (quantity) element -> number, undefined when empty. */
export function numberAt(seg: Segment, n: number): number | undefined {
  const raw = el(seg, n).trim();
  if (raw === '') return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v)) {
    throw new X12Error('INVALID_VALUE', `${seg.id}${String(n).padStart(2, '0')} is not a number`, {
      segmentIndex: seg.index,
      segmentId: seg.id,
    });
  }
  return v;
}

/** CCYYMMDD element -> YYYY-MM-DD. */
export function dateAt(seg: Segment, n: number): string {
  const raw = el(seg, n).trim();
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(raw);
  if (!m) {
    throw new X12Error('INVALID_VALUE', `${seg.id}${String(n).padStart(2, '0')} is not a CCYYMMDD date`, {
      segmentIndex: seg.index,
      segmentId: seg.id,
    });
  }
  return `${m[1]}-${m[2]}-${m[3]}`;
}

export function optionalDateAt(seg: Segment, n: number): string | undefined {
  return el(seg, n).trim() === '' ? undefined : dateAt(seg, n);
}

/**
 * Whether v is a calendar date written YYYY-MM-DD: what `new Date(\`${v}T00:00:00Z\`)` reads back
 * to the same day (proleptic Gregorian, years 0000-9999), without making a Date.
 */
export function isIsoDate(v: string | undefined): boolean {
  if (v === undefined || v.length !== 10 || v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45) return false;
  const y = digitsOf(v, 0, 4);
  const m = digitsOf(v, 5, 7);
  const d = digitsOf(v, 8, 10);
  if (y < 0 || m < 1 || m > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31);
}

/** The number written by the ASCII digits v[start..end), -1 if any is not a digit. */
function digitsOf(v: string, start: number, end: number): number {
  let n = 0;
  for (let p = start; p < end; p++) {
    const c = v.charCodeAt(p) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** YYYY-MM-DD (or an ISO timestamp) -> CCYYMMDD. */
export function toX12Date(iso: string): string {
  if (iso.length >= 10 && iso.charCodeAt(4) === 45 && iso.charCodeAt(7) === 45) {
    // the common case without the regex: the same digits, the same result
    const y = iso.slice(0, 4);
    const m = iso.slice(5, 7);
    const d = iso.slice(8, 10);
    if (digitsOf(y, 0, 4) >= 0 && digitsOf(m, 0, 2) >= 0 && digitsOf(d, 0, 2) >= 0) return y + m + d;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) throw new X12Error('INVALID_INPUT', 'date is not ISO YYYY-MM-DD');
  return `${m[1]}${m[2]}${m[3]}`;
}

/*
 * 837P (005010X222A1) code lists claimflow writes from claim data, as the TR3 (and pyx12's map of
 * it) lists them. Intake validates against them, the 837P check refuses anything else.
 */

/** SBR09 claim filing indicator codes. */
export const CLAIM_FILING_INDICATORS = [
  '11',
  '12',
  '13',
  '14',
  '15',
  '16',
  '17',
  'AM',
  'BL',
  'CH',
  'CI',
  'DS',
  'FI',
  'HM',
  'LM',
  'MA',
  'MB',
  'MC',
  'OF',
  'TV',
  'VA',
  'WC',
  'ZZ',
] as const;

/** CLM11-1 / CLM11-2 related causes: auto accident, employment, other accident. */
export const RELATED_CAUSES = ['AA', 'EM', 'OA'] as const;

/** CLM06 provider signature on file, CLM07 assignment / plan participation, CLM08 benefits assignment, CLM09 release of information. */
export const PROVIDER_SIGNATURE_CODES = ['Y', 'N'] as const;
export const ASSIGNMENT_CODES = ['A', 'B', 'C'] as const;
export const BENEFITS_ASSIGNMENT_CODES = ['Y', 'N', 'W'] as const;
export const RELEASE_OF_INFORMATION_CODES = ['I', 'Y'] as const;

/** PWK01 attachment report type codes. */
export const ATTACHMENT_REPORT_TYPES = [
  '03',
  '04',
  '05',
  '06',
  '07',
  '08',
  '09',
  '10',
  '11',
  '13',
  '15',
  '21',
  'A3',
  'A4',
  'AM',
  'AS',
  'B2',
  'B3',
  'B4',
  'BR',
  'BS',
  'BT',
  'CB',
  'CK',
  'CT',
  'D2',
  'DA',
  'DB',
  'DG',
  'DJ',
  'DS',
  'EB',
  'HC',
  'HR',
  'I5',
  'IR',
  'LA',
  'M1',
  'MT',
  'NN',
  'OB',
  'OC',
  'OD',
  'OE',
  'OX',
  'OZ',
  'P4',
  'P5',
  'PE',
  'PN',
  'PO',
  'PQ',
  'PY',
  'PZ',
  'RB',
  'RR',
  'RT',
  'RX',
  'SG',
  'V5',
  'XP',
] as const;

/** PWK02 attachment transmission codes; AA = available on request at the provider's site. */
export const ATTACHMENT_TRANSMISSION_CODES = ['AA', 'BM', 'EL', 'EM', 'FT', 'FX'] as const;

/** CTP05-1 NDC unit of measure: international unit, gram, milligram, milliliter, unit. */
export const DRUG_UNIT_CODES = ['F2', 'GR', 'ME', 'ML', 'UN'] as const;

/** Health care provider taxonomy code shape (PRV03): 9 letters/digits then X, e.g. 207Q00000X. */
export const TAXONOMY_PATTERN = /^[0-9A-Z]{9}X$/;

/** NDC in the 11-digit 5-4-2 form an 837P carries (LIN03, N4 qualifier). */
export const NDC_PATTERN = /^\d{11}$/;

/**
 * A package NDC as printed (10 digits with dashes, 4-4-2, 5-3-2 or 5-4-1, or 11 digits 5-4-2 with or
 * without dashes) -> the 11-digit 5-4-2 form, zero-padding the short segment (the HIPAA conversion).
 * Undefined when it is none of these shapes (10 digits without dashes are ambiguous).
 */
export function toNdc11(text: string): string | undefined {
  const v = text.trim();
  if (/^\d{11}$/.test(v)) return v;
  const m = /^(\d{4,5})-(\d{3,4})-(\d{1,2})$/.exec(v);
  if (!m) return undefined;
  const [, labeler, product, pkg] = m as unknown as [string, string, string, string];
  if (labeler.length + product.length + pkg.length === 11)
    return labeler.length === 5 && product.length === 4 ? `${labeler}${product}${pkg}` : undefined;
  if (labeler.length + product.length + pkg.length !== 10) return undefined;
  return `${labeler.padStart(5, '0')}${product.padStart(4, '0')}${pkg.padStart(2, '0')}`;
}
