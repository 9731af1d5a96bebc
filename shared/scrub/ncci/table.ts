/**
 * The compact NCCI table the scrubber loads: compiled by `claimflow ncci load` from the deployer's
 * CMS files (./parse.ts), written as JSON, read back with `loadNcciTable`. Format (docs/ncci.md):
 *
 *   { "format": "claimflow-ncci/1", "generatedAt": ISO, "sources": [...], "counts": {...},
 *     "ptp": { "<column 1>": "<column 2>,<effective>,<deletion>,<indicator> ..." },
 *     "mue": { "<code>": "<units>,<MAI>" } }
 *
 * Dates are YYYYMMDD (deletion empty when the edit is in force). PTP rows with modifier indicator 9
 * (edit not applicable, e.g. deleted retroactively) are dropped at compile time. Pure of AWS.
 */
import { z } from 'zod';
import type { ModifierIndicator, MueAdjudicationIndicator, MueEdit, NcciLoadError, PtpEdit } from './parse';

export const NCCI_TABLE_FORMAT = 'claimflow-ncci/1';

export interface NcciSource {
  file: string;
  kind: 'ptp' | 'mue';
  sha256?: string;
  rows: number;
}

export interface NcciTableFile {
  format: typeof NCCI_TABLE_FORMAT;
  generatedAt: string;
  sources: NcciSource[];
  counts: { ptpPairs: number; ptpColumn1Codes: number; mueCodes: number };
  ptp: Record<string, string>;
  mue: Record<string, string>;
}

export interface PtpEntry {
  column2: string;
  effective: string;
  deletion: string;
  modifierIndicator: Exclude<ModifierIndicator, 9>;
}

export interface MueEntry {
  units: number;
  mai: MueAdjudicationIndicator;
}

export interface CompileInput {
  ptp: PtpEdit[];
  mue: (MueEdit & { source: string; line?: number })[];
  sources: NcciSource[];
  generatedAt: string;
}

export interface CompileResult {
  table?: NcciTableFile;
  errors: NcciLoadError[];
}

/**
 * Collects edits row by row (so a load never holds the CMS files' rows as objects), then builds the
 * compact table. An MUE code given two different values is an error (no table).
 */
export class NcciTableBuilder {
  private readonly ptp = new Map<string, Set<string>>();
  private readonly mue = new Map<string, string>();
  private pairs = 0;
  readonly errors: NcciLoadError[] = [];

  addPtp(e: PtpEdit): void {
    if (e.modifierIndicator === 9) return;
    const entry = `${e.column2},${e.effective},${e.deletion},${e.modifierIndicator}`;
    let set = this.ptp.get(e.column1);
    if (!set) {
      set = new Set<string>();
      this.ptp.set(e.column1, set);
    }
    if (!set.has(entry)) {
      set.add(entry);
      this.pairs++;
    }
  }

  addMue(e: MueEdit, source: string, line = 0): void {
    const value = `${e.units},${e.mai}`;
    const had = this.mue.get(e.code);
    if (had !== undefined && had !== value) {
      this.errors.push({
        source,
        line,
        rule: 'MUE_CONFLICT',
        message: `code ${e.code} has MUE ${value.replace(',', ' MAI ')} here but ${had.replace(',', ' MAI ')} in an earlier row: load one quarter's MUE files at a time`,
      });
      return;
    }
    this.mue.set(e.code, value);
  }

  build(sources: NcciSource[], generatedAt: string): CompileResult {
    if (this.errors.length > 0) return { errors: this.errors };
    const sorted = <V>(entries: [string, V][]) => entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return {
      errors: [],
      table: {
        format: NCCI_TABLE_FORMAT,
        generatedAt,
        sources,
        counts: { ptpPairs: this.pairs, ptpColumn1Codes: this.ptp.size, mueCodes: this.mue.size },
        ptp: Object.fromEntries(
          sorted([...this.ptp.entries()]).map(([k, v]) => [k, [...v].sort().join(' ')]),
        ),
        mue: Object.fromEntries(sorted([...this.mue.entries()])),
      },
    };
  }
}

