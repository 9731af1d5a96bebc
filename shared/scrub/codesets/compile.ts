/**
 * Compiles the public code-set TSVs of ../shared/codesets into the compact tables the project
 * commits (shared/scrub/codesets/data). Pure: file contents in, file contents out; no clock, no
 * randomness, so the output is byte-identical for the same input. Every defect in the input throws a
 * CodeSetSourceError naming the file, the line and the rule that was broken.
 */
import {
  encodeIcd10,
  fiscalYearEnd,
  fiscalYearStart,
  ICD10CM_CODE,
  ICD10CM_FORMAT,
  isIsoDate,
  ROWS_FORMAT,
} from './encoding';
import type { CodeSetVersions } from './versions';

export class CodeSetSourceError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly rule: string,
    detail: string,
  ) {
    super(`${file}${line === undefined ? '' : ` line ${line}`}: ${rule}: ${detail}`);
    this.name = 'CodeSetSourceError';
  }
}

export interface SourceFile {
  name: string; // file name inside the source directory, e.g. 'icd10cm-2026.tsv'
  text: string;
  sha256: string;
}

export const HCPCS_CODE = /^[A-V]\d{4}$/;
export const MODIFIER_CODE = /^[A-Z0-9]{2}$/;
const CARC_CODE = /^([1-9]\d{0,2}|[A-Z]\d{1,2})$/;
const RARC_CODE = /^(M|MA|N)\d{1,4}$/;
/** Characters allowed in a description we ship: printable, no separator. */
const TEXT = /^[^|\t\r\n\p{Cc}]*$/u;

/** The HCPCS release the January 2026 source file holds; checked against the source JSON header. */
const HCPCS_RELEASE = {
  sourceVersion: '2026-Q1-JAN',
  release: 'CMS HCPCS Level II quarterly update, January 2026',
  reliableThrough: '2026-03-31',
};

export const DATA_FILES = [
  'icd10cm.json',
  'hcpcs.json',
  'modifiers.json',
  'adjustment-codes.json',
  'meta.json',
] as const;
export type DataFile = (typeof DATA_FILES)[number];

interface Tsv {
  file: string;
  rows: { line: number; cells: string[] }[];
}

function readTsv(src: SourceFile, header: readonly string[]): Tsv {
  const fail = (line: number | undefined, rule: string, detail: string): never => {
    throw new CodeSetSourceError(src.name, line, rule, detail);
  };
  if (src.text.includes('\r')) fail(undefined, 'LINE_ENDINGS', 'expected LF line endings, found CR');
  const lines = src.text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  else fail(lines.length, 'FINAL_NEWLINE', 'the last line must end with a newline');
  const got = lines[0] ?? '';
  if (got !== header.join('\t')) {
    fail(1, 'HEADER', `expected columns '${header.join(', ')}', found '${got.split('\t').join(', ')}'`);
  }
  const rows = lines.slice(1).map((text, i) => {
    const cells = text.split('\t');
    if (cells.length !== header.length) {
      fail(i + 2, 'COLUMN_COUNT', `expected ${header.length} tab-separated fields, found ${cells.length}`);
    }
    return { line: i + 2, cells };
  });
  if (rows.length === 0) fail(undefined, 'EMPTY', 'no data rows');
  return { file: src.name, rows };
}

function checker(file: string, line: number) {
  return (ok: boolean, rule: string, detail: string): void => {
    if (!ok) throw new CodeSetSourceError(file, line, rule, detail);
  };
}

function uniqueCodes(tsv: Tsv, column: number): void {
  const seen = new Map<string, number>();
  for (const { line, cells } of tsv.rows) {
    const code = cells[column] as string;
    const first = seen.get(code);
    if (first !== undefined)
      throw new CodeSetSourceError(tsv.file, line, 'DUPLICATE', `${code} already on line ${first}`);
    seen.set(code, line);
  }
}

/** Optional ISO date cell: empty, or a real calendar date. */
function dateCell(check: ReturnType<typeof checker>, value: string, column: string): void {
  check(value === '' || isIsoDate(value), 'DATE', `${column} '${value}' is not a YYYY-MM-DD date`);
}

// ---------------------------------------------------------------- ICD-10-CM

interface IcdYear {
  fy: number;
  file: string;
  flags: Map<string, '0' | '1'>;
}

function readIcdYear(src: SourceFile, fy: number): IcdYear {
  const tsv = readTsv(src, ['code', 'billable', 'short_description']);
  uniqueCodes(tsv, 0);
  const flags = new Map<string, '0' | '1'>();
  for (const { line, cells } of tsv.rows) {
    const [code, billable] = cells as [string, string, string];
    const check = checker(src.name, line);
    check(ICD10CM_CODE.test(code), 'ICD10_CODE', `'${code}' is not a letter followed by 2-6 letters/digits`);
    check(
      billable === '0' || billable === '1',
      'BILLABLE_FLAG',
      `billable must be 0 or 1, found '${billable}'`,
    );
    flags.set(code, billable as '0' | '1');
  }
  return { fy, file: src.name, flags };
}

