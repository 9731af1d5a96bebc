/**
 * The local runtime: claimflow on embedded emulators in one Node process, on 127.0.0.1.
 * The same handlers as on AWS, the state machine definition taken from the synthesized CloudFormation
 * template, and a seeded clearinghouse/payer simulator answering through the real webhook.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { signLocalToken } from '../functions/api/auth';
import { FUNCTION_NAMES } from '../infra/lib/function-names';
import { parsePayerSeed } from '../shared/payers';
import { PayerRepository, tableDefinition } from '../shared/store';
import { createTable, startDynamo, type WriteFaultHook } from './emulators/dynamo';
import { startDynamoThread } from './emulators/dynamo-thread';
import { forwardObjectCreated, localClientConfig, localS3Config, startSqsS3 } from './emulators/fauxqs';
import { startHttpApi } from './emulators/http-api-server';
import { type LocalRequestHandler, type ShortCircuitOptions, shortCircuit } from './emulators/in-process';
import type { Meter } from './emulators/meter';
import { type PollerOptions, startQueuePoller } from './emulators/queue-poller';
import { startSecretsManager } from './emulators/secrets-stub';
import { startStepFunctions } from './emulators/sfn';
import { synthesizedAppTemplate } from './emulators/synth';
import { resolveStateMachine } from './emulators/template';
import { webConsoleRoutes } from './emulators/web-server';
import { startSimulator } from './simulator/clearinghouse';
import type { SimulatorFaults } from './simulator/server';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface LocalRuntimeOptions {
  seed?: number;
  /** Show handler logs (Powertools) on stdout. */
  verbose?: boolean;
  /** Faults to inject at the boundaries (the chaos harness, local/chaos.ts). */
  faults?: RuntimeFaults;
  /**
   * Queue consumers' timeout (what their context reports; default 30 s) and the seconds a message they
   * failed first stays invisible (default 3; doubling per receive: 3, 6, 12, 24 s). On AWS every retry
   * waits a whole visibility timeout, which is longer than the function timeout; here the receives
   * before the DLQ must at least span the timeout, so that a Powertools idempotency record left "in
   * progress" (its delete failed) has expired before the message is dead-lettered.
   */
  functionTimeoutSeconds?: number;
  retryDelaySeconds?: number;
  /**
   * Serve the web console (`npm start`): web/dist, /config.json and the local sign-in POST /local/token
   * on the workbench API's origin. Its users are demo users of `practices` (sub `local-<role>`).
   */
  webConsole?: { distDir: string; practices: readonly string[]; idleMinutes?: number };
  /** Metering hook (npm run cost): every emulator and every handler invocation reports to it. */
  meter?: Meter;
  /**
   * Run the queue consumers with their deployed reserved concurrency (ingest-claims 5, submit-batch 2,
   * post-remittance 5, process-ack 5) and 20 claims per intake chunk (100 deployed: locally every
   * function reports the same short timeout, which a 100-claim chunk can exceed on a loaded machine).
   * Default: 5 claims per chunk (every demo file goes through several chunks), one batch at a time.
   */
  deployedConcurrency?: boolean;
  /** Handlers' log level (POWERTOOLS_LOG_LEVEL); default SILENT, INFO with `verbose`. */
  handlerLogLevel?: string;
}

export interface RuntimeFaults {
  dynamo?: WriteFaultHook;
  stepFunctions?: Parameters<typeof startStepFunctions>[0]['faults'];
  /** Per queue consumer (function name). */
  queues?: (functionName: string) => PollerOptions['faults'];
  simulator?: SimulatorFaults;
}

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const TABLE = 'claimflow-local';
const IDEMPOTENCY_TABLE = 'claimflow-idempotency';
const CHARGES_BUCKET = 'claimflow-charges';
const X12_BUCKET = 'claimflow-x12';
const CLEARINGHOUSE = 'simclear';
const WEBHOOK_KEY = 'local-webhook-hmac-key-0123456789abcdef';
const CLEARINGHOUSE_API_KEY = 'local-clearinghouse-api-key';
const QUEUES = ['intake', 'intake-claims', 'submission', 'remit', 'ack'] as const;
type QueueName = (typeof QUEUES)[number];
const MAX_RECEIVE = 5;

