/**
 * Step Functions, locally: aws-local-stepfunctions runs the (JSONPath) definition; this module adds
 * what it lacks for claimflow: Lambda tasks routed to in-process handlers, `.waitForTaskToken` for
 * lambda:invoke and sqs:sendMessage with real task tokens, and an AWS JSON 1.0 endpoint
 * (StartExecution, DescribeExecution, ListExecutions, SendTaskSuccess/Failure/Heartbeat) so the
 * handlers use @aws-sdk/client-sfn unchanged through AWS_ENDPOINT_URL_SFN.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as sfnExceptions from '@aws-sdk/client-sfn';
import { SFNServiceException } from '@aws-sdk/client-sfn';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import { inProcessHandler, type ShortCircuitOptions } from './in-process';
import { lambdaContext } from './lambda-context';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type LocalLambda = (event: unknown, context: Context) => Promise<unknown>;

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_WAIT = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const SQS_WAIT = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
const TOKEN_PREFIX = 'localtok-';
/** Node timers overflow past ~24.8 days; and a Task without TimeoutSeconds must not get the library's 60 s. */
const MAX_TIMEOUT_SECONDS = 2_000_000;
const clampTimeout = (seconds: number) => Math.max(1, Math.min(MAX_TIMEOUT_SECONDS, Math.ceil(seconds)));
/** Parameters key carrying a task's TimeoutSecondsPath value to its handler. */
const TIMEOUT_PARAM = 'LocalTimeoutSeconds';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionInfo {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: Date;
  stopDate?: Date;
  /** Handlers of this execution running now, and task tokens it waits on. */
  inFlight: number;
  waitingTokens: number;
}

class TaskFailure extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

interface Waiter {
  execution: ExecutionInfo;
  resolve: (value: Json) => void;
  reject: (err: Error) => void;
  /** The Task timed out: the library rejects it with States.Timeout; the token is spent. */
  expire: () => void;
  /** The emulator stops: the wait ends unanswered and its timer is cleared. */
  cancel: () => void;
}

function findToken(value: unknown): string | undefined {
  if (typeof value === 'string') return value.startsWith(TOKEN_PREFIX) ? value : undefined;
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) {
      const t = findToken(v);
      if (t) return t;
    }
  }
  return undefined;
}

function functionName(arnOrName: string): string {
  const m = /:function:([^:]+)/.exec(arnOrName);
  return m ? (m[1] as string) : arnOrName;
}

