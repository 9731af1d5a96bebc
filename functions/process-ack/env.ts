import { z } from 'zod';
import { commonEnv } from '../env-common';

export const envSchema = commonEnv.extend({
  X12_BUCKET: z.string().min(1),
  /** Powertools idempotency table: a file (by content hash) is processed once within the window. */
  IDEMPOTENCY_TABLE_NAME: z.string().min(1),
});
export type Env = z.infer<typeof envSchema>;
