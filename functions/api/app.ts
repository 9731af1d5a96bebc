/**
 * The workbench API: one Hono app (@hono/zod-openapi) serving the routes and their OpenAPI 3.1
 * document. The same app runs behind API Gateway (handler.ts, hono/aws-lambda) and locally
 * (local.ts, @hono/node-server); createApi takes the repositories, the clock and the auth strategy.
 */
import { randomUUID } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import type { ClaimEvent } from '../../shared/claims/model';
import type { LedgerEntry } from '../../shared/posting/ledger';
import type {
  AccessAuditEntry,
  ClaimRecord,
  ListPage,
  WorkItemComment,
  WorkItemRecord,
  WorkItemResolution,
} from '../../shared/store';
import { callerFromClaims } from '../../shared/workbench/access';
import type { AuditLogPorts } from '../../shared/workbench/audit-log';
import type { WorkbenchPorts } from '../../shared/workbench/queries';
import type { WorkQueuePorts } from '../../shared/workbench/work-queue';
import type { Authenticate } from './auth';
import { type BillingRepositories, billingPorts } from './billing';
import type { ApiEnv } from './context';
import { type RemitMatchRepositories, remitMatchPorts } from './match';
import {
  type ChangeRepositories,
  correctionPorts,
  type Executions,
  type TaskTokens,
  voidPorts,
} from './ports';
import { appealRoutes } from './routes/appeals';
import { auditRoutes } from './routes/audit';
import { claimRoutes } from './routes/claims';
import { correctionRoutes } from './routes/corrections';
import { documentRoutes } from './routes/documents';
import { reportRoutes } from './routes/reports';
import { statementRoutes } from './routes/statements';
import { voidRoutes } from './routes/voids';
import { remitMatchRoutes, workItemRoutes } from './routes/work-items';

/** Work item kinds the pipeline writes (shared/services WorkItem['kind']). */
export const WORK_ITEM_KINDS = [
  'UNMATCHED_REMIT',
  'REMIT_MISMATCH',
  'REMIT_HELD',
  'UNEXPECTED_REMIT',
  'UNMATCHED_ACK',
  'ACK_HELD',
  'DUPLICATE_REMIT',
  'CREDIT_BALANCE',
  'INTAKE_CONFLICT',
  // An appeal deadline passed with no outcome recorded (record-transition, AppealExpired).
  'APPEAL_EXPIRED',
] as const;

/** The repository methods the API uses (shared/store classes satisfy them). */
export interface ApiRepositories {
  claims: ChangeRepositories['claims'] & {
    get(claimId: string): Promise<ClaimRecord | undefined>;
    listForPractices: (
      practiceIds: readonly string[],
      opts: Parameters<WorkbenchPorts['listClaims']>[1],
    ) => Promise<ListPage>;
  };
  events: { list(claimId: string): Promise<ClaimEvent[]> };
  ledger: { getEntries(claimId: string): Promise<LedgerEntry[]> };
  work: {
    listForPractice(practiceId: string): Promise<WorkItemRecord[]>;
    listUnowned(): Promise<WorkItemRecord[]>;
    listForClaim(practiceId: string, claimId: string): Promise<WorkItemRecord[]>;
    get(kind: string, reference: string): Promise<WorkItemRecord | undefined>;
    assign(
      kind: string,
      reference: string,
      assignee: string | undefined,
    ): Promise<WorkItemRecord | undefined>;
    comment(kind: string, reference: string, comment: WorkItemComment): Promise<WorkItemRecord | undefined>;
    resolve(
      kind: string,
      reference: string,
      resolution: WorkItemResolution,
    ): Promise<'resolved' | 'already' | 'missing'>;
  };
  audit: {
    append(entry: AccessAuditEntry): Promise<string>;
    pageDay: AuditLogPorts['pageDay'];
  };
}

/** Logging of failures: ids and error names only, never request bodies, URLs or messages. */
export type ApiLog = (message: string, fields: Record<string, string | number | undefined>) => void;

export interface ApiDeps {
  repositories: ApiRepositories;
  authenticate: Authenticate;
  clock?: () => Date;
  log?: ApiLog;
  /** Appeals, statements, patient payments, reports: their routes exist only with these. */
  billing?: BillingRepositories;
  /**
   * Step Functions task tokens (SendTaskSuccess), to resume a claim's waiting execution. The Lambda
   * and the local runtime always pass them; without them a correction is saved but its waiting
   * execution cannot be resumed (500; the same request sent again with a client resumes it).
   */
  tokens?: TaskTokens;
  /**
   * StartExecution of the claim state machine, for corrections and voids of claims whose execution
   * ended. Without it such a request is saved but nothing starts (500; the same request sent again
   * with a client starts it).
   */
  executions?: Executions;
  /** The scrub rules' timely-filing limit, as scrub-claim has it (default 365). */
  timelyFilingDays?: number;
  /** The stored X12 files (837P interchanges, inbound 999 / 277CA / 835): the document route exists only with them. */
  x12?: X12Documents;
  /**
   * Matching a remit claim payment to a claim by hand (POST /api/work-items/candidates, /match):
   * the routes exist only with these (the ledger, the 835 reader), and answer the claim's remit
   * wait with `tokens`.
   */
  remitMatch?: RemitMatchRepositories;
}

/** Reading the claim's X12 documents: our interchange records and the X12 bucket. */
export interface X12Documents {
  interchanges: { get(interchangeControlNumber: string): Promise<{ x12Key: string } | undefined> };
  /** The object as text; undefined when it does not exist. */
  read(key: string): Promise<string | undefined>;
}

