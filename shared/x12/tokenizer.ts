/**
 * Streaming X12 tokenizer. Delimiters come from the ISA header of each interchange:
 * element separator = ISA character 4, component separator = ISA16, repetition separator = ISA11
 * (version 00501 and later), segment terminator = the character after ISA16. CR/LF after a
 * terminator is tolerated. Input can be a string, bytes, or an (async) iterable of chunks that may
 * split segments anywhere.
 *
 * The envelope is checked while streaming (strict by default): ISA13/IEA02, GS06/GE02, ST02/SE02,
 * SE01 segment counts, GE01/IEA01 counts, missing trailers, segments outside their envelope.
 * Trailer segments (SE, GE, IEA) are yielded first and checked when the consumer asks for the next
 * segment (or the iteration ends), so a consumer must not act on a transaction set before it has
 * pulled the segment after its SE (the readers in this folder do exactly that).
 */
import { type Cents, parseCentsAt } from '../money';
import { X12Error, type X12ErrorCode } from './errors';
import { centsAt } from './values';

export interface Delimiters {
  element: string;
  component: string;
  /** ISA11 for 00501+ when it is a separator character; undefined for 00401 ('U'). */
  repetition: string | undefined;
  segment: string;
}

/** One segment. elements[0] is the segment id, so elements[n] is the n-th data element (XXnn). */
export interface Segment {
  id: string;
  elements: string[];
  /** 1-based position in the input, counting every segment of every interchange (ISA = 1). */
  index: number;
  delimiters: Delimiters;
}

export type X12Input =
  | string
  | Uint8Array
  | Iterable<string | Uint8Array>
  | AsyncIterable<string | Uint8Array>;

export interface TokenizeOptions {
  /** 'strict' (default) throws X12Error on envelope defects; 'lenient' reports them to onWarning. */
  envelope?: 'strict' | 'lenient';
  onWarning?: (warning: X12Error) => void;
}

/** Element n of a segment ('' when absent). */
export function el(seg: Segment, n: number): string {
  return seg.elements[n] ?? '';
}

/** Components of a composite element (a plain element gives one component). */
export function components(seg: Segment, n: number): string[] {
  const v = seg.elements[n];
  if (v === undefined || v === '') return [];
  return v.split(seg.delimiters.component);
}

// Segment ids as interned strings, so a raw segment's id costs no allocation and compares fast,
// each with a number (its position in this list, from 1) that readers switch on: RawSegment.code.
const KNOWN_IDS =
  'ISA IEA TA1 GS GE ST SE BPR TRN CUR REF DTM N1 N2 N3 N4 PER RDM LX TS3 TS2 CLP CAS NM1 MIA MOA AMT QTY SVC LQ PLB BHT HL PRV SBR PAT CLM HI NTE SV1 SV2 SV3 LIN CTP AK1 AK2 IK3 IK4 CTX IK5 AK9 STC K3 PWK CN1 DMG';
const ENVELOPE_IDS = new Set(['ISA', 'TA1', 'GS', 'ST', 'SE', 'GE', 'IEA']);

/** An interned segment id, whether it is an envelope segment (checked by EnvelopeChecker), its code. */
interface KnownId {
  id: string;
  envelope: boolean;
  /** Position in KNOWN_IDS from 1; 0 for any other id. */
  code: number;
}

const ID_CACHE = new Map<number, KnownId>();
KNOWN_IDS.split(' ').forEach((id, i) => {
  ID_CACHE.set(idKey(id, 0, id.length), { id, envelope: ENVELOPE_IDS.has(id), code: i + 1 });
});

/**
 * The number RawSegment.code gives a segment id (0 for an id outside the known list): readers
 * switch on these numbers as literals (a jump table), and their tests check each literal here.
 */
export function segmentCode(id: string): number {
  return ID_CACHE.get(idKey(id, 0, id.length))?.code ?? 0;
}

/** A number naming an id of 1-3 ASCII characters (-1 for anything else). */
function idKey(text: string, start: number, end: number): number {
  if (end - start > 3 || end - start < 1) return -1;
  let key = end - start;
  for (let p = start; p < end; p++) {
    const c = text.charCodeAt(p);
    if (c > 0x7f) return -1;
    key = key * 256 + c;
  }
  return key;
}

function segmentId(buf: string, start: number, end: number): KnownId {
  const key = idKey(buf, start, end);
  if (key < 0) {
    const id = buf.slice(start, end);
    return { id, envelope: ENVELOPE_IDS.has(id), code: 0 };
  }
  const known = ID_CACHE.get(key);
  if (known !== undefined) return known;
  const id = buf.slice(start, end);
  const made = { id, envelope: ENVELOPE_IDS.has(id), code: 0 };
  if (ID_CACHE.size < 2000) ID_CACHE.set(key, made);
  return made;
}

