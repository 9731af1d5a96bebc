/**
 * The Step Functions emulator with the service integrations claimflow uses: lambda:invoke (its
 * { Payload, StatusCode } result under ResultSelector), Choice, sqs:sendMessage.waitForTaskToken answered
 * by a queue consumer, and the AWS API errors of task answers, all through @aws-sdk/client-sfn.
 */
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  InvalidOutput,
  InvalidToken,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig, startSqsS3 } from '../../../local/emulators/fauxqs';
import { startQueuePoller } from '../../../local/emulators/queue-poller';
import { type LocalStepFunctions, startStepFunctions } from '../../../local/emulators/sfn';

const FN = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

let aws: Awaited<ReturnType<typeof startSqsS3>>;
let emu: LocalStepFunctions;
let sfn: SFNClient;
let machineArn: string;
let poller: ReturnType<typeof startQueuePoller>;
const lookups: unknown[] = [];
const submitted: { claimId: string; taskToken: string; again: string }[] = [];

beforeAll(async () => {
  aws = await startSqsS3();
  const sqs = new SQSClient(localClientConfig(aws.endpoint));
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'submission' }))).QueueUrl as string;
  emu = await startStepFunctions({
    sqs,
    lambdas: {
      lookup: async (event) => {
        lookups.push(event);
        const { kind } = event as { kind: string };
        return { kind, size: 3 };
      },
    },
  });
  sfn = new SFNClient({
    region: 'us-east-1',
    endpoint: emu.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  machineArn = emu.createStateMachine('integrations', {
    StartAt: 'Lookup',
    States: {
      Lookup: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: FN('lookup'), 'Payload.$': '$' },
        ResultSelector: { 'kind.$': '$.Payload.kind', 'status.$': '$.StatusCode' },
        ResultPath: '$.lookup',
        Next: 'Route',
      },
      Route: {
        Type: 'Choice',
        Choices: [{ Variable: '$.lookup.kind', StringEquals: 'sqs', Next: 'Submit' }],
        Default: 'Skip',
      },
      Submit: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: {
          QueueUrl: queueUrl,
          MessageBody: { 'claimId.$': '$.id', 'taskToken.$': '$$.Task.Token', 'again.$': '$$.Task.Token' },
        },
        ResultPath: '$.submission',
        TimeoutSeconds: 30,
        End: true,
      },
      Skip: { Type: 'Pass', Result: 'skipped', ResultPath: '$.skipped', End: true },
    },
  });
  // The submission queue's consumer answers the token, like submit-batch.
  poller = startQueuePoller({
    sqs,
    queueUrl,
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:submission',
    functionName: 'submit',
    handler: async (event) => {
      for (const r of event.Records) {
        const msg = JSON.parse(r.body) as { claimId: string; taskToken: string; again: string };
        submitted.push(msg);
        if (msg.claimId === 'never-answered') continue;
        await sfn.send(
          new SendTaskSuccessCommand({
            taskToken: msg.taskToken,
            output: JSON.stringify({ icn: `ICN-${msg.claimId}` }),
          }),
        );
      }
      return { batchItemFailures: [] };
    },
  });
});

afterAll(async () => {
  await poller?.stop();
  await emu?.stop();
  await aws?.stop();
});

async function finished(executionArn: string) {
  for (let i = 0; i < 500; i++) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('execution did not finish');
}

