/** Corrections: edit a claim, re-scrub, resume (or restart) its workflow. Wiring only. */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { type CorrectionPorts, correctClaim } from '../../../shared/workbench/correct-claim';
import { CLAIM_FIELDS, LINE_FIELDS } from '../../../shared/workbench/corrections';
import type { ApiEnv } from '../context';
import { ClaimIdParam, ErrorBody, ScrubFinding } from '../schemas';

const json = <T>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const value = z.string().max(80);

const Fields = z
  .object(
    Object.fromEntries(CLAIM_FIELDS.map((f) => [f, value.optional()])) as Record<
      (typeof CLAIM_FIELDS)[number],
      z.ZodOptional<typeof value>
    >,
  )
  .strict()
  .openapi('CorrectionFields', {
    description: 'Claim-level charge-file columns to change, spelled as in a charge file',
  });

const Line = z
  .object({
    ...(Object.fromEntries(LINE_FIELDS.map((f) => [f, value.optional()])) as Record<
      (typeof LINE_FIELDS)[number],
      z.ZodOptional<typeof value>
    >),
    line_id: z.string().min(1).max(30),
  })
  .strict()
  .openapi('CorrectionLine');

export const CorrectionBody = z
  .object({
    version: z
      .number()
      .int()
      .min(1)
      .openapi({ description: "The claim's version as read (optimistic lock)" }),
    fields: Fields.optional(),
    lines: z.array(Line).min(1).max(50).optional().openapi({
      description:
        "When given, the claim's lines: a known line_id keeps the values it leaves out, a new one must give them all, a line left out is removed",
    }),
  })
  .strict()
  .openapi('Correction');

const CorrectionDone = z
  .object({
    claimId: z.string(),
    status: z.string(),
    resumed: z.enum(['answered', 'pending', 'started', 'exists']).openapi({
      description:
        "answered: the waiting execution was resumed; pending: it takes the correction when its wait registers; started: the claim's execution had ended, a new one resubmits it; exists: that execution was started by an earlier attempt of this request",
    }),
    frequencyCode: z.enum(['1', '7', '8']).openapi({
      description: 'How the claim goes out: 1 original, 7 replacement (REF*F8)',
    }),
    changedFields: z.array(z.string()),
    findings: z.array(ScrubFinding),
  })
  .openapi('CorrectionDone');

const CorrectionRefused = z
  .object({
    error: z.enum(['conflict', 'not_correctable', 'invalid_correction', 'scrub_errors', 'no_change']),
    status: z.string().optional(),
    issues: z
      .array(z.object({ lineId: z.string().optional(), field: z.string().optional(), reason: z.string() }))
      .optional(),
    findings: z.array(ScrubFinding).optional(),
  })
  .openapi('CorrectionRefused');

/** The errors every change of one claim answers (corrections, voids). */
export const changeErrors = {
  400: json(ErrorBody, 'Invalid request'),
  401: json(ErrorBody, 'No or invalid token'),
  404: json(ErrorBody, "No such claim among the caller's practices"),
};

export const correctRoute = createRoute({
  method: 'post',
  path: '/api/claims/{claimId}/correction',
  operationId: 'correctClaim',
  summary:
    'Edit a claim waiting for correction (or whose execution ended, or under appeal), re-scrub it and resume or restart its workflow (audited with before/after)',
  security: [{ bearerAuth: [] }],
  request: {
    params: z.object({ claimId: ClaimIdParam }),
    body: { content: { 'application/json': { schema: CorrectionBody } }, required: true },
  },
  responses: {
    200: json(CorrectionDone, 'Saved and handed to the workflow'),
    ...changeErrors,
    409: json(CorrectionRefused, 'The claim changed since it was read, or it does not wait for a correction'),
    422: json(CorrectionRefused, 'The edit fails the intake rules or the scrub rules, or changes nothing'),
  },
});

export function correctionRoutes(app: OpenAPIHono<ApiEnv>, ports: CorrectionPorts): void {
  app.openapi(correctRoute, async (c) => {
    const { claimId } = c.req.valid('param');
    const body = c.req.valid('json');
    const r = await correctClaim(ports, c.var.caller, claimId, {
      version: body.version,
      edit: {
        ...(body.fields ? { fields: body.fields } : {}),
        ...(body.lines ? { lines: body.lines } : {}),
      },
      route: 'POST /api/claims/{claimId}/correction',
      requestId: c.var.requestId,
    });
    switch (r.kind) {
      case 'not_found':
        return c.json({ error: 'not_found' as const }, 404);
      case 'conflict':
        return c.json({ error: 'conflict' as const }, 409);
      case 'not_correctable':
        return c.json({ error: 'not_correctable' as const, status: r.status }, 409);
      case 'invalid':
        return c.json({ error: 'invalid_correction' as const, issues: r.issues }, 422);
      case 'scrub_errors':
        return c.json({ error: 'scrub_errors' as const, findings: r.findings }, 422);
      case 'no_change':
        return c.json({ error: 'no_change' as const }, 422);
      case 'corrected':
        return c.json(
          {
            claimId,
            status: r.status,
            resumed: r.resumed,
            frequencyCode: r.frequencyCode,
            changedFields: [...new Set(r.changes.map((ch) => ch.path))],
            findings: r.findings,
          },
          200,
        );
    }
  });
}
