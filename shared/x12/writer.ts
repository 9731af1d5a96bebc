/**
 * Building blocks shared by the X12 writers: text cleaning, segment assembly, ISA/GS/ST envelope.
 * Writers always use: element '*', component ':', repetition '^', segment terminator '~'.
 */
import { X12Error } from './errors';
import { toX12Date } from './values';

export const OUT_DELIMITERS = { element: '*', component: ':', repetition: '^', segment: '~' } as const;

/** Common envelope fields of every interchange claimflow writes. */
export interface InterchangeEnvelope {
  senderQualifier?: string; // ISA05, default ZZ
  senderId: string; // ISA06 (padded to 15) and GS02
  receiverQualifier?: string; // ISA07, default ZZ
  receiverId: string; // ISA08 (padded to 15) and GS03
  interchangeControlNumber: number; // ISA13/IEA02, 1..999999999, written as 9 digits
  groupControlNumber: number; // GS06/GE02, 1..999999999
  transactionSetControlNumber: number; // ST02/SE02, written with at least 4 digits
  usage: 'T' | 'P'; // ISA15
  createdAt: string; // ISO timestamp; its UTC date/time is written
}

export interface WrittenControlNumbers {
  interchangeControlNumber: string;
  groupControlNumber: string;
  transactionSetControlNumber: string;
}

const DELIMITER_CHARS = /[*~:^|>\\]/g;

/**
 * Free text for an AN element, uncut: ASCII only (diacritics dropped), delimiter characters and
 * control characters removed, whitespace collapsed, uppercased unless keepCase.
 */
export function normalizeText(value: string | undefined, keepCase = false): string {
  if (!value) return '';
  if (isPlainText(value)) return keepCase ? value : value.toUpperCase();
  let s = value.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  s = s.replace(DELIMITER_CHARS, ' ').replace(/[^\x20-\x7e]/g, ' ');
  s = s.replace(/\s+/g, ' ').trim();
  return keepCase ? s : s.toUpperCase();
}

/**
 * Whether normalizeText leaves the value as it is (but for case): printable ASCII without the
 * delimiter characters, single spaces between words, none at either end. Most values are.
 */
function isPlainText(value: string): boolean {
  const last = value.length - 1;
  for (let i = 0; i <= last; i++) {
    const c = value.charCodeAt(i);
    if (c === 32) {
      if (i === 0 || i === last || value.charCodeAt(i - 1) === 32) return false;
    } else if (c < 33 || c > 126 || DELIMITER_CODES[c] === 1) return false;
  }
  return true;
}

/** 1 at the char codes of * ~ : ^ | > \ (DELIMITER_CHARS). */
const DELIMITER_CODES = new Uint8Array(128);
for (const c of '*~:^|>\\') DELIMITER_CODES[c.charCodeAt(0)] = 1;

/**
 * Free text for an AN element: normalizeText cut to max. Writers check with textProblem first, so
 * the cut never removes anything from a value they write.
 */
export function cleanText(value: string | undefined, max: number, keepCase = false): string {
  return normalizeText(value, keepCase).slice(0, max).trimEnd();
}

/**
 * Why a free-text value cannot be written unaltered in meaning: empty once cleaned (when required,
 * or when there was something to write: an optional value is not dropped silently either), or too
 * long for its element.
 */
export function textProblem(
  value: string | undefined,
  max: number,
  required: boolean,
): 'empty' | 'too long' | undefined {
  const s = normalizeText(value);
  if (s === '') return required || (value ?? '').trim() !== '' ? 'empty' : undefined;
  return s.length > max ? 'too long' : undefined;
}

/** Identifier value: like cleanText but without spaces collapsing into words; uppercased. */
export function cleanId(value: string | undefined, max: number): string {
  return cleanText(value, max).replace(/ /g, '');
}

/**
 * An identifier written exactly as given (member ids, line item control numbers, payer claim
 * control numbers, payer ids...): 1..max printable ASCII characters, no spaces and none of the
 * delimiter characters * : ^ ~ | > \. Anything else would have to be altered, so it is refused.
 */
export function isWritableId(value: string | undefined, max: number): boolean {
  return !!value && value.length <= max && /^[!-~]+$/.test(value) && !/[*~:^|>\\]/.test(value);
}

