/**
 * Work queues: list work items, assign, comment, resolve; match a remit's claim payment to a claim.
 * Wiring only (shared/workbench/work-queue.ts, remit-match.ts).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  type MatchRefused,
  matchCandidates,
  matchWorkItem,
  type RemitMatchPorts,
} from '../../../shared/workbench/remit-match';
import {
  listWorkItems,
  updateWorkItem,
  type WorkItemAction,
  type WorkQueuePorts,
} from '../../../shared/workbench/work-queue';
import type { ApiEnv } from '../context';
import { ErrorBody, MatchCandidateSchema, MatchPostingSchema, MatchRefusedBody } from '../schemas';

const json = <T>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const security = [{ bearerAuth: [] }];

const WorkItemSchema = z
  .object({
    kind: z.string(),
    reference: z.string(),
    detail: z.record(z.string(), z.unknown()),
    firstSeen: z.string(),
    lastSeen: z.string(),
    occurrences: z.number().int(),
    state: z.enum(['open', 'resolved']),
    ageDays: z.number().int(),
    claimId: z.string().optional(),
    practiceId: z.string().optional(),
    payerId: z.string().optional(),
    claimStatus: z.string().optional(),
    assignee: z.string().optional(),
    matchClaimId: z.string().optional().openapi({ description: 'A manual match in progress: its claim' }),
    comments: z.array(z.object({ at: z.string(), by: z.string(), text: z.string() })).optional(),
    resolution: z
      .object({
        at: z.string(),
        by: z.string(),
        note: z.string().optional(),
        match: z.object({ claimId: z.string() }).optional(),
      })
      .optional(),
  })
  .openapi('WorkItem');

const WorkItemRef = {
  kind: z.string().regex(/^[A-Z_]{1,40}$/),
  reference: z.string().min(1).max(1024),
};

export const listWorkRoute = createRoute({
  method: 'get',
  path: '/api/work-items',
  operationId: 'listWorkItems',
  summary: 'Work items the caller may work, oldest first, by kind, payer, age, state and assignee (audited)',
  security,
  request: {
    query: z.object({
      kind: z
        .string()
        .regex(/^[A-Z_]{1,40}$/)
        .optional(),
      payerId: z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,80}$/)
        .optional(),
      minAgeDays: z.coerce.number().int().min(0).max(100_000).optional(),
      state: z.enum(['open', 'resolved', 'all']).default('open'),
      assignee: z.string().min(1).max(128).optional(),
    }),
  },
  responses: {
    200: json(z.object({ items: z.array(WorkItemSchema) }), 'The work items'),
    400: json(ErrorBody, 'Invalid request'),
    401: json(ErrorBody, 'No or invalid token'),
  },
});

const action = (name: 'assign' | 'comment' | 'resolve', body: z.ZodObject, summary: string) =>
  createRoute({
    method: 'post',
    path: `/api/work-items/${name}`,
    operationId: `${name}WorkItem`,
    summary,
    security,
    request: { body: { content: { 'application/json': { schema: body } }, required: true } },
    responses: {
      200: json(WorkItemSchema, 'The updated work item'),
      400: json(ErrorBody, 'Invalid request'),
      401: json(ErrorBody, 'No or invalid token'),
      404: json(ErrorBody, 'No such work item among those the caller may work'),
      409: json(z.object({ error: z.literal('already_resolved') }), 'The item was resolved before'),
    },
  });

const AssignBody = z
  .object({ ...WorkItemRef, assignee: z.string().min(1).max(128).optional() })
  .strict()
  .openapi('AssignWorkItem', { description: 'assignee: a user id (Cognito sub); leave it out to unassign' });
const CommentBody = z
  .object({ ...WorkItemRef, text: z.string().trim().min(1).max(2000) })
  .strict()
  .openapi('CommentWorkItem');
const ResolveBody = z
  .object({ ...WorkItemRef, note: z.string().trim().max(2000).optional() })
  .strict()
  .openapi('ResolveWorkItem');

export const assignRoute = action('assign', AssignBody, 'Assign (or unassign) a work item (audited)');
export const commentRoute = action(
  'comment',
  CommentBody,
  'Comment on a work item (who and when kept; audited)',
);
export const resolveRoute = action(
  'resolve',
  ResolveBody,
  'Resolve a work item once (who and when kept; audited)',
);

export function workItemRoutes(app: OpenAPIHono<ApiEnv>, ports: WorkQueuePorts): void {
  app.openapi(listWorkRoute, async (c) => {
    const q = c.req.valid('query');
    const items = await listWorkItems(
      ports,
      c.var.caller,
      {
        state: q.state,
        ...(q.kind ? { kind: q.kind } : {}),
        ...(q.payerId ? { payerId: q.payerId } : {}),
        ...(q.minAgeDays !== undefined ? { minAgeDays: q.minAgeDays } : {}),
        ...(q.assignee ? { assignee: q.assignee } : {}),
      },
      { route: 'GET /api/work-items', requestId: c.var.requestId },
    );
    return c.json({ items }, 200);
  });

  const handle = async (
    c: Parameters<Parameters<typeof app.openapi<typeof assignRoute>>[1]>[0],
    ref: { kind: string; reference: string },
    act: WorkItemAction,
    route: string,
  ) => {
    const r = await updateWorkItem(ports, c.var.caller, ref, act, { route, requestId: c.var.requestId });
    if (r.kind === 'not_found') return c.json({ error: 'not_found' as const }, 404);
    if (r.kind === 'already_resolved') return c.json({ error: 'already_resolved' as const }, 409);
    return c.json(r.item, 200);
  };

  app.openapi(assignRoute, async (c) => {
    const b = c.req.valid('json') as z.infer<typeof AssignBody>;
    return handle(
      c,
      b,
      { type: 'assign', ...(b.assignee ? { assignee: b.assignee } : {}) },
      'POST /api/work-items/assign',
    );
  });
  app.openapi(commentRoute, async (c) => {
    const b = c.req.valid('json') as z.infer<typeof CommentBody>;
    return handle(c, b, { type: 'comment', text: b.text }, 'POST /api/work-items/comment');
  });
  app.openapi(resolveRoute, async (c) => {
    const b = c.req.valid('json') as z.infer<typeof ResolveBody>;
    return handle(
      c,
      b,
      { type: 'resolve', ...(b.note ? { note: b.note } : {}) },
      'POST /api/work-items/resolve',
    );
  });
}

const CandidatesBody = z.object(WorkItemRef).strict().openapi('MatchCandidatesRequest');
const MatchBody = z
  .object({
    ...WorkItemRef,
    claimId: z.string().regex(/^[A-Za-z0-9-]{1,38}$/),
    note: z.string().trim().max(2000).optional(),
  })
  .strict()
  .openapi('MatchWorkItem', {
    description: "The claim (of the caller's practices) the item's 835 claim payment pays",
  });

const refusedResponses = {
  409: json(
    z.union([z.object({ error: z.literal('already_resolved') }), MatchRefusedBody]),
    'Resolved before, or refused: another payer, already paid for the trace, a duplicate or credit balance',
  ),
  422: json(MatchRefusedBody, 'Refused: the amounts do not balance against the claim'),
};

export const matchCandidatesRoute = createRoute({
  method: 'post',
  path: '/api/work-items/candidates',
  operationId: 'listMatchCandidates',
  summary:
    "Claims of the caller's practices the item's 835 claim payment may pay: same payer; patient account, charge, service dates near (ids and amounts; audited)",
  security,
  request: { body: { content: { 'application/json': { schema: CandidatesBody } }, required: true } },
  responses: {
    200: json(z.object({ candidates: z.array(MatchCandidateSchema) }), 'Candidates, best first'),
    400: json(ErrorBody, 'Invalid request'),
    401: json(ErrorBody, 'No or invalid token'),
    404: json(ErrorBody, 'No such work item among those the caller may work'),
    ...refusedResponses,
  },
});

export const matchRoute = createRoute({
  method: 'post',
  path: '/api/work-items/match',
  operationId: 'matchWorkItem',
  summary:
    "Match an unmatched or mismatched remit claim payment to a claim: posted with auto-posting's checks, the claim's remit wait answered, the item resolved (once only; audited)",
  security,
  request: { body: { content: { 'application/json': { schema: MatchBody } }, required: true } },
  responses: {
    200: json(
      z.object({ item: WorkItemSchema, claimId: z.string(), postings: z.array(MatchPostingSchema) }),
      'Posted (or found posted by an earlier attempt) and resolved',
    ),
    400: json(ErrorBody, 'Invalid request'),
    401: json(ErrorBody, 'No or invalid token'),
    404: json(ErrorBody, 'No such work item or claim among those the caller may work'),
    ...refusedResponses,
  },
});

const refusedBody = (r: MatchRefused) => ({
  error: 'match_refused' as const,
  rule: r.rule,
  ...(r.expectedCents !== undefined ? { expectedCents: r.expectedCents } : {}),
  ...(r.actualCents !== undefined ? { actualCents: r.actualCents } : {}),
});

/** The match routes exist only when the app has the remit match's repositories and 835 reader. */
export function remitMatchRoutes(app: OpenAPIHono<ApiEnv>, ports: RemitMatchPorts): void {
  app.openapi(matchCandidatesRoute, async (c) => {
    const b = c.req.valid('json');
    const r = await matchCandidates(
      ports,
      c.var.caller,
      { kind: b.kind, reference: b.reference },
      { route: 'POST /api/work-items/candidates', requestId: c.var.requestId },
    );
    if (r.kind === 'not_found') return c.json({ error: 'not_found' as const }, 404);
    if (r.kind === 'refused') return c.json(refusedBody(r), r.status);
    return c.json({ candidates: r.candidates }, 200);
  });
  app.openapi(matchRoute, async (c) => {
    const b = c.req.valid('json');
    const r = await matchWorkItem(
      ports,
      c.var.caller,
      { kind: b.kind, reference: b.reference },
      b.claimId,
      { route: 'POST /api/work-items/match', requestId: c.var.requestId },
      b.note,
    );
    if (r.kind === 'not_found') return c.json({ error: 'not_found' as const }, 404);
    if (r.kind === 'already_resolved') return c.json({ error: 'already_resolved' as const }, 409);
    if (r.kind === 'refused') return c.json(refusedBody(r), r.status);
    return c.json({ item: r.item, claimId: r.claimId, postings: r.postings }, 200);
  });
}
