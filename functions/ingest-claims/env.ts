import { z } from 'zod';
import { commonEnv } from '../env-common';

export const envSchema = commonEnv.extend({
  STATE_MACHINE_ARN: z.string().min(1),
});
export type Env = z.infer<typeof envSchema>;
