/**
 * The console's runtime configuration, fetched from `/config.json` on the console's own origin.
 * Locally `npm start` serves it (auth kind "local"); on AWS the web-console construct writes it next
 * to the built console (auth kind "cognito"). Infra imports `ConsoleConfig` / `consoleConfigSchema`
 * from here so that what it writes is what the console reads. No secrets: everything here is public.
 */
import { z } from 'zod';

const httpsOrLocalUrl = z
  .string()
  .url()
  .refine((u) => u.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(u), {
    message: 'must be https (or http on 127.0.0.1 / localhost)',
  });

export const localAuthSchema = z.object({ kind: z.literal('local') });

export const cognitoAuthSchema = z.object({
  kind: z.literal('cognito'),
  /** The user pool's issuer: https://cognito-idp.<region>.amazonaws.com/<poolId> */
  authority: httpsOrLocalUrl,
  /** The console's app client (public: no secret; authorization code + PKCE). */
  clientId: z.string().min(1),
  /** The hosted UI domain: https://<prefix>.auth.<region>.amazoncognito.com */
  domain: httpsOrLocalUrl,
  /** Where Cognito sends the user back with the code: the console's root, https://<cf-domain>/ */
  redirectUri: httpsOrLocalUrl,
  /** Where Cognito's /logout sends the user: the console's root. */
  logoutUri: httpsOrLocalUrl,
});

export const consoleConfigSchema = z.object({
  /** The workbench API's origin; "" = the console's own origin (`npm start`, or a CloudFront /api behaviour). */
  apiBaseUrl: z.union([z.literal(''), httpsOrLocalUrl]),
  /** Sign out after this many minutes without keyboard, pointer or wheel input. */
  idleMinutes: z
    .number()
    .positive()
    .max(24 * 60),
  auth: z.discriminatedUnion('kind', [localAuthSchema, cognitoAuthSchema]),
});

export type ConsoleConfig = z.infer<typeof consoleConfigSchema>;
export type CognitoAuthConfig = z.infer<typeof cognitoAuthSchema>;

/** Parses /config.json; the error names the fields that are wrong, never their values. */
export function parseConsoleConfig(raw: unknown): ConsoleConfig {
  const out = consoleConfigSchema.safeParse(raw);
  if (out.success) return out.data;
  const fields = [...new Set(out.error.issues.map((i) => i.path.join('.') || '(root)'))];
  throw new Error(`config.json is invalid: ${fields.join(', ')}`);
}