/**
 * A segment seen in place, without splitting it into elements: `buf.slice(start, end)` is its text.
 * The raw readers get one RawSegment object that is reused for every segment, so a handler must
 * read what it needs before it returns and never keep the object.
 */
export class RawSegment {
  id = '';
  /** An envelope segment (ISA, TA1, GS, ST, SE, GE, IEA). */
  envelope = false;
  /** segmentCode(id): a number to switch on (0 for ids outside the known list). */
  code = 0;
  /** 1-based position in the input (as Segment.index). */
  index = 0;
  buf = '';
  start = 0;
  end = 0;
  delimiters: Delimiters = { element: '*', component: ':', repetition: undefined, segment: '~' };
  private split: Segment | undefined;
  /** bounds[n] = position of the separator before element n + 1 (or end); bounds[0] ends the id. */
  private bounds = new Int32Array(64);
  private count = -1; // number of elements after the id, -1 until the bounds are found

  set(buf: string, start: number, end: number, idEnd: number, index: number, d: Delimiters): void {
    if (this.buf !== buf) this.buf = buf; // the same piece for many segments: no write barrier each time
    this.start = start;
    this.end = end;
    const known = segmentId(buf, start, idEnd);
    this.id = known.id;
    this.envelope = known.envelope;
    this.code = known.code;
    this.index = index;
    this.delimiters = d;
    this.split = undefined;
    this.count = -1;
  }

  /** Stands for an already split segment (the ISA header). */
  setSegment(seg: Segment): void {
    this.buf = '';
    this.start = 0;
    this.end = 0;
    this.id = seg.id;
    this.envelope = ENVELOPE_IDS.has(seg.id);
    this.code = segmentCode(seg.id);
    this.index = seg.index;
    this.delimiters = seg.delimiters;
    this.split = seg;
    this.count = -1;
  }

  private findBounds(): number {
    const buf = this.buf;
    const end = this.end;
    const sep = this.delimiters.element.charCodeAt(0);
    let bounds = this.bounds;
    let n = 0;
    // elements are a few characters long: a character loop beats an indexOf call per element
    for (let p = this.start; p < end; p++) {
      if (buf.charCodeAt(p) !== sep) continue;
      if (n === bounds.length - 1) {
        const grown = new Int32Array(bounds.length * 2);
        grown.set(bounds);
        this.bounds = bounds = grown;
      }
      bounds[n++] = p;
    }
    bounds[n] = end;
    this.count = n;
    return n;
  }

  /** Element n ('' when absent), exactly as `toSegment().elements[n] ?? ''`. */
  el(n: number): string {
    if (this.split) return this.split.elements[n] ?? '';
    const count = this.count < 0 ? this.findBounds() : this.count;
    if (n > count || n < 1) return n === 0 ? this.id : '';
    return this.buf.slice((this.bounds[n - 1] as number) + 1, this.bounds[n] as number);
  }

  /** Element n as cents: the plain forms read in place, anything else via centsAt (and its error). */
  cents(n: number): Cents {
    if (!this.split) {
      const count = this.count < 0 ? this.findBounds() : this.count;
      if (n >= 1 && n <= count) {
        const v = parseCentsAt(this.buf, (this.bounds[n - 1] as number) + 1, this.bounds[n] as number);
        if (v !== undefined) return v;
      }
    }
    return centsAt(this.toSegment(), n);
  }

  /** Whether element n is empty or absent (as `el(n) === ''`), without reading it. */
  isEmpty(n: number): boolean {
    if (this.split) return (this.split.elements[n] ?? '') === '';
    const count = this.count < 0 ? this.findBounds() : this.count;
    if (n > count || n < 1) return n === 0 ? this.id === '' : true;
    return (this.bounds[n - 1] as number) + 1 === (this.bounds[n] as number);
  }

  /** Whether element n is exactly `text` (as `el(n) === text`), without making a string. */
  is(n: number, text: string): boolean {
    if (this.split || n < 1) return this.el(n) === text;
    const count = this.count < 0 ? this.findBounds() : this.count;
    if (n > count) return text === '';
    const from = (this.bounds[n - 1] as number) + 1;
    if ((this.bounds[n] as number) - from !== text.length) return false;
    for (let i = 0; i < text.length; i++) {
      if (this.buf.charCodeAt(from + i) !== text.charCodeAt(i)) return false;
    }
    return true;
  }

  /**
   * Element n as a number when it is 1-15 ASCII digits and nothing else (then it equals
   * `Number(el(n))`); -1 otherwise (empty, signs, points, spaces: the caller reads those itself).
   */
  digits(n: number): number {
    if (this.split || n < 1) return -1;
    const count = this.count < 0 ? this.findBounds() : this.count;
    if (n > count) return -1;
    const from = (this.bounds[n - 1] as number) + 1;
    const to = this.bounds[n] as number;
    if (to === from || to - from > 15) return -1;
    let v = 0;
    for (let p = from; p < to; p++) {
      const c = this.buf.charCodeAt(p) - 48;
      if (c < 0 || c > 9) return -1;
      v = v * 10 + c;
    }
    return v;
  }