/** X12 decimal for a quantity: 1 -> "1", 1.5 -> "1.5" (max 3 decimals). */
export function formatQuantity(value: number): string {
  if (!Number.isFinite(value) || value < 0) throw new X12Error('INVALID_INPUT', 'quantity must be >= 0');
  return String(Math.round(value * 1000) / 1000);
}

/** Collects segments; join() gives the interchange text. */
export class SegmentBuffer {
  private readonly segments: string[] = [];
  private stStart = -1;

  /** Adds a segment; trailing empty elements are dropped. */
  add(id: string, ...elements: (string | undefined)[]): void {
    let last = elements.length - 1;
    while (last >= 0 && !elements[last]) last--;
    let s = id;
    for (let i = 0; i <= last; i++) s += `*${elements[i] ?? ''}`;
    this.segments.push(s);
  }

  beginTransaction(): void {
    this.stStart = this.segments.length;
  }

  /** Number of segments since the last beginTransaction, including the SE about to be added. */
  transactionCount(): number {
    return this.segments.length - this.stStart + 1;
  }

  join(newlines = false): string {
    return this.segments.join(newlines ? '~\n' : '~') + (newlines ? '~\n' : '~');
  }
}

function checkControl(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 1 || value > 999_999_999) {
    throw new X12Error('INVALID_INPUT', `${name} must be an integer 1..999999999`);
  }
}

export function controlNumbers(env: InterchangeEnvelope): WrittenControlNumbers {
  checkControl(env.interchangeControlNumber, 'interchangeControlNumber');
  checkControl(env.groupControlNumber, 'groupControlNumber');
  checkControl(env.transactionSetControlNumber, 'transactionSetControlNumber');
  return {
    interchangeControlNumber: String(env.interchangeControlNumber).padStart(9, '0'),
    groupControlNumber: String(env.groupControlNumber),
    transactionSetControlNumber: String(env.transactionSetControlNumber).padStart(4, '0'),
  };
}

function timeParts(createdAt: string): { date8: string; time4: string } {
  const d = new Date(createdAt);
  if (Number.isNaN(d.getTime())) throw new X12Error('INVALID_INPUT', 'createdAt is not an ISO timestamp');
  const iso = d.toISOString();
  return { date8: toX12Date(iso), time4: iso.slice(11, 13) + iso.slice(14, 16) };
}

/** Writes ISA + GS + ST (+ beginTransaction) for one transaction set. Returns date/time used. */
export function openInterchange(
  out: SegmentBuffer,
  env: InterchangeEnvelope,
  functionalId: string,
  transactionSetId: string,
  version: string,
  writeSt03 = true,
): { date8: string; time4: string; numbers: WrittenControlNumbers } {
  const numbers = controlNumbers(env);
  const { date8, time4 } = timeParts(env.createdAt);
  const sender = cleanId(env.senderId, 15);
  const receiver = cleanId(env.receiverId, 15);
  if (sender.length < 2 || receiver.length < 2) {
    throw new X12Error('INVALID_INPUT', 'senderId and receiverId need 2..15 characters');
  }
  out.add(
    'ISA',
    '00',
    ''.padEnd(10),
    '00',
    ''.padEnd(10),
    (env.senderQualifier ?? 'ZZ').padEnd(2),
    sender.padEnd(15),
    (env.receiverQualifier ?? 'ZZ').padEnd(2),
    receiver.padEnd(15),
    date8.slice(2),
    time4,
    OUT_DELIMITERS.repetition,
    '00501',
    numbers.interchangeControlNumber,
    '0',
    env.usage,
    OUT_DELIMITERS.component,
  );
  out.add('GS', functionalId, sender, receiver, date8, time4, numbers.groupControlNumber, 'X', version);
  out.beginTransaction();
  out.add('ST', transactionSetId, numbers.transactionSetControlNumber, writeSt03 ? version : undefined);
  return { date8, time4, numbers };
}

/** Writes SE + GE + IEA for a single transaction set interchange. */
export function closeInterchange(out: SegmentBuffer, numbers: WrittenControlNumbers): void {
  out.add('SE', String(out.transactionCount()), numbers.transactionSetControlNumber);
  out.add('GE', '1', numbers.groupControlNumber);
  out.add('IEA', '1', numbers.interchangeControlNumber);
}