/** The payer registry's seed: the simulated payers the demo bills. */
export const PAYER_SEED_FILE = path.resolve(import.meta.dirname, '../events/payers.json');

/**
 * The in-process request handlers the handlers' SDK clients use (functions/lib/aws.ts). The handler
 * modules are imported once per process and keep their clients, so they get a stable handler that
 * forwards to the emulators of the runtime running now.
 */
const current: {
  dynamodb?: LocalRequestHandler;
  sfn?: LocalRequestHandler;
  /** The emulators' short-circuits the handlers' clients use (none when faults are injected). */
  dynamoShortCircuit?: ShortCircuitOptions;
  sfnShortCircuit?: ShortCircuitOptions;
} = {};
const forwardTo = (service: 'dynamodb' | 'sfn'): LocalRequestHandler => ({
  handle: (request) => {
    const target = current[service];
    if (!target) return Promise.reject(new Error(`no local ${service} emulator is running`));
    return target.handle(request);
  },
  updateHttpClientConfig() {},
  httpHandlerConfigs: () => ({}),
  destroy() {},
});
let inProcessRegistered = false;

/** Seed the payer registry (idempotent: existing payers are kept), retrying injected write faults. */
async function seedPayerRegistry(doc: DynamoDBDocumentClient): Promise<void> {
  const payers = parsePayerSeed(JSON.parse(readFileSync(PAYER_SEED_FILE, 'utf8')));
  const registry = new PayerRepository(doc, TABLE);
  for (let attempt = 1; ; attempt++) {
    try {
      await registry.seed(payers);
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
}

/**
 * For a process whose work is one big local runtime (npm run demo, npm start). V8 lets a heap grow to
 * up to about four times what its last full collection kept; with the DynamoDB emulator's thread
 * beside the main one, each heap full of garbage, 10,000 demo claims reached 1.5 GB of RSS. Growing
 * by at most twice what was kept held that near 1 GB, for a few percent more garbage-collection
 * work on the other core (measured in docs/performance.md). V8's flags are the process's: both
 * threads, every isolate started afterwards.
 */
export function boundHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=100');
}

export async function startLocalRuntime(opts: LocalRuntimeOptions = {}) {
  const functionTimeoutSeconds = opts.functionTimeoutSeconds ?? 30;
  const retryDelaySeconds = opts.retryDelaySeconds ?? 3;
  // The four retry waits before the fifth (last) receive: 1 + 2 + 4 + 8 times the first.
  if (retryDelaySeconds * 15 <= functionTimeoutSeconds) {
    throw new Error('the retry waits (15 x retryDelaySeconds) must exceed functionTimeoutSeconds, as on AWS');
  }
  const seed = opts.seed ?? 42;
  // Synthesis runs in a child process while the emulators start (awaited in step 3).
  const templateReady = synthesizedAppTemplate();
  templateReady.catch(() => undefined);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    // 1. Emulators.
    const faults = opts.faults ?? {};
    const meter = opts.meter;
    // In a worker thread of its own unless a fault or metering hook (main-thread functions) needs it here.
    const dynamo =
      faults.dynamo || meter
        ? await startDynamo({
            ...(faults.dynamo ? { onWrite: faults.dynamo } : {}),
            ...(meter ? { meter } : {}),
          })
        : await startDynamoThread();
    stops.push(() => dynamo.stop());
    const aws = await startSqsS3(meter ? { meter } : {});
    stops.push(() => aws.stop());
    const secrets = await startSecretsManager({
      'claimflow/webhook-keys': JSON.stringify({ [CLEARINGHOUSE]: WEBHOOK_KEY }),
      'claimflow/clearinghouse': CLEARINGHOUSE_API_KEY,
    });
    stops.push(() => secrets.stop());

    const creds = { accessKeyId: 'local', secretAccessKey: 'local' };
    const ddb = new DynamoDBClient({
      region: REGION,
      endpoint: dynamo.endpoint,
      credentials: creds,
      requestHandler: dynamo.requestHandler,
    });
    const doc = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
    const sqs = new SQSClient(localClientConfig(aws.endpoint));
    const s3 = new S3Client(localS3Config(aws.endpoint));

    // 2. Resources, named as the synthesized template names them by metadata.
    await createTable(ddb, tableDefinition, TABLE);
    await seedPayerRegistry(doc);
    await ddb.send(
      new CreateTableCommand({
        TableName: IDEMPOTENCY_TABLE,
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    // The runtime's own reads (summaries, progress, tests) take the fast path too, once the tables
    // exist (the plain client shares this stack: table calls above went the normal way).
    if (!faults.dynamo) shortCircuit(doc.middlewareStack as never, () => dynamo.shortCircuit);
    for (const b of [CHARGES_BUCKET, X12_BUCKET]) await s3.send(new CreateBucketCommand({ Bucket: b }));
    const queueUrls = {} as Record<QueueName | `${QueueName}-dlq`, string>;
    for (const q of QUEUES) {
      const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `claimflow-${q}-dlq` }));
      queueUrls[`${q}-dlq`] = dlq.QueueUrl as string;
      const main = await sqs.send(
        new CreateQueueCommand({
          QueueName: `claimflow-${q}`,
          Attributes: {
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:claimflow-${q}-dlq`,
              maxReceiveCount: String(MAX_RECEIVE),
            }),
          },
        }),
      );
      queueUrls[q] = main.QueueUrl as string;
    }

    // 3. Step Functions with the synthesized definition.
    const lambdas: Record<string, Handler> = {};
    const lazy =
      (name: string): Handler =>
      async (event, context) => {
        const fn = lambdas[name];
        if (!fn) throw new Error(`no local handler for ${name}`);
        if (!meter) return fn(event, context);
        if (name === 'api' || name === 'receive-webhook') meter.httpApi();
        const started = performance.now();
        try {
          return await fn(event, context);
        } finally {
          meter.lambda(name, performance.now() - started);
        }
      };
    const sfn = await startStepFunctions({
      lambdas: { 'scrub-claim': lazy('scrub-claim'), 'record-transition': lazy('record-transition') },
      sqs,
      ...(faults.stepFunctions ? { faults: faults.stepFunctions } : {}),
      ...(meter ? { meter } : {}),
    });
    stops.push(() => sfn.stop());
    const template = await templateReady;
    const definition = resolveStateMachine(template, {
      functionArn: (name) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
      queueUrl: (name) => {
        const url = queueUrls[name as QueueName];
        if (!url) throw new Error(`state machine references unknown queue ${name}`);
        return url;
      },
    });
    const stateMachineArn = sfn.createStateMachine('claimflow-claim', definition);

    // 4. HTTP API first (the simulator needs the webhook URL), then the simulator.
    const http = await startHttpApi({
      routes: [
        {
          method: 'POST',
          path: '/webhooks/{clearinghouse}',
          functionName: 'receive-webhook',
          handler: lazy('receive-webhook') as never,
        },
      ],
      maxBodyBytes: 5 * 1024 * 1024,
    });
    stops.push(() => http.stop());
    const simulator = await startSimulator({
      seed,
      apiKey: CLEARINGHOUSE_API_KEY,
      webhookUrl: `${http.url}/webhooks/${CLEARINGHOUSE}`,
      webhookKey: WEBHOOK_KEY,
      ...(faults.simulator ? { faults: faults.simulator } : {}),
    });
    stops.push(() => simulator.stop());

    // 5. The handlers' environment, as infra sets it on AWS. A fresh API token key per run.
    const apiSecret = randomBytes(32).toString('hex');
    Object.assign(process.env, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_S3: aws.endpoint,
      AWS_ENDPOINT_URL_SQS: aws.endpoint,
      AWS_ENDPOINT_URL_SFN: sfn.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      POWERTOOLS_TRACE_ENABLED: 'false',
      // Tracing is off locally; in its default (automatic) mode the X-Ray SDK the tracer loads installs
      // an async hook (cls-hooked) that slows every promise of the process.
      AWS_XRAY_MANUAL_MODE: 'true',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: opts.handlerLogLevel ?? (opts.verbose ? 'INFO' : 'SILENT'),
      TABLE_NAME: TABLE,
      IDEMPOTENCY_TABLE_NAME: IDEMPOTENCY_TABLE,
      ERRORS_BUCKET: CHARGES_BUCKET,
      CHUNK_QUEUE_URL: queueUrls['intake-claims'],
      // Small chunks locally, so every demo file goes through several of them.
      CLAIMS_PER_CHUNK: opts.deployedConcurrency ? '20' : '5',
      STATE_MACHINE_ARN: stateMachineArn,
      X12_BUCKET,
      REMIT_QUEUE_URL: queueUrls.remit,
      ACK_QUEUE_URL: queueUrls.ack,
      WEBHOOK_SECRET_ID: 'claimflow/webhook-keys',
      CLEARINGHOUSE_URL: simulator.url,
      CLEARINGHOUSE_SECRET_ID: 'claimflow/clearinghouse',
      SUBMITTER_ID: 'CLAIMFLOW',
      SUBMITTER_NAME: 'CLAIMFLOW LOCAL',
      SUBMITTER_CONTACT_EMAIL: 'billing@example.com',
      RECEIVER_ID: 'SIMCLEAR',
      RECEIVER_NAME: 'SIMULATED CLEARINGHOUSE',
      X12_USAGE: 'T',
      TIMELY_FILING_DAYS: '365',
      // The workbench API checks local HS256 tokens itself (on AWS: API Gateway's Cognito authorizer).
      API_AUTH: 'local-jwt',
      LOCAL_JWT_SECRET: apiSecret,
    });
    current.dynamodb = dynamo.requestHandler;
    current.sfn = sfn.requestHandler;
    // Injected faults need the SDK's own retries: those runs keep the request-handler path.
    if (faults.dynamo) delete current.dynamoShortCircuit;
    else current.dynamoShortCircuit = dynamo.shortCircuit;
    if (faults.stepFunctions) delete current.sfnShortCircuit;
    else current.sfnShortCircuit = sfn.shortCircuit;
    stops.push(async () => {
      if (current.dynamodb === dynamo.requestHandler) {
        delete current.dynamodb;
        delete current.dynamoShortCircuit;
      }
      if (current.sfn === sfn.requestHandler) {
        delete current.sfn;
        delete current.sfnShortCircuit;
      }
    });
    if (!inProcessRegistered) {
      // Imported here, after the environment above: the module reads it when first loaded.
      const { useInProcessHandlers } = await import('../functions/lib/aws');
      useInProcessHandlers({
        dynamodb: forwardTo('dynamodb'),
        sfn: forwardTo('sfn') as never,
        dynamodbShortCircuit: (stack) => shortCircuit(stack as never, () => current.dynamoShortCircuit),
        sfnShortCircuit: (stack) => shortCircuit(stack as never, () => current.sfnShortCircuit),
      });
      inProcessRegistered = true;
    }
    let apiApp: { request(path: string): Promise<Response> } | undefined;
    for (const name of FUNCTION_NAMES) {
      const mod = (await import(`../functions/${name}/handler.ts`)) as {
        handler: Handler;
        app?: typeof apiApp;
      };
      lambdas[name] = mod.handler;
      if (name === 'api') apiApp = mod.app;
    }

    // The workbench API: its own HTTP API (as on AWS), every route of its OpenAPI document -> `api`.
    if (!apiApp) throw new Error('functions/api/handler.ts exports no app');
    const apiDoc = (await (await apiApp.request('/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const web = opts.webConsole;
    const apiHttp = await startHttpApi({
      routes: [
        // The document does not list itself.
        ...[['/api/openapi.json', { get: {} }] as const, ...Object.entries(apiDoc.paths)].flatMap(
          ([path, ops]) =>
            Object.keys(ops).map((method) => ({
              method: method.toUpperCase(),
              path,
              functionName: 'api',
              handler: lazy('api') as never,
            })),
        ),
        ...(web
          ? webConsoleRoutes({
              distDir: web.distDir,
              ...(web.idleMinutes ? { idleMinutes: web.idleMinutes } : {}),
              signIn: (role) =>
                signLocalToken(
                  apiSecret,
                  { sub: `local-${role}`, groups: [...web.practices, role] },
                  { ttlSeconds: 12 * 3600 },
                ),
            })
          : []),
      ],
      maxBodyBytes: 1024 * 1024,
    });
    stops.push(() => apiHttp.stop());

    // 6. Event sources: queues -> handlers, S3 -> intake queue.
    const pollers = [
      { queue: 'intake', fn: 'ingest-charges', batchSize: 1, batchWindowMs: 0 },
      { queue: 'intake-claims', fn: 'ingest-claims', batchSize: 1, batchWindowMs: 0, deployed: 5 },
      { queue: 'submission', fn: 'submit-batch', batchSize: 50, batchWindowMs: 250, deployed: 2 },
      { queue: 'remit', fn: 'post-remittance', batchSize: 10, batchWindowMs: 0, deployed: 5 },
      { queue: 'ack', fn: 'process-ack', batchSize: 10, batchWindowMs: 0, deployed: 5 },
    ] as const;
    const running = pollers.map((p) =>
      startQueuePoller({
        sqs,
        queueUrl: queueUrls[p.queue],
        queueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:claimflow-${p.queue}`,
        functionName: p.fn,
        handler: lazy(p.fn) as never,
        batchSize: p.batchSize,
        batchWindowMs: p.batchWindowMs,
        ...('deployed' in p && opts.deployedConcurrency ? { concurrency: p.deployed } : {}),
        retryDelaySeconds,
        functionTimeoutMs: functionTimeoutSeconds * 1000,
        faults: faults.queues?.(p.fn),
        ...(meter ? { meter } : {}),
        onError: (err) => {
          console.error(
            `${p.fn}: batch failed, will retry: ${String((err as Error).message).split('\n')[0]}`,
          );
          if (opts.verbose) {
            for (const e of (err as { recordErrors?: Error[] }).recordErrors ?? []) {
              console.error(`  ${e.name}: ${String(e.message).split('\n')[0]}`);
            }
          }
        },
      }),
    );
    stops.push(async () => {
      await Promise.all(running.map((p) => p.stop()));
    });
    const watcher = forwardObjectCreated({
      spy: aws.server.spy,
      s3,
      sqs,
      bucket: CHARGES_BUCKET,
      prefix: 'charges/',
      queueUrl: queueUrls.intake,
    });
    stops.push(() => watcher.stop());

    const queueDepth = async (url: string) => {
      const out = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
        Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
      );
    };

    /** Resolves when nothing moves: queues empty, no handler busy, simulator idle, executions parked or done. */
    const settle = async (timeoutMs = 180_000) => {
      const deadline = Date.now() + timeoutMs;
      let quietRounds = 0;
      while (Date.now() < deadline) {
        await simulator.idle();
        await sfn.waitUntilSettled(Math.max(1, deadline - Date.now()));
        let busy = running.some((p) => p.inFlight() > 0) || (await watcher.pending()) > 0;
        for (const q of QUEUES) busy ||= (await queueDepth(queueUrls[q])) > 0;
        quietRounds = busy ? 0 : quietRounds + 1;
        if (quietRounds >= 3) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('local runtime did not settle in time');
    };

    return {
      doc,
      s3,
      sqs,
      sfn,
      simulator,
      tableName: TABLE,
      chargesBucket: CHARGES_BUCKET,
      x12Bucket: X12_BUCKET,
      webhookUrl: `${http.url}/webhooks/${CLEARINGHOUSE}`,
      webhookKey: WEBHOOK_KEY,
      /** The workbench API (same handler as the Lambda), e.g. `${apiUrl}/api/claims`. */
      apiUrl: apiHttp.url,
      /** A bearer token of the local API (HS256 with this run's key), for `sub` with `groups`. */
      apiToken: (user: { sub: string; groups: string[] }, ttlSeconds = 12 * 3600) =>
        signLocalToken(apiSecret, user, { ttlSeconds }),
      queueUrls,
      queueDepth,
      /** Heap in use by the DynamoDB emulator's thread, in bytes (0 when it runs in this thread). */
      dynamoHeapUsed: async () => (await dynamo.threadHeapUsed?.()) ?? 0,
      settle,
      async uploadChargeFile(
        practiceId: string,
        name: string,
        body: string | Uint8Array,
        contentType = 'text/csv',
      ): Promise<string> {
        const key = `charges/${practiceId}/${name}`;
        await s3.send(
          new PutObjectCommand({ Bucket: CHARGES_BUCKET, Key: key, Body: body, ContentType: contentType }),
        );
        return key;
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

export type LocalRuntime = Awaited<ReturnType<typeof startLocalRuntime>>;