  /** Whether element n is empty, absent or whitespace only (as `el(n).trim() === ''`). */
  isBlank(n: number): boolean {
    if (this.isEmpty(n)) return true;
    if (this.split || n < 1) return this.el(n).trim() === '';
    const c = this.buf.charCodeAt((this.bounds[n - 1] as number) + 1);
    if (c > 32 && c < 127) return false; // starts with a visible ASCII character
    return this.el(n).trim() === '';
  }

  /** Number of characters of element n (0 when absent). */
  length(n: number): number {
    if (this.split || n < 1) return this.el(n).length;
    const count = this.count < 0 ? this.findBounds() : this.count;
    if (n > count) return 0;
    return (this.bounds[n] as number) - (this.bounds[n - 1] as number) - 1;
  }

  /** The segment split into elements (made once per segment). */
  toSegment(): Segment {
    if (!this.split) {
      this.split = {
        id: this.id,
        elements: this.buf.slice(this.start, this.end).split(this.delimiters.element),
        index: this.index,
        delimiters: this.delimiters,
      };
    }
    return this.split;
  }
}

const ISA_MAX_LENGTH = 400; // a fixed-length ISA is 106 characters; allow unpadded/odd ones
const WHITESPACE = /[\s\uFEFF]/;

function isSeparatorChar(c: string | undefined): c is string {
  return c !== undefined && c.length === 1 && !/[A-Za-z0-9\s]/.test(c);
}

/** Envelope state machine. Non-trailers are checked before they are yielded, trailers after. */
class EnvelopeChecker {
  private state: 'outside' | 'interchange' | 'group' | 'transaction' = 'outside';
  private isa13 = '';
  private groups = 0;
  private gs06 = '';
  private sets = 0;
  private st02 = '';
  private segCount = 0;

  constructor(
    private readonly strict: boolean,
    private readonly onWarning: ((w: X12Error) => void) | undefined,
  ) {}

  private problem(code: X12ErrorCode, message: string, seg: Segment | undefined): void {
    const err = new X12Error(code, message, { segmentIndex: seg?.index, segmentId: seg?.id });
    if (this.strict) throw err;
    this.onWarning?.(err);
  }

  private sameControl(a: string, b: string): boolean {
    const x = a.trim();
    const y = b.trim();
    if (x === y) return true;
    return /^\d+$/.test(x) && /^\d+$/.test(y) && Number(x) === Number(y);
  }

  /** before() for a segment that is not part of the envelope (not ISA, TA1, GS, ST, SE, GE, IEA). */
  body(raw: RawSegment): void {
    if (this.state !== 'transaction') {
      this.problem('UNEXPECTED_SEGMENT', `${raw.id} outside a transaction set`, raw.toSegment());
    }
    this.segCount++;
  }

  isTrailer(id: string): boolean {
    return id === 'SE' || id === 'GE' || id === 'IEA';
  }

  before(seg: Segment): void {
    switch (seg.id) {
      case 'ISA':
        this.state = 'interchange';
        this.isa13 = el(seg, 13);
        this.groups = 0;
        return;
      case 'TA1':
        if (this.state !== 'interchange') this.problem('UNEXPECTED_SEGMENT', 'TA1 outside interchange', seg);
        return;
      case 'GS':
        if (this.state !== 'interchange') {
          this.problem(
            this.state === 'transaction' ? 'MISSING_SE' : 'MISSING_GE',
            'GS before previous envelope closed',
            seg,
          );
        }
        this.state = 'group';
        this.gs06 = el(seg, 6);
        this.sets = 0;
        return;
      case 'ST':
        if (this.state === 'transaction') this.problem('MISSING_SE', 'ST before previous SE', seg);
        else if (this.state !== 'group') this.problem('UNEXPECTED_SEGMENT', 'ST outside a GS group', seg);
        this.state = 'transaction';
        this.st02 = el(seg, 2);
        this.segCount = 1;
        return;
      default:
        if (this.isTrailer(seg.id)) return;
        if (this.state !== 'transaction') {
          this.problem('UNEXPECTED_SEGMENT', `${seg.id} outside a transaction set`, seg);
        }
        this.segCount++;
    }
  }

