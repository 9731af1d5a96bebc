/**
 * The claim scrubber: rules a claim must pass before it is sent. Pure; findings carry codes, ids and
 * field names, never patient data.
 */
import type { Claim } from '../claims/model';
import type { Payer } from '../payers';
import { check837PClaim } from '../x12/check837p';
import type { CptList } from './codesets/cpt';
import { isPlaceOfService } from './codesets/pos';
import { scrubCodeSets } from './codesets/rules';
import { scrubConsistency } from './consistency';
import { isModifierFormat, isProcedureCodeFormat, isValidNpi } from './formats';
import { type NcciTable, ncciFindings } from './ncci';
import { scrubPayerRules } from './payer-rules';

export interface ScrubFinding {
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  lineId?: string;
  field?: string;
}

export interface ScrubContext {
  today: string; // YYYY-MM-DD
  /** Timely-filing window for a payer not in the registry (the payer's own window wins). */
  timelyFilingDays: number;
  /**
   * The claim's payer from the registry; `null` when the registry has none (a warning, defaults
   * apply); left out when no registry was consulted (offline checks).
   */
  payer?: Payer | null;
  /** The deployer's CPT list; without one, CPT codes are only shape-checked. */
  cpt?: CptList;
  /** The deployer's NCCI PTP / MUE table (docs/ncci.md); without one, no NCCI edits run. */
  ncci?: NcciTable;
}

export const MAX_LINES = 50;
export const MAX_DIAGNOSES = 12;
export const MAX_POINTERS = 4;
export const MAX_MODIFIERS = 4;

const DAY_MS = 86_400_000;
const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

