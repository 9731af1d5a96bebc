import { z } from 'zod';
import { commonEnv } from '../env-common';

/** Where the deployer uploads the scrubber's reference data in the charges bucket (docs/deploy.md). */
export const REFERENCE_KEYS = {
  /** the compiled NCCI PTP/MUE table (`claimflow ncci load ... --out ncci.json`, docs/ncci.md) */
  ncci: 'reference/ncci.json',
  /** the deployer's licensed CPT list, one code per line (docs/codesets.md) */
  cpt: 'reference/cpt.txt',
} as const;

/** An S3 key the function's IAM grant can name exactly: no wildcards, no leading slash. */
const objectKey = z
  .string()
  .regex(/^[A-Za-z0-9!_.'()-][A-Za-z0-9/!_.'()-]{0,511}$/, 'an S3 object key without * ? or a leading /');

export const envSchema = commonEnv.extend({
  /**
   * Days after the date of service a claim may still be filed, for a payer not in the payer registry
   * (a registered payer's own timelyFilingDays wins).
   */
  TIMELY_FILING_DAYS: z.coerce.number().int().positive().default(365),
  /**
   * Bucket holding the reference data (the charges bucket on AWS). Unset (the local runtime): no
   * NCCI edits and format-only CPT checks, as without the objects.
   */
  REFERENCE_BUCKET: z.string().min(3).max(63).optional(),
  /** Key of the compiled NCCI table; a missing object means no NCCI edits. */
  NCCI_TABLE_KEY: objectKey.default(REFERENCE_KEYS.ncci),
  /** Key of the CPT list; a missing object means CPT codes are only shape-checked. */
  CPT_LIST_KEY: objectKey.default(REFERENCE_KEYS.cpt),
});
export type Env = z.infer<typeof envSchema>;
