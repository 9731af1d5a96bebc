/**
 * The synthesized claim state machine on the local Step Functions emulator, with stand-in Lambdas
 * and submission consumer: the routes out of AwaitAck and AwaitRemit as the real token adapter
 * answers them (tokenAnswer), and the failure paths of Submit, AwaitAck and AwaitRemit.
 */
import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskTokens } from '../../../functions/lib/ports';
import { localClientConfig, startSqsS3 } from '../../../local/emulators/fauxqs';
import { startQueuePoller } from '../../../local/emulators/queue-poller';
import { type LocalStepFunctions, startStepFunctions } from '../../../local/emulators/sfn';
import { resolveStateMachine } from '../../../local/emulators/template';
import type {
  AckOutcome,
  RemitOutcome,
  RemitRoute,
  ScrubInput,
  SettleInput,
  TransitionInput,
} from '../../../shared/claims/workflow';
import { SUBMIT_ERRORS, scrubAnswer } from '../../../shared/claims/workflow';
import { synthApp } from '../../infra/template';

const FN = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

let aws: Awaited<ReturnType<typeof startSqsS3>>;
let emu: LocalStepFunctions;
let sfn: SFNClient;
let machineArn: string;
let poller: ReturnType<typeof startQueuePoller>;
/** What record-transition was asked: a transition (or wait), or a Settle (to: `SETTLE:<route>`). */
const transitions: TransitionInput[] = [];
/** What scrub-claim was asked. */
const scrubs: ScrubInput[] = [];

beforeAll(async () => {
  aws = await startSqsS3();
  const sqs = new SQSClient(localClientConfig(aws.endpoint));
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'submission' }))).QueueUrl as string;
  emu = await startStepFunctions({
    sqs,
    lambdas: {
      'scrub-claim': async (event) => {
        // Answers the Scrub token as scrub-claim does (scrubAnswer); C-DIRTY* have scrub errors.
        const input = event as ScrubInput;
        scrubs.push(input);
        if (
          input.claimId === 'C-SCRUBRETRY' &&
          scrubs.filter((x) => x.claimId === 'C-SCRUBRETRY').length === 1
        ) {
          throw Object.assign(new Error('answering the Scrub task failed'), { name: 'TokenAnswerFailed' });
        }
        const dirty = input.claimId.startsWith('C-DIRTY');
        const result = { ok: !dirty, errorCount: dirty ? 1 : 0, warningCount: 0 };
        await taskTokens(sfn).reply(input.taskToken, scrubAnswer(result, input.execution));
        return result;
      },
      'record-transition': async (event) => {
        if ((event as SettleInput).settle) {
          const { claimId, settle } = event as SettleInput;
          transitions.push({ claimId, to: `SETTLE:${settle}` as never, event: 'SETTLE' });
          return { claimId, status: 'CLOSED', followUps: 0 };
        }
        const input = event as TransitionInput;
        transitions.push(input);
        if (input.claimId === 'C-EARLY' && input.wait === 'ACK' && input.taskToken) {
          // The rejection came first (pending): record-transition answers the new wait's token at
          // once, inside its own invocation, before the task's Lambda call has returned.
          await taskTokens(sfn).answer(input.taskToken, rejectedAck, 'ACK');
        }
        if (
          input.claimId === 'C-RETRY' &&
          input.wait === 'ACK' &&
          transitions.filter((t) => t.claimId === 'C-RETRY' && t.wait === 'ACK').length === 1
        ) {
          // record-transition could not answer the wait with an outcome that came first
          throw Object.assign(new Error('answering the ACK wait failed'), { name: 'TokenAnswerFailed' });
        }
        // The Appeal transition answers the AwaitAppeal timer (an hour here).
        const timer = input.to === 'APPEAL' && !input.wait ? { appealSeconds: 3600 } : {};
        return { claimId: input.claimId, status: input.to, followUps: 0, ...timer };
      },
    },
  });
  sfn = new SFNClient({
    region: 'us-east-1',
    endpoint: emu.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const definition = resolveStateMachine(synthApp().appJson, {
    functionArn: FN,
    queueUrl: (name) => {
      if (name !== 'submission') throw new Error(`unexpected queue ${name}`);
      return queueUrl;
    },
  });
  machineArn = emu.createStateMachine('claims', definition);
  // Stand-in for submit-batch: C-UNWRITABLE is a claim the 837P writer cannot write.
  poller = startQueuePoller({
    sqs,
    queueUrl,
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:submission',
    functionName: 'submit-batch',
    handler: async (event) => {
      for (const r of event.Records) {
        const msg = JSON.parse(r.body) as { claimId: string; taskToken: string };
        if (msg.claimId === 'C-UNWRITABLE') {
          await sfn.send(
            new SendTaskFailureCommand({
              taskToken: msg.taskToken,
              error: SUBMIT_ERRORS.NEEDS_CORRECTION,
              cause: 'claim C-UNWRITABLE: needs 1..12 diagnosis codes',
            }),
          );
        } else {
          const output = {
            interchangeControlNumber: '000000001',
            groupControlNumber: '1',
            transactionSetControlNumber: '0001',
            x12Key: 'k',
          };
          await sfn.send(
            new SendTaskSuccessCommand({ taskToken: msg.taskToken, output: JSON.stringify(output) }),
          );
        }
      }
      return { batchItemFailures: [] };
    },
  });
}, 120_000);

