/**
 * The Step Functions emulator: Lambda tasks, task tokens answered through the real SFN client,
 * SendTaskFailure and timeouts into Catch, unique execution names.
 */
import {
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shortCircuit } from '../../../local/emulators/in-process';
import { type LocalStepFunctions, startStepFunctions } from '../../../local/emulators/sfn';

const FN = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const definition = {
  StartAt: 'Double',
  States: {
    Double: {
      Type: 'Task',
      Resource: FN('double'),
      Parameters: { 'n.$': '$.n' },
      ResultPath: '$.doubled',
      Next: 'Wait',
    },
    Wait: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: FN('park'), Payload: { 'id.$': '$.id', 'taskToken.$': '$$.Task.Token' } },
      ResultPath: '$.answer',
      TimeoutSeconds: 2,
      Catch: [
        { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'TimedOut' },
        { ErrorEquals: ['Rejected'], ResultPath: '$.error', Next: 'WasRejected' },
      ],
      Next: 'Check',
    },
    Check: {
      Type: 'Choice',
      Choices: [{ Variable: '$.answer.ok', BooleanEquals: true, Next: 'Done' }],
      Default: 'WasRejected',
    },
    Done: { Type: 'Succeed' },
    TimedOut: { Type: 'Pass', Result: 'timeout', ResultPath: '$.outcome', End: true },
    WasRejected: { Type: 'Pass', Result: 'rejected', ResultPath: '$.outcome', End: true },
  },
};

let sfnEmu: LocalStepFunctions;
let sfn: SFNClient;
let arn: string;
const tokens = new Map<string, string>();
let doubleCalls = 0;

beforeAll(async () => {
  sfnEmu = await startStepFunctions({
    sqs: new SQSClient({ region: 'us-east-1' }),
    lambdas: {
      double: async (e) => {
        doubleCalls++;
        if (doubleCalls === 1) throw Object.assign(new Error('flaky'), { name: 'Lambda.ServiceException' });
        return (e as { n: number }).n * 2;
      },
      park: async (e) => {
        const { id, taskToken } = e as { id: string; taskToken: string };
        tokens.set(id, taskToken);
        // The answer may come before this handler returns: the token is registered first.
        if (id === 'early') {
          await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ ok: true }) }));
        }
        return {};
      },
    },
  });
  (definition.States.Double as Record<string, unknown>).Retry = [
    { ErrorEquals: ['Lambda.ServiceException'], IntervalSeconds: 0, MaxAttempts: 2 },
  ];
  arn = sfnEmu.createStateMachine('test', definition);
  sfn = new SFNClient({
    region: 'us-east-1',
    endpoint: sfnEmu.endpoint,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
});

afterAll(async () => sfnEmu?.stop());

const start = (name: string, id: string) =>
  sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name, input: JSON.stringify({ n: 21, id }) }));

async function finished(name: string) {
  for (let i = 0; i < 200; i++) {
    const e = sfnEmu.executions().find((x) => x.name === name);
    if (e && e.status !== 'RUNNING') return e;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${name} did not finish`);
}

describe('step functions emulator', () => {
  it('retries a failing Lambda task, parks on a task token and resumes on SendTaskSuccess', async () => {
    await start('ok', 'ok');
    await sfnEmu.waitUntilSettled();
    const token = tokens.get('ok') as string;
    expect(token).toBeTruthy();
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ ok: true }) }));
    const e = await finished('ok');
    expect(e.status).toBe('SUCCEEDED');
    expect(JSON.parse(e.output as string)).toMatchObject({ doubled: 42, answer: { ok: true } });
    expect(doubleCalls).toBe(2);
    // The token is spent: answering again is TaskDoesNotExist, as on AWS.
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toMatchObject({
      name: 'TaskDoesNotExist',
    });
  });

  it('accepts an answer sent before the task handler returned', async () => {
    await start('early', 'early');
    expect((await finished('early')).status).toBe('SUCCEEDED');
  });

  it('routes SendTaskFailure into the matching Catch', async () => {
    await start('fail', 'fail');
    await sfnEmu.waitUntilSettled();
    await sfn.send(
      new SendTaskFailureCommand({ taskToken: tokens.get('fail') as string, error: 'Rejected', cause: 'no' }),
    );
    const e = await finished('fail');
    expect(JSON.parse(e.output as string)).toMatchObject({
      outcome: 'rejected',
      error: { Error: 'Rejected' },
    });
  });

  it('times a task out into States.Timeout', async () => {
    await start('slow', 'slow');
    const e = await finished('slow');
    expect(JSON.parse(e.output as string)).toMatchObject({
      outcome: 'timeout',
      error: { Error: 'States.Timeout' },
    });
  });

  it('refuses a second execution with the same name', async () => {
    await expect(start('ok', 'again')).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });
});

describe('step functions emulator through the SDK short-circuit (what the local runtime uses)', () => {
  const fast = () => {
    const client = new SFNClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    shortCircuit(client.middlewareStack as never, () => sfnEmu.shortCircuit);
    return client;
  };

  it('answers with the SDK output shapes: dates as Dates, the execution ARN', async () => {
    const out = await fast().send(
      new StartExecutionCommand({
        stateMachineArn: arn,
        name: 'fast',
        input: JSON.stringify({ n: 1, id: 'fast' }),
      }),
    );
    expect(out.executionArn).toMatch(/:execution:test:fast$/);
    expect(out.startDate).toBeInstanceOf(Date);
    expect(out.$metadata.httpStatusCode).toBe(200);
    await sfnEmu.waitUntilSettled();
    await fast().send(
      new SendTaskSuccessCommand({ taskToken: tokens.get('fast') as string, output: '{"ok":true}' }),
    );
    expect((await finished('fast')).status).toBe('SUCCEEDED');
  });

  it('throws the service exception classes with their names and status', async () => {
    await expect(
      fast().send(new StartExecutionCommand({ stateMachineArn: arn, name: 'fast', input: '{}' })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await expect(
      fast().send(new SendTaskSuccessCommand({ taskToken: tokens.get('fast') as string, output: '{}' })),
    ).rejects.toMatchObject({
      name: 'TaskDoesNotExist',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('leaves the normal path to a client when no emulator is offered (e.g. with injected faults)', async () => {
    const client = new SFNClient({
      region: 'us-east-1',
      endpoint: sfnEmu.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    shortCircuit(client.middlewareStack as never, () => undefined);
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'fast', input: '{}' })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });
});

describe('step functions emulator stop()', () => {
  it('leaves no timer behind for executions parked on a task token (the process can exit)', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const emu = await startStepFunctions({
      sqs: new SQSClient({ region: 'us-east-1' }),
      lambdas: { park: async () => ({}) },
    });
    const machine = emu.createStateMachine('parked', {
      StartAt: 'Park',
      States: {
        Park: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: FN('park'), Payload: { 'taskToken.$': '$$.Task.Token' } },
          TimeoutSeconds: 3600,
          End: true,
        },
      },
    });
    const client = new SFNClient({
      region: 'us-east-1',
      endpoint: emu.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    for (const name of ['a', 'b', 'c']) {
      await client.send(new StartExecutionCommand({ stateMachineArn: machine, name, input: '{}' }));
    }
    await emu.waitUntilSettled();
    expect(emu.executions().filter((e) => e.status === 'RUNNING')).toHaveLength(3);
    await emu.stop();
    client.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(timers()).toBeLessThanOrEqual(before);
  });
});
