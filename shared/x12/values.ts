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

/** YYYY-MM-DD (or an ISO timestamp) -> CCYYMMDD. */
export function toX12Date(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) throw new X12Error('INVALID_INPUT', 'date is not ISO YYYY-MM-DD');
  return `${m[1]}${m[2]}${m[3]}`;
}