afterAll(async () => {
  await poller?.stop();
  await emu?.stop();
  await aws?.stop();
});

const start = async (claimId: string, input: Record<string, unknown> = {}) =>
  (
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machineArn,
        name: claimId,
        input: JSON.stringify({ claimId, ...input }),
      }),
    )
  ).executionArn as string;

/** The task token of the claim's registered wait of `kind` (record-transition got it). */
async function tokenOf(claimId: string, wait: TransitionInput['wait']): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const t = transitions.find((x) => x.claimId === claimId && x.wait === wait);
    if (t?.taskToken) return t.taskToken;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${wait} wait for ${claimId}`);
}

async function finished(executionArn: string) {
  for (let i = 0; i < 500; i++) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('execution did not finish');
}

const path = (claimId: string) => transitions.filter((t) => t.claimId === claimId).map((t) => t.to);

const accepted: AckOutcome = { accepted: true, source: '999', codes: [] };
const rejectedAck: AckOutcome = { accepted: false, source: '277CA', codes: ['A7:562'] };
const remit = (route: RemitRoute): RemitOutcome => ({
  route,
  paidCents: route === 'PAID' ? 10_000 : 0,
  patientResponsibilityCents: 0,
  adjustmentCents: 0,
  carcs: route === 'PAID' ? [] : ['CO-16'],
  payerClaimControlNumber: 'PCN1',
  traceNumber: 'TRN1',
});

describe('claim state machine routes, answered by the token adapter', () => {
  const answer = (token: string, output: unknown, kind: 'ACK' | 'REMIT' | 'APPEAL') =>
    taskTokens(sfn).answer(token, output, kind);

  it.each([
    ['PAID', 'C-PAID'],
    ['PATIENT_BALANCE', 'C-PR'],
    ['WRITE_OFF', 'C-WO'],
  ] as const)('settles a claim remitted %s in one Settle task and ends', async (route, claimId) => {
    const arn = await start(claimId);
    expect(await answer(await tokenOf(claimId, 'ACK'), accepted, 'ACK')).toBe('answered');
    expect(await answer(await tokenOf(claimId, 'REMIT'), remit(route), 'REMIT')).toBe('answered');
    const d = await finished(arn);
    expect(d.status).toBe('SUCCEEDED');
    expect(path(claimId)).toEqual(['SUBMITTED', 'ACCEPTED', `SETTLE:${route}`]);
    expect(JSON.parse(d.output ?? '{}').remit).toEqual(remit(route));
  });

  it.each([
    ['SECONDARY', 'C-SECOND', ['SECONDARY']],
    ['HUMAN_REVIEW', 'C-HUMAN', ['HUMAN_REVIEW']],
  ] as const)(
    'sends a claim remitted %s to its state, the remit readable from the failure cause',
    async (route, claimId, rest) => {
      const arn = await start(claimId);
      await answer(await tokenOf(claimId, 'ACK'), accepted, 'ACK');
      expect(await answer(await tokenOf(claimId, 'REMIT'), remit(route), 'REMIT')).toBe('answered');
      const d = await finished(arn);
      expect(d.status).toBe('SUCCEEDED');
      expect(path(claimId)).toEqual(['SUBMITTED', 'ACCEPTED', ...rest]);
      const out = JSON.parse(d.output ?? '{}') as { remit: { Error: string; Cause: string } };
      expect(out.remit.Error).toBe(`Route.${route}`);
      expect(JSON.parse(out.remit.Cause)).toEqual(remit(route));
    },
  );

  it.each([
    ['REMIT', 'C-APWON', ['ACCEPTED', 'SETTLE:PAID']],
    ['WRITE_OFF', 'C-APWO', ['SETTLE:WRITE_OFF']],
    ['HUMAN_REVIEW', 'C-APHR', ['HUMAN_REVIEW']],
  ] as const)(
    'sends a claim remitted APPEAL to the appeal wait, and an appeal decided %s on by the token answer',
    async (route, claimId, rest) => {
      const arn = await start(claimId);
      await answer(await tokenOf(claimId, 'ACK'), accepted, 'ACK');
      await answer(await tokenOf(claimId, 'REMIT'), remit('APPEAL'), 'REMIT');
      const appealToken = await tokenOf(claimId, 'APPEAL');
      expect(path(claimId)).toEqual(['SUBMITTED', 'ACCEPTED', 'APPEAL', 'APPEAL']);
      expect(await answer(appealToken, { route, outcome: 'UPHELD' }, 'APPEAL')).toBe('answered');
      if (route === 'REMIT') {
        // Won: the wait for the payer's reprocessed 835 (a second REMIT wait).
        for (
          let i = 0;
          i < 500 && transitions.filter((t) => t.claimId === claimId && t.wait === 'REMIT').length < 2;
          i++
        )
          await new Promise((r) => setTimeout(r, 20));
        const second = transitions.filter((t) => t.claimId === claimId && t.wait === 'REMIT')[1];
        await answer(second?.taskToken ?? '', remit('PAID'), 'REMIT');
      }
      const d = await finished(arn);
      expect(d.status).toBe('SUCCEEDED');
      expect(path(claimId)).toEqual(['SUBMITTED', 'ACCEPTED', 'APPEAL', 'APPEAL', ...rest]);
    },
  );

  it('submits a void through its own submit and ack states and ends VOIDED once accepted', async () => {
    const arn = await start('C-VOID', { void: true });
    expect(await answer(await tokenOf('C-VOID', 'ACK'), accepted, 'ACK')).toBe('answered');
    const d = await finished(arn);
    expect(d.status).toBe('SUCCEEDED');
    expect(path('C-VOID')).toEqual(['SUBMITTED', 'VOIDED']);
    // scrub-claim is told the execution is a void's (its input), and answers Scrub.Void
    expect(scrubs.find((x) => x.claimId === 'C-VOID')?.execution).toEqual({ claimId: 'C-VOID', void: true });
    expect(JSON.parse(d.output ?? '{}').scrub).toEqual({
      Error: 'Scrub.Void',
      Cause: JSON.stringify({ ok: true, errorCount: 0, warningCount: 0 }),
    });
  });

  it.each([
    ['C-DIRTY', {}],
    ['C-DIRTY-VOID', { void: true }],
  ])(
    'sends %s, a claim with scrub errors, from Scrub straight to the correction wait',
    async (claimId, input) => {
      await start(claimId, input);
      await tokenOf(claimId, 'CORRECTION');
      expect(path(claimId)).toEqual(['NEEDS_CORRECTION']);
      expect(scrubs.find((x) => x.claimId === claimId)?.execution).toEqual({ claimId, ...input });
    },
  );

  it('passes a clean claim from Scrub straight to Submit, with the result at $.scrub', async () => {
    const arn = await start('C-CLEAN');
    await answer(await tokenOf('C-CLEAN', 'ACK'), accepted, 'ACK');
    await answer(await tokenOf('C-CLEAN', 'REMIT'), remit('PAID'), 'REMIT');
    const d = await finished(arn);
    expect(JSON.parse(d.output ?? '{}').scrub).toEqual({ ok: true, errorCount: 0, warningCount: 0 });
    expect(scrubs.find((x) => x.claimId === 'C-CLEAN')?.execution).toEqual({ claimId: 'C-CLEAN' });
  });

  it('sends a claim remitted CORRECT to Correct and then to the correction wait', async () => {
    await start('C-CORRECT');
    await answer(await tokenOf('C-CORRECT', 'ACK'), accepted, 'ACK');
    await answer(await tokenOf('C-CORRECT', 'REMIT'), remit('CORRECT'), 'REMIT');
    await tokenOf('C-CORRECT', 'CORRECTION');
    expect(path('C-CORRECT')).toEqual(['SUBMITTED', 'ACCEPTED', 'CORRECTED', 'NEEDS_CORRECTION']);
  });

  it('sends a rejected acknowledgment to Rejected and then to the correction wait', async () => {
    await start('C-REJECT');
    const rejected = rejectedAck;
    expect(await answer(await tokenOf('C-REJECT', 'ACK'), rejected, 'ACK')).toBe('answered');
    await tokenOf('C-REJECT', 'CORRECTION');
    expect(path('C-REJECT')).toEqual(['SUBMITTED', 'REJECTED', 'NEEDS_CORRECTION']);
  });

  it('branches on a failure answered while the wait registers (an outcome that came first)', async () => {
    await start('C-EARLY');
    await tokenOf('C-EARLY', 'CORRECTION');
    expect(path('C-EARLY')).toEqual(['SUBMITTED', 'REJECTED', 'NEEDS_CORRECTION']);
  });

  it("answers 'settled' for a token already answered, whichever way it was answered", async () => {
    await start('C-TWICE');
    const ack = await tokenOf('C-TWICE', 'ACK');
    const rejected: AckOutcome = { accepted: false, source: '999', codes: ['IK5:R'] };
    expect(await answer(ack, rejected, 'ACK')).toBe('answered');
    expect(await answer(ack, rejected, 'ACK')).toBe('settled');
    expect(await answer(ack, accepted, 'ACK')).toBe('settled');
  });
});

describe('claim state machine failure paths', () => {
  it('routes a claim submit-batch cannot write to the correction wait, not to human review', async () => {
    await start('C-UNWRITABLE');
    await tokenOf('C-UNWRITABLE', 'CORRECTION');
    expect(path('C-UNWRITABLE')).toEqual(['NEEDS_CORRECTION']);
  });

  it('sends a failed ack wait to human review instead of failing the execution', async () => {
    const arn = await start('C-ACKFAIL');
    const token = await tokenOf('C-ACKFAIL', 'ACK');
    await sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Ack.Failed', cause: 'x' }));
    const d = await finished(arn);
    expect(d.status).toBe('SUCCEEDED');
    expect(path('C-ACKFAIL')).toEqual(['SUBMITTED', 'HUMAN_REVIEW']);
  });

  it('sends a failed remit wait to human review instead of failing the execution', async () => {
    const arn = await start('C-REMITFAIL');
    const ack = await tokenOf('C-REMITFAIL', 'ACK');
    await sfn.send(
      new SendTaskSuccessCommand({
        taskToken: ack,
        output: JSON.stringify({ accepted: true, source: '999', codes: [] }),
      }),
    );
    const remit = await tokenOf('C-REMITFAIL', 'REMIT');
    await sfn.send(new SendTaskFailureCommand({ taskToken: remit, error: 'States.TaskFailed', cause: 'x' }));
    const d = await finished(arn);
    expect(d.status).toBe('SUCCEEDED');
    expect(path('C-REMITFAIL')).toEqual(['SUBMITTED', 'ACCEPTED', 'HUMAN_REVIEW']);
  });

  it('retries a wait whose pending outcome could not be handed over, with a new token', async () => {
    const arn = await start('C-RETRY');
    for (
      let i = 0;
      i < 1000 && transitions.filter((t) => t.claimId === 'C-RETRY' && t.wait === 'ACK').length < 2;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const waits = transitions.filter((t) => t.claimId === 'C-RETRY' && t.wait === 'ACK');
    expect(waits).toHaveLength(2);
    expect(waits[1]?.taskToken).not.toBe(waits[0]?.taskToken);
    await sfn.send(
      new SendTaskFailureCommand({
        taskToken: waits[1]?.taskToken as string,
        error: 'Ack.Failed',
        cause: 'x',
      }),
    );
    expect((await finished(arn)).status).toBe('SUCCEEDED');
  }, 30_000);

  it('retries a Scrub whose token answer failed, with a new token, and goes on', async () => {
    await start('C-SCRUBRETRY');
    await tokenOf('C-SCRUBRETRY', 'ACK');
    const tries = scrubs.filter((x) => x.claimId === 'C-SCRUBRETRY');
    expect(tries).toHaveLength(2);
    expect(tries[1]?.taskToken).not.toBe(tries[0]?.taskToken);
    expect(path('C-SCRUBRETRY')).toEqual(['SUBMITTED']);
  }, 30_000);
});
