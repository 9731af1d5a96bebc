/**
 * One row of a charge file (one service line), validated with zod. Messages name the column and
 * the rule, never the value (values are PHI).
 */
import { z } from 'zod';
import { parseCents } from '../money';

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

export const RELATIONSHIPS = ['18', '01', '19', '20', '21', '39', '40', '53', 'G8'] as const;

export const chargeRowSchema = z
  .object({
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
  })
  .superRefine((row, ctx) => {
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

export type ChargeRow = z.infer<typeof chargeRowSchema>;
export const CHARGE_COLUMNS = Object.keys(chargeRowSchema.shape) as (keyof ChargeRow)[];
