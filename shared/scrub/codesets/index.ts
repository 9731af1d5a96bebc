/**
 * Lookups in the public code sets the project ships (generated into ./data by `npm run codesets`):
 * ICD-10-CM by fiscal year, HCPCS Level II and modifiers by date of service, CARC and RARC. Pure:
 * the tables are bundled JSON, decoded once on first use. CPT is AMA-licensed and not shipped: see
 * ./cpt for the format check and a deployer-supplied list.
 */
import adjustmentTable from './data/adjustment-codes.json' with { type: 'json' };
import hcpcsTable from './data/hcpcs.json' with { type: 'json' };
import icdTable from './data/icd10cm.json' with { type: 'json' };
import metaTable from './data/meta.json' with { type: 'json' };
import modifierTable from './data/modifiers.json' with { type: 'json' };
import { decodeIcd10, fiscalYearOf, ICD10CM_CODE, ICD10CM_FORMAT, isIsoDate, ROWS_FORMAT } from './encoding';
import type { CodeSetVersions } from './versions';

export { type CptList, cptCategory, cptFormatOk, createCptList, parseCptList } from './cpt';
export { fiscalYearEnd, fiscalYearOf, fiscalYearStart, isIsoDate } from './encoding';
export type { CodeSetVersions } from './versions';

const once = <T>(load: () => T): (() => T) => {
  let value: T | undefined;
  return () => {
    value ??= load();
    return value;
  };
};

const checkFormat = (table: string, format: string, want: string): void => {
  if (format !== want) throw new Error(`code-set table ${table} has format '${format}', expected '${want}'`);
};

// ---------------------------------------------------------------- ICD-10-CM

export type Icd10Reason =
  | 'FORMAT' // not the shape of an ICD-10-CM code
  | 'INVALID_DATE' // the date of service is not a YYYY-MM-DD calendar date
  | 'NO_CODE_SET_FOR_DATE' // no loaded fiscal year holds the date of service
  | 'UNKNOWN' // in none of the loaded fiscal years
  | 'HEADER' // a category/subcategory in the date's fiscal year: not billable
  | 'NOT_YET_VALID' // only in later fiscal years
  | 'DELETED'; // only in earlier fiscal years

export type Icd10Result =
  | { ok: true; code: string; fiscalYear: number }
  | {
      ok: false;
      reason: Icd10Reason;
      code: string;
      /** the fiscal year holding the date of service (null when the date is invalid) */
      fiscalYear: number | null;
      /** loaded fiscal years in which the code is billable */
      billableIn: number[];
    };

const icd = once(() => {
  checkFormat('icd10cm.json', icdTable.format, ICD10CM_FORMAT);
  const years = icdTable.fiscalYears.split(' ').map(Number);
  return { years, statuses: decodeIcd10(icdTable.categories, years.length) };
});

/** Loaded ICD-10-CM fiscal years, ascending. */
export const icd10cmFiscalYears = (): readonly number[] => icd().years;

/** Normalize a diagnosis as written ('E11.9' or 'E119') to the claim form ('E119'); undefined if malformed. */
export function normalizeIcd10(code: string): string | undefined {
  const plain = code.length > 4 && code[3] === '.' ? code.slice(0, 3) + code.slice(4) : code;
  return ICD10CM_CODE.test(plain) ? plain : undefined;
}

/** True when the code (dots allowed) is in any loaded fiscal year, billable or header. */
export function isKnownIcd10(code: string): boolean {
  const plain = normalizeIcd10(code);
  return plain !== undefined && icd().statuses.has(plain);
}

/**
 * Is `code` valid on a claim for `dateOfService`: billable in the fiscal year (October 1 to
 * September 30) holding that date. Codes may be written with or without the dot; letters must be
 * upper case.
 */
export function icd10cm(code: string, dateOfService: string): Icd10Result {
  const { years, statuses } = icd();
  const plain = normalizeIcd10(code);
  const fail = (reason: Icd10Reason, fiscalYear: number | null, status = ''): Icd10Result => ({
    ok: false,
    reason,
    code: plain ?? code,
    fiscalYear,
    billableIn: years.filter((_, i) => status[i] === 'b'),
  });
  if (!isIsoDate(dateOfService)) return fail('INVALID_DATE', null);
  const fy = fiscalYearOf(dateOfService);
  if (plain === undefined) return fail('FORMAT', fy);
  const i = years.indexOf(fy);
  if (i < 0) return fail('NO_CODE_SET_FOR_DATE', fy, statuses.get(plain));
  const status = statuses.get(plain);
  if (status === undefined) return fail('UNKNOWN', fy);
  if (status[i] === 'b') return { ok: true, code: plain, fiscalYear: fy };
  if (status[i] === 'h') return fail('HEADER', fy, status);
  const earlier = status.slice(0, i).replace(/-/g, '') !== '';
  return fail(earlier ? 'DELETED' : 'NOT_YET_VALID', fy, status);
}