  after(seg: Segment): void {
    switch (seg.id) {
      case 'SE': {
        if (this.state !== 'transaction') {
          this.problem('UNEXPECTED_SEGMENT', 'SE without ST', seg);
          return;
        }
        this.segCount++;
        const declared = el(seg, 1);
        if (!/^\d+$/.test(declared) || Number(declared) !== this.segCount) {
          this.problem(
            'SEGMENT_COUNT_MISMATCH',
            `SE01 declares ${declared || '(empty)'} segments, transaction set ${this.st02} has ${this.segCount}`,
            seg,
          );
        }
        if (!this.sameControl(el(seg, 2), this.st02)) {
          this.problem('CONTROL_NUMBER_MISMATCH', `SE02 ${el(seg, 2)} does not match ST02 ${this.st02}`, seg);
        }
        this.state = 'group';
        this.sets++;
        return;
      }
      case 'GE': {
        if (this.state === 'transaction')
          this.problem('MISSING_SE', `transaction set ${this.st02} not closed`, seg);
        else if (this.state !== 'group') {
          this.problem('UNEXPECTED_SEGMENT', 'GE without GS', seg);
          return;
        }
        const declared = el(seg, 1);
        if (!/^\d+$/.test(declared) || Number(declared) !== this.sets) {
          this.problem(
            'TRANSACTION_COUNT_MISMATCH',
            `GE01 declares ${declared || '(empty)'} transaction sets, group ${this.gs06} has ${this.sets}`,
            seg,
          );
        }
        if (!this.sameControl(el(seg, 2), this.gs06)) {
          this.problem('CONTROL_NUMBER_MISMATCH', `GE02 ${el(seg, 2)} does not match GS06 ${this.gs06}`, seg);
        }
        this.state = 'interchange';
        this.groups++;
        return;
      }
      case 'IEA': {
        if (this.state === 'transaction')
          this.problem('MISSING_SE', `transaction set ${this.st02} not closed`, seg);
        else if (this.state === 'group') this.problem('MISSING_GE', `group ${this.gs06} not closed`, seg);
        else if (this.state !== 'interchange') {
          this.problem('UNEXPECTED_SEGMENT', 'IEA without ISA', seg);
          return;
        }
        const declared = el(seg, 1);
        if (!/^\d+$/.test(declared) || Number(declared) !== this.groups) {
          this.problem(
            'GROUP_COUNT_MISMATCH',
            `IEA01 declares ${declared || '(empty)'} groups, interchange ${this.isa13} has ${this.groups}`,
            seg,
          );
        }
        if (!this.sameControl(el(seg, 2), this.isa13)) {
          this.problem(
            'CONTROL_NUMBER_MISMATCH',
            `IEA02 ${el(seg, 2)} does not match ISA13 ${this.isa13}`,
            seg,
          );
        }
        this.state = 'outside';
        return;
      }
    }
  }

  end(lastIndex: number): void {
    if (this.state === 'outside') return;
    const open =
      this.state === 'transaction'
        ? `transaction set ${this.st02} open`
        : this.state === 'group'
          ? `group ${this.gs06} open`
          : 'no IEA';
    this.problem('MISSING_IEA', `input ended inside interchange ${this.isa13} (${open})`, {
      id: '',
      elements: [],
      index: lastIndex,
      delimiters: { element: '*', component: ':', repetition: undefined, segment: '~' },
    });
  }
}

/** Push-based scanner: feed text chunks, collect segments. */
class Scanner {
  private buf = '';
  private delims: Delimiters | undefined;
  private index = 0;
  private readonly env: EnvelopeChecker;
  /** Raw mode: every segment goes to this handler in place (nothing is collected in `out`). */
  private readonly handler: RawHandler<unknown> | undefined;
  /** Raw mode: what the handler has added since the last take(). */
  private items: unknown[] = [];
  private readonly raw = new RawSegment();

  constructor(opts: TokenizeOptions, handler?: RawHandler<unknown>) {
    this.env = new EnvelopeChecker(opts.envelope !== 'lenient', opts.onWarning);
    this.handler = handler;
  }

  /** Raw mode: the items the handler added since the last call (undefined when none). */
  take(): unknown[] | undefined {
    if (this.items.length === 0) return undefined;
    const items = this.items;
    this.items = [];
    return items;
  }

  /** Raw mode: the envelope checks and the handler for one segment (trailers checked after it). */
  private deliver(raw: RawSegment, handler: RawHandler<unknown>): void {
    if (raw.envelope) {
      const seg = raw.toSegment();
      this.env.before(seg);
      handler.segment(raw, this.items);
      this.env.after(seg);
    } else {
      this.env.body(raw);
      handler.segment(raw, this.items);
    }
  }

  get envelope(): EnvelopeChecker {
    return this.env;
  }

  get segmentCount(): number {
    return this.index;
  }

  /** The char code of the current segment terminator; -1 outside an interchange (before its ISA). */
  get terminatorCode(): number {
    return this.delims === undefined ? -1 : this.delims.segment.charCodeAt(0);
  }