describe('step functions service integrations', () => {
  it('runs lambda:invoke, Choice and an SQS task token answered by the queue consumer', async () => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machineArn,
        name: 'claim-1',
        input: JSON.stringify({ id: 'claim-1', kind: 'sqs' }),
      }),
    );
    const d = await finished(executionArn as string);
    expect(d.status).toBe('SUCCEEDED');
    expect(d.name).toBe('claim-1');
    expect(JSON.parse(d.input as string)).toEqual({ id: 'claim-1', kind: 'sqs' });
    expect(JSON.parse(d.output as string)).toEqual({
      id: 'claim-1',
      kind: 'sqs',
      lookup: { kind: 'sqs', status: 200 },
      submission: { icn: 'ICN-claim-1' },
    });
    // The Lambda got the Payload, not the integration's parameters.
    expect(lookups).toContainEqual({ id: 'claim-1', kind: 'sqs' });
    // One task, one token, however many times the definition names it.
    const msg = submitted.find((m) => m.claimId === 'claim-1');
    expect(msg?.taskToken).toBeTruthy();
    expect(msg?.again).toBe(msg?.taskToken);
  });

  it('follows the Choice default', async () => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machineArn,
        name: 'claim-2',
        input: '{"id":"claim-2","kind":"x"}',
      }),
    );
    const d = await finished(executionArn as string);
    expect(JSON.parse(d.output as string)).toMatchObject({ skipped: 'skipped', lookup: { kind: 'x' } });
  });

  it('gives each task attempt its own token', async () => {
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machineArn,
        name: 'claim-3',
        input: '{"id":"claim-3","kind":"sqs"}',
      }),
    );
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machineArn,
        name: 'never-answered',
        input: '{"id":"never-answered","kind":"sqs"}',
      }),
    );
    for (let i = 0; i < 200 && submitted.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    const tokens = new Set(submitted.map((m) => m.taskToken));
    expect(tokens.size).toBe(submitted.length);
  });

  it('lists executions and describes them, as the API does', async () => {
    await emu.waitUntilSettled();
    const all = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn }));
    expect(all.executions?.map((e) => e.name).sort()).toEqual([
      'claim-1',
      'claim-2',
      'claim-3',
      'never-answered',
    ]);
    const running = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: 'RUNNING' }),
    );
    expect(running.executions?.map((e) => e.name)).toEqual(['never-answered']);
    await expect(
      sfn.send(
        new DescribeExecutionCommand({
          executionArn: `${machineArn.replace(':stateMachine:', ':execution:')}:x`,
        }),
      ),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
  });

  it('refuses bad task answers with the API errors', async () => {
    const pending = submitted.find((m) => m.claimId === 'never-answered')?.taskToken as string;
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: pending, output: '{not json' })),
    ).rejects.toBeInstanceOf(InvalidOutput);
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: 'garbage', output: '{}' })),
    ).rejects.toBeInstanceOf(InvalidToken);
    const spent = submitted.find((m) => m.claimId === 'claim-1')?.taskToken as string;
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: spent, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskDoesNotExist);
  });
});

describe('task token timeouts', () => {
  it('spends the token of a timed-out task: answering it is TaskTimedOut', async () => {
    const tokens: string[] = [];
    const local = await startStepFunctions({
      sqs: new SQSClient(localClientConfig(aws.endpoint)),
      lambdas: {
        park: async (e) => {
          tokens.push((e as { token: string }).token);
          return {};
        },
      },
    });
    try {
      const arn = local.createStateMachine('timeouts', {
        StartAt: 'Wait',
        States: {
          Wait: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: { FunctionName: FN('park'), Payload: { 'token.$': '$$.Task.Token' } },
            TimeoutSeconds: 1,
            Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'WrongCatch' }],
            End: true,
          },
          WrongCatch: { Type: 'Succeed' },
        },
      });
      const client = new SFNClient({
        region: 'us-east-1',
        endpoint: local.endpoint,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      const { executionArn } = await client.send(
        new StartExecutionCommand({ stateMachineArn: arn, name: 't1' }),
      );
      let d = await client.send(new DescribeExecutionCommand({ executionArn }));
      for (let i = 0; i < 200 && d.status === 'RUNNING'; i++) {
        await new Promise((r) => setTimeout(r, 20));
        d = await client.send(new DescribeExecutionCommand({ executionArn }));
      }
      // States.TaskFailed does not catch States.Timeout: the execution fails with it.
      expect(d.status).toBe('FAILED');
      expect(d.error).toBe('States.Timeout');
      expect(local.executions()[0]?.waitingTokens).toBe(0);
      await expect(
        client.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{}' })),
      ).rejects.toBeInstanceOf(TaskTimedOut);
    } finally {
      await local.stop();
    }
  });
});
