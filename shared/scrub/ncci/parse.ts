/**
 * Readers for the CMS quarterly NCCI files for practitioners, as the deployer downloads them (nothing
 * CPT-bearing ships in the repository; see docs/ncci.md):
 *
 * - PTP (procedure-to-procedure) edits, tab-delimited text: a few header lines (copyright, column
 *   titles), then one edit per row: column 1 code, column 2 code, "prior to 1996" flag (* or blank),
 *   effective date YYYYMMDD, deletion date YYYYMMDD or `*` (none), modifier indicator 0/1/9, rationale.
 * - MUE (medically unlikely edits) for practitioner services, CSV: header lines, then HCPCS/CPT code,
 *   MUE value (units), MUE adjudication indicator ("1 Line Edit", "2 Date of Service Edit: Policy",
 *   "3 Date of Service Edit: Clinical"; the leading digit counts), rationale.
 *
 * Rows whose first field is not a 5-character code are header or note lines and are skipped, unless
 * the rest of the row is shaped like an edit; a row that breaks the layout is an error naming the
 * file, line and rule. Streams
 * through csv-parse, so the multi-hundred-megabyte PTP parts are never held whole. Pure of AWS.
 */
import { parse } from 'csv-parse';

export type ModifierIndicator = 0 | 1 | 9;
export type MueAdjudicationIndicator = 1 | 2 | 3;

export interface PtpEdit {
  column1: string;
  column2: string;
  /** YYYYMMDD */
  effective: string;
  /** YYYYMMDD, the last date of service the edit applies to; '' when not deleted */
  deletion: string;
  modifierIndicator: ModifierIndicator;
}

export interface MueEdit {
  code: string;
  units: number;
  mai: MueAdjudicationIndicator;
}

export interface NcciLoadError {
  source: string;
  line: number;
  rule: string;
  message: string;
}

export type NcciFileKind = 'ptp' | 'mue';

export interface ParseResult<T> {
  /** the edits read (empty when an `onRow` callback took them) */
  rows: T[];
  /** how many edits were read */
  count: number;
  errors: NcciLoadError[];
  /** header and note lines skipped */
  skipped: number;
}

type Chunk = string | Uint8Array;
export type NcciInput = string | Uint8Array | AsyncIterable<Chunk> | Iterable<Chunk>;

/** 5 characters: CPT (99213, 0591T, 0001A) or HCPCS Level II (G0101). */
export const NCCI_CODE = /^[0-9A-Z]{5}$/;
const YMD = /^(\d{4})(\d{2})(\d{2})$/;

export function isYmd(value: string): boolean {
  const m = YMD.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3])
  );
}

/** Looks at the start of a file and says which of the two layouts it is, or undefined. */
export function detectNcciFileKind(prefix: string): NcciFileKind | undefined {
  const head = prefix.slice(0, 8192);
  if (/MUE|Medically Unlikely/i.test(head)) return 'mue';
  if (/Column\s*1|Column\s*One|Modifier/i.test(head)) return 'ptp';
  // No titles: judge by the first data row's shape.
  for (const raw of head.split(/\r?\n/)) {
    const fields = raw.split(raw.includes('\t') ? '\t' : ',').map((f) => f.replace(/^"|"$/g, '').trim());
    if (!NCCI_CODE.test(fields[0] ?? '')) continue;
    if (NCCI_CODE.test(fields[1] ?? '') && fields.length >= 6) return 'ptp';
    if (/^\d+$/.test(fields[1] ?? '')) return 'mue';
  }
  return undefined;
}

function delimiterOf(prefix: string): string {
  const lines = prefix.split(/\r?\n/).filter((l) => l.trim() !== '');
  const tabs = lines.filter((l) => l.includes('\t')).length;
  return tabs * 2 >= lines.length && tabs > 0 ? '\t' : ',';
}

async function* chunks(input: NcciInput): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  if (typeof input === 'string') {
    yield input;
    return;
  }
  if (input instanceof Uint8Array) {
    yield decoder.decode(input);
    return;
  }
  for await (const c of input as AsyncIterable<Chunk>) {
    yield typeof c === 'string' ? c : decoder.decode(c, { stream: true });
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

interface Record {
  line: number;
  fields: string[];
}

/** Yields every record with the physical line it starts on; the delimiter is taken from the first chunk. */
async function* records(input: NcciInput): AsyncGenerator<Record> {
  const source = chunks(input);
  // Enough of the start to tell the delimiter from (a stream may come in small pieces).
  let head = '';
  let next = await source.next();
  while (!next.done) {
    head += next.value;
    if (head.length >= 16384) break;
    next = await source.next();
  }
  if (head === '') return;
  const parser = parse({
    delimiter: delimiterOf(head.slice(0, 16384)),
    relax_column_count: true,
    relax_quotes: true,
    record_delimiter: ['\r\n', '\n'],
    skip_empty_lines: true,
    trim: true,
    bom: true,
    info: true,
  });
  const feed = (async () => {
    try {
      parser.write(head);
      if (!next.done) {
        for (let more = await source.next(); !more.done; more = await source.next()) {
          if (!parser.write(more.value)) await new Promise((r) => parser.once('drain', r));
        }
      }
      parser.end();
    } catch (err) {
      parser.destroy(err as Error);
    }
  })();
  for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    // info.lines is where the record ends; a data row is one physical line.
    yield { line: rec.info.lines, fields: rec.record };
  }
  await feed;
}