  /** Appends text and returns the complete segments it made available. */
  push(chunk: string, out: Segment[], final = false): void {
    this.buf = this.buf.length === 0 ? chunk : this.buf + chunk;
    let pos = 0;
    const buf = this.buf;
    const len = buf.length;
    for (;;) {
      if (this.delims === undefined) {
        while (pos < len && WHITESPACE.test(buf[pos] as string)) pos++;
        if (pos >= len) break;
        const consumed = this.readHeader(buf, pos, final, out);
        if (consumed < 0) break; // need more input
        pos = consumed;
        continue;
      }
      const d = this.delims;
      // skip CR/LF (and stray whitespace) between segments
      let start = pos;
      while (start < len) {
        const c = buf.charCodeAt(start);
        if (c === 13 || c === 10 || c === 32 || c === 9) start++;
        else break;
      }
      if (start >= len) {
        pos = start;
        break;
      }
      const end = buf.indexOf(d.segment, start);
      if (end < 0) {
        pos = start;
        if (final) {
          const rest = buf.slice(start).trimEnd();
          if (rest.length > 0) this.emitAt(rest, 0, rest.length, d, out); // last segment without terminator
          pos = len;
        }
        break;
      }
      pos = end + 1;
      if (end === start) continue;
      this.emitAt(buf, start, end, d, out);
    }
    this.buf = pos >= len ? '' : buf.slice(pos);
  }

  private emitAt(buf: string, start: number, end: number, d: Delimiters, out: Segment[]): void {
    const handler = this.handler;
    if (handler === undefined) {
      this.emit(buf.slice(start, end), d, out);
      return;
    }
    // the id is 2-3 characters: look at the first four before searching further
    const sep = d.element.charCodeAt(0);
    let idEnd = start;
    const near = Math.min(end, start + 4);
    while (idEnd < near && buf.charCodeAt(idEnd) !== sep) idEnd++;
    if (idEnd === near && idEnd < end) {
      idEnd = buf.indexOf(d.element, idEnd);
      if (idEnd < 0 || idEnd > end) idEnd = end;
    }
    const raw = this.raw;
    raw.set(buf, start, end, idEnd, this.index + 1, d);
    if (raw.code === 1) {
      // ISA
      throw new X12Error('MISSING_IEA', 'ISA found before the previous IEA', {
        segmentIndex: this.index + 1,
        segmentId: 'ISA',
      });
    }
    this.index++;
    if (raw.code === 2) this.delims = undefined; // IEA
    this.deliver(raw, handler);
  }

  private emit(text: string, d: Delimiters, out: Segment[]): void {
    const elements = text.split(d.element);
    const id = elements[0] as string;
    if (id === 'ISA') {
      // a new interchange must start with its own header; reaching one here means IEA was missing
      throw new X12Error('MISSING_IEA', 'ISA found before the previous IEA', {
        segmentIndex: this.index + 1,
        segmentId: 'ISA',
      });
    }
    const seg: Segment = { id, elements, index: ++this.index, delimiters: d };
    out.push(seg);
    if (id === 'IEA') this.delims = undefined; // the next interchange brings its own delimiters
  }

  /** Parses an ISA header at pos. Returns the position after it, or -1 when more input is needed. */
  private readHeader(buf: string, pos: number, final: boolean, out: Segment[]): number {
    const where = { segmentIndex: this.index + 1, segmentId: 'ISA' };
    if (buf.length - pos < 4) {
      if (!final) return -1;
      if (!'ISA'.startsWith(buf.slice(pos, pos + 3))) {
        throw new X12Error('NO_ISA', 'input does not start with an ISA interchange header', where);
      }
      throw new X12Error('TRUNCATED_ISA', 'input ends inside the ISA header', where);
    }
    if (buf.slice(pos, pos + 3) !== 'ISA') {
      throw new X12Error(
        'NO_ISA',
        this.index === 0
          ? 'input does not start with an ISA interchange header'
          : 'data after IEA is not a new ISA interchange header',
        where,
      );
    }
    const elementSep = buf[pos + 3];
    if (!isSeparatorChar(elementSep)) {
      throw new X12Error('BAD_ISA', 'ISA element separator is not a separator character', where);
    }
    let p = pos + 3;
    let seps = 1;
    while (seps < 16) {
      const next = buf.indexOf(elementSep, p + 1);
      if (next < 0 || next - pos > ISA_MAX_LENGTH) {
        if (next < 0 && buf.length - pos <= ISA_MAX_LENGTH && !final) return -1;
        if (next < 0 && buf.length - pos <= ISA_MAX_LENGTH) {
          throw new X12Error(
            'TRUNCATED_ISA',
            `input ends inside the ISA header (${seps} of 16 elements)`,
            where,
          );
        }
        throw new X12Error('BAD_ISA', 'ISA header does not have 16 elements', where);
      }
      p = next;
      seps++;
    }
    if (p + 2 >= buf.length) {
      if (!final) return -1;
      throw new X12Error('TRUNCATED_ISA', 'input ends inside the ISA header (no segment terminator)', where);
    }
    const component = buf[p + 1] as string;
    const segment = buf[p + 2] as string;
    if (!isSeparatorChar(component) || component === elementSep) {
      throw new X12Error('BAD_ISA', 'ISA16 component separator is not a separator character', where);
    }
    if (segment === elementSep || segment === component || /[A-Za-z0-9 ]/.test(segment)) {
      throw new X12Error('BAD_ISA', 'ISA segment terminator is not a separator character', where);
    }
    const elements = buf.slice(pos, p + 2).split(elementSep);
    const version = elements[12] ?? '';
    const isa11 = elements[11] ?? '';
    const repetition =
      version >= '00501' && isSeparatorChar(isa11) && isa11 !== component && isa11 !== segment
        ? isa11
        : undefined;
    const isa13 = elements[13] ?? '';
    if (!/^\d{9}$/.test(isa13)) {
      throw new X12Error('BAD_ISA', 'ISA13 interchange control number is not 9 digits', where);
    }
    const delims: Delimiters = { element: elementSep, component, repetition, segment };
    this.delims = delims;
    const isa: Segment = { id: 'ISA', elements, index: ++this.index, delimiters: delims };
    if (this.handler) {
      this.raw.setSegment(isa);
      this.deliver(this.raw, this.handler);
    } else out.push(isa);
    return p + 3;
  }
}

