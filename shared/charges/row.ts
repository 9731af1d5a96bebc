/**
 * One row of a charge file (one service line), validated with zod. Messages name the column and
 * the rule, never the value (values are PHI).
 */
import { z } from 'zod';
import { parseCents } from '../money';
import {
  ASSIGNMENT_CODES,
  ATTACHMENT_REPORT_TYPES,
  ATTACHMENT_TRANSMISSION_CODES,
  BENEFITS_ASSIGNMENT_CODES,
  DRUG_UNIT_CODES,
  PROVIDER_SIGNATURE_CODES,
  RELATED_CAUSES,
  RELEASE_OF_INFORMATION_CODES,
  TAXONOMY_PATTERN,
  toNdc11,
} from '../x12/values';

const trimmed = z.string().trim();
const required = (max: number) => trimmed.min(1, 'is required').max(max, `is longer than ${max} characters`);
const optional = (max: number) =>
  trimmed
    .max(max, `is longer than ${max} characters`)
    .optional()
    .transform((v) => (v ? v : undefined));
const date = trimmed.regex(/^\d{4}-\d{2}-\d{2}$/, 'is not a date YYYY-MM-DD').refine((v) => {
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}, 'is not a valid calendar date');
const optionalDate = z
  .union([z.literal(''), date])
  .optional()
  .transform((v) => (v ? v : undefined));
const state = trimmed.regex(/^[A-Z]{2}$/, 'is not a 2-letter state code');
const zip = trimmed.regex(/^\d{5}(\d{4})?$/, 'is not a 5 or 9 digit ZIP (no dash)');
const gender = trimmed.toUpperCase().pipe(z.enum(['M', 'F', 'U'], 'must be M, F or U'));
const code = (pattern: RegExp, message: string) =>
  trimmed.toUpperCase().pipe(z.string().regex(pattern, message));
const dx = trimmed
  .toUpperCase()
  .transform((v) => v.replace('.', ''))
  .pipe(z.string().regex(/^[A-Z0-9]{3,7}$/, 'is not an ICD-10-CM code'));
const optionalDx = z
  .union([z.literal(''), dx])
  .optional()
  .transform((v) => (v ? v : undefined));

const optionalNpi = z
  .union([z.literal(''), trimmed.regex(/^\d{10}$/, 'is not 10 digits')])
  .optional()
  .transform((v) => (v ? v : undefined));
/** An optional column: empty is absent, anything else must pass `schema` (its message is the row error). */
const blankable = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());
/** An optional code of a fixed X12 list, upper-cased; the message lists the codes. */
const optionalCode = <const T extends readonly [string, ...string[]]>(codes: T, what: string) =>
  blankable(trimmed.toUpperCase().pipe(z.enum(codes, `is not ${what} (${codes.join(', ')})`)));

export const RELATIONSHIPS = ['18', '01', '19', '20', '21', '39', '40', '53', 'G8'] as const;