const OPENAPI_PATH = '/api/openapi.json';

/** For read-only deployments and tests: answering a token fails (the API answers 500). */
const noTokens: TaskTokens = {
  answer: async () => {
    throw new Error('the API was created without a task-token client');
  },
};

const noExecutions: Executions = {
  start: async () => {
    throw new Error('the API was created without a Step Functions client');
  },
};

export function workbenchPorts(repos: ApiRepositories, clock: () => Date): WorkbenchPorts {
  return {
    getClaim: (claimId) => repos.claims.get(claimId),
    listClaims: (practiceIds, opts) => repos.claims.listForPractices(practiceIds, opts),
    events: (claimId) => repos.events.list(claimId),
    ledger: (claimId) => repos.ledger.getEntries(claimId),
    // One query of the claim's practice's index partition; the use case keeps the items naming the claim.
    workItems: (claimId, practiceId) => repos.work.listForClaim(practiceId, claimId),
    audit: async (entry) => {
      await repos.audit.append(entry);
    },
    now: clock,
  };
}

export function workQueuePorts(repos: ApiRepositories, clock: () => Date): WorkQueuePorts {
  return {
    kinds: WORK_ITEM_KINDS,
    listForPractice: (practiceId) => repos.work.listForPractice(practiceId),
    listUnowned: () => repos.work.listUnowned(),
    get: (kind, reference) => repos.work.get(kind, reference),
    claim: async (claimId) => {
      const r = await repos.claims.get(claimId);
      return r
        ? { claimId: r.claimId, practiceId: r.practiceId, status: r.status, payerId: r.claim.payer.payerId }
        : undefined;
    },
    assign: (kind, reference, assignee) => repos.work.assign(kind, reference, assignee),
    comment: (kind, reference, comment) => repos.work.comment(kind, reference, comment),
    resolve: (kind, reference, resolution) => repos.work.resolve(kind, reference, resolution),
    audit: async (entry) => {
      await repos.audit.append(entry);
    },
    now: clock,
  };
}

export function createApi(deps: ApiDeps): OpenAPIHono<ApiEnv> {
  const clock = deps.clock ?? (() => new Date());
  const log = deps.log ?? (() => {});
  const app = new OpenAPIHono<ApiEnv>({
    // Validation failures name the field and the zod code, never the value sent (it may be PHI).
    defaultHook: (result, c) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code }));
        return c.json({ error: 'bad_request' as const, issues }, 400);
      }
    },
  });

  app.use('*', async (c, next) => {
    const env = c.env as { requestContext?: { requestId?: string } } | undefined;
    c.set('requestId', env?.requestContext?.requestId ?? randomUUID());
    await next();
    c.header('x-request-id', c.var.requestId);
  });

  app.use('*', async (c, next) => {
    if (c.req.path === OPENAPI_PATH) return next();
    const caller = callerFromClaims(await deps.authenticate(c));
    if (!caller) return c.json({ error: 'unauthorized' as const }, 401);
    c.set('caller', caller);
    await next();
    // Claim data must not sit in browser or proxy caches.
    c.header('cache-control', 'no-store');
  });

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "Cognito ID token (groups: practice ids + biller | manager | admin); locally an HS256 token signed with the runtime's local key",
  });

  claimRoutes(app, workbenchPorts(deps.repositories, clock));
  const billing = billingPorts(deps.repositories, deps.billing, deps.tokens ?? noTokens, clock);
  if (billing) {
    appealRoutes(app, billing);
    statementRoutes(app, billing);
    reportRoutes(app, billing);
  }
  correctionRoutes(
    app,
    correctionPorts(
      deps.repositories,
      deps.tokens ?? noTokens,
      deps.executions ?? noExecutions,
      clock,
      deps.timelyFilingDays ?? 365,
    ),
  );
  voidRoutes(app, voidPorts(deps.repositories, deps.executions ?? noExecutions, clock));
  const queue = workQueuePorts(deps.repositories, clock);
  workItemRoutes(app, queue);
  const matching = remitMatchPorts(deps.repositories, deps.remitMatch, deps.tokens ?? noTokens, queue);
  if (matching) remitMatchRoutes(app, matching);
  auditRoutes(app, {
    pageDay: (day, opts) => deps.repositories.audit.pageDay(day, opts),
    audit: async (entry) => {
      await deps.repositories.audit.append(entry);
    },
    now: clock,
  });
  if (deps.x12) {
    const x12 = deps.x12;
    documentRoutes(app, {
      getClaim: (claimId) => deps.repositories.claims.get(claimId),
      events: (claimId) => deps.repositories.events.list(claimId),
      interchangeKey: async (icn) => (await x12.interchanges.get(icn))?.x12Key,
      readObject: (key) => x12.read(key),
      audit: async (entry) => {
        await deps.repositories.audit.append(entry);
      },
      now: clock,
    });
  }

  app.doc31(OPENAPI_PATH, {
    openapi: '3.1.0',
    info: {
      title: 'claimflow workbench API',
      version: '0.1.0',
      description:
        "Billing workbench: claims of the caller's practices. Every read of claim data is written to the access-audit log.",
    },
  });

  app.notFound((c) => c.json({ error: 'not_found' as const }, 404));
  app.onError((err, c) => {
    // e.g. a malformed JSON body: the validator's 400, without echoing what was sent.
    if (err instanceof HTTPException && err.status === 400)
      return c.json({ error: 'bad_request' as const }, 400);
    log('api error', { error: err.name, requestId: c.var.requestId, method: c.req.method });
    return c.json({ error: 'internal' as const }, 500);
  });
  return app;
}