const CHUNK = 1 << 16;

function toText(
  chunk: string | Uint8Array,
  decoder: InstanceType<typeof TextDecoder>,
  stream: boolean,
): string {
  return typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream });
}

/** Tokenizes a string (synchronously). Same checks as tokenize(). */
export function* tokenizeSync(text: string, opts: TokenizeOptions = {}): Generator<Segment, void, undefined> {
  const scanner = new Scanner(opts);
  const env = scanner.envelope;
  const out: Segment[] = [];
  for (let offset = 0; offset < text.length || offset === 0; offset += CHUNK) {
    const last = offset + CHUNK >= text.length;
    scanner.push(text.slice(offset, offset + CHUNK), out, last);
    yield* deliver(out, env);
    out.length = 0;
    if (last) break;
  }
  if (scanner.segmentCount === 0) {
    throw new X12Error('NO_ISA', 'input is empty: no ISA interchange header', { segmentIndex: 1 });
  }
  env.end(scanner.segmentCount);
}

function* deliver(segs: Segment[], env: EnvelopeChecker): Generator<Segment, void, undefined> {
  for (const seg of segs) {
    env.before(seg);
    yield seg;
    env.after(seg);
  }
}

/** Tokenizes any supported input as a stream of segments. */
export async function* tokenize(
  input: X12Input,
  opts: TokenizeOptions = {},
): AsyncGenerator<Segment, void, undefined> {
  if (typeof input === 'string') {
    yield* tokenizeSync(input, opts);
    return;
  }
  const scanner = new Scanner(opts);
  const env = scanner.envelope;
  const decoder = new TextDecoder('utf-8');
  const out: Segment[] = [];
  const chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array> =
    input instanceof Uint8Array ? [input] : input;
  for await (const chunk of chunks) {
    const text = toText(chunk, decoder, true);
    if (text.length === 0) continue;
    scanner.push(text, out);
    yield* deliver(out, env);
    out.length = 0;
  }
  scanner.push(decoder.decode(), out, true);
  yield* deliver(out, env);
  if (scanner.segmentCount === 0) {
    throw new X12Error('NO_ISA', 'input is empty: no ISA interchange header', { segmentIndex: 1 });
  }
  env.end(scanner.segmentCount);
}

/**
 * Runs handler over every segment (with the same envelope checks as tokenize) and yields what it
 * returns. Segments are processed in batches per input chunk, so this is much cheaper than
 * `for await` over tokenize(). An item is yielded only after the check of the segment that
 * produced it (e.g. its SE) has passed.
 */
