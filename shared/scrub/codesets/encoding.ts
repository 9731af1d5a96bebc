/**
 * The compact text encodings of the generated code-set tables, shared by the generator (encode) and
 * the lookup module (decode). Pure.
 *
 * ICD-10-CM: one sorted list of every code seen in any loaded fiscal year, grouped by its 3-character
 * category, one string per category:
 *   "E11:bbb *:hhh 0:hhh 00 01 ..."
 * The first token is the category and the default status; each further token is the rest of a code
 * after the category ('*' for the category itself), followed by ':' and its status when it differs
 * from the default. A status has one character per fiscal year, in the order of `fiscalYears`:
 * 'b' billable (valid on a claim), 'h' header (a category that cannot go on a claim), '-' absent.
 *
 * HCPCS, modifiers, CARC and RARC: one '|'-separated string per row.
 */

export type FyStatus = 'b' | 'h' | '-';

export const ICD10CM_FORMAT = 'claimflow-icd10cm/1';
export const ROWS_FORMAT = 'claimflow-rows/1';

/** A code as claims carry it: letter, then 2 to 6 letters or digits (QA0/QA1 have a letter second). */
export const ICD10CM_CODE = /^[A-Z][0-9A-Z]{2,6}$/;
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  if (!ISO_DATE.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** The US federal fiscal year holding a date: FY2026 runs 2025-10-01 to 2026-09-30. */
export function fiscalYearOf(isoDate: string): number {
  const year = Number(isoDate.slice(0, 4));
  return Number(isoDate.slice(5, 7)) >= 10 ? year + 1 : year;
}

export const fiscalYearStart = (fy: number): string => `${fy - 1}-10-01`;
export const fiscalYearEnd = (fy: number): string => `${fy}-09-30`;

/** Encode code -> status (one char per fiscal year) into sorted per-category lines. */
export function encodeIcd10(statuses: ReadonlyMap<string, string>): string[] {
  const codes = [...statuses.keys()].sort();
  const byCategory = new Map<string, string[]>();
  for (const code of codes) {
    const cat = code.slice(0, 3);
    let list = byCategory.get(cat);
    if (!list) {
      list = [];
      byCategory.set(cat, list);
    }
    list.push(code);
  }
  const lines: string[] = [];
  for (const [cat, list] of byCategory) {
    const counts = new Map<string, number>();
    for (const code of list) {
      const s = statuses.get(code) as string;
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    // most frequent status; ties go to the smallest string so the output is deterministic
    const def = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] as string;
    const tokens = [`${cat}:${def}`];
    for (const code of list) {
      const s = statuses.get(code) as string;
      const rest = code.slice(3) || '*';
      tokens.push(s === def ? rest : `${rest}:${s}`);
    }
    lines.push(tokens.join(' '));
  }
  return lines;
}

/** Decode the per-category lines back into code -> status. Throws naming the line on a bad table. */
export function decodeIcd10(lines: readonly string[], fyCount: number): Map<string, string> {
  const out = new Map<string, string>();
  const st = `[bh-]{${fyCount}}`;
  // one check per line: category, default status, then entries (rest of code or '*', optional status)
  const shape = new RegExp(`^[A-Z][0-9A-Z]{2}:${st}( (\\*|[0-9A-Z]{1,4})(:${st})?)*$`);
  lines.forEach((line, i) => {
    if (!shape.test(line)) {
      throw new Error(`icd10cm table, category line ${i + 1}: malformed '${line.slice(0, 40)}'`);
    }
    const tokens = line.split(' ');
    const cat = line.slice(0, 3);
    const def = (tokens[0] as string).slice(4);
    for (let t = 1; t < tokens.length; t++) {
      const entry = tokens[t] as string;
      const colon = entry.indexOf(':');
      const rest = colon < 0 ? entry : entry.slice(0, colon);
      out.set(rest === '*' ? cat : cat + rest, colon < 0 ? def : entry.slice(colon + 1));
    }
  });
  return out;
}
