import { z } from 'zod';
import { commonEnv } from '../env-common';

export const envSchema = commonEnv.extend({
  /** Bucket for row-level error reports (`errors/...`); usually the charges bucket itself. */
  ERRORS_BUCKET: z.string().min(1),
  STATE_MACHINE_ARN: z.string().min(1),
});
export type Env = z.infer<typeof envSchema>;