export async function* mapSegments<T>(
  input: X12Input,
  opts: TokenizeOptions,
  handler: (seg: Segment) => T | undefined,
): AsyncGenerator<T, void, undefined> {
  const scanner = new Scanner(opts);
  const env = scanner.envelope;
  const out: Segment[] = [];
  let ready: T[] = [];
  const run = (): void => {
    for (const seg of out) {
      env.before(seg);
      const item = handler(seg);
      env.after(seg);
      if (item !== undefined) ready.push(item);
    }
    out.length = 0;
  };
  const flush = function* (): Generator<T, void, undefined> {
    if (ready.length === 0) return;
    const items = ready;
    ready = [];
    yield* items;
  };
  if (typeof input === 'string') {
    for (let offset = 0; offset < input.length || offset === 0; offset += CHUNK) {
      const last = offset + CHUNK >= input.length;
      scanner.push(input.slice(offset, offset + CHUNK), out, last);
      run();
      yield* flush();
      if (last) break;
    }
  } else {
    const decoder = new TextDecoder('utf-8');
    const chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array> =
      input instanceof Uint8Array ? [input] : input;
    for await (const chunk of chunks) {
      const text = toText(chunk, decoder, true);
      if (text.length === 0) continue;
      scanner.push(text, out);
      run();
      yield* flush();
    }
    scanner.push(decoder.decode(), out, true);
    run();
  }
  if (scanner.segmentCount === 0) {
    throw new X12Error('NO_ISA', 'input is empty: no ISA interchange header', { segmentIndex: 1 });
  }
  env.end(scanner.segmentCount);
  yield* flush();
}

/**
 * What the raw readers call for every segment, after the envelope checks of a non-trailer and
 * before those of a trailer (SE, GE, IEA). A handler object (rather than a closure) keeps the call
 * direct; a plain function is accepted too.
 */
export interface RawHandler<T> {
  segment(raw: RawSegment, out: T[]): void;
}

type RawHandlerOrFunction<T> = RawHandler<T> | ((raw: RawSegment, out: T[]) => void);

/** A Scanner in raw mode that runs the envelope checks and the handler on every segment. */
function rawScanner<T>(opts: TokenizeOptions, handler: RawHandlerOrFunction<T>): Scanner {
  const h = typeof handler === 'function' ? { segment: handler } : handler;
  return new Scanner(opts, h as RawHandler<unknown>);
}

/**
 * Pieces of about CHUNK characters of a string, each ending after a segment terminator when one
 * is near, so the scanner rarely has a partial segment to join to the next piece. [piece, last].
 */
function* stringPieces(text: string, scanner: Scanner): Generator<[string, boolean], void, undefined> {
  let offset = 0;
  do {
    let end = Math.min(text.length, offset + CHUNK);
    if (end < text.length && scanner.terminatorCode >= 0) {
      const cut = text.lastIndexOf(String.fromCharCode(scanner.terminatorCode), end - 1) + 1;
      if (cut > offset) end = cut;
    }
    yield [text.slice(offset, end), end >= text.length];
    offset = end;
  } while (offset < text.length);
}

/**
 * Decodes byte chunks as UTF-8 in pieces that end after the last segment terminator of the chunk
 * (the bytes after it wait for the next chunk), so each piece is one flat string the scanner reads
 * without joining a partial segment to it. Cutting after an ASCII byte never splits a character.
 * Before the ISA, without a terminator in the chunk or with a non-ASCII terminator, the chunk is
 * decoded whole (as the Segment readers do).
 *
 * A piece that starts and ends on a character boundary while the streaming decoder holds no part
 * of a character (everything it was given ended with an ASCII byte) is decoded in one shot: Node's
 * TextDecoder leaves its fast UTF-8 path for good once asked to stream (about 5x slower on ASCII).
 * The one-shot decoder keeps a U+FEFF as a character, as the streaming one does after the start.
 */
class BytePieces {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly oneShot = new TextDecoder('utf-8', { ignoreBOM: true });
  private pending: Uint8Array | undefined;
  /** Whether the streaming decoder has been used and holds no partial character. */
  private clean = false;

  next(chunk: string | Uint8Array, terminator: number): string {
    if (typeof chunk === 'string') return this.flush() + chunk;
    let bytes = chunk;
    if (this.pending) {
      bytes = new Uint8Array(this.pending.length + chunk.length);
      bytes.set(this.pending);
      bytes.set(chunk, this.pending.length);
      this.pending = undefined;
    }
    const cut = terminator < 0 || terminator > 0x7f ? 0 : bytes.lastIndexOf(terminator) + 1;
    if (cut === 0) return this.stream(bytes); // the scanner keeps the rest
    if (cut < bytes.length) this.pending = bytes.slice(cut);
    const piece = bytes.subarray(0, cut);
    if (this.clean) return this.oneShot.decode(piece);
    return this.stream(piece);
  }

  private stream(bytes: Uint8Array): string {
    if (bytes.length > 0) this.clean = (bytes[bytes.length - 1] as number) < 0x80;
    return this.decoder.decode(bytes, { stream: true });
  }

  private flush(): string {
    const rest = this.pending;
    this.pending = undefined;
    return rest ? this.stream(rest) : '';
  }

  /** What is left, with the decoder's end of input. */
  end(): string {
    return this.flush() + this.decoder.decode();
  }
}

/**
 * mapSegments for handlers that read segments in place: only envelope segments (ISA, GS, ST, SE,
 * GE, IEA, TA1) and what the handler asks for are split into elements, and no Segment object is
 * made for the others. The handler may add any number of items to `out` per segment; they are
 * handed out per input chunk, after the envelope check of the segment that produced them (a
 * handler that emits before its SE leaves it to the consumer to wait for that set's end).
 */
