import { z } from 'zod';
import { commonEnv } from '../env-common';

export const envSchema = commonEnv.extend({
  /** Days after the date of service a claim may still be filed (payer default). */
  TIMELY_FILING_DAYS: z.coerce.number().int().positive().default(365),
});
export type Env = z.infer<typeof envSchema>;
