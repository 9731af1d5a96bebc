/**
 * The correction form's model: a claim (as GET /api/claims/{claimId} returns it) as the charge-file
 * columns a person may edit, and the request body of POST /api/claims/{claimId}/correction holding
 * only what changed. Pure. Values are spelled as a charge file spells them (docs/charge-file-format.md).
 */
import type { components } from '../api/schema';
import { chargeText } from './format';

type Claim = components['schemas']['Claim'];
export type CorrectionFields = components['schemas']['CorrectionFields'];
export type CorrectionLine = components['schemas']['CorrectionLine'];
export type Correction = components['schemas']['Correction'];

const DX = ['dx1', 'dx2', 'dx3', 'dx4', 'dx5', 'dx6', 'dx7', 'dx8', 'dx9', 'dx10', 'dx11', 'dx12'] as const;

/** The claim-level columns the form shows, in order, with their labels. */
export const FORM_FIELDS = [
  ['member_id', 'Member id'],
  ['group_number', 'Group number'],
  ['relationship', 'Relationship code'],
  ['patient_dob', 'Patient date of birth'],
  ['payer_id', 'Payer id'],
  ['billing_npi', 'Billing provider NPI'],
  ['rendering_npi', 'Rendering provider NPI'],
  ['prior_authorization', 'Prior authorization number'],
  ['referral_number', 'Referral number'],
  ...DX.map((k, i) => [k, `Diagnosis ${i + 1} (ICD-10-CM)`] as const),
] as const satisfies readonly (readonly [keyof CorrectionFields, string])[];

export type FormField = (typeof FORM_FIELDS)[number][0];

/** The line columns the form shows, with their labels. */
export const LINE_FORM_FIELDS = [
  ['date_of_service', 'Date of service'],
  ['procedure_code', 'Procedure code'],
  ['modifiers', 'Modifiers (colon-separated)'],
  ['units', 'Units'],
  ['charge', 'Charge'],
  ['dx_pointers', 'Diagnosis pointers (colon-separated)'],
  ['place_of_service', 'Place of service'],
] as const satisfies readonly (readonly [Exclude<keyof CorrectionLine, 'line_id'>, string])[];

export type LineFormField = (typeof LINE_FORM_FIELDS)[number][0];

export interface CorrectionForm {
  fields: Record<FormField, string>;
  lines: ({ line_id: string } & Record<LineFormField, string>)[];
}

/** What the form starts with: the claim's current values. */
export function formFromClaim(
  claim: Claim & { priorAuthorization?: string; referralNumber?: string },
): CorrectionForm {
  const fields = Object.fromEntries(FORM_FIELDS.map(([k]) => [k, ''])) as Record<FormField, string>;
  fields.member_id = claim.subscriber.memberId;
  fields.group_number = claim.subscriber.groupNumber ?? '';
  fields.relationship = claim.relationship;
  fields.patient_dob = claim.patient.dob;
  fields.payer_id = claim.payer.payerId;
  fields.billing_npi = claim.billingProvider.npi;
  fields.rendering_npi = claim.renderingProvider?.npi ?? '';
  fields.prior_authorization = claim.priorAuthorization ?? '';
  fields.referral_number = claim.referralNumber ?? '';
  DX.forEach((k, i) => {
    fields[k] = claim.diagnoses[i] ?? '';
  });
  const lines = claim.lines.map((l) => ({
    line_id: l.lineId,
    date_of_service: l.dateOfService,
    procedure_code: l.procedureCode,
    modifiers: l.modifiers.join(':'),
    units: String(l.units),
    charge: chargeText(l.chargeCents),
    dx_pointers: l.diagnosisPointers.join(':'),
    place_of_service: l.placeOfService ?? claim.placeOfService,
  }));
  return { fields, lines };
}

/**
 * The request body: the changed claim-level columns, and the lines only when one of them changed
 * (then every line, each with its changed columns only: a known line keeps what it leaves out).
 * Undefined when nothing changed.
 */
export function correctionBody(
  before: CorrectionForm,
  after: CorrectionForm,
  version: number,
): Correction | undefined {
  const fields: CorrectionFields = {};
  for (const [k] of FORM_FIELDS) {
    const v = after.fields[k].trim();
    if (v !== before.fields[k].trim()) fields[k] = v;
  }
  const beforeLines = new Map(before.lines.map((l) => [l.line_id, l]));
  let linesChanged = after.lines.length !== before.lines.length;
  const lines: CorrectionLine[] = after.lines.map((l) => {
    const old = beforeLines.get(l.line_id);
    const line: CorrectionLine = { line_id: l.line_id };
    for (const [k] of LINE_FORM_FIELDS) {
      const v = l[k].trim();
      if (!old || v !== old[k].trim()) {
        line[k] = v;
        linesChanged = true;
      }
    }
    return line;
  });
  const hasFields = Object.keys(fields).length > 0;
  if (!hasFields && !linesChanged) return undefined;
  return { version, ...(hasFields ? { fields } : {}), ...(linesChanged ? { lines } : {}) };
}