/**
 * The official order addenda of FY n turn FY n-1 into FY n: check that they do, so a truncated or
 * mismatched file is refused instead of shipped.
 */
function checkAddenda(prev: IcdYear, next: IcdYear, addenda: SourceFile): void {
  const tsv = readTsv(addenda, ['action', 'billable', 'code', 'short_description', 'long_description']);
  const flags = new Map(prev.flags);
  const adds: [string, '0' | '1'][] = [];
  for (const { line, cells } of tsv.rows) {
    const [action, billable, code] = cells as [string, string, string];
    const check = checker(addenda.name, line);
    check(
      ['Add', 'Delete', 'Revise-from', 'Revise-to'].includes(action),
      'ADDENDA_ACTION',
      `unknown action '${action}'`,
    );
    check(ICD10CM_CODE.test(code), 'ICD10_CODE', `'${code}' is not an ICD-10-CM code`);
    check(
      billable === '0' || billable === '1',
      'BILLABLE_FLAG',
      `billable must be 0 or 1, found '${billable}'`,
    );
    if (action === 'Delete') {
      check(
        flags.get(code) === billable,
        'ADDENDA_DELETE',
        `deletes ${code} (billable ${billable}), which FY${prev.fy} does not hold with that flag`,
      );
      flags.delete(code);
    } else if (action === 'Add') adds.push([code, billable as '0' | '1']);
    else if (action === 'Revise-to') flags.set(code, billable as '0' | '1');
  }
  for (const [code, billable] of adds) flags.set(code, billable);
  const all = new Set([...flags.keys(), ...next.flags.keys()]);
  for (const code of [...all].sort()) {
    if (flags.get(code) !== next.flags.get(code)) {
      throw new CodeSetSourceError(
        next.file,
        undefined,
        'ADDENDA_MISMATCH',
        `FY${prev.fy} plus ${addenda.name} gives ${code} ${flags.get(code) ?? 'absent'}, ` +
          `but FY${next.fy} has ${next.flags.get(code) ?? 'absent'}`,
      );
    }
  }
}

// ---------------------------------------------------------------- README (provenance, licence)

function readmeSection(readme: string, heading: string): string {
  const start = readme.split('\n## ').find((s) => s.startsWith(heading));
  if (start === undefined)
    throw new CodeSetSourceError('README.md', undefined, 'README_SECTION', `no section '## ${heading}'`);
  return start;
}

function readmeLine(readme: string, heading: string, prefix: string): string {
  const line = readmeSection(readme, heading)
    .split('\n')
    .map((l) => l.replace(/^- /, '').trim())
    .find((l) => l.startsWith(prefix));
  if (line === undefined) {
    throw new CodeSetSourceError(
      'README.md',
      undefined,
      'README_LICENCE',
      `no line starting '${prefix}' in section '${heading}'`,
    );
  }
  return line.replace(/\*\*/g, '').replace(/`/g, '');
}

function readmeAsOf(readme: string, file: string): string {
  const row = readme.split('\n').find((l) => l.startsWith(`| \`${file}\``));
  const m = row?.match(/as of (\d{4}-\d{2}-\d{2})/);
  if (!m?.[1])
    throw new CodeSetSourceError('README.md', undefined, 'README_AS_OF', `no 'as of' date for ${file}`);
  return m[1];
}

// ---------------------------------------------------------------- output

