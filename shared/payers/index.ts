/**
 * The payer registry's domain: what claimflow knows about each payer it bills. Pure and AWS-free;
 * the records live in DynamoDB (shared/store/payers.ts), seeded from events/payers.json.
 *
 * Everything that used to be fixed (SBR09 always CI, 365 days of timely filing) comes from here. A
 * payer that is not in the registry keeps those defaults, and the scrubber says so with a warning.
 */
import { z } from 'zod';
import type { Claim } from '../claims/model';

/**
 * X12 code list 1032, Claim Filing Indicator (837P 2000B SBR09), as the 5010 TR3 allows it for
 * professional claims.
 */
export const CLAIM_FILING_INDICATORS = {
  '11': 'Other non-federal programs',
  '12': 'Preferred provider organization (PPO)',
  '13': 'Point of service (POS)',
  '14': 'Exclusive provider organization (EPO)',
  '15': 'Indemnity insurance',
  '16': 'Health maintenance organization (HMO) Medicare risk',
  '17': 'Dental maintenance organization',
  AM: 'Automobile medical',
  BL: 'Blue Cross / Blue Shield',
  CH: 'CHAMPUS (TRICARE)',
  CI: 'Commercial insurance',
  DS: 'Disability',
  FI: 'Federal Employees Program',
  HM: 'Health maintenance organization (HMO)',
  LM: 'Liability medical',
  MA: 'Medicare Part A',
  MB: 'Medicare Part B',
  MC: 'Medicaid',
  OF: 'Other federal program',
  TV: 'Title V',
  VA: 'Veterans Affairs plan',
  WC: "Workers' compensation health claim",
  ZZ: 'Mutually defined',
} as const;
export type ClaimFilingIndicator = keyof typeof CLAIM_FILING_INDICATORS;

const FILING_CODES = Object.keys(CLAIM_FILING_INDICATORS) as [
  ClaimFilingIndicator,
  ...ClaimFilingIndicator[],
];

/** What applies to a payer missing from the registry: the values claimflow used before it existed. */
export const DEFAULT_PAYER_RULES = {
  claimFilingIndicator: 'CI',
  timelyFilingDays: 365,
  appealDeadlineDays: 180,
  correctedClaims: { replacementAccepted: true, originalClaimNumberRequired: true },
  priorAuthorizationCodes: [] as string[],
} as const;

/** CPT (5 digits, or 4 digits + F/T/U/M) or HCPCS Level II (A-V + 4 digits). */
const PROCEDURE_CODE = /^(\d{5}|\d{4}[FTUM]|[A-V]\d{4})$/;

export const payerSchema = z
  .object({
    /** the payer id as sent in 2010BB NM109 (same characters the 837P can carry unaltered) */
    payerId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,79}$/, 'letters, digits and -, 1 to 80 characters'),
    name: z.string().trim().min(1).max(60),
    claimFilingIndicator: z.enum(FILING_CODES).default(DEFAULT_PAYER_RULES.claimFilingIndicator),
    /** days after the date of service a claim may still be filed */
    timelyFilingDays: z.number().int().min(1).max(3650).default(DEFAULT_PAYER_RULES.timelyFilingDays),
    /** days after the payer's decision an appeal may be filed */
    appealDeadlineDays: z.number().int().min(1).max(3650).default(DEFAULT_PAYER_RULES.appealDeadlineDays),
    correctedClaims: z
      .object({
        /** the payer accepts replacement claims (CLM05-3 = 7) */
        replacementAccepted: z.boolean().default(true),
        /** a replacement or void must carry the payer's claim number of the original (REF*F8) */
        originalClaimNumberRequired: z.boolean().default(true),
      })
      .strict()
      .default({ ...DEFAULT_PAYER_RULES.correctedClaims }),
    /** procedure codes (CPT/HCPCS) this payer wants a prior authorization for */
    priorAuthorizationCodes: z
      .array(z.string().regex(PROCEDURE_CODE, 'a CPT or HCPCS Level II code'))
      .max(5000)
      .default([])
      .refine((codes) => new Set(codes).size === codes.length, 'a code is listed twice'),
  })
  .strict();

export type Payer = z.output<typeof payerSchema>;
export type PayerInput = z.input<typeof payerSchema>;

export class PayerRegistryError extends Error {
  override name = 'PayerRegistryError';
}

const describeIssues = (err: z.ZodError): string =>
  err.issues.map((i) => `${i.path.length ? i.path.join('.') : '(record)'}: ${i.message}`).join('; ');

/** Validate one payer record; throws PayerRegistryError naming the payer (or its position) and field. */
export function parsePayer(input: unknown, where = 'payer'): Payer {
  const r = payerSchema.safeParse(input);
  if (r.success) return r.data;
  throw new PayerRegistryError(`${where}: ${describeIssues(r.error)}`);
}

/**
 * Validate a seed file's content: `{ "payers": [ ... ] }`. Every record is checked; the error names
 * each bad entry by index and payer id. Payer ids must be unique.
 */
export function parsePayerSeed(input: unknown): Payer[] {
  const file = z.object({ payers: z.array(z.unknown()) }).safeParse(input);
  if (!file.success) throw new PayerRegistryError(`payer seed: expected { "payers": [ ... ] }`);
  const problems: string[] = [];
  const payers: Payer[] = [];
  const seen = new Set<string>();
  file.data.payers.forEach((raw, i) => {
    const id = (raw as { payerId?: unknown } | null)?.payerId;
    const where = `payers[${i}]${typeof id === 'string' ? ` (${id})` : ''}`;
    try {
      const payer = parsePayer(raw, where);
      if (seen.has(payer.payerId)) problems.push(`${where}: payerId is listed twice`);
      seen.add(payer.payerId);
      payers.push(payer);
    } catch (err) {
      problems.push((err as Error).message);
    }
  });
  if (problems.length) throw new PayerRegistryError(`payer seed: ${problems.join('; ')}`);
  return payers;
}

/** What the scrubber and the submitter apply to a claim of this payer (registry or defaults). */
export interface EffectivePayerRules {
  claimFilingIndicator: ClaimFilingIndicator;
  timelyFilingDays: number;
  inRegistry: boolean;
}

export const effectiveRules = (payer: Payer | undefined): EffectivePayerRules =>
  payer
    ? {
        claimFilingIndicator: payer.claimFilingIndicator,
        timelyFilingDays: payer.timelyFilingDays,
        inRegistry: true,
      }
    : {
        claimFilingIndicator: DEFAULT_PAYER_RULES.claimFilingIndicator,
        timelyFilingDays: DEFAULT_PAYER_RULES.timelyFilingDays,
        inRegistry: false,
      };

/**
 * The claim as the 837P writer should send it to this payer: `payer.claimFilingIndicator` (SBR09)
 * from the registry, or the default (CI) for a payer not in it. The rest of the claim is unchanged.
 */
export function withPayerRules<C extends Claim>(claim: C, payer: Payer | undefined): C {
  const payerPart: Claim['payer'] & { claimFilingIndicator?: string } = {
    ...claim.payer,
    claimFilingIndicator: effectiveRules(payer).claimFilingIndicator,
  };
  return { ...claim, payer: payerPart };
}
