/** Report routes: A/R aging and the KPIs, as JSON or CSV (formula-injection safe). Wiring only. */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { agingCsv, kpisCsv } from '../../../shared/reports';
import { AR_BUCKETS } from '../../../shared/workbench/aging';
import { agingReport, type BillingPorts, kpiReport } from '../../../shared/workbench/billing';
import type { ApiEnv } from '../context';
import { errors, notConfigured, PracticeIdSchema, routeName, security } from './billing-common';

const query = z.object({
  practiceId: PracticeIdSchema.optional().openapi({
    description: "One of the caller's practices (default: all)",
  }),
  format: z.enum(['json', 'csv']).default('json'),
});
const cents = z.number().int();
const rate = z
  .object({ numerator: z.number(), denominator: z.number(), rate: z.number().nullable() })
  .openapi('Rate');
const bucketTotals = z.object({ insuranceCents: cents, patientCents: cents, claims: z.number().int() });

const AgingSchema = z
  .object({
    asOf: z.string(),
    rows: z.array(
      z.object({
        payerId: z.string(),
        bucket: z.enum(AR_BUCKETS),
        insuranceCents: cents,
        patientCents: cents,
        claims: z.number().int(),
      }),
    ),
    totals: z.object(
      Object.fromEntries(AR_BUCKETS.map((b) => [b, bucketTotals])) as Record<string, typeof bucketTotals>,
    ),
    insuranceCents: cents,
    patientCents: cents,
  })
  .openapi('ArAging');

const KpiSchema = z
  .object({
    asOf: z.string(),
    claims: z.number().int(),
    daysInAr: z.object({
      openCents: cents,
      windowChargesCents: cents,
      windowDays: z.number().int(),
      days: z.number().nullable(),
    }),
    cleanClaimRate: rate,
    firstPassResolutionRate: rate,
    denials: z.object({
      overall: rate,
      byCarc: z.array(z.object({ carc: z.string(), rate })),
      byPayer: z.array(z.object({ payerId: z.string(), rate })),
    }),
    netCollection: z.object({
      paymentsCents: cents,
      patientPaymentsCents: cents,
      chargesCents: cents,
      contractualCents: cents,
      rate,
    }),
    chargeLag: z.object({
      claims: z.number().int(),
      averageDays: z.number().nullable(),
      medianDays: z.number().nullable(),
      maxDays: z.number().nullable(),
    }),
  })
  .openapi('Kpis');

const csv = { 'text/csv': { schema: z.string() } };

export const agingRoute = createRoute({
  method: 'get',
  path: '/api/reports/ar-aging',
  operationId: 'getArAging',
  summary: 'A/R aging by payer and bucket, insurance and patient balances apart (audited)',
  security,
  request: { query },
  responses: {
    200: { content: { 'application/json': { schema: AgingSchema }, ...csv }, description: 'The report' },
    ...errors,
  },
});

export const kpiRoute = createRoute({
  method: 'get',
  path: '/api/reports/kpis',
  operationId: 'getKpis',
  summary:
    'Days in A/R, clean-claim, first-pass resolution, denial (by CARC, by payer) and net collection rates, charge lag (audited)',
  security,
  request: { query },
  responses: {
    200: { content: { 'application/json': { schema: KpiSchema }, ...csv }, description: 'The figures' },
    ...errors,
  },
});

function csvResponse(c: Context<ApiEnv>, text: string, name: string): Response {
  return c.body(text, 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${name}.csv"`,
  });
}

export function reportRoutes(app: OpenAPIHono<ApiEnv>, ports: BillingPorts | undefined): void {
  app.openapi(agingRoute, async (c) => {
    if (!ports) return notConfigured(c);
    const q = c.req.valid('query');
    const report = await agingReport(ports, c.var.caller, q.practiceId, {
      route: routeName(agingRoute),
      requestId: c.var.requestId,
    });
    return q.format === 'csv' ? csvResponse(c, agingCsv(report), 'ar-aging') : c.json(report, 200);
  });

  app.openapi(kpiRoute, async (c) => {
    if (!ports) return notConfigured(c);
    const q = c.req.valid('query');
    const report = await kpiReport(ports, c.var.caller, q.practiceId, {
      route: routeName(kpiRoute),
      requestId: c.var.requestId,
    });
    return q.format === 'csv' ? csvResponse(c, kpisCsv(report), 'kpis') : c.json(report, 200);
  });
}
