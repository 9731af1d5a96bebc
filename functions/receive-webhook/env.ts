import { z } from 'zod';

export const envSchema = z.object({
  POWERTOOLS_SERVICE_NAME: z.string().default('claimflow'),
  POWERTOOLS_METRICS_NAMESPACE: z.string().default('claimflow'),
  X12_BUCKET: z.string().min(1),
  REMIT_QUEUE_URL: z.url(),
  ACK_QUEUE_URL: z.url(),
  /** Secrets Manager secret: JSON object { "<clearinghouse>": "<hmac key>" }. */
  WEBHOOK_SECRET_ID: z.string().min(1),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(5 * 1024 * 1024),
  SIGNATURE_TOLERANCE_SECONDS: z.coerce.number().int().positive().default(300),
});
export type Env = z.infer<typeof envSchema>;
