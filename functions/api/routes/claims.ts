/** Claim routes: list, search, read. Wiring only: schemas in, shared/workbench use cases, views out. */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { InvalidCursorError } from '../../../shared/store/errors';
import { listClaims, readClaim, type WorkbenchPorts } from '../../../shared/workbench/queries';
import type { ClaimFilter } from '../../../shared/workbench/views';
import type { ApiEnv } from '../context';
import {
  ClaimDetailSchema,
  ClaimIdParam,
  ClaimPageSchema,
  ErrorBody,
  ListClaimsQuery,
  SearchClaimsBody,
} from '../schemas';

const security = [{ bearerAuth: [] }];
const json = <T>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const errors = {
  400: json(ErrorBody, 'Invalid request'),
  401: json(ErrorBody, 'No or invalid token'),
};

export const listRoute = createRoute({
  method: 'get',
  path: '/api/claims',
  operationId: 'listClaims',
  summary: "Claims of the caller's practices, filtered, paged (audited)",
  description:
    'Patient account numbers are PHI and not accepted in the URL: search them with POST /api/claims/search.',
  security,
  request: { query: ListClaimsQuery },
  responses: { 200: json(ClaimPageSchema, 'A page of claims'), ...errors },
});

export const searchRoute = createRoute({
  method: 'post',
  path: '/api/claims/search',
  operationId: 'searchClaims',
  summary: 'Like GET /api/claims, filters in the body, plus patient account search (audited)',
  security,
  request: { body: { content: { 'application/json': { schema: SearchClaimsBody } }, required: true } },
  responses: { 200: json(ClaimPageSchema, 'A page of claims'), ...errors },
});

export const readRoute = createRoute({
  method: 'get',
  path: '/api/claims/{claimId}',
  operationId: 'getClaim',
  summary:
    'One claim: lines, diagnoses, scrub findings, timeline, ledger with running balance, work items (audited)',
  security,
  request: { params: z.object({ claimId: ClaimIdParam }) },
  responses: {
    200: json(ClaimDetailSchema, 'The claim'),
    ...errors,
    404: json(ErrorBody, "No such claim among the caller's practices"),
  },
});

const routeName = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;

function filterOf(q: {
  status?: ClaimFilter['status'];
  payerId?: string;
  practiceId?: string;
  serviceFrom?: string;
  serviceTo?: string;
  arBucket?: ClaimFilter['arBucket'];
}): ClaimFilter {
  const f: ClaimFilter = {};
  if (q.status) f.status = q.status;
  if (q.payerId) f.payerId = q.payerId;
  if (q.practiceId) f.practiceId = q.practiceId;
  if (q.serviceFrom) f.serviceFrom = q.serviceFrom;
  if (q.serviceTo) f.serviceTo = q.serviceTo;
  if (q.arBucket) f.arBucket = q.arBucket;
  return f;
}

export function claimRoutes(app: OpenAPIHono<ApiEnv>, ports: WorkbenchPorts): void {
  const badCursor = { error: 'bad_request' as const, issues: [{ path: 'cursor', code: 'invalid_cursor' }] };

  app.openapi(listRoute, async (c) => {
    const q = c.req.valid('query');
    try {
      const page = await listClaims(
        ports,
        c.var.caller,
        {
          filter: filterOf(q),
          ...(q.claimId ? { claimId: q.claimId } : {}),
          limit: q.limit,
          ...(q.cursor ? { cursor: q.cursor } : {}),
        },
        { route: routeName(listRoute), requestId: c.var.requestId },
      );
      return c.json(page, 200);
    } catch (err) {
      if (err instanceof InvalidCursorError) return c.json(badCursor, 400);
      throw err;
    }
  });

  app.openapi(searchRoute, async (c) => {
    const b = c.req.valid('json');
    try {
      const page = await listClaims(
        ports,
        c.var.caller,
        {
          filter: filterOf(b),
          ...(b.claimId ? { claimId: b.claimId } : {}),
          ...(b.patientAccount ? { patientAccount: b.patientAccount } : {}),
          limit: b.limit,
          ...(b.cursor ? { cursor: b.cursor } : {}),
        },
        { route: routeName(searchRoute), requestId: c.var.requestId },
      );
      return c.json(page, 200);
    } catch (err) {
      if (err instanceof InvalidCursorError) return c.json(badCursor, 400);
      throw err;
    }
  });

  app.openapi(readRoute, async (c) => {
    const { claimId } = c.req.valid('param');
    const detail = await readClaim(ports, c.var.caller, claimId, {
      route: routeName(readRoute),
      requestId: c.var.requestId,
    });
    if (!detail) return c.json({ error: 'not_found' as const }, 404);
    return c.json(detail, 200);
  });
}
