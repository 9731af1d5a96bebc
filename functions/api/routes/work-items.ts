/** Work queues: list work items, assign, comment, resolve. Wiring only (shared/workbench/work-queue.ts). */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  listWorkItems,
  updateWorkItem,
  type WorkItemAction,
  type WorkQueuePorts,
} from '../../../shared/workbench/work-queue';
import type { ApiEnv } from '../context';
import { ErrorBody } from '../schemas';

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
    comments: z.array(z.object({ at: z.string(), by: z.string(), text: z.string() })).optional(),
    resolution: z.object({ at: z.string(), by: z.string(), note: z.string().optional() }).optional(),
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