export interface ParseOptions<T = unknown> {
  /** Receives each edit (with its line) instead of collecting it in `rows`: for large files. */
  onRow?: (row: T, line: number) => void;
  /** Called every `every` rows (default 100 000) with the rows read so far: for progress output. */
  onProgress?: (rows: number) => void;
  every?: number;
  /** Stop listing errors after this many (default 100); the result still fails. */
  maxErrors?: number;
}

function collector(source: string, opts: { maxErrors?: number }) {
  const errors: NcciLoadError[] = [];
  let count = 0;
  const max = opts.maxErrors ?? 100;
  return {
    errors,
    error(line: number, rule: string, message: string) {
      count++;
      if (errors.length < max) errors.push({ source, line, rule, message });
      else if (errors.length === max)
        errors.push({ source, line, rule: 'TOO_MANY_ERRORS', message: 'further errors not listed' });
    },
    get count() {
      return count;
    },
  };
}

/** Reads one practitioner PTP file. `source` names the file in errors. */
export async function parsePtpFile(
  input: NcciInput,
  source: string,
  opts: ParseOptions<PtpEdit> = {},
): Promise<ParseResult<PtpEdit>> {
  const rows: PtpEdit[] = [];
  const errs = collector(source, opts);
  let skipped = 0;
  let seen = 0;
  let count = 0;
  const every = opts.every ?? 100_000;
  for await (const { line, fields } of records(input)) {
    const [c1 = '', c2 = '', , eff = '', del = '', mod = ''] = fields;
    if (!NCCI_CODE.test(c1)) {
      // A row shaped like an edit (a date where the effective date goes) is data, not a header.
      if (isYmd(eff))
        errs.error(
          line,
          'PTP_COLUMN1_CODE',
          `column 1 '${c1.slice(0, 10)}' is not a 5-character procedure code`,
        );
      else skipped++;
      continue;
    }
    if (++seen % every === 0) opts.onProgress?.(seen);
    if (fields.length < 6) {
      errs.error(
        line,
        'PTP_COLUMNS',
        `expected at least 6 columns (column 1, column 2, prior-1996 flag, effective, deletion, modifier indicator), found ${fields.length}`,
      );
      continue;
    }
    if (!NCCI_CODE.test(c2)) {
      errs.error(
        line,
        'PTP_COLUMN2_CODE',
        `column 2 '${c2.slice(0, 10)}' is not a 5-character procedure code`,
      );
      continue;
    }
    if (!isYmd(eff)) {
      errs.error(line, 'PTP_EFFECTIVE_DATE', `effective date '${eff.slice(0, 10)}' is not YYYYMMDD`);
      continue;
    }
    const deletion = del === '*' || del === '' ? '' : del;
    if (deletion !== '' && !isYmd(deletion)) {
      errs.error(line, 'PTP_DELETION_DATE', `deletion date '${del.slice(0, 10)}' is not YYYYMMDD or *`);
      continue;
    }
    if (mod !== '0' && mod !== '1' && mod !== '9') {
      errs.error(line, 'PTP_MODIFIER_INDICATOR', `modifier indicator '${mod.slice(0, 10)}' is not 0, 1 or 9`);
      continue;
    }
    const edit: PtpEdit = {
      column1: c1,
      column2: c2,
      effective: eff,
      deletion,
      modifierIndicator: Number(mod) as ModifierIndicator,
    };
    count++;
    if (opts.onRow) opts.onRow(edit, line);
    else rows.push(edit);
  }
  return { rows, count, errors: errs.errors, skipped };
}

/** Reads one practitioner MUE file. `source` names the file in errors. */
export async function parseMueFile(
  input: NcciInput,
  source: string,
  opts: ParseOptions<MueEdit> = {},
): Promise<ParseResult<MueEdit>> {
  const rows: MueEdit[] = [];
  const errs = collector(source, opts);
  let skipped = 0;
  let seen = 0;
  let count = 0;
  const every = opts.every ?? 100_000;
  for await (const { line, fields } of records(input)) {
    const [code = '', value = '', mai = ''] = fields;
    if (!NCCI_CODE.test(code)) {
      // A row shaped like an MUE (units, then an indicator) is data, not a header.
      if (/^\d+$/.test(value) && /^[123](\D|$)/.test(mai))
        errs.error(line, 'MUE_CODE', `code '${code.slice(0, 10)}' is not a 5-character procedure code`);
      else skipped++;
      continue;
    }
    if (++seen % every === 0) opts.onProgress?.(seen);
    if (fields.length < 3) {
      errs.error(
        line,
        'MUE_COLUMNS',
        `expected at least 3 columns (code, MUE value, MAI), found ${fields.length}`,
      );
      continue;
    }
    if (!/^\d{1,6}$/.test(value)) {
      errs.error(line, 'MUE_VALUE', `MUE value '${value.slice(0, 10)}' is not a whole number of units`);
      continue;
    }
    const m = /^([123])(\D|$)/.exec(mai);
    if (!m) {
      errs.error(
        line,
        'MUE_ADJUDICATION_INDICATOR',
        `MUE adjudication indicator '${mai.slice(0, 20)}' does not start with 1, 2 or 3`,
      );
      continue;
    }
    const edit: MueEdit = { code, units: Number(value), mai: Number(m[1]) as MueAdjudicationIndicator };
    count++;
    if (opts.onRow) opts.onRow(edit, line);
    else rows.push(edit);
  }
  return { rows, count, errors: errs.errors, skipped };
}
