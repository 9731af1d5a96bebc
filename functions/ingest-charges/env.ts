import { z } from 'zod';
import { commonEnv } from '../env-common';

export const envSchema = commonEnv.extend({
  /**
   * Bucket for row-level error reports (`errors/...`) and claim chunk manifests (`intake/...`);
   * usually the charges bucket itself.
   */
  ERRORS_BUCKET: z.string().min(1),
  /** Queue of claim chunks, consumed by ingest-claims. */
  CHUNK_QUEUE_URL: z.url(),
  /** Claims per chunk (one ingest-claims invocation writes at most this many). */
  CLAIMS_PER_CHUNK: z.coerce.number().int().min(1).max(500).default(100),
});
export type Env = z.infer<typeof envSchema>;
