import { z } from 'zod';
import { commonEnv } from '../env-common';

export const envSchema = commonEnv.extend({
  X12_BUCKET: z.string().min(1),
  /** Clearinghouse endpoint that accepts an 837P interchange by HTTPS POST. */
  CLEARINGHOUSE_URL: z.url(),
  /** Secrets Manager secret with the clearinghouse API key. */
  CLEARINGHOUSE_SECRET_ID: z.string().min(1),
  SUBMITTER_ID: z.string().min(2).max(15),
  SUBMITTER_NAME: z.string().min(1).max(60),
  SUBMITTER_CONTACT_EMAIL: z.email(),
  RECEIVER_ID: z.string().min(2).max(15),
  RECEIVER_NAME: z.string().min(1).max(60),
  /** ISA15: T for test, P for production. */
  X12_USAGE: z.enum(['T', 'P']).default('T'),
});
export type Env = z.infer<typeof envSchema>;
