/** The access-audit log, read by admins (their practices' entries only). Wiring only. */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { InvalidCursorError } from '../../../shared/store/errors';
import { type AuditLogPorts, readAuditLog } from '../../../shared/workbench/audit-log';
import type { ApiEnv } from '../context';
import { ErrorBody } from '../schemas';
import { json, routeName, security } from './billing-common';

const AuditQuery = z.object({
  day: z.iso.date().openapi({ description: 'UTC day of the entries', example: '2026-04-02' }),
  claimId: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,38}$/)
    .optional(),
  sub: z
    .string()
    .regex(/^[A-Za-z0-9_.@:-]{1,128}$/)
    .optional()
    .openapi({ description: "The user's opaque Cognito sub" }),
  limit: z.coerce.number().int().min(1).max(200).default(100),
  cursor: z.string().max(1024).optional().openapi({ description: 'Opaque, from the previous page' }),
});

const AuditRecord = z
  .object({
    auditId: z.string(),
    at: z.string(),
    sub: z.string(),
    role: z.enum(['biller', 'manager', 'admin']),
    action: z.string(),
    route: z.string(),
    outcome: z.enum(['OK', 'NOT_FOUND', 'REFUSED', 'CONFLICT']),
    claimIds: z.array(z.string()),
    practiceIds: z.array(z.string()),
    requestId: z.string().optional(),
    changes: z
      .array(z.object({ path: z.string(), before: z.unknown().optional(), after: z.unknown().optional() }))
      .optional(),
    workItem: z.object({ kind: z.string(), reference: z.string() }).optional(),
  })
  .openapi('AccessAuditRecord');

export const auditRoute = createRoute({
  method: 'get',
  path: '/api/audit',
  operationId: 'readAccessAudit',
  summary:
    "Access-audit entries of one day concerning the caller's practices, oldest first, paged: admin only (the read is audited)",
  security,
  request: { query: AuditQuery },
  responses: {
    200: json(z.object({ items: z.array(AuditRecord), cursor: z.string().optional() }), 'A page of entries'),
    400: json(ErrorBody, 'Invalid request'),
    401: json(ErrorBody, 'No or invalid token'),
    403: json(z.object({ error: z.literal('forbidden') }), 'Only admins read the audit log'),
  },
});

export function auditRoutes(app: OpenAPIHono<ApiEnv>, ports: AuditLogPorts): void {
  app.openapi(auditRoute, async (c) => {
    const q = c.req.valid('query');
    try {
      const page = await readAuditLog(ports, c.var.caller, q, {
        route: routeName(auditRoute),
        requestId: c.var.requestId,
      });
      if (!page.ok) return c.json({ error: 'forbidden' as const }, 403);
      return c.json({ items: page.items, ...(page.cursor ? { cursor: page.cursor } : {}) }, 200);
    } catch (err) {
      if (err instanceof InvalidCursorError)
        return c.json(
          { error: 'bad_request' as const, issues: [{ path: 'cursor', code: 'invalid_cursor' }] },
          400,
        );
      throw err;
    }
  });
}
