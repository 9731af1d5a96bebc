import { z } from 'zod';

export const envSchema = z.object({
  POWERTOOLS_SERVICE_NAME: z.string().default('claimflow'),
  POWERTOOLS_METRICS_NAMESPACE: z.string().default('claimflow'),
  TABLE_NAME: z.string().min(1),
  /**
   * The X12 bucket, read only: 837P interchanges we sent and inbound 999 / 277CA / 835 files (the
   * claim's documents; a manual remit match re-reads its claim payment from the inbound 835).
   */
  X12_BUCKET: z.string().min(1),
  /**
   * cognito: API Gateway's JWT authorizer verified the token (AWS). local-jwt: the app verifies an
   * HS256 bearer token itself with LOCAL_JWT_SECRET; only allowed against local emulators.
   */
  API_AUTH: z.enum(['cognito', 'local-jwt']).default('cognito'),
  LOCAL_JWT_SECRET: z.string().min(32).optional(),
  AWS_ENDPOINT_URL_DYNAMODB: z.string().optional(),
  /** The scrub rules' timely-filing limit for re-scrubbing corrections (as scrub-claim's). */
  TIMELY_FILING_DAYS: z.coerce.number().int().positive().default(365),
  /** The claim state machine: a correction or void of a claim whose execution ended starts a new one. */
  STATE_MACHINE_ARN: z.string().min(1).optional(),
});
export type Env = z.infer<typeof envSchema>;

/** The variables the Lambda gets on AWS (infra types its environment with it): no local-only ones. */
export const deployedEnvSchema = envSchema.omit({ LOCAL_JWT_SECRET: true, AWS_ENDPOINT_URL_DYNAMODB: true });
