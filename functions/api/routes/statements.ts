/**
 * Patient billing routes: statement runs (idempotent by run number), statement PDFs, patient
 * payments and small-balance write-offs (manager or admin). Wiring only.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  type BillingPorts,
  postPatientPayment,
  runStatements,
  statementDocument,
  writeOffPatientBalance,
} from '../../../shared/workbench/billing';
import type { ApiEnv } from '../context';
import { ClaimIdParam } from '../schemas';
import {
  BillingError,
  errors,
  json,
  notConfigured,
  PracticeIdSchema,
  pdf,
  pdfResponse,
  refusalBody,
  routeName,
  STATUS_OF,
  security,
} from './billing-common';

const cents = z.number().int();
const runNumber = z.number().int().min(1).max(999_999);

const RunSchema = z
  .object({
    outcome: z.enum(['created', 'exists']),
    run: z.object({
      practiceId: z.string(),
      runNumber: z.number().int(),
      statementDate: z.string(),
      createdAt: z.string(),
      statements: z.number().int(),
      amountDueCents: cents,
    }),
    statements: z.array(
      z.object({ statementNumber: z.number().int(), claimIds: z.array(z.string()), amountDueCents: cents }),
    ),
  })
  .openapi('StatementRun');

export const runRoute = createRoute({
  method: 'post',
  path: '/api/statements/runs',
  operationId: 'runStatements',
  summary:
    'Run patient statements for a practice: one per guarantor with a patient balance. Idempotent by run number (audited)',
  security,
  request: {
    body: {
      content: {
        'application/json': {
          schema: z
            .object({ practiceId: PracticeIdSchema, runNumber, statementDate: z.iso.date().optional() })
            .openapi('StatementRunRequest'),
        },
      },
      required: true,
    },
  },
  responses: {
    201: json(RunSchema, 'The run was created'),
    200: json(RunSchema, 'The run existed: nothing new was created'),
    ...errors,
  },
});

export const statementPdfRoute = createRoute({
  method: 'get',
  path: '/api/statements/runs/{practiceId}/{runNumber}/{statementNumber}',
  operationId: 'getStatementPdf',
  summary: 'One statement of a run as a PDF (audited)',
  security,
  request: {
    params: z.object({
      practiceId: PracticeIdSchema.openapi({ param: { name: 'practiceId', in: 'path' } }),
      runNumber: z.coerce
        .number()
        .int()
        .min(1)
        .max(999_999)
        .openapi({ param: { name: 'runNumber', in: 'path' } }),
      statementNumber: z.coerce
        .number()
        .int()
        .min(1)
        .openapi({ param: { name: 'statementNumber', in: 'path' } }),
    }),
  },
  responses: { 200: pdf('The statement'), ...errors },
});

const key = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,64}$/)
  .openapi({ description: 'Idempotency key chosen by the client: a retried request posts once' });

const PostingSchema = z
  .object({
    entryId: z.string(),
    posted: z.enum(['posted', 'duplicate']),
    balance: z.object({
      responsibilityCents: cents,
      paymentsCents: cents,
      writeOffCents: cents,
      balanceCents: cents,
    }),
  })
  .openapi('PatientPosting');

const claimParams = z.object({ claimId: ClaimIdParam });

export const paymentRoute = createRoute({
  method: 'post',
  path: '/api/claims/{claimId}/patient-payments',
  operationId: 'postPatientPayment',
  summary: "Post a patient payment to the claim's patient balance (audited)",
  security,
  request: {
    params: claimParams,
    body: {
      content: {
        'application/json': {
          schema: z
            .object({
              key,
              amountCents: cents,
              method: z.enum(['CASH', 'CHECK', 'CARD', 'OTHER']),
              receivedOn: z.iso.date(),
            })
            .openapi('PatientPayment'),
        },
      },
      required: true,
    },
  },
  responses: {
    200: json(PostingSchema, 'Posted (or posted before under this key)'),
    ...errors,
    409: json(BillingError, 'Concurrent postings: retry'),
    422: json(BillingError, 'Not positive, or more than the open patient balance'),
  },
});

export const writeOffRoute = createRoute({
  method: 'post',
  path: '/api/claims/{claimId}/patient-write-offs',
  operationId: 'writeOffPatientBalance',
  summary: 'Write off (part of) a small patient balance, with a reason: manager or admin (audited)',
  security,
  request: {
    params: claimParams,
    body: {
      content: {
        'application/json': {
          schema: z
            .object({ key, amountCents: cents, reason: z.string().min(3).max(200) })
            .openapi('PatientWriteOff'),
        },
      },
      required: true,
    },
  },
  responses: {
    200: json(PostingSchema, 'Written off (or before under this key)'),
    ...errors,
    403: json(BillingError, 'Billers may not write off'),
    409: json(BillingError, 'Concurrent postings: retry'),
    422: json(BillingError, 'Not positive, or more than the open patient balance'),
  },
});

export function statementRoutes(app: OpenAPIHono<ApiEnv>, ports: BillingPorts | undefined): void {
  app.openapi(runRoute, async (c) => {
    if (!ports) return notConfigured(c);
    const body = c.req.valid('json');
    const r = await runStatements(ports, c.var.caller, body, {
      route: routeName(runRoute),
      requestId: c.var.requestId,
    });
    if (!r.ok) return c.json({ error: r.error }, 404);
    return c.json(r.value, r.value.outcome === 'created' ? 201 : 200);
  });

  app.openapi(statementPdfRoute, async (c) => {
    if (!ports) return notConfigured(c);
    const p = c.req.valid('param');
    const r = await statementDocument(ports, c.var.caller, p, {
      route: routeName(statementPdfRoute),
      requestId: c.var.requestId,
    });
    if (!r.ok) return c.json({ error: r.error }, 404);
    return pdfResponse(c, r.value, `statement-${p.practiceId}-${p.runNumber}-${p.statementNumber}.pdf`);
  });

  app.openapi(paymentRoute, async (c) => {
    if (!ports) return notConfigured(c);
    const { claimId } = c.req.valid('param');
    const r = await postPatientPayment(ports, c.var.caller, claimId, c.req.valid('json'), {
      route: routeName(paymentRoute),
      requestId: c.var.requestId,
    });
    if (!r.ok) {
      return c.json(refusalBody(r), STATUS_OF[r.error] as 404 | 409 | 422);
    }
    return c.json(r.value, 200);
  });

  app.openapi(writeOffRoute, async (c) => {
    if (!ports) return notConfigured(c);
    const { claimId } = c.req.valid('param');
    const r = await writeOffPatientBalance(ports, c.var.caller, claimId, c.req.valid('json'), {
      route: routeName(writeOffRoute),
      requestId: c.var.requestId,
    });
    if (!r.ok) {
      return c.json(refusalBody(r), STATUS_OF[r.error] as 403 | 404 | 409 | 422);
    }
    return c.json(r.value, 200);
  });
}