export function scrubClaim(claim: Claim, ctx: ScrubContext): ScrubFinding[] {
  const out: ScrubFinding[] = [];
  const error = (rule: string, message: string, extra: Partial<ScrubFinding> = {}) =>
    out.push({ rule, severity: 'error', message, ...extra });

  if (!isValidNpi(claim.billingProvider.npi)) {
    error('NPI_CHECK_DIGIT', 'billing provider NPI fails the check digit (Luhn with prefix 80840)', {
      field: 'billing_npi',
    });
  }
  if (claim.renderingProvider && !isValidNpi(claim.renderingProvider.npi)) {
    error('NPI_CHECK_DIGIT', 'rendering provider NPI fails the check digit (Luhn with prefix 80840)', {
      field: 'rendering_npi',
    });
  }
  if (!/^\d{9}$/.test(claim.billingProvider.taxId))
    error('BILLING_TAX_ID', 'billing tax id must be 9 digits', { field: 'billing_tax_id' });
  if (!/^\d{9}$/.test(claim.billingProvider.address.zip)) {
    error('BILLING_ZIP', 'billing provider ZIP must be 9 digits (ZIP+4) in 5010', { field: 'billing_zip' });
  }
  if (!isPlaceOfService(claim.placeOfService)) {
    error('PLACE_OF_SERVICE', `place of service ${claim.placeOfService} is not a CMS POS code`, {
      field: 'place_of_service',
    });
  }
  if (claim.diagnoses.length === 0)
    error('DIAGNOSIS_REQUIRED', 'at least one diagnosis is required', { field: 'dx1' });
  if (claim.diagnoses.length > MAX_DIAGNOSES) error('DIAGNOSIS_COUNT', `at most ${MAX_DIAGNOSES} diagnoses`);
  if (claim.lines.length === 0) error('NO_LINES', 'a claim needs at least one service line');
  if (claim.lines.length > MAX_LINES)
    error('TOO_MANY_LINES', `an 837P claim holds at most ${MAX_LINES} lines`);
  if (claim.patient.dob > ctx.today)
    error('DOB_IN_FUTURE', 'patient date of birth is in the future', { field: 'patient_dob' });

  // The 835 answers each line by its REF*6R: two lines with one id could not be told apart.
  const lineIds = claim.lines.map((l) => l.lineId).filter(Boolean);
  if (new Set(lineIds).size !== lineIds.length)
    error('LINE_ID_DUPLICATE', 'two service lines share a line id (REF*6R)', { field: 'line_id' });

  const timelyFilingDays = ctx.payer?.timelyFilingDays ?? ctx.timelyFilingDays;
  let total = 0;
  for (const line of claim.lines) {
    const at = { lineId: line.lineId };
    total += line.chargeCents;
    if (!isProcedureCodeFormat(line.procedureCode)) {
      error('PROCEDURE_FORMAT', `procedure code ${line.procedureCode} is not a CPT/HCPCS code`, {
        ...at,
        field: 'procedure_code',
      });
    }
    if (line.modifiers.length > MAX_MODIFIERS)
      error('MODIFIER_COUNT', `at most ${MAX_MODIFIERS} modifiers`, at);
    for (const m of line.modifiers) {
      if (!isModifierFormat(m))
        error('MODIFIER_FORMAT', `modifier ${m} is not 2 letters/digits`, { ...at, field: 'modifiers' });
    }
    if (new Set(line.modifiers).size !== line.modifiers.length)
      error('MODIFIER_DUPLICATE', 'a modifier is repeated', at);
    if (line.chargeCents <= 0)
      error('CHARGE_NOT_POSITIVE', 'line charge must be more than zero', { ...at, field: 'charge' });
    if (!(line.units > 0))
      error('UNITS_NOT_POSITIVE', 'units must be more than zero', { ...at, field: 'units' });
    const pointers = line.diagnosisPointers;
    if (pointers.length === 0 || pointers.length > MAX_POINTERS) {
      error('POINTER_COUNT', `a line needs 1 to ${MAX_POINTERS} diagnosis pointers`, {
        ...at,
        field: 'dx_pointers',
      });
    }
    if (new Set(pointers).size !== pointers.length)
      error('POINTER_DUPLICATE', 'a diagnosis pointer is repeated', at);
    for (const p of pointers) {
      if (!Number.isInteger(p) || p < 1 || p > claim.diagnoses.length) {
        error(
          'POINTER_RANGE',
          `diagnosis pointer ${p} points past the claim's ${claim.diagnoses.length} diagnoses`,
          {
            ...at,
            field: 'dx_pointers',
          },
        );
      }
    }
    if (line.placeOfService !== undefined && !isPlaceOfService(line.placeOfService)) {
      error('PLACE_OF_SERVICE', `place of service ${line.placeOfService} is not a CMS POS code`, at);
    }
    if (line.dateOfService > ctx.today) {
      error('SERVICE_DATE_FUTURE', 'date of service is in the future', { ...at, field: 'date_of_service' });
    } else if (daysBetween(line.dateOfService, ctx.today) > timelyFilingDays) {
      const whose = ctx.payer ? `payer ${ctx.payer.payerId}'s` : 'the default';
      error(
        'TIMELY_FILING',
        `date of service is more than ${timelyFilingDays} days ago (${whose} timely filing limit)`,
        {
          ...at,
          field: 'date_of_service',
        },
      );
    }
    if (line.dateOfService < claim.patient.dob) {
      error('SERVICE_BEFORE_BIRTH', 'date of service is before the patient was born', {
        ...at,
        field: 'date_of_service',
      });
    }
  }
  if (total !== claim.totalChargeCents) error('TOTAL_MISMATCH', 'claim total is not the sum of its lines');
  // What the 837P needs to carry every value unaltered: text that survives cleaning and fits, USPS
  // state codes, ZIPs, identifiers without characters cleaning would change, a rendering name.
  for (const p of check837PClaim(claim)) error(p.rule, p.message, { field: p.field });
  // Code sets on the date of service (ICD-10-CM, HCPCS II, modifiers, the deployer's CPT list), the
  // claim's consistency with itself, and the payer's rules from the registry.
  out.push(...scrubCodeSets(claim, { cpt: ctx.cpt }));
  out.push(...scrubConsistency(claim));
  out.push(...scrubPayerRules(claim, ctx.payer));
  if (ctx.ncci) out.push(...ncciFindings(claim, ctx.ncci));
  return out;
}

export const hasErrors = (findings: readonly ScrubFinding[]): boolean =>
  findings.some((f) => f.severity === 'error');
