/**
 * The workbench API on Lambda behind API Gateway HTTP API (payload 2.0, Cognito JWT authorizer).
 * Locally the same handler runs behind local/emulators/http-api-server.ts with API_AUTH=local-jwt.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import {
  AccessAuditRepository,
  ClaimRepository,
  EventRepository,
  InterchangeRepository,
  LedgerRepository,
  PayerRepository,
  StatementRepository,
  WorkItemRepository,
} from '../../shared/store';
import { loadEnv } from '../env-common';
import { documentClient, s3Client, sfnClient } from '../lib/aws';
import { executions, objects, taskTokens } from '../lib/ports';
import { observability, wrap } from '../lib/powertools';
import { createApi } from './app';
import { type Authenticate, cognitoAuthorizer, localJwt } from './auth';
import { type Env, envSchema } from './env';

const env = loadEnv(envSchema);
const obs = observability('api');
const doc = documentClient();
const sfn = sfnClient();

export function authenticateFor(e: Env): Authenticate {
  if (e.API_AUTH === 'cognito') return cognitoAuthorizer();
  if (!e.AWS_ENDPOINT_URL_DYNAMODB)
    throw new Error('API_AUTH=local-jwt is only allowed against local emulators');
  if (!e.LOCAL_JWT_SECRET) throw new Error('API_AUTH=local-jwt needs LOCAL_JWT_SECRET');
  return localJwt(e.LOCAL_JWT_SECRET);
}

/** The app itself (the local runtime lists its routes from the OpenAPI document). */
const claims = new ClaimRepository(doc, env.TABLE_NAME);
const interchanges = new InterchangeRepository(doc, env.TABLE_NAME);
const ledger = new LedgerRepository(doc, env.TABLE_NAME);
const work = new WorkItemRepository(doc, env.TABLE_NAME);
const x12Bucket = env.X12_BUCKET;
const store = objects(s3Client());
export const app = createApi({
  repositories: {
    claims,
    events: new EventRepository(doc, env.TABLE_NAME),
    ledger,
    work,
    audit: new AccessAuditRepository(doc, env.TABLE_NAME),
  },
  // Appeals, statements, patient payments and reports (docs/reports.md).
  billing: {
    claims,
    interchanges,
    statements: new StatementRepository(doc, env.TABLE_NAME),
    payers: new PayerRepository(doc, env.TABLE_NAME),
  },
  authenticate: authenticateFor(env),
  // Matching a remit by hand: the ledger and the stored 835s (docs/remittance-posting.md).
  remitMatch: { claims, ledger, work, read835: (key: string) => store.read(x12Bucket, key) },
  tokens: taskTokens(sfn),
  ...(env.STATE_MACHINE_ARN ? { executions: executions(sfn, env.STATE_MACHINE_ARN) } : {}),
  timelyFilingDays: env.TIMELY_FILING_DAYS,
  // The claim's X12 documents (837P sent, 999 / 277CA / 835 received), shown as the claim's excerpt.
  x12: { interchanges, read: (key) => store.readText(x12Bucket, key) },
  log: (message, fields) => obs.logger.error(message, fields),
});

const lambda = handle(app);

export async function api(event: APIGatewayProxyEventV2, context: Context) {
  // @types/aws-lambda types a missing body as undefined, hono's as null; the adapter handles both.
  return lambda(event as unknown as LambdaEvent, context);
}

export const handler = wrap(obs, api);
