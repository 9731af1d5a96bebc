/**
 * NCCI edits on one claim, with the finding shape of the scrubber (../rules.ts). Pure.
 *
 * PTP: when a column 1 / column 2 pair of an edit in force on the date of service is billed on the
 * same date, the column 2 line is refused, unless the edit's modifier indicator is 1 and an
 * NCCI-associated modifier is on the column 2 line or the column 1 line. Indicator 0 never bypasses.
 * An edit is in force from its effective date through its deletion date (inclusive).
 *
 * MUE: units above the MUE value are refused per line (MAI 1) or per code and date of service,
 * summed across the claim's lines (MAI 2 and 3).
 *
 * Findings name procedure codes and dates of service; never patient data.
 */
import type { Claim, ServiceLine } from '../../claims/model';
import type { ScrubFinding } from '../rules';
import type { NcciTable } from './table';

/** Modifiers that can bypass a PTP edit with indicator 1 (NCCI policy manual, chapter I). */
export const NCCI_BYPASS_MODIFIERS: ReadonlySet<string> = new Set([
  '59',
  'XE',
  'XS',
  'XP',
  'XU',
  // anatomic
  'E1',
  'E2',
  'E3',
  'E4',
  'FA',
  'F1',
  'F2',
  'F3',
  'F4',
  'F5',
  'F6',
  'F7',
  'F8',
  'F9',
  'TA',
  'T1',
  'T2',
  'T3',
  'T4',
  'T5',
  'T6',
  'T7',
  'T8',
  'T9',
  'LT',
  'RT',
  'LC',
  'LD',
  'RC',
  'LM',
  'RI',
]);

export const NCCI_PTP_RULE = 'NCCI_PTP';
export const NCCI_MUE_RULE = 'NCCI_MUE';

const ymd = (iso: string): string => iso.replaceAll('-', '');

const inForce = (effective: string, deletion: string, dos: string): boolean =>
  effective <= dos && (deletion === '' || dos <= deletion);

const hasBypass = (line: ServiceLine): boolean => line.modifiers.some((m) => NCCI_BYPASS_MODIFIERS.has(m));

/** PTP edits: one finding per refused column 2 line and pair. */
export function ncciPtpFindings(claim: Claim, table: NcciTable): ScrubFinding[] {
  const out: ScrubFinding[] = [];
  const byDate = new Map<string, ServiceLine[]>();
  for (const line of claim.lines) {
    const list = byDate.get(line.dateOfService) ?? [];
    list.push(line);
    byDate.set(line.dateOfService, list);
  }
  for (const [dos, lines] of byDate) {
    if (lines.length < 2) continue;
    const day = ymd(dos);
    const reported = new Set<string>();
    for (const first of lines) {
      const edits = table.ptpFor(first.procedureCode);
      if (edits.length === 0) continue;
      for (const second of lines) {
        if (second === first || second.procedureCode === first.procedureCode) continue;
        const edit = edits.find(
          (e) => e.column2 === second.procedureCode && inForce(e.effective, e.deletion, day),
        );
        if (!edit) continue;
        if (edit.modifierIndicator === 1 && (hasBypass(second) || hasBypass(first))) continue;
        const key = `${first.lineId}\u0000${second.lineId}`;
        if (reported.has(key)) continue;
        reported.add(key);
        const why =
          edit.modifierIndicator === 0
            ? 'the edit allows no modifier (indicator 0)'
            : 'add an NCCI-associated modifier (59, XE, XS, XP, XU or an anatomic modifier) if the services were distinct (indicator 1)';
        out.push({
          rule: NCCI_PTP_RULE,
          severity: 'error',
          message: `procedure ${second.procedureCode} is bundled into ${first.procedureCode} on ${dos} (NCCI PTP column 2 of column 1): ${why}`,
          lineId: second.lineId,
          field: edit.modifierIndicator === 1 ? 'modifiers' : 'procedure_code',
        });
      }
    }
  }
  return out;
}

/** MUE edits: per line for MAI 1, per code and date of service for MAI 2 and 3. */
export function ncciMueFindings(claim: Claim, table: NcciTable): ScrubFinding[] {
  const out: ScrubFinding[] = [];
  const perDay = new Map<string, { code: string; dos: string; units: number; lines: ServiceLine[] }>();
  for (const line of claim.lines) {
    const mue = table.mueFor(line.procedureCode);
    if (!mue) continue;
    if (mue.mai === 1) {
      if (line.units > mue.units) {
        out.push({
          rule: NCCI_MUE_RULE,
          severity: 'error',
          message: `procedure ${line.procedureCode} on ${line.dateOfService}: ${line.units} units on one line, above the MUE of ${mue.units} per line (MAI 1)`,
          lineId: line.lineId,
          field: 'units',
        });
      }
      continue;
    }
    const key = `${line.procedureCode}\u0000${line.dateOfService}`;
    const day = perDay.get(key) ?? { code: line.procedureCode, dos: line.dateOfService, units: 0, lines: [] };
    day.units += line.units;
    day.lines.push(line);
    perDay.set(key, day);
  }
  for (const day of perDay.values()) {
    const mue = table.mueFor(day.code);
    if (!mue || day.units <= mue.units) continue;
    const last = day.lines[day.lines.length - 1] as ServiceLine;
    out.push({
      rule: NCCI_MUE_RULE,
      severity: 'error',
      message: `procedure ${day.code} on ${day.dos}: ${day.units} units on ${day.lines.length} line(s), above the MUE of ${mue.units} per day (MAI ${mue.mai})`,
      lineId: last.lineId,
      field: 'units',
    });
  }
  return out;
}

/** Both NCCI edits, PTP first. */
export function ncciFindings(claim: Claim, table: NcciTable): ScrubFinding[] {
  return [...ncciPtpFindings(claim, table), ...ncciMueFindings(claim, table)];
}
