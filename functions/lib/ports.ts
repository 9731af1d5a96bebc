/**
 * Adapters from the application services' ports (shared/services) to AWS: repositories over
 * DynamoDB, S3 objects, Step Functions task tokens. Wiring only; no business rules here.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import type { ClaimState } from '../../shared/claims/state';
import { type TokenReply, tokenAnswer, type WaitKind } from '../../shared/claims/workflow';
import type { OutcomePorts } from '../../shared/services/outcomes';
import type { WorkItem } from '../../shared/services/remit';
import {
  type ClaimRecord,
  ClaimRepository,
  EventRepository,
  InterchangeRepository,
  LedgerRepository,
  RemitRepository,
  WorkItemRepository,
} from '../../shared/store';
import type { InboundMessage } from '../../shared/webhooks/receive';
import { dynamoClient } from './aws';

export interface Repositories {
  claims: ClaimRepository;
  ledger: LedgerRepository;
  events: EventRepository;
  interchanges: InterchangeRepository;
  remits: RemitRepository;
  work: WorkItemRepository;
}

export function repositories(doc: DynamoDBDocumentClient, tableName: string): Repositories {
  return {
    claims: new ClaimRepository(doc, tableName),
    ledger: new LedgerRepository(doc, tableName),
    events: new EventRepository(doc, tableName),
    interchanges: new InterchangeRepository(doc, tableName),
    remits: new RemitRepository(doc, tableName),
    work: new WorkItemRepository(doc, tableName),
  };
}

/** Errors Step Functions answers for a token that was already answered, timed out or never existed. */
const SETTLED_TOKEN_ERRORS = new Set(['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken']);

/** 'answered', or 'settled' when the token was already answered, timed out or unknown (not an error). */
export type TokenResponse = 'answered' | 'settled';

async function settledOk(send: () => Promise<unknown>): Promise<TokenResponse> {
  try {
    await send();
    return 'answered';
  } catch (err) {
    if (SETTLED_TOKEN_ERRORS.has((err as Error).name)) return 'settled';
    throw err;
  }
}

export function taskTokens(sfn: SFNClient) {
  const succeed = (taskToken: string, output: unknown): Promise<TokenResponse> =>
    settledOk(() => sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })));
  const fail = (taskToken: string, error: string, cause: string): Promise<TokenResponse> =>
    settledOk(() => sfn.send(new SendTaskFailureCommand({ taskToken, error, cause })));
  /** Sends a TokenReply: SendTaskSuccess(output) or SendTaskFailure(error, cause). */
  const reply = (taskToken: string, r: TokenReply): Promise<TokenResponse> =>
    r.ok ? succeed(taskToken, r.output) : fail(taskToken, r.error, r.cause);
  return {
    /** SendTaskSuccess; a settled token (a redelivered or late message) is not an error. */
    succeed,
    /** SendTaskFailure; a settled token is not an error. */
    fail,
    reply,
    /**
     * Answers a wait's token with its outcome as tokenAnswer(kind, output) says (success, or a failure
     * the wait catches); says whether it was still open ('answered') or already settled.
     */
    answer: (taskToken: string, output: unknown, kind: WaitKind): Promise<TokenResponse> =>
      reply(taskToken, tokenAnswer(kind, output)),
  };
}

/** StartExecution by name: 'exists' when an execution of that name was started before (a retry). */
export function executions(sfn: SFNClient, stateMachineArn: string) {
  return {
    async start(name: string, input: unknown): Promise<'started' | 'exists'> {
      try {
        await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
        return 'started';
      } catch (err) {
        if ((err as Error).name === 'ExecutionAlreadyExists') return 'exists';
        throw err;
      }
    },
  };
}

export function objects(s3: S3Client) {
  return {
    async read(bucket: string, key: string): Promise<AsyncIterable<Uint8Array>> {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!out.Body) throw new Error(`s3://${bucket}/${key} has no body`);
      return out.Body as AsyncIterable<Uint8Array>;
    },
    /** The object as text; undefined when there is no such key. */
    async readText(bucket: string, key: string): Promise<string | undefined> {
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return await out.Body?.transformToString('utf-8');
      } catch (err) {
        if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
        throw err;
      }
    },
    async write(bucket: string, key: string, body: string, contentType: string): Promise<void> {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
  };
}

export function outcomePorts(
  repos: {
    claims: Pick<ClaimRepository, 'get' | 'saveOnce' | 'hasMarker'> &
      Partial<Pick<ClaimRepository, 'getState'>>;
    /** Not read: the once-only markers of outcomes are on the claim (ClaimRepository.saveOnce). */
    ledger?: Pick<LedgerRepository, 'isPosted'>;
  },
  tokens: Pick<ReturnType<typeof taskTokens>, 'answer'>,
): OutcomePorts {
  return {
    // The state only (META), with its once-only markers, when the repository can read it alone.
    getState: (claimId) =>
      repos.claims.getState ? repos.claims.getState(claimId, { markers: true }) : repos.claims.get(claimId),
    hasMarker: (claimId, key) => repos.claims.hasMarker(claimId, key),
    saveOutcome: (from: ClaimState, next, key, event, payerClaimControlNumber) =>
      repos.claims.saveOnce(
        from as ClaimRecord,
        next,
        event,
        key,
        payerClaimControlNumber ? { payerClaimControlNumber } : {},
      ),
    answer: (token, output, kind) => tokens.answer(token, output, kind),
    now: () => new Date(),
  };
}

/** Work items for people: stored (one per kind + reference) and logged with ids and codes only. */
export function workItems(repos: Repositories, log: (message: string, item: WorkItem) => void) {
  return async (item: WorkItem): Promise<void> => {
    log('work item', item);
    await repos.work.add(item.kind, item.reference, item.detail, new Date().toISOString());
  };
}

/** Wiring shared by the consumers of inbound X12 (process-ack, post-remittance). */
export function inboundWiring(
  tableName: string,
  clients: { doc: DynamoDBDocumentClient; s3: S3Client; sfn: SFNClient },
  warn: (message: string, item: WorkItem) => void,
) {
  const repos = repositories(clients.doc, tableName);
  return {
    repos,
    store: objects(clients.s3),
    outcomes: outcomePorts(repos, taskTokens(clients.sfn)),
    workItem: workItems(repos, warn),
  };
}

/**
 * Powertools idempotency around the processing of one inbound file: the same content hash within
 * an hour returns the stored summary and does nothing. (Posting keys and ack markers stay the
 * durable guarantee; this layer spares re-reading a replayed file.)
 *
 * Every call registers the invocation's Lambda context, so the in-progress record expires with the
 * invocation: if it crashes or times out mid-file, the redelivered message (after the queue's
 * visibility timeout, which is longer than the function timeout) is processed instead of being refused
 * as "already in progress" for the rest of the hour.
 */
export function oncePerFile<R>(
  tableName: string,
  process: (msg: InboundMessage) => Promise<R>,
  client: DynamoDBClient = dynamoClient(),
): (msg: InboundMessage, context: Context) => Promise<R> {
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'contentHash', expiresAfterSeconds: 3600 });
  const once = makeIdempotent(process, {
    persistenceStore: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client }),
    config,
  });
  return (msg, context) => {
    // Read synchronously by the first save of the call below, so concurrent calls (the local runtime
    // runs several invocations in one process) each get their own remaining time.
    config.registerLambdaContext(context);
    return once(msg);
  };
}
