/**
 * Scrub rules backed by the shipped code sets. Each takes a claim and returns findings shaped like
 * those of ../rules (rule id, severity, message, lineId, field); messages name the code, the date of
 * service and the fiscal year, never patient data. `scrubClaim` (../rules) runs them all on every
 * claim through `scrubCodeSets(claim, { cpt })`.
 *
 * Division of labour with ../rules: a line whose date of service is not a calendar date gets one
 * SERVICE_DATE_INVALID finding here and is skipped by the other rules of this file; procedure codes
 * and modifiers of neither CPT nor HCPCS Level II shape are left to PROCEDURE_FORMAT /
 * MODIFIER_FORMAT. Diagnoses are checked here from scratch, shape included (ICD10_FORMAT), because a
 * [A-Z][0-9] shape check wrongly refuses the QA0/QA1 codes of FY2026/FY2027.
 */
import type { Claim, ServiceLine } from '../../claims/model';
import type { ScrubFinding } from '../rules';
import { type CptList, cptFormatOk } from './cpt';
import {
  codeSetVersions,
  fiscalYearEnd,
  fiscalYearStart,
  HCPCS_LEVEL2_CODE,
  hcpcs,
  icd10cm,
  icd10cmFiscalYears,
  isIsoDate,
  isKnownIcd10,
  modifier,
  normalizeIcd10,
} from './index';

export interface CodeSetRuleOptions {
  /** the deployer's CPT list; without one, CPT codes are only shape-checked (by ../rules) */
  cpt?: CptList;
}

export type CodeSetRule = (claim: Claim, options?: CodeSetRuleOptions) => ScrubFinding[];

/** Lines with a calendar date of service, in claim order. */
const datedLines = (claim: Claim): ServiceLine[] => claim.lines.filter((l) => isIsoDate(l.dateOfService));

/** The same, earliest date first (a stable sort keeps claim order within a date). */
const byDate = (lines: ServiceLine[]): ServiceLine[] =>
  [...lines].sort((a, b) =>
    a.dateOfService < b.dateOfService ? -1 : a.dateOfService > b.dateOfService ? 1 : 0,
  );

const fyList = (years: readonly number[]): string => years.map((y) => `FY${y}`).join(', ');

/** SERVICE_DATE_INVALID: a line's date of service must be a YYYY-MM-DD calendar date. */
export const serviceDateRule: CodeSetRule = (claim) =>
  claim.lines
    .filter((l) => !isIsoDate(l.dateOfService))
    .map((l) => ({
      rule: 'SERVICE_DATE_INVALID',
      severity: 'error',
      message: `line ${l.lineId}: date of service '${l.dateOfService}' is not a YYYY-MM-DD calendar date`,
      lineId: l.lineId,
      field: 'date_of_service',
    }));

/**
 * ICD10_FORMAT, ICD10_UNKNOWN, ICD10_HEADER, ICD10_NOT_VALID_ON_DOS, ICD10_NO_CODE_SET_FOR_DATE:
 * each diagnosis must be billable in the fiscal year of every date of service of the lines that
 * point to it (all lines when none does). One finding per diagnosis, rule and fiscal year.
 */
