import type { z } from 'zod';
import { commonEnv } from '../env-common';

export const envSchema = commonEnv.extend({});
export type Env = z.infer<typeof envSchema>;
