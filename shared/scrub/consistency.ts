/**
 * Consistency edits: does the claim agree with itself? Diagnosis against the patient's sex and age on
 * the date of service, the same service line twice, modifier pairs that cannot go together,
 * diagnosis pointers to codes that cannot be billed. Pure. Findings name the rule, the line, the
 * field and the code, never a patient value (no date of birth, no age, no sex).
 *
 * The tables below are deliberately small and documented in docs/scrubbing.md; they follow the
 * ICD-10-CM chapter structure and the CMS Medicare Code Editor (MCE) edits of the same name.
 */
import type { Claim, ServiceLine } from '../claims/model';
import { icd10cm, isIsoDate } from './codesets';
import type { ScrubFinding } from './rules';

/** An inclusive range of ICD-10-CM codes by prefix, e.g. ['N40', 'N53'] holds N400 and N531. */
export type DxRange = readonly [from: string, to: string];

const inRange = (code: string, [from, to]: DxRange): boolean =>
  code.slice(0, from.length) >= from && code.slice(0, to.length) <= to;
const rangeName = ([from, to]: DxRange): string => (from === to ? from : `${from}-${to}`);
const findRange = (code: string, ranges: readonly DxRange[]): DxRange | undefined =>
  ranges.find((r) => inRange(code, r));

/**
 * Sex-specific diagnoses (MCE "sex conflict" edit), by ICD-10-CM block. Female: pregnancy and
 * childbirth (chapter 15, O00-O9A), supervision of pregnancy (Z34), weeks of gestation (Z3A),
 * malignant neoplasms of female genital organs (C51-C58), diseases of the female genital tract
 * (N70-N98). Male: malignant neoplasms of male genital organs (C60-C63), diseases of the male genital
 * organs (N40-N53).
 */
export const FEMALE_ONLY_DX: readonly DxRange[] = [
  ['O00', 'O9A'],
  ['Z34', 'Z34'],
  ['Z3A', 'Z3A'],
  ['C51', 'C58'],
  ['N70', 'N98'],
];
export const MALE_ONLY_DX: readonly DxRange[] = [
  ['C60', 'C63'],
  ['N40', 'N53'],
];

/** Maternity diagnoses (chapter 15) and the patient ages, in whole years, they are accepted for. */
export const MATERNITY_DX: DxRange = ['O00', 'O9A'];
export const MATERNITY_AGE = { min: 12, max: 55 } as const;

/**
 * Newborn diagnoses: perinatal conditions (chapter 16, P00-P96) and liveborn infants (Z38). ICD-10-CM
 * defines the newborn period as the first 28 days. Z38 is coded only on the birth record: an error
 * from day 28. Chapter 16 codes "may be used throughout the life of the patient if the condition is
 * still present" (guideline I.C.16.a.4), so they get a warning only.
 */
export const PERINATAL_DX: DxRange = ['P00', 'P96'];
export const LIVEBORN_DX: DxRange = ['Z38', 'Z38'];
export const NEWBORN_DAYS = 28;

/** Evaluation and management codes (CPT 99201-99499): the only codes modifier 25 belongs on. */
export const isEvaluationAndManagement = (code: string): boolean =>
  /^\d{5}$/.test(code) && code >= '99201' && code <= '99499';