export const icd10Rule: CodeSetRule = (claim) => {
  const out: ScrubFinding[] = [];
  const years = icd10cmFiscalYears();
  const first = years[0] as number;
  const last = years.at(-1) as number;
  const lines = byDate(datedLines(claim));
  claim.diagnoses.forEach((dx, i) => {
    const n = i + 1;
    const field = `dx${n}`;
    const push = (rule: string, message: string, lineId?: string) =>
      out.push({ rule, severity: 'error', message, field, ...(lineId ? { lineId } : {}) });
    const plain = normalizeIcd10(dx);
    if (plain === undefined) {
      push(
        'ICD10_FORMAT',
        `${field} ${dx} is not an ICD-10-CM code: expected a letter, then 2 to 6 upper-case letters or digits`,
      );
      return;
    }
    if (plain !== dx) {
      push('ICD10_FORMAT', `${field} ${dx} must be written without the dot on a claim (${plain})`);
      return;
    }
    const pointing = lines.filter((l) => l.diagnosisPointers.includes(n));
    const dated = pointing.length > 0 ? pointing : lines;
    if (dated.length === 0) {
      // no line with a date of service (reported elsewhere): only ask whether the code exists at all
      if (!isKnownIcd10(dx)) {
        push('ICD10_UNKNOWN', `${field} ${dx} is not an ICD-10-CM code in any of FY${first}-FY${last}`);
      }
      return;
    }
    const seen = new Set<string>();
    for (const line of dated) {
      const dos = line.dateOfService;
      const r = icd10cm(dx, dos);
      if (r.ok) continue;
      const fy = r.fiscalYear as number;
      const key = r.reason === 'UNKNOWN' ? r.reason : `${r.reason} ${fy}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const on = `on ${dos} (FY${fy})`;
      switch (r.reason) {
        case 'UNKNOWN':
          push('ICD10_UNKNOWN', `${field} ${dx} is not an ICD-10-CM code in any of FY${first}-FY${last}`);
          break;
        case 'HEADER':
          push(
            'ICD10_HEADER',
            `${field} ${dx} is a header, not billable, ${on}: use a more specific code` +
              (r.billableIn.length ? ` (billable in ${fyList(r.billableIn)})` : ''),
            line.lineId,
          );
          break;
        case 'NOT_YET_VALID': {
          const from = r.billableIn.find((y) => y > fy);
          push(
            'ICD10_NOT_VALID_ON_DOS',
            `${field} ${dx} is not valid ${on}: ` +
              (from ? `new in FY${from}, valid from ${fiscalYearStart(from)}` : 'only in later fiscal years'),
            line.lineId,
          );
          break;
        }
        case 'DELETED': {
          const until = r.billableIn.filter((y) => y < fy).at(-1);
          push(
            'ICD10_NOT_VALID_ON_DOS',
            `${field} ${dx} is not valid ${on}: ` +
              (until ? `deleted, last valid in FY${until} (to ${fiscalYearEnd(until)})` : 'deleted'),
            line.lineId,
          );
          break;
        }
        case 'NO_CODE_SET_FOR_DATE':
          push(
            'ICD10_NO_CODE_SET_FOR_DATE',
            `${field} ${dx} cannot be checked ${on}: the shipped ICD-10-CM code sets cover FY${first}-FY${last} ` +
              `(${fiscalYearStart(first)} to ${fiscalYearEnd(last)}); regenerate them with npm run codesets`,
            line.lineId,
          );
          break;
        default:
          // FORMAT and INVALID_DATE were ruled out above
          break;
      }
    }
  });
  return out;
};

const releaseNote = (afterRelease: boolean, reliableThrough: string): string =>
  afterRelease
    ? ` (the shipped release covers dates of service to ${reliableThrough}; a later CMS quarterly file may change this)`
    : '';

/**
 * HCPCS_UNKNOWN, HCPCS_NOT_YET_EFFECTIVE, HCPCS_TERMINATED for procedure codes of HCPCS Level II
 * shape. An unknown code on a date of service after the shipped release is a warning, since a later
 * quarter may have added it.
 */
export const hcpcsRule: CodeSetRule = (claim) => {
  const out: ScrubFinding[] = [];
  const { release, reliableThrough } = codeSetVersions().hcpcs;
  for (const line of datedLines(claim)) {
    const code = line.procedureCode;
    if (!HCPCS_LEVEL2_CODE.test(code)) continue;
    const dos = line.dateOfService;
    const r = hcpcs(code, dos);
    if (r.ok) continue;
    const at = { lineId: line.lineId, field: 'procedure_code' };
    const note = releaseNote(r.afterRelease, reliableThrough);
    if (r.reason === 'UNKNOWN') {
      out.push({
        rule: 'HCPCS_UNKNOWN',
        severity: r.afterRelease ? 'warning' : 'error',
        message: `line ${line.lineId}: HCPCS ${code} is not in the ${release}${note}`,
        ...at,
      });
    } else if (r.reason === 'NOT_YET_EFFECTIVE') {
      out.push({
        rule: 'HCPCS_NOT_YET_EFFECTIVE',
        severity: 'error',
        message: `line ${line.lineId}: HCPCS ${code} is not yet effective on ${dos}: it takes effect ${r.effective}`,
        ...at,
      });
    } else if (r.reason === 'TERMINATED') {
      out.push({
        rule: 'HCPCS_TERMINATED',
        severity: 'error',
        message: `line ${line.lineId}: HCPCS ${code} was terminated ${r.termination} (its last valid date); not valid on ${dos}`,
        ...at,
      });
    }
  }
  return out;
};

/** MODIFIER_UNKNOWN, MODIFIER_NOT_YET_EFFECTIVE, MODIFIER_TERMINATED for each 2-character modifier. */
export const modifierRule: CodeSetRule = (claim) => {
  const out: ScrubFinding[] = [];
  const { reliableThrough } = codeSetVersions().modifiers;
  for (const line of datedLines(claim)) {
    const dos = line.dateOfService;
    for (const m of new Set(line.modifiers)) {
      const r = modifier(m, dos);
      if (r.ok || r.reason === 'FORMAT') continue;
      const at = { lineId: line.lineId, field: 'modifiers' };
      if (r.reason === 'UNKNOWN') {
        out.push({
          rule: 'MODIFIER_UNKNOWN',
          severity: r.afterRelease ? 'warning' : 'error',
          message: `line ${line.lineId}: modifier ${m} is neither a HCPCS Level II nor a CPT modifier${releaseNote(r.afterRelease, reliableThrough)}`,
          ...at,
        });
      } else if (r.reason === 'NOT_YET_EFFECTIVE') {
        out.push({
          rule: 'MODIFIER_NOT_YET_EFFECTIVE',
          severity: 'error',
          message: `line ${line.lineId}: modifier ${m} is not yet effective on ${dos}: it takes effect ${r.effective}`,
          ...at,
        });
      } else if (r.reason === 'TERMINATED') {
        out.push({
          rule: 'MODIFIER_TERMINATED',
          severity: 'error',
          message: `line ${line.lineId}: modifier ${m} was terminated ${r.termination} (its last valid date); not valid on ${dos}`,
          ...at,
        });
      }
    }
  }
  return out;
};

/** CPT_UNKNOWN: with a deployer CPT list, every CPT-shaped procedure code must be in it. */
export const cptRule: CodeSetRule = (claim, options = {}) => {
  const list = options.cpt;
  if (!list) return [];
  return claim.lines
    .filter((l) => cptFormatOk(l.procedureCode) && !list.has(l.procedureCode))
    .map((l) => ({
      rule: 'CPT_UNKNOWN',
      severity: 'error',
      message: `line ${l.lineId}: CPT ${l.procedureCode} is not in the deployer's CPT list (${list.source})`,
      lineId: l.lineId,
      field: 'procedure_code',
    }));
};

export const CODE_SET_RULES: readonly CodeSetRule[] = [
  serviceDateRule,
  icd10Rule,
  hcpcsRule,
  modifierRule,
  cptRule,
];

/** Every code-set rule, in order. */
export const scrubCodeSets = (claim: Claim, options: CodeSetRuleOptions = {}): ScrubFinding[] =>
  CODE_SET_RULES.flatMap((rule) => rule(claim, options));