export async function startStepFunctions(opts: {
  lambdas: Record<string, LocalLambda>;
  sqs: SQSClient;
  timeScale?: number;
  /** Metering (npm run cost): every history event of every execution, with the state's type. */
  meter?: { stateMachineEvent(type: string, stateType?: string): void };
  /** Fault hooks of the chaos harness. */
  faults?: {
    /** true: SendTaskSuccess/Failure answers ThrottlingException and is not applied. */
    sendTask?(action: string, taskToken: string): boolean;
    /** true: a Lambda task that succeeded reports Lambda.ServiceException instead (a crash after its writes). */
    crashAfter?(functionName: string, payload: unknown): boolean;
  };
}) {
  const scale = opts.timeScale ?? 1;
  const machines = new Map<string, { definition: Record<string, unknown>; machine: StateMachine }>();
  const executions = new Map<string, ExecutionInfo>();
  const waiters = new Map<string, Waiter>();
  /** Tokens whose task timed out: answering them is TaskTimedOut, as on AWS. */
  const timedOut = new Set<string>();
  const aborts = new Map<string, () => void>();

  const invoke = async (execution: ExecutionInfo, arn: string, payload: unknown): Promise<unknown> => {
    const name = functionName(arn);
    const fn = opts.lambdas[name];
    if (!fn) throw new TaskFailure('Lambda.ResourceNotFoundException', `no local function ${name}`);
    execution.inFlight++;
    try {
      const result = await fn(JSON.parse(JSON.stringify(payload ?? {})), lambdaContext(name));
      if (opts.faults?.crashAfter?.(name, payload)) {
        throw Object.assign(new Error('injected crash after the function wrote'), {
          name: 'Lambda.ServiceException',
        });
      }
      return result;
    } catch (err) {
      const e = err as Error;
      // Lambda surfaces a function error by its name (errorType).
      throw new TaskFailure(e.name || 'Error', e.message);
    } finally {
      execution.inFlight--;
    }
  };

  /**
   * A promise answered by SendTaskSuccess/Failure. After `timeoutSeconds` (the Task's, as given to the
   * library, which rejects the task with its own States.Timeout at the same moment) the token is spent.
   */
  const waitFor = (
    execution: ExecutionInfo,
    token: string,
    timeoutSeconds: number,
    /** The library does not time this task (TimeoutSecondsPath): fail it with States.Timeout here. */
    failOnTimeout = false,
  ): Promise<Json> =>
    new Promise<Json>((resolve, reject) => {
      execution.waitingTokens++;
      const settle = () => {
        clearTimeout(timer);
        waiters.delete(token);
        execution.waitingTokens--;
      };
      const waiter: Waiter = {
        execution,
        resolve: (v) => {
          settle();
          resolve(v);
        },
        reject: (e) => {
          settle();
          reject(e);
        },
        expire: () => {
          settle();
          timedOut.add(token);
          if (failOnTimeout) reject(new TaskFailure('States.Timeout', 'the task timed out'));
        },
        // Rejected too: the library's own timer for the Task is cleared once the task's promise settles.
        cancel: () => {
          settle();
          reject(new TaskFailure('States.Runtime', 'the Step Functions emulator stopped'));
        },
      };
      // Registered before the library's own timer for the same duration, so it fires first.
      const timer = setTimeout(() => waiter.expire(), timeoutSeconds * 1000);
      waiters.set(token, waiter);
    });

  function prepare(definition: Record<string, unknown>): Record<string, unknown> {
    const copy = JSON.parse(JSON.stringify(definition)) as {
      States: Record<string, Record<string, unknown>>;
    };
    const walk = (states: Record<string, Record<string, unknown>>) => {
      for (const state of Object.values(states)) {
        if (state.Type === 'Task') {
          // TimeoutSecondsPath (e.g. the appeal deadline): evaluated with the Parameters into a key of
          // our own, timed (scaled) by the task handler, which fails the task with States.Timeout.
          if (typeof state.TimeoutSecondsPath === 'string' && state.Parameters) {
            (state.Parameters as Record<string, unknown>)[`${TIMEOUT_PARAM}.$`] = state.TimeoutSecondsPath;
            delete state.TimeoutSecondsPath;
          }
          const t =
            typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds * scale : MAX_TIMEOUT_SECONDS;
          state.TimeoutSeconds = Math.max(1, Math.min(MAX_TIMEOUT_SECONDS, Math.ceil(t)));
        }
        const nested = [
          ...((state.Branches as { States: Record<string, Record<string, unknown>> }[] | undefined) ?? []),
          ...[state.Iterator, state.ItemProcessor].filter(Boolean),
        ] as { States?: Record<string, Record<string, unknown>> }[];
        for (const n of nested) if (n.States) walk(n.States);
      }
    };
    walk(copy.States);
    return copy;
  }

  /** Every Task state, nested ones (Parallel branches, Map iterators) included. */
  function taskStates(states: Record<string, Record<string, unknown>>): [string, Record<string, unknown>][] {
    return Object.entries(states).flatMap(([name, state]) => {
      const nested = [
        ...((state.Branches as { States: Record<string, Record<string, unknown>> }[] | undefined) ?? []),
        ...[state.Iterator, state.ItemProcessor].filter(Boolean),
      ] as { States: Record<string, Record<string, unknown>> }[];
      return [
        ...(state.Type === 'Task' ? [[name, state] as [string, Record<string, unknown>]] : []),
        ...nested.flatMap((n) => taskStates(n.States)),
      ];
    });
  }

  function overridesFor(
    definition: { States: Record<string, Record<string, unknown>> },
    execution: () => ExecutionInfo,
    takeToken: () => void,
  ) {
    const handlers: Record<string, (input: Json) => Promise<Json>> = {};
    for (const [stateName, state] of taskStates(definition.States)) {
      const resource = String(state.Resource);
      const timeoutSeconds = Number(state.TimeoutSeconds);
      handlers[stateName] = async (input: Json): Promise<Json> => {
        // The library evaluated Parameters (and $$.Task.Token) just before this call, synchronously:
        // the next task gets a fresh token.
        takeToken();
        const exec = execution();
        const params = (input ?? {}) as Record<string, unknown>;
        if (resource === LAMBDA_INVOKE) {
          const result = await invoke(exec, String(params.FunctionName), params.Payload);
          return { Payload: (result ?? null) as Json, StatusCode: 200, ExecutedVersion: '$LATEST' };
        }
        if (resource === LAMBDA_WAIT || resource === SQS_WAIT) {
          const token = findToken(params);
          if (!token)
            throw new TaskFailure(
              'States.Runtime',
              `${stateName}: no $$.Task.Token in the task's parameters`,
            );
          // Registered before the work: an answer may come first, also a SendTaskFailure while the
          // work still runs (record-transition answering a pending outcome at once), which must not
          // count as an unhandled rejection until the library awaits it below.
          const pathTimeout = params[TIMEOUT_PARAM];
          const answered =
            typeof pathTimeout === 'number'
              ? waitFor(exec, token, clampTimeout(pathTimeout * scale), true)
              : waitFor(exec, token, timeoutSeconds);
          answered.catch(() => {});
          try {
            if (resource === LAMBDA_WAIT) await invoke(exec, String(params.FunctionName), params.Payload);
            else {
              const body = params.MessageBody;
              await opts.sqs.send(
                new SendMessageCommand({
                  QueueUrl: String(params.QueueUrl),
                  MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
                }),
              );
            }
          } catch (err) {
            waiters.get(token)?.reject(err as Error);
          }
          return answered;
        }
        if (resource.startsWith('arn:aws:lambda:')) return (await invoke(exec, resource, input)) as Json;
        throw new TaskFailure('States.Runtime', `${stateName}: resource ${resource} is not emulated`);
      };
    }
    return handlers;
  }

  function start(stateMachineArn: string, name: string, input: string): ExecutionInfo {
    const sm = machines.get(stateMachineArn);
    if (!sm)
      throw new AwsError('StateMachineDoesNotExist', `state machine ${stateMachineArn} does not exist`);
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name))
      throw new AwsError('InvalidName', `invalid execution name ${name}`);
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    if (executions.has(executionArn))
      throw new AwsError('ExecutionAlreadyExists', `execution ${name} already exists`);
    const parsed = JSON.parse(input) as Json;
    const info: ExecutionInfo = {
      executionArn,
      stateMachineArn,
      name,
      status: 'RUNNING',
      input,
      startDate: new Date(),
      inFlight: 0,
      waitingTokens: 0,
    };
    executions.set(executionArn, info);
    // One token per task attempt, however often its Parameters name $$.Task.Token.
    let token: string | undefined;
    const context = {
      Execution: { Id: executionArn, Name: name },
      StateMachine: { Id: stateMachineArn, Name: stateMachineArn.split(':').at(-1) },
      Task: {
        get Token() {
          token ??= `${TOKEN_PREFIX}${randomUUID()}`;
          return token;
        },
      },
    };
    const run = sm.machine.run(parsed, {
      overrides: {
        taskResourceLocalHandlers: overridesFor(
          sm.definition as never,
          () => info,
          () => {
            token = undefined;
          },
        ),
      },
      context: context as never,
      noThrowOnAbort: true,
    });
    // Held while the execution runs (stop() aborts it); a finished one is forgotten, or every run
    // would stay in memory through its abort function.
    aborts.set(executionArn, run.abort);
    const meter = opts.meter;
    if (meter) {
      void (async () => {
        for await (const e of run.eventLogs) {
          meter.stateMachineEvent(e.type, 'state' in e ? e.state.type : undefined);
        }
      })().catch(() => undefined);
    }
    run.result.finally(() => aborts.delete(executionArn)).catch(() => undefined);
    run.result.then(
      (output) => {
        if (output === null && info.status === 'ABORTED') return;
        info.status = 'SUCCEEDED';
        info.output = JSON.stringify(output);
        info.stopDate = new Date();
      },
      (err: Error & { cause?: unknown }) => {
        const inner = (err.cause ?? err) as Error;
        info.status = err.name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : 'FAILED';
        info.error = inner.name;
        info.cause = inner.message;
        info.stopDate = new Date();
      },
    );
    return info;
  }

  const waiterFor = (taskToken: unknown): Waiter => {
    const t = String(taskToken);
    const w = waiters.get(t);
    if (w) return w;
    if (timedOut.has(t)) throw new AwsError('TaskTimedOut', 'task timed out');
    if (t.startsWith(TOKEN_PREFIX)) throw new AwsError('TaskDoesNotExist', 'task does not exist');
    throw new AwsError('InvalidToken', 'invalid task token');
  };

  const describe = (e: ExecutionInfo) => ({
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: e.startDate.getTime() / 1000,
    ...(e.stopDate ? { stopDate: e.stopDate.getTime() / 1000 } : {}),
    input: e.input,
    ...(e.output !== undefined ? { output: e.output } : {}),
    ...(e.error ? { error: e.error, cause: e.cause } : {}),
  });

  const actions: Record<string, (body: Record<string, unknown>) => unknown> = {
    StartExecution: (b) => {
      const e = start(String(b.stateMachineArn), String(b.name ?? randomUUID()), String(b.input ?? '{}'));
      return { executionArn: e.executionArn, startDate: e.startDate.getTime() / 1000 };
    },
    DescribeExecution: (b) => {
      const e = executions.get(String(b.executionArn));
      if (!e) throw new AwsError('ExecutionDoesNotExist', 'execution does not exist');
      return describe(e);
    },
    ListExecutions: (b) => ({
      executions: [...executions.values()]
        .filter(
          (e) => e.stateMachineArn === b.stateMachineArn && (!b.statusFilter || e.status === b.statusFilter),
        )
        .map(describe),
    }),
    SendTaskSuccess: (b) => {
      const w = waiterFor(b.taskToken);
      let output: Json;
      try {
        output = JSON.parse(String(b.output)) as Json;
      } catch {
        throw new AwsError('InvalidOutput', 'output is not valid JSON');
      }
      w.resolve(output);
      return {};
    },
    SendTaskFailure: (b) => {
      waiterFor(b.taskToken).reject(new TaskFailure(String(b.error ?? 'Error'), String(b.cause ?? '')));
      return {};
    },
    SendTaskHeartbeat: (b) => {
      waiterFor(b.taskToken);
      return {};
    },
  };

  /** One request of the AWS JSON endpoint: target without `AWSStepFunctions.`, raw body. */
  const answer = async (target: string, raw: Buffer): Promise<{ status: number; body: unknown }> => {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      return { status: 400, body: { __type: 'SerializationException', message: 'invalid JSON' } };
    }
    return answerParsed(target, body);
  };
  /** The same with the body parsed (the in-process short-circuit). */
  const answerParsed = async (
    target: string,
    body: Record<string, unknown>,
  ): Promise<{ status: number; body: unknown }> => {
    try {
      const action = actions[target];
      if (!action) throw new AwsError('UnknownOperationException', `${target} is not emulated`);
      if (
        (target === 'SendTaskSuccess' || target === 'SendTaskFailure') &&
        opts.faults?.sendTask?.(target, String(body.taskToken))
      ) {
        throw new AwsError('ThrottlingException', 'injected fault: rate exceeded');
      }
      return { status: 200, body: action(body) };
    } catch (err) {
      if (err instanceof AwsError) return { status: 400, body: { __type: err.type, message: err.message } };
      return { status: 500, body: { __type: 'InternalFailure', message: (err as Error).message } };
    }
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
      void answer(target, Buffer.concat(chunks)).then((out) => {
        res.writeHead(out.status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(out.body));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    /** The same endpoint without HTTP, for SDK clients in this process. */
    requestHandler: inProcessHandler('AWSStepFunctions.', answer),
    /** The faster in-process path (in-process.ts shortCircuit); not with injected faults. */
    shortCircuit: {
      answer: (op, input) => answerParsed(op, input as Record<string, unknown>),
      exceptions: sfnExceptions as Record<string, unknown>,
      baseException: SFNServiceException as never,
      // The JSON protocol's epoch seconds are Dates in the SDK's output.
      output: (_op, body) =>
        Object.fromEntries(
          Object.entries(body).map(([k, v]) => [
            k,
            k.endsWith('Date') && typeof v === 'number' ? new Date(v * 1000) : v,
          ]),
        ),
    } satisfies ShortCircuitOptions,
    createStateMachine(name: string, definition: Record<string, unknown>): string {
      const arn = `arn:aws:states:us-east-1:000000000000:stateMachine:${name}`;
      const prepared = prepare(definition);
      machines.set(arn, {
        definition: prepared,
        machine: new StateMachine(prepared as never, {
          validationOptions: { checkArn: false, checkPaths: false },
        }),
      });
      return arn;
    },
    executions: (): ExecutionInfo[] => [...executions.values()],
    /** Resolves when every running execution is parked on a task token with no handler running. */
    async waitUntilSettled(timeoutMs = 120_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // Every 25 ms for as long as a big run moves: no copy of the (growing) map, first busy wins.
        let busy = false;
        for (const e of executions.values()) {
          if (e.status === 'RUNNING' && (e.inFlight > 0 || e.waitingTokens === 0)) {
            busy = true;
            break;
          }
        }
        if (!busy) return;
        if (Date.now() > deadline) throw new Error('step functions did not settle in time');
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop(): Promise<void> {
      for (const e of executions.values()) if (e.status === 'RUNNING') e.status = 'ABORTED';
      for (const abort of aborts.values()) abort();
      // A parked execution's timer would keep the process alive for its whole Task timeout.
      for (const waiter of [...waiters.values()]) waiter.cancel();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type LocalStepFunctions = Awaited<ReturnType<typeof startStepFunctions>>;