const rowObject = z.object({
  practice_id: required(64),
  encounter_id: required(64),
  line_id: required(30),
  patient_last_name: required(60),
  patient_first_name: required(35),
  patient_middle_name: optional(25),
  patient_dob: date,
  patient_gender: gender,
  patient_address1: required(55),
  patient_address2: optional(55),
  patient_city: required(30),
  patient_state: state,
  patient_zip: zip,
  relationship: trimmed.pipe(z.enum(RELATIONSHIPS, 'is not an X12 relationship code (18, 01, 19, ...)')),
  member_id: required(80),
  group_number: optional(50),
  subscriber_last_name: optional(60),
  subscriber_first_name: optional(35),
  subscriber_dob: optionalDate,
  subscriber_gender: z
    .union([z.literal(''), gender])
    .optional()
    .transform((v) => (v ? v : undefined)),
  subscriber_address1: optional(55),
  subscriber_city: optional(30),
  subscriber_state: z
    .union([z.literal(''), state])
    .optional()
    .transform((v) => (v ? v : undefined)),
  subscriber_zip: z
    .union([z.literal(''), zip])
    .optional()
    .transform((v) => (v ? v : undefined)),
  payer_id: required(80),
  payer_name: required(60),
  billing_npi: trimmed.regex(/^\d{10}$/, 'is not 10 digits'),
  billing_name: required(60),
  billing_tax_id: trimmed
    .transform((v) => v.replace('-', ''))
    .pipe(z.string().regex(/^\d{9}$/, 'is not 9 digits')),
  billing_address1: required(55),
  billing_city: required(30),
  billing_state: state,
  billing_zip: zip,
  rendering_npi: z
    .union([z.literal(''), trimmed.regex(/^\d{10}$/, 'is not 10 digits')])
    .optional()
    .transform((v) => (v ? v : undefined)),
  rendering_last_name: optional(60),
  rendering_first_name: optional(35),
  date_of_service: date,
  procedure_code: code(/^[A-Z0-9]{5}$/, 'is not a 5-character CPT/HCPCS code'),
  modifiers: trimmed
    .toUpperCase()
    .optional()
    .transform((v) => (v ? v.split(':').map((m) => m.trim()) : []))
    .pipe(
      z
        .array(z.string().regex(/^[A-Z0-9]{2}$/, 'has a modifier that is not 2 characters'))
        .max(4, 'has more than 4 modifiers'),
    ),
  units: trimmed.regex(/^\d{1,4}(\.\d{1,3})?$/, 'is not a number of units').transform(Number),
  charge: trimmed.regex(/^\d{1,7}(\.\d{1,2})?$/, 'is not an amount like 125.00').transform(parseCents),
  dx1: dx,
  dx2: optionalDx,
  dx3: optionalDx,
  dx4: optionalDx,
  dx5: optionalDx,
  dx6: optionalDx,
  dx7: optionalDx,
  dx8: optionalDx,
  dx9: optionalDx,
  dx10: optionalDx,
  dx11: optionalDx,
  dx12: optionalDx,
  dx_pointers: trimmed
    .transform((v) => v.split(':').map((p) => p.trim()))
    .pipe(
      z
        .array(z.string().regex(/^\d{1,2}$/, 'has a pointer that is not a number'))
        .min(1)
        .max(4, 'has more than 4 pointers'),
    )
    .transform((ps) => ps.map(Number)),
  place_of_service: trimmed.regex(/^\d{2}$/, 'is not a 2-digit place of service code'),
  // Optional 837P content (docs/charge-file-format.md, "Optional claim content").
  rendering_taxonomy: blankable(code(TAXONOMY_PATTERN, 'is not a taxonomy code (10 characters ending in X)')),
  referring_npi: optionalNpi,
  referring_last_name: optional(60),
  referring_first_name: optional(35),
  supervising_npi: optionalNpi,
  supervising_last_name: optional(60),
  supervising_first_name: optional(35),
  facility_name: optional(60),
  facility_npi: optionalNpi,
  facility_address1: optional(55),
  facility_address2: optional(55),
  facility_city: optional(30),
  facility_state: blankable(state),
  facility_zip: blankable(trimmed.regex(/^\d{9}$/, 'is not a 9 digit ZIP+4 (no dash)')),
  prior_authorization: optional(50),
  referral_number: optional(50),
  onset_date: optionalDate,
  accident_date: optionalDate,
  accident_causes: trimmed
    .toUpperCase()
    .optional()
    .transform((v) => (v ? v.split(':').map((c) => c.trim()) : []))
    .pipe(
      z
        .array(z.enum(RELATED_CAUSES, 'has a cause that is not AA, EM or OA'))
        .max(2, 'has more than 2 causes')
        .refine((cs) => new Set(cs).size === cs.length, 'repeats a cause'),
    ),
  accident_state: blankable(state),
  patient_death_date: optionalDate,
  attachment_report_type: optionalCode(ATTACHMENT_REPORT_TYPES, 'a PWK01 report type code'),
  attachment_transmission: optionalCode(ATTACHMENT_TRANSMISSION_CODES, 'a PWK02 transmission code'),
  attachment_control_number: optional(80),
  provider_signature: optionalCode(PROVIDER_SIGNATURE_CODES, 'a provider signature indicator'),
  assignment: optionalCode(ASSIGNMENT_CODES, 'an assignment / plan participation code'),
  benefits_assignment: optionalCode(BENEFITS_ASSIGNMENT_CODES, 'a benefits assignment indicator'),
  release_of_information: optionalCode(RELEASE_OF_INFORMATION_CODES, 'a release of information code'),
  ndc: blankable(
    trimmed.transform((v, ctx) => {
      const ndc = toNdc11(v);
      if (ndc) return ndc;
      ctx.addIssue({
        code: 'custom',
        message: 'is not an NDC (11 digits 5-4-2, or 10 digits with dashes 4-4-2, 5-3-2 or 5-4-1)',
      });
      return z.NEVER;
    }),
  ),
  ndc_unit: optionalCode(DRUG_UNIT_CODES, 'an NDC unit of measure'),
  ndc_quantity: blankable(
    trimmed
      .regex(/^\d{1,9}(\.\d{1,3})?$/, 'is not a quantity (up to 3 decimals)')
      .transform(Number)
      .refine((n) => n > 0, 'must be more than 0'),
  ),
  ndc_prescription_number: optional(50),
});
type Row = z.output<typeof rowObject>;