const DAY_MS = 86_400_000;
const daysOld = (dob: string, on: string): number => Math.floor((Date.parse(on) - Date.parse(dob)) / DAY_MS);
/** Whole years of age on a date (birthday rule: a 29 February birthday counts on 1 March). */
export function ageInYears(dob: string, on: string): number {
  const [by, bm, bd] = dob.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

type Emit = (f: ScrubFinding) => void;

/** The lines that point to diagnosis n (1-based), with a calendar date of service. */
const pointing = (claim: Claim, n: number): ServiceLine[] =>
  claim.lines.filter((l) => l.diagnosisPointers.includes(n) && isIsoDate(l.dateOfService));

/** DX_SEX_MISMATCH: a sex-specific diagnosis on a claim whose patient is of the other sex. */
function sexEdit(claim: Claim, emit: Emit): void {
  const sex = claim.patient.gender;
  if (sex !== 'M' && sex !== 'F') return; // unknown: nothing to compare
  const ranges = sex === 'M' ? FEMALE_ONLY_DX : MALE_ONLY_DX;
  const applies = sex === 'M' ? 'female' : 'male';
  claim.diagnoses.forEach((dx, i) => {
    const range = findRange(dx, ranges);
    if (!range) return;
    emit({
      rule: 'DX_SEX_MISMATCH',
      severity: 'error',
      message: `dx${i + 1} ${dx} (${rangeName(range)}) applies to ${applies} patients only and does not match the patient's sex on the claim`,
      field: `dx${i + 1}`,
    });
  });
}

/** DX_AGE_MATERNITY, DX_AGE_NEWBORN: age-specific diagnoses against the age on each pointing line. */
function ageEdit(claim: Claim, emit: Emit): void {
  const dob = claim.patient.dob;
  if (!isIsoDate(dob)) return;
  claim.diagnoses.forEach((dx, i) => {
    const n = i + 1;
    const field = `dx${n}`;
    for (const line of pointing(claim, n)) {
      const dos = line.dateOfService;
      if (dos < dob) continue; // SERVICE_BEFORE_BIRTH says it
      const at = { lineId: line.lineId, field };
      if (inRange(dx, MATERNITY_DX)) {
        const age = ageInYears(dob, dos);
        if (age < MATERNITY_AGE.min || age > MATERNITY_AGE.max) {
          emit({
            rule: 'DX_AGE_MATERNITY',
            severity: 'error',
            message: `line ${line.lineId}: ${field} ${dx} is a maternity diagnosis (${rangeName(MATERNITY_DX)}), accepted for patients aged ${MATERNITY_AGE.min} to ${MATERNITY_AGE.max} on the date of service`,
            ...at,
          });
          return;
        }
      }
      const newborn = inRange(dx, LIVEBORN_DX)
        ? LIVEBORN_DX
        : inRange(dx, PERINATAL_DX)
          ? PERINATAL_DX
          : null;
      if (newborn && daysOld(dob, dos) >= NEWBORN_DAYS) {
        const liveborn = newborn === LIVEBORN_DX;
        emit({
          rule: 'DX_AGE_NEWBORN',
          severity: liveborn ? 'error' : 'warning',
          message: liveborn
            ? `line ${line.lineId}: ${field} ${dx} (liveborn infant, Z38) belongs on the birth record only, in the first ${NEWBORN_DAYS} days of life`
            : `line ${line.lineId}: ${field} ${dx} is a perinatal diagnosis (P00-P96) on a service after the newborn period (${NEWBORN_DAYS} days): valid only while the condition is still present; payers may deny`,
          ...at,
        });
        return;
      }
    }
  });
}

/** DUPLICATE_LINE: two lines with the same procedure, modifiers and date of service (CO-18). */
function duplicateEdit(claim: Claim, emit: Emit): void {
  const seen = new Map<string, string>();
  for (const line of claim.lines) {
    const key = [line.dateOfService, line.procedureCode, ...[...line.modifiers].sort()].join('|');
    const earlier = seen.get(key);
    if (earlier === undefined) {
      seen.set(key, line.lineId);
      continue;
    }
    const mods = line.modifiers.length ? ` with modifiers ${line.modifiers.join(' ')}` : '';
    emit({
      rule: 'DUPLICATE_LINE',
      severity: 'error',
      message: `line ${line.lineId} repeats line ${earlier}: ${line.procedureCode}${mods} on ${line.dateOfService}; payers deny it as a duplicate (CO-18). Use units, or a modifier (e.g. 76, 77, 91) when the service was really repeated`,
      lineId: line.lineId,
      field: 'procedure_code',
    });
  }
}

/** MODIFIER_26_WITH_TC, MODIFIER_25_NOT_EM: modifiers that contradict each other or the code. */
function modifierEdit(claim: Claim, emit: Emit): void {
  for (const line of claim.lines) {
    const at = { lineId: line.lineId, field: 'modifiers' };
    if (line.modifiers.includes('26') && line.modifiers.includes('TC')) {
      emit({
        rule: 'MODIFIER_26_WITH_TC',
        severity: 'error',
        message: `line ${line.lineId}: ${line.procedureCode} carries both 26 (professional component) and TC (technical component); bill the global service without either, or the components on two lines`,
        ...at,
      });
    }
    if (line.modifiers.includes('25') && !isEvaluationAndManagement(line.procedureCode)) {
      emit({
        rule: 'MODIFIER_25_NOT_EM',
        severity: 'error',
        message: `line ${line.lineId}: modifier 25 belongs on an evaluation and management code (99201-99499), not on ${line.procedureCode}`,
        ...at,
      });
    }
  }
}

/**
 * POINTER_TO_HEADER: a line's diagnosis pointer to a code that is a header (not billable) in the
 * fiscal year of the line's date of service. ICD10_HEADER names the diagnosis; this names each line.
 */
function pointerEdit(claim: Claim, emit: Emit): void {
  for (const line of claim.lines) {
    if (!isIsoDate(line.dateOfService)) continue;
    for (const p of line.diagnosisPointers) {
      const dx = claim.diagnoses[p - 1];
      if (dx === undefined) continue; // POINTER_RANGE
      const r = icd10cm(dx, line.dateOfService);
      if (r.ok || r.reason !== 'HEADER') continue;
      emit({
        rule: 'POINTER_TO_HEADER',
        severity: 'error',
        message: `line ${line.lineId}: diagnosis pointer ${p} points to ${dx}, a header code in FY${r.fiscalYear} that cannot be billed`,
        lineId: line.lineId,
        field: 'dx_pointers',
      });
    }
  }
}

/** Every consistency edit, in a stable order. */
export function scrubConsistency(claim: Claim): ScrubFinding[] {
  const out: ScrubFinding[] = [];
  const emit: Emit = (f) => out.push(f);
  sexEdit(claim, emit);
  ageEdit(claim, emit);
  duplicateEdit(claim, emit);
  modifierEdit(claim, emit);
  pointerEdit(claim, emit);
  return out;
}
