/**
 * CPT (AMA) codes: the project ships none (CPT content is AMA-copyrighted). This module checks the
 * shape of a CPT code and lets a deployer with a CPT licence supply its own list of valid codes,
 * one code per line. Pure; ./cpt-file reads such a list from a path.
 */

export type CptCategory = 'I' | 'II' | 'III' | 'PLA' | 'MAAA';

/**
 * The CPT category a code's shape belongs to: Category I is 5 digits (00100-99607); Category II is 4
 * digits + F (e.g. 1036F); Category III is 4 digits + T (e.g. 0042T); Proprietary Laboratory
 * Analyses are 4 digits + U (e.g. 0001U) and administrative MAAA codes 4 digits + M (e.g. 0002M),
 * both within Category I.
 */
export function cptCategory(code: string): CptCategory | undefined {
  if (/^\d{5}$/.test(code)) return 'I';
  const m = /^\d{4}([FTUM])$/.exec(code);
  switch (m?.[1]) {
    case 'F':
      return 'II';
    case 'T':
      return 'III';
    case 'U':
      return 'PLA';
    case 'M':
      return 'MAAA';
    default:
      return undefined;
  }
}

/** True when `code` has the shape of a CPT code (5 digits, or 4 digits + F, T, U or M). */
export const cptFormatOk = (code: string): boolean => cptCategory(code) !== undefined;

/** A deployer-supplied list of the CPT codes its licence covers. */
export interface CptList {
  /** where the list came from, for messages (a file name, 'array', ...) */
  readonly source: string;
  readonly size: number;
  has(code: string): boolean;
}

export class CptListError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    readonly rule: string,
    detail: string,
  ) {
    super(`${source} line ${line}: ${rule}: ${detail}`);
    this.name = 'CptListError';
  }
}

/** Build a list from codes; a code of the wrong shape throws naming its 1-based position. */
export function createCptList(codes: Iterable<string>, source = 'array'): CptList {
  const set = new Set<string>();
  let n = 0;
  for (const code of codes) {
    n++;
    if (!cptFormatOk(code)) {
      throw new CptListError(
        source,
        n,
        'CPT_FORMAT',
        `'${code}' is not a CPT code (5 digits, or 4 digits + F/T/U/M)`,
      );
    }
    set.add(code);
  }
  if (set.size === 0) throw new CptListError(source, n, 'CPT_LIST_EMPTY', 'the CPT list holds no code');
  return { source, size: set.size, has: (code) => set.has(code) };
}

/**
 * Parse a plain-text list: one code per line; blank lines and lines starting with '#' are skipped;
 * surrounding spaces are trimmed. Any other content throws naming the line.
 */
export function parseCptList(text: string, source: string): CptList {
  const lines = text.split(/\r?\n/);
  const codes: string[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (!cptFormatOk(line)) {
      throw new CptListError(
        source,
        i + 1,
        'CPT_FORMAT',
        `'${line}' is not a CPT code (one code per line: 5 digits, or 4 digits + F/T/U/M)`,
      );
    }
    codes.push(line);
  });
  if (codes.length === 0)
    throw new CptListError(source, lines.length, 'CPT_LIST_EMPTY', 'the CPT list holds no code');
  return createCptList(codes, source);
}