/** Builds the compact table from parsed rows in one call (see NcciTableBuilder). */
export function compileNcciTable(input: CompileInput): CompileResult {
  const builder = new NcciTableBuilder();
  for (const e of input.ptp) builder.addPtp(e);
  for (const e of input.mue) builder.addMue(e, e.source, e.line);
  return builder.build(input.sources, input.generatedAt);
}

const tableSchema = z.object({
  format: z.literal(NCCI_TABLE_FORMAT),
  generatedAt: z.string(),
  sources: z.array(
    z.object({
      file: z.string(),
      kind: z.enum(['ptp', 'mue']),
      sha256: z.string().optional(),
      rows: z.number().int().nonnegative(),
    }),
  ),
  counts: z.object({
    ptpPairs: z.number().int().nonnegative(),
    ptpColumn1Codes: z.number().int().nonnegative(),
    mueCodes: z.number().int().nonnegative(),
  }),
  ptp: z.record(z.string().regex(/^[0-9A-Z]{5}$/), z.string()),
  mue: z.record(z.string().regex(/^[0-9A-Z]{5}$/), z.string().regex(/^\d{1,6},[123]$/)),
});

const PTP_ENTRY = /^([0-9A-Z]{5}),(\d{8}),(\d{8})?,([01])$/;

/** The table as the rules use it: lookups decode a column 1 code's entries once, on first use. */
export interface NcciTable {
  readonly meta: Pick<NcciTableFile, 'generatedAt' | 'sources' | 'counts'>;
  /** Edits with this code in column 1 (any dates; the rules filter by date of service). */
  ptpFor(column1: string): readonly PtpEntry[];
  mueFor(code: string): MueEntry | undefined;
}

export class NcciTableError extends Error {
  override name = 'NcciTableError';
}

/**
 * Validates a parsed table file (e.g. JSON.parse of table.json) and returns its lookups. PTP entries
 * are decoded on first lookup; with `verify`, every entry's shape is checked now as well (a long-lived
 * loader such as the scrub-claim function does this once, so a malformed table fails at load, not on
 * the first claim that happens to look up the bad code).
 */
export function loadNcciTable(json: unknown, options: { verify?: boolean } = {}): NcciTable {
  const parsed = tableSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new NcciTableError(
      `not a ${NCCI_TABLE_FORMAT} table: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
    );
  }
  const file = parsed.data;
  if (options.verify) {
    for (const [column1, raw] of Object.entries(file.ptp)) {
      for (const part of raw.split(' ')) {
        if (!PTP_ENTRY.test(part))
          throw new NcciTableError(`PTP entry '${part.slice(0, 30)}' under ${column1} is malformed`);
      }
    }
  }
  const cache = new Map<string, PtpEntry[]>();
  return {
    meta: { generatedAt: file.generatedAt, sources: file.sources, counts: file.counts },
    ptpFor(column1) {
      const hit = cache.get(column1);
      if (hit) return hit;
      const raw = Object.hasOwn(file.ptp, column1) ? file.ptp[column1] : undefined;
      const entries: PtpEntry[] = [];
      for (const part of raw ? raw.split(' ') : []) {
        const m = PTP_ENTRY.exec(part);
        if (!m) throw new NcciTableError(`PTP entry '${part.slice(0, 30)}' under ${column1} is malformed`);
        entries.push({
          column2: m[1] as string,
          effective: m[2] as string,
          deletion: m[3] ?? '',
          modifierIndicator: Number(m[4]) as 0 | 1,
        });
      }
      cache.set(column1, entries);
      return entries;
    },
    mueFor(code) {
      const raw = Object.hasOwn(file.mue, code) ? file.mue[code] : undefined;
      if (!raw) return undefined;
      const [units, mai] = raw.split(',');
      return { units: Number(units), mai: Number(mai) as MueAdjudicationIndicator };
    },
  };
}
