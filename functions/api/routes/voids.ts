/** Voids: a manager voids a claim sent in error (frequency 8) through the normal submission path. Wiring only. */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { CLAIM_STATUSES } from '../../../shared/claims/model';
import { VOID_REASONS, type VoidPorts, voidClaim } from '../../../shared/workbench/void';
import type { ApiEnv } from '../context';
import { ClaimIdParam } from '../schemas';
import { BillingError, json, security } from './billing-common';
import { changeErrors } from './corrections';

export const VoidBody = z
  .object({
    version: z
      .number()
      .int()
      .min(1)
      .openapi({ description: "The claim's version as read (optimistic lock)" }),
    reason: z.enum(VOID_REASONS).openapi({ description: 'Why the claim is voided (a code, no free text)' }),
  })
  .strict()
  .openapi('Void');

const VoidDone = z
  .object({
    claimId: z.string(),
    execution: z.string().openapi({ description: 'The execution that sends the void (deterministic name)' }),
    started: z.enum(['started', 'exists']).openapi({
      description: 'exists: an earlier attempt of this request started it; nothing new was started',
    }),
    payerClaimControlNumber: z.string().openapi({ description: 'Sent as REF*F8' }),
  })
  .openapi('VoidDone');

const VoidRefused = z
  .object({
    error: z.enum(['never_sent', 'not_on_file', 'in_progress', 'already_voided', 'conflict']),
    status: z.enum(CLAIM_STATUSES).optional(),
    reason: z.string().optional(),
  })
  .openapi('VoidRefused');

export const voidRoute = createRoute({
  method: 'post',
  path: '/api/claims/{claimId}/void',
  operationId: 'voidClaim',
  summary:
    'Void a claim sent in error (frequency 8, REF*F8) through the submission path; manager or admin only (audited with before/after)',
  security,
  request: {
    params: z.object({ claimId: ClaimIdParam }),
    body: { content: { 'application/json': { schema: VoidBody } }, required: true },
  },
  responses: {
    202: json(VoidDone, 'Saved as a void; its execution sends it'),
    ...changeErrors,
    403: json(BillingError, 'Voids need the manager or admin role'),
    409: json(
      VoidRefused,
      'The claim changed since it was read, was never sent, is not on file with the payer, is still in its workflow, or is already voided',
    ),
  },
});

export function voidRoutes(app: OpenAPIHono<ApiEnv>, ports: VoidPorts): void {
  app.openapi(voidRoute, async (c) => {
    const { claimId } = c.req.valid('param');
    const body = c.req.valid('json');
    const r = await voidClaim(ports, c.var.caller, claimId, {
      version: body.version,
      reason: body.reason,
      route: 'POST /api/claims/{claimId}/void',
      requestId: c.var.requestId,
    });
    switch (r.kind) {
      case 'voided':
        return c.json(
          {
            claimId,
            execution: r.execution,
            started: r.started,
            payerClaimControlNumber: r.payerClaimControlNumber,
          },
          202,
        );
      case 'not_found':
        return c.json({ error: 'not_found' as const }, 404);
      case 'forbidden':
        return c.json({ error: 'forbidden' as const }, 403);
      default:
        return c.json(
          {
            error: r.kind,
            ...(r.status ? { status: r.status } : {}),
            ...(r.reason ? { reason: r.reason } : {}),
          },
          409,
        );
    }
  });
}