export async function* mapRawSegments<T>(
  input: X12Input,
  opts: TokenizeOptions,
  handler: RawHandlerOrFunction<T>,
): AsyncGenerator<T, void, undefined> {
  for await (const batch of mapRawSegmentBatches(input, opts, handler)) yield* batch;
}

/**
 * mapRawSegments handing out the items of each input chunk as one array (never empty), in order:
 * one step of the async iteration per chunk instead of one per item, which is what a consumer of
 * many small items (a claim per few hundred bytes) saves most on.
 */
export async function* mapRawSegmentBatches<T>(
  input: X12Input,
  opts: TokenizeOptions,
  handler: RawHandlerOrFunction<T>,
): AsyncGenerator<T[], void, undefined> {
  const scanner = rawScanner(opts, handler);
  const take = () => scanner.take() as T[] | undefined;
  if (typeof input === 'string') {
    for (const [piece, last] of stringPieces(input, scanner)) {
      scanner.push(piece, [], last);
      const items = take();
      if (items) yield items;
    }
  } else {
    const pieces = new BytePieces();
    const chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array> =
      input instanceof Uint8Array ? [input] : input;
    for await (const chunk of chunks) {
      const text = pieces.next(chunk, scanner.terminatorCode);
      if (text.length === 0) continue;
      scanner.push(text, []);
      const items = take();
      if (items) yield items;
    }
    scanner.push(pieces.end(), [], true);
  }
  if (scanner.segmentCount === 0) {
    throw new X12Error('NO_ISA', 'input is empty: no ISA interchange header', { segmentIndex: 1 });
  }
  scanner.envelope.end(scanner.segmentCount);
  const items = take();
  if (items) yield items;
}

/** mapRawSegments over a string, synchronously: all items at once. */
export function mapRawSegmentsSync<T>(
  text: string,
  opts: TokenizeOptions,
  handler: RawHandlerOrFunction<T>,
): T[] {
  const scanner = rawScanner(opts, handler);
  for (const [piece, last] of stringPieces(text, scanner)) scanner.push(piece, [], last);
  if (scanner.segmentCount === 0) {
    throw new X12Error('NO_ISA', 'input is empty: no ISA interchange header', { segmentIndex: 1 });
  }
  scanner.envelope.end(scanner.segmentCount);
  return (scanner.take() ?? []) as T[];
}

/** Reads the delimiters of an interchange from its beginning (throws NO_ISA / TRUNCATED_ISA / BAD_ISA). */
export function readDelimiters(textPrefix: string): Delimiters {
  const out: Segment[] = [];
  const scanner = new Scanner({ envelope: 'lenient' });
  scanner.push(textPrefix.slice(0, ISA_MAX_LENGTH + 10), out, true);
  const isa = out[0];
  if (!isa)
    throw new X12Error('NO_ISA', 'input does not start with an ISA interchange header', { segmentIndex: 1 });
  return isa.delimiters;
}

export interface DetectedTransaction {
  /** ST01 ('835', '837', '999', '277', ...); from GS01 when the prefix has no ST. */
  transactionSetId: string;
  /** GS08 (e.g. 005010X221A1); ST03 when GS08 is absent. */
  version: string;
  functionalIdentifier: string; // GS01
  interchangeControlNumber: string; // ISA13
  usage: string; // ISA15 T/P
  delimiters: Delimiters;
}

const FUNCTIONAL_TO_SET: Record<string, string> = { HC: '837', HP: '835', FA: '999', HN: '277', HR: '276' };

/** Identifies an interchange from its first few hundred characters (ISA, GS, ST). */
export function detectTransaction(textPrefix: string): DetectedTransaction {
  const out: Segment[] = [];
  const scanner = new Scanner({ envelope: 'lenient' });
  scanner.push(textPrefix.slice(0, 4096), out, false);
  const isa = out[0];
  if (!isa) {
    // not enough input for the header: let the final push explain why
    scanner.push('', out, true);
  }
  const header = out[0];
  if (!header)
    throw new X12Error('NO_ISA', 'input does not start with an ISA interchange header', { segmentIndex: 1 });
  const gs = out.find((s) => s.id === 'GS');
  const st = out.find((s) => s.id === 'ST');
  const functionalIdentifier = gs ? el(gs, 1) : '';
  return {
    transactionSetId: st ? el(st, 1) : (FUNCTIONAL_TO_SET[functionalIdentifier] ?? ''),
    version: (gs && el(gs, 8)) || (st ? el(st, 3) : ''),
    functionalIdentifier,
    interchangeControlNumber: el(header, 13),
    usage: el(header, 15),
    delimiters: header.delimiters,
  };
}
