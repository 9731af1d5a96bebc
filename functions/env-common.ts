import { z } from 'zod';

/** Environment every function has. Infra sets these; the local runtime sets the same. */
export const commonEnv = z.object({
  POWERTOOLS_SERVICE_NAME: z.string().default('claimflow'),
  POWERTOOLS_METRICS_NAMESPACE: z.string().default('claimflow'),
  TABLE_NAME: z.string().min(1),
});

/** Parses process.env against a function's schema; a missing variable fails at cold start, loudly. */
export function loadEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv = process.env): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid function environment: ${issues}`);
  }
  return parsed.data;
}