export const chargeRowSchema = rowObject.superRefine((row, ctx) => {
  // Diagnoses are pointed at by position: a gap would silently shift every pointer after it.
  const dxs = [row.dx1, row.dx2, row.dx3, row.dx4, row.dx5, row.dx6, row.dx7, row.dx8, row.dx9, row.dx10];
  dxs.push(row.dx11, row.dx12);
  const last = dxs.findLastIndex(Boolean);
  for (let i = 0; i < last; i++) {
    if (!dxs[i])
      ctx.addIssue({
        code: 'custom',
        path: [`dx${i + 1}`],
        message: `is empty but a later dx column is not`,
      });
  }
  contentIssues(row, ctx);
  if (row.relationship === '18') return;
  for (const field of [
    'subscriber_last_name',
    'subscriber_first_name',
    'subscriber_dob',
    'subscriber_gender',
    'subscriber_address1',
    'subscriber_city',
    'subscriber_state',
    'subscriber_zip',
  ] as const) {
    if (!row[field])
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: 'is required when relationship is not 18 (self)',
      });
  }
});

/** Columns that only make sense together: each message names the column and what it needs. */
function contentIssues(row: Row, ctx: z.RefinementCtx): void {
  // A column that failed its own rule was given (its error is reported): it is not also "missing",
  // and what it would require is not asked for on top.
  const failed = new Set(ctx.issues.map((i) => String(i.path?.[0] ?? '')));
  const given = (c: keyof Row) =>
    failed.has(c) || (row[c] !== undefined && !(Array.isArray(row[c]) && row[c].length === 0));
  const valid = (c: keyof Row) => !failed.has(c) && given(c);
  const issue = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: [field], message });
  const needs = (cols: readonly (keyof Row)[], because: string) => {
    for (const c of cols) if (!given(c)) issue(c, `is required when ${because}`);
  };
  const any = (cols: readonly (keyof Row)[]) => cols.some(given);

  if (given('referring_npi')) needs(['referring_last_name'], 'referring_npi is given');
  else if (any(['referring_last_name', 'referring_first_name']))
    issue('referring_npi', 'is required when a referring provider name is given');
  if (given('supervising_npi')) needs(['supervising_last_name'], 'supervising_npi is given');
  else if (any(['supervising_last_name', 'supervising_first_name']))
    issue('supervising_npi', 'is required when a supervising provider name is given');
  if (given('rendering_taxonomy'))
    needs(['rendering_npi'], 'rendering_taxonomy is given (PRV is sent with 2310B)');
  const facility = [
    'facility_name',
    'facility_npi',
    'facility_address1',
    'facility_address2',
    'facility_city',
    'facility_state',
    'facility_zip',
  ] as const;
  if (any(facility))
    needs(
      ['facility_name', 'facility_address1', 'facility_city', 'facility_state', 'facility_zip'],
      'a service facility column is given',
    );
  if (given('accident_causes')) {
    needs(['accident_date'], 'accident_causes is given');
    if (valid('accident_causes') && row.accident_causes.includes('AA'))
      needs(['accident_state'], 'accident_causes has AA (auto accident)');
  } else if (given('accident_date')) needs(['accident_causes'], 'accident_date is given (AA, EM or OA)');
  if (valid('accident_state') && valid('accident_causes') && !row.accident_causes.includes('AA'))
    issue('accident_state', 'is only sent for an auto accident (AA in accident_causes)');
  if (any(['attachment_report_type', 'attachment_transmission', 'attachment_control_number'])) {
    needs(['attachment_report_type', 'attachment_transmission'], 'an attachment column is given');
    if (valid('attachment_transmission') && row.attachment_transmission !== 'AA')
      needs(['attachment_control_number'], 'attachment_transmission is not AA (available on request)');
  }
  if (given('ndc')) needs(['ndc_unit', 'ndc_quantity'], 'ndc is given');
  else
    for (const c of ['ndc_unit', 'ndc_quantity', 'ndc_prescription_number'] as const)
      if (given(c)) issue('ndc', `is required when ${c} is given`);
}

export type ChargeRow = z.infer<typeof chargeRowSchema>;
/** Every column a charge file may have. */
export const CHARGE_COLUMNS = Object.keys(chargeRowSchema.shape) as (keyof ChargeRow)[];
/** The optional 837P content columns (referring provider ... NDC), all optional. */
export const CONTENT_COLUMNS = CHARGE_COLUMNS.slice(CHARGE_COLUMNS.indexOf('rendering_taxonomy'));
/** The columns before the 837P content ones: what the sample files carry. */
export const CORE_CHARGE_COLUMNS = CHARGE_COLUMNS.slice(0, CHARGE_COLUMNS.indexOf('rendering_taxonomy'));
/** Columns of a service line; every other column is claim-level (the same on every row of an encounter). */
export const LINE_COLUMNS = [
  'line_id',
  'date_of_service',
  'procedure_code',
  'modifiers',
  'units',
  'charge',
  'dx_pointers',
  'place_of_service',
  'ndc',
  'ndc_unit',
  'ndc_quantity',
  'ndc_prescription_number',
] as const satisfies readonly (keyof ChargeRow)[];