// ---------------------------------------------------------------- HCPCS Level II and modifiers

export type DatedReason = 'FORMAT' | 'INVALID_DATE' | 'UNKNOWN' | 'NOT_YET_EFFECTIVE' | 'TERMINATED';

interface Dated {
  code: string;
  effective: string; // '' for CPT modifiers (codes only)
  termination: string; // '' while active
  description: string;
}

export type HcpcsResult =
  | ({ ok: true } & Dated)
  | ({
      ok: false;
      reason: DatedReason;
      /** the date of service is after the last date the shipped release is known to cover */
      afterRelease: boolean;
    } & Partial<Dated> & { code: string });

export const HCPCS_LEVEL2_CODE = /^[A-V]\d{4}$/;

const hcpcsCodes = once(() => {
  checkFormat('hcpcs.json', hcpcsTable.format, ROWS_FORMAT);
  const map = new Map<string, Dated>();
  for (const row of hcpcsTable.rows) {
    const [code, effective, termination, description] = row.split('|') as [string, string, string, string];
    map.set(code, { code, effective, termination, description });
  }
  return map;
});

function dated(
  table: ReadonlyMap<string, Dated>,
  shape: RegExp,
  code: string,
  dos: string,
  reliableThrough: string,
): HcpcsResult {
  if (!isIsoDate(dos)) return { ok: false, reason: 'INVALID_DATE', code, afterRelease: false };
  const afterRelease = dos > reliableThrough;
  if (!shape.test(code)) return { ok: false, reason: 'FORMAT', code, afterRelease };
  const row = table.get(code);
  if (!row) return { ok: false, reason: 'UNKNOWN', code, afterRelease };
  if (row.effective && dos < row.effective)
    return { ok: false, reason: 'NOT_YET_EFFECTIVE', ...row, afterRelease };
  // CMS TERM_DT is the last date the code may be used
  if (row.termination && dos > row.termination)
    return { ok: false, reason: 'TERMINATED', ...row, afterRelease };
  return { ok: true, ...row };
}

/** Is a HCPCS Level II code (letter A-V + 4 digits) in effect on the date of service? */
export const hcpcs = (code: string, dateOfService: string): HcpcsResult =>
  dated(hcpcsCodes(), HCPCS_LEVEL2_CODE, code, dateOfService, codeSetVersions().hcpcs.reliableThrough);

export type ModifierResult = HcpcsResult & { codeSet?: 'CPT' | 'HCPCS-II' };

const modifierCodes = once(() => {
  checkFormat('modifiers.json', modifierTable.format, ROWS_FORMAT);
  const map = new Map<string, Dated & { codeSet: 'CPT' | 'HCPCS-II' }>();
  for (const row of modifierTable.rows) {
    const [code, codeSet, effective, termination, description] = row.split('|') as [
      string,
      'CPT' | 'HCPCS-II',
      string,
      string,
      string,
    ];
    map.set(code, { code, codeSet, effective, termination, description });
  }
  return map;
});

/**
 * Is a modifier in effect on the date of service? HCPCS Level II modifiers carry CMS dates; CPT
 * modifiers are shipped as codes only (no descriptor, no dates), so they are always in effect.
 */
export function modifier(code: string, dateOfService: string): ModifierResult {
  const table = modifierCodes();
  const result = dated(
    table,
    /^[A-Z0-9]{2}$/,
    code,
    dateOfService,
    codeSetVersions().modifiers.reliableThrough,
  );
  const codeSet = table.get(code)?.codeSet;
  return codeSet ? { ...result, codeSet } : result;
}

// ---------------------------------------------------------------- CARC and RARC

export interface AdjustmentCode {
  code: string;
  active: boolean;
  /** X12 status: current, deactivated or tobe */
  status: string;
  /** a short paraphrase (not X12's text); '' when none was written */
  description: string;
}

const adjustments = once(() => {
  checkFormat('adjustment-codes.json', adjustmentTable.format, ROWS_FORMAT);
  const read = (rows: string[]) =>
    new Map(
      rows.map((row) => {
        const [code, active, status, description] = row.split('|') as [string, string, string, string];
        return [code, { code, active: active === '1', status, description }] as const;
      }),
    );
  return { carc: read(adjustmentTable.carc), rarc: read(adjustmentTable.rarc) };
});

/** A Claim Adjustment Reason Code (835 CAS), e.g. '45' or 'CO-45' (the group code is dropped). */
export const carc = (code: string): AdjustmentCode | undefined =>
  adjustments().carc.get(code.replace(/^(CO|CR|OA|PI|PR)-/, ''));

/** A Remittance Advice Remark Code (835 LQ/MOA/MIA), e.g. 'N130'. */
export const rarc = (code: string): AdjustmentCode | undefined => adjustments().rarc.get(code);

// ---------------------------------------------------------------- versions

/** Provenance of the shipped tables: fiscal years, releases, source files with sha256, licences. */
export const codeSetVersions = (): CodeSetVersions => metaTable as CodeSetVersions;