/** JSON as Biome formats it for these shapes (objects, strings, numbers, long string arrays). */
const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export function compileCodeSets(sources: readonly SourceFile[]): Record<DataFile, string> {
  const byName = new Map(sources.map((s) => [s.name, s]));
  const need = (name: string): SourceFile => {
    const s = byName.get(name);
    if (!s) throw new CodeSetSourceError(name, undefined, 'MISSING_FILE', 'required source file not found');
    return s;
  };
  const readme = need('README.md').text;

  // ICD-10-CM: every icd10cm-<FY>.tsv, consecutive fiscal years
  const years = sources
    .map((s) => ({ s, m: /^icd10cm-(\d{4})\.tsv$/.exec(s.name) }))
    .filter((x) => x.m)
    .map(({ s, m }) => readIcdYear(s, Number(m?.[1])))
    .sort((a, b) => a.fy - b.fy);
  if (years.length === 0)
    throw new CodeSetSourceError('icd10cm-<FY>.tsv', undefined, 'MISSING_FILE', 'no ICD-10-CM fiscal year');
  years.forEach((y, i) => {
    const prev = years[i - 1];
    if (!prev) return;
    if (y.fy !== prev.fy + 1) {
      throw new CodeSetSourceError(
        y.file,
        undefined,
        'FISCAL_YEAR_GAP',
        `FY${prev.fy} is followed by FY${y.fy}`,
      );
    }
    checkAddenda(prev, y, need(`icd10cm-addenda-${y.fy}.tsv`));
  });
  const statuses = new Map<string, string>();
  years.forEach((y, i) => {
    for (const [code, flag] of y.flags) {
      const s = statuses.get(code) ?? '-'.repeat(years.length);
      statuses.set(code, s.slice(0, i) + (flag === '1' ? 'b' : 'h') + s.slice(i + 1));
    }
  });
  const icd10cm = {
    format: ICD10CM_FORMAT,
    fiscalYears: years.map((y) => y.fy).join(' '),
    legend:
      "one string per 3-character category: 'CAT:default' then the rest of each code ('*' = the category itself) " +
      "with ':status' when it differs; status has one character per fiscal year: b billable, h header, - absent",
    categories: encodeIcd10(statuses),
  };

  // HCPCS Level II
  const hcpcsSrc = need('hcpcs-level2-2026.tsv');
  const hcpcsTsv = readTsv(hcpcsSrc, ['code', 'short_description', 'effective', 'termination']);
  uniqueCodes(hcpcsTsv, 0);
  const hcpcsJson = need('sources/hcpcs-data-2026-jan.json');
  const version = /^\{"version":"([^"]*)"/.exec(hcpcsJson.text)?.[1];
  if (version !== HCPCS_RELEASE.sourceVersion) {
    throw new CodeSetSourceError(
      hcpcsJson.name,
      1,
      'HCPCS_VERSION',
      `expected version ${HCPCS_RELEASE.sourceVersion}, found ${version ?? 'none'}`,
    );
  }
  let hcpcsTerminated = 0;
  const hcpcsRows = hcpcsTsv.rows
    .map(({ line, cells }) => {
      const [code, desc, effective, termination] = cells as [string, string, string, string];
      const check = checker(hcpcsSrc.name, line);
      check(HCPCS_CODE.test(code), 'HCPCS_CODE', `'${code}' is not a letter A-V followed by 4 digits`);
      check(TEXT.test(desc), 'DESCRIPTION', `description of ${code} holds a control character or '|'`);
      check(effective !== '', 'DATE', `${code} has no effective date`);
      dateCell(check, effective, 'effective');
      dateCell(check, termination, 'termination');
      check(
        termination === '' || termination >= effective,
        'DATE_ORDER',
        `${code} terminates ${termination}, before it takes effect ${effective}`,
      );
      if (termination) hcpcsTerminated++;
      return [code, effective, termination, desc].join('|');
    })
    .sort();

  // Modifiers
  const modSrc = need('modifiers.tsv');
  const modTsv = readTsv(modSrc, ['modifier', 'code_set', 'short_description', 'effective', 'termination']);
  uniqueCodes(modTsv, 0);
  const modCounts = { cpt: 0, hcpcs: 0, terminated: 0 };
  const modRows = modTsv.rows
    .map(({ line, cells }) => {
      const [code, set, desc, effective, termination] = cells as [string, string, string, string, string];
      const check = checker(modSrc.name, line);
      check(MODIFIER_CODE.test(code), 'MODIFIER_CODE', `'${code}' is not 2 letters/digits`);
      check(
        set === 'CPT' || set === 'HCPCS-II',
        'CODE_SET',
        `code_set must be CPT or HCPCS-II, found '${set}'`,
      );
      if (set === 'CPT') {
        // CPT descriptors are AMA-copyrighted: refuse to ship one
        check(
          desc === '' && effective === '' && termination === '',
          'CPT_CONTENT',
          `CPT modifier ${code} must carry no descriptor or dates (AMA licence)`,
        );
        modCounts.cpt++;
      } else {
        check(TEXT.test(desc), 'DESCRIPTION', `description of ${code} holds a control character or '|'`);
        check(effective !== '', 'DATE', `${code} has no effective date`);
        dateCell(check, effective, 'effective');
        dateCell(check, termination, 'termination');
        check(
          termination === '' || termination >= effective,
          'DATE_ORDER',
          `${code} terminates ${termination}, before it takes effect ${effective}`,
        );
        modCounts.hcpcs++;
        if (termination) modCounts.terminated++;
      }
      return [code, set, effective, termination, desc].join('|');
    })
    .sort();

  // CARC and RARC
  const adjustment = (name: string, pattern: RegExp) => {
    const src = need(name);
    const tsv = readTsv(src, ['code', 'active', 'x12_status', 'paraphrase']);
    uniqueCodes(tsv, 0);
    let active = 0;
    const rows = tsv.rows.map(({ line, cells }) => {
      const [code, act, status, paraphrase] = cells as [string, string, string, string];
      const check = checker(src.name, line);
      check(
        pattern.test(code),
        'ADJUSTMENT_CODE',
        `'${code}' is not a ${name.slice(0, 4).toUpperCase()} code`,
      );
      check(
        ['current', 'deactivated', 'tobe'].includes(status),
        'X12_STATUS',
        `x12_status must be current, deactivated or tobe, found '${status}'`,
      );
      check(
        act === (status === 'current' ? '1' : '0'),
        'ACTIVE_FLAG',
        `active '${act}' disagrees with x12_status '${status}'`,
      );
      check(TEXT.test(paraphrase), 'DESCRIPTION', `paraphrase of ${code} holds a control character or '|'`);
      if (act === '1') active++;
      return [code, act, status, paraphrase].join('|');
    });
    return { rows: rows.sort(), count: rows.length, active, asOf: readmeAsOf(readme, name) };
  };
  const carc = adjustment('carc.tsv', CARC_CODE);
  const rarc = adjustment('rarc.tsv', RARC_CODE);

  const usedSources = [
    'README.md',
    ...years.map((y) => y.file),
    ...years.slice(1).map((y) => `icd10cm-addenda-${y.fy}.tsv`),
    'hcpcs-level2-2026.tsv',
    'sources/hcpcs-data-2026-jan.json',
    'modifiers.tsv',
    'carc.tsv',
    'rarc.tsv',
  ];
  const sourceInfo: Record<string, { sha256: string; bytes: number }> = {};
  for (const name of usedSources) {
    const s = need(name);
    sourceInfo[name] = { sha256: s.sha256, bytes: new TextEncoder().encode(s.text).length };
  }

  const fyInfo: CodeSetVersions['icd10cm']['fiscalYears'] = {};
  for (const y of years) {
    let billable = 0;
    for (const f of y.flags.values()) if (f === '1') billable++;
    fyInfo[String(y.fy)] = {
      start: fiscalYearStart(y.fy),
      end: fiscalYearEnd(y.fy),
      source: y.file,
      codes: y.flags.size,
      billable,
      headers: y.flags.size - billable,
    };
  }

  const meta: CodeSetVersions = {
    generatedBy: 'npm run codesets (shared/scrub/codesets/generate.ts) from ../shared/codesets',
    icd10cm: {
      fiscalYears: fyInfo,
      note: readmeLine(readme, '1. ICD-10-CM', '`icd10cm-2027.tsv` is therefore'),
      licence: readmeLine(readme, '1. ICD-10-CM', '**License:**'),
    },
    hcpcs: {
      release: HCPCS_RELEASE.release,
      reliableThrough: HCPCS_RELEASE.reliableThrough,
      codes: hcpcsRows.length,
      terminated: hcpcsTerminated,
      licence: readmeLine(readme, '2. HCPCS Level II', '**License:**'),
    },
    modifiers: {
      release: HCPCS_RELEASE.release,
      reliableThrough: HCPCS_RELEASE.reliableThrough,
      hcpcsLevel2: modCounts.hcpcs,
      hcpcsLevel2Terminated: modCounts.terminated,
      cptCodesOnly: modCounts.cpt,
      licence: readmeLine(readme, '3. Modifiers', '**License:**'),
      cptNote: readmeLine(readme, '3. Modifiers', 'This list was **compiled from general knowledge'),
    },
    carc: { asOf: carc.asOf, codes: carc.count, active: carc.active },
    rarc: { asOf: rarc.asOf, codes: rarc.count, active: rarc.active },
    adjustmentCodesLicence: readmeLine(readme, '4. CARC and RARC', '**Original publisher:**'),
    cpt: 'CPT is AMA-copyrighted: no CPT code or descriptor is shipped; a deployer may load its own CPT list',
    sources: sourceInfo,
  };

  const rows = (value: object) => json({ format: ROWS_FORMAT, ...value });
  return {
    'icd10cm.json': json(icd10cm),
    'hcpcs.json': rows({ columns: 'code|effective|termination|short_description', rows: hcpcsRows }),
    'modifiers.json': rows({
      columns: 'modifier|code_set|effective|termination|short_description',
      rows: modRows,
    }),
    'adjustment-codes.json': rows({
      columns: 'code|active|x12_status|paraphrase',
      carc: carc.rows,
      rarc: rarc.rows,
    }),
    'meta.json': json(meta),
  };
}
