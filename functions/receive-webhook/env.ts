import { z } from 'zod';
import { parseAllowList } from '../../shared/webhooks/allowlist';

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
  /**
   * Optional source-IP allow-list, JSON `{"<clearinghouse>": ["<cidr>", ...]}`; a clearinghouse without
   * an entry may call from any address. Validated here, so a bad CIDR fails the cold start loudly.
   */
  WEBHOOK_ALLOWED_CIDRS: z
    .string()
    .default('{}')
    .transform((json, ctx) => {
      try {
        return parseAllowList(json);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
});
export type Env = z.infer<typeof envSchema>;
