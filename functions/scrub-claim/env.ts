import { z } from 'zod';
import { commonEnv } from '../env-common';

export const envSchema = commonEnv.extend({
  /**
   * Days after the date of service a claim may still be filed, for a payer not in the payer registry
   * (a registered payer's own timelyFilingDays wins).
   */
  TIMELY_FILING_DAYS: z.coerce.number().int().positive().default(365),
});
export type Env = z.infer<typeof envSchema>;
