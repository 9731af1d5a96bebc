/** Shared bits of the billing routes (appeals, statements, reports): schemas, errors, responses. */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Refusal } from '../../../shared/workbench/billing';
import type { ApiEnv } from '../context';

export const security = [{ bearerAuth: [] }];

export const json = <T>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

export const pdf = (description: string) => ({
  content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
  description,
});

export const BillingError = z
  .object({
    error: z.enum([
      'unauthorized',
      'not_found',
      'bad_request',
      'internal',
      'forbidden',
      'not_denied',
      'exceeds_balance',
      'not_positive',
      'conflict',
      'not_configured',
    ]),
    issues: z.array(z.object({ path: z.string(), code: z.string() })).optional(),
    message: z.string().optional().openapi({ description: 'Amounts and codes only, never PHI' }),
  })
  .openapi('BillingError');

export const errors = {
  400: json(BillingError, 'Invalid request'),
  401: json(BillingError, 'No or invalid token'),
  404: json(BillingError, "No such claim, practice or statement among the caller's"),
  501: json(BillingError, 'The API was built without billing repositories'),
};

export const STATUS_OF: Record<Refusal, 403 | 404 | 409 | 422> = {
  not_found: 404,
  forbidden: 403,
  not_denied: 409,
  conflict: 409,
  exceeds_balance: 422,
  not_positive: 422,
};

export const routeName = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;

/** A refused use case's answer: its error code, and its message when it has one. */
export const refusalBody = <E extends Refusal>(r: { error: E; message?: string }) =>
  r.message ? { error: r.error, message: r.message } : { error: r.error };

export const notConfigured = (c: Context<ApiEnv>) => c.json({ error: 'not_configured' as const }, 501);

/** A PDF download: inline disposition with a file name made of ids only. */
export function pdfResponse(c: Context<ApiEnv>, bytes: Uint8Array, fileName: string): Response {
  return c.body(bytes as unknown as ArrayBuffer, 200, {
    'content-type': 'application/pdf',
    'content-disposition': `inline; filename="${fileName}"`,
  });
}

export const PracticeIdSchema = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9_-]{0,31}$/)
  .openapi({ example: 'PRAC1' });
