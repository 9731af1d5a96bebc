/** Appeal routes: open an appeal (deadline recorded), the packet PDF, the payer's decision. Wiring only. */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { DENIAL_CATEGORIES } from '../../../shared/workbench/appeals';
import {
  APPEAL_LOST_ROUTES,
  APPEAL_OUTCOMES,
  appealPacket,
  type BillingPorts,
  openAppeal,
  recordAppealOutcome,
} from '../../../shared/workbench/billing';
import type { ApiEnv } from '../context';
import { ClaimIdParam } from '../schemas';
import {
  BillingError,
  errors,
  json,
  notConfigured,
  pdf,
  pdfResponse,
  routeName,
  STATUS_OF,
  security,
} from './billing-common';

const params = z.object({ claimId: ClaimIdParam });
const cents = z.number().int();

const AppealSchema = z
  .object({
    claimId: z.string(),
    category: z.enum(DENIAL_CATEGORIES),
    argument: z.string(),
    appealDays: z.number().int(),
    deadline: z.string().openapi({ description: '835 date + the payer appeal window, YYYY-MM-DD' }),
    denial: z.object({
      remitDate: z.string(),
      traceNumber: z.string().optional(),
      payerClaimControlNumber: z.string().optional(),
      codes: z.array(
        z.object({
          code: z.string(),
          kind: z.enum(['CARC', 'RARC']),
          meaning: z.string(),
          amountCents: cents.optional(),
          lineId: z.string().optional(),
        }),
      ),
    }),
    timelyFiling: z.object({
      interchanges: z.array(
        z.object({
          interchangeControlNumber: z.string(),
          groupControlNumber: z.string(),
          createdAt: z.string(),
          sentAt: z.string().optional(),
        }),
      ),
      submissions: z.array(z.object({ at: z.string(), interchangeControlNumber: z.string().optional() })),
      ack999Accepted: z.array(z.object({ at: z.string(), groupControlNumber: z.string().optional() })),
      ack277caAccepted: z.array(z.object({ at: z.string(), payerClaimControlNumber: z.string().optional() })),
    }),
    attachments: z.array(z.string()),
    recorded: z.enum(['saved', 'duplicate']),
  })
  .openapi('Appeal');

export const openAppealRoute = createRoute({
  method: 'post',
  path: '/api/claims/{claimId}/appeal',
  operationId: 'openAppeal',
  summary: "Open an appeal of the claim's latest denial; records the deadline once (audited)",
  security,
  request: { params },
  responses: {
    200: json(AppealSchema, 'The appeal facts'),
    ...errors,
    409: json(BillingError, 'The claim has no denial to appeal'),
  },
});

export const packetRoute = createRoute({
  method: 'get',
  path: '/api/claims/{claimId}/appeal/packet',
  operationId: 'getAppealPacket',
  summary: 'The appeal packet PDF: letter, proof of timely filing, attachment list (audited)',
  security,
  request: { params },
  responses: {
    200: pdf('The packet'),
    ...errors,
    409: json(BillingError, 'The claim has no denial to appeal'),
  },
});

export const outcomeRoute = createRoute({
  method: 'post',
  path: '/api/claims/{claimId}/appeal/outcome',
  operationId: 'recordAppealOutcome',
  summary:
    "Record the payer's decision on the appeal once (audited) and move the claim on: won -> it waits for the payer's new 835; upheld / withdrawn -> human review, or a write-off (manager)",
  security,
  request: {
    params,
    body: {
      content: {
        'application/json': {
          schema: z
            .object({
              outcome: z.enum(APPEAL_OUTCOMES),
              decidedOn: z.iso.date(),
              next: z.enum(APPEAL_LOST_ROUTES).optional().openapi({
                description:
                  'UPHELD / WITHDRAWN only: HUMAN_REVIEW (default) or WRITE_OFF (manager or admin); ignored when the appeal was won',
              }),
            })
            .strict()
            .openapi('AppealOutcome'),
        },
      },
      required: true,
    },
  },
  responses: {
    200: json(
      z
        .object({
          recorded: z.enum(['saved', 'duplicate']),
          route: z.enum(['REMIT', 'WRITE_OFF', 'CORRECT', 'HUMAN_REVIEW']),
          resumed: z.enum(['answered', 'pending', 'none']).openapi({
            description:
              "answered: the claim's appeal wait took the decision; pending: it takes it when the wait registers; none: the claim waits on no appeal (only recorded)",
          }),
        })
        .openapi('AppealOutcomeRecorded'),
      'Recorded',
    ),
    ...errors,
    403: json(BillingError, 'A write-off needs the manager or admin role'),
    409: json(BillingError, 'The claim has no denial to appeal'),
  },
});

export function appealRoutes(app: OpenAPIHono<ApiEnv>, ports: BillingPorts | undefined): void {
  app.openapi(openAppealRoute, async (c) => {
    if (!ports) return notConfigured(c);
    const { claimId } = c.req.valid('param');
    const r = await openAppeal(ports, c.var.caller, claimId, {
      route: routeName(openAppealRoute),
      requestId: c.var.requestId,
    });
    if (!r.ok) return c.json({ error: r.error }, STATUS_OF[r.error] as 404 | 409);
    return c.json(r.value, 200);
  });

  app.openapi(packetRoute, async (c) => {
    if (!ports) return notConfigured(c);
    const { claimId } = c.req.valid('param');
    const r = await appealPacket(ports, c.var.caller, claimId, undefined, {
      route: routeName(packetRoute),
      requestId: c.var.requestId,
    });
    if (!r.ok) return c.json({ error: r.error }, STATUS_OF[r.error] as 404 | 409);
    return pdfResponse(c, r.value, `appeal-${claimId}.pdf`);
  });

  app.openapi(outcomeRoute, async (c) => {
    if (!ports) return notConfigured(c);
    const { claimId } = c.req.valid('param');
    const r = await recordAppealOutcome(ports, c.var.caller, claimId, c.req.valid('json'), {
      route: routeName(outcomeRoute),
      requestId: c.var.requestId,
    });
    if (!r.ok) return c.json({ error: r.error }, STATUS_OF[r.error] as 403 | 404 | 409);
    return c.json(r.value, 200);
  });
}
