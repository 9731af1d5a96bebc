import { beforeAll, describe, expect, it } from 'vitest';
import {
  type RemitOutcome,
  type RemitRoute,
  type ScrubResult,
  scrubAnswer,
  type TokenReply,
  tokenAnswer,
  type WorkflowInput,
} from '../../shared/claims/workflow';
import { byMetadata, type CfnTemplate, parseDefinition, type Resource, synthApp } from './template';

type State = {
  Type: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  ResultPath?: string;
  Next?: string;
  End?: boolean;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Retry?: { ErrorEquals: string[]; IntervalSeconds: number; BackoffRate: number; MaxAttempts: number }[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
  Choices?: Record<string, unknown>[];
  Default?: string;
  QueryLanguage?: string;
};

let states: Record<string, State>;
let definition: Record<string, unknown>;
let tokens: unknown[];
let scrubId: string;
let recordId: string;
let submissionQueueId: string;
let stateMachine: Resource;
let app: CfnTemplate;

beforeAll(() => {
  const s = synthApp();
  app = s.appJson;
  const [, sm] = byMetadata(s.appJson, 'claimflow:state-machine', 'claim');
  stateMachine = sm;
  const parsed = parseDefinition(sm.Properties?.DefinitionString);
  definition = parsed.json;
  tokens = parsed.tokens;
  states = definition.States as Record<string, State>;
  scrubId = byMetadata(s.appJson, 'claimflow:function', 'scrub-claim')[0];
  recordId = byMetadata(s.appJson, 'claimflow:function', 'record-transition')[0];
  submissionQueueId = byMetadata(s.appJson, 'claimflow:queue', 'submission')[0];
});

const token = (placeholder: unknown) => {
  const m = /^__TOKEN_(\d+)__$/.exec(String(placeholder));
  if (!m) throw new Error(`not a token placeholder: ${String(placeholder)}`);
  return tokens[Number(m[1])];
};
const state = (name: string): State => {
  const st = states[name];
  if (!st) throw new Error(`no state ${name}`);
  return st;
};
const LAMBDA_RETRY = {
  ErrorEquals: [
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
  ],
  IntervalSeconds: 2,
  BackoffRate: 2,
  MaxAttempts: 6,
};

/** record-transition waits retry an outcome that came first but whose token answer failed (it stays pending). */
const TOKEN_ANSWER_RETRY = {
  ErrorEquals: ['TokenAnswerFailed'],
  IntervalSeconds: 5,
  BackoffRate: 2,
  MaxAttempts: 5,
};

/** A plain record-transition state: function ARN as Resource, payload as Parameters, result at $.transition. */
function expectTransition(name: string, to: string, event: string, next: string) {
  const st = state(name);
  expect(st.Type).toBe('Task');
  expect(token(st.Resource)).toEqual({ 'Fn::GetAtt': [recordId, 'Arn'] });
  expect(st.Parameters).toEqual({ 'claimId.$': '$.claimId', to, event });
  expect(st.ResultPath).toBe('$.transition');
  expect(st.Next).toBe(next);
  expect(st.Retry).toEqual([LAMBDA_RETRY]);
}

/** A record-transition task-token wait. */
function expectWait(
  name: string,
  to: string,
  event: string,
  wait: string,
  resultPath: string,
  days?: number,
) {
  const st = state(name);
  expect(st.Resource).toMatch(/^arn:__TOKEN_\d+__:states:::lambda:invoke\.waitForTaskToken$/);
  expect(token(st.Parameters?.FunctionName)).toEqual({ 'Fn::GetAtt': [recordId, 'Arn'] });
  expect(st.Parameters?.Payload).toEqual({
    'claimId.$': '$.claimId',
    to,
    event,
    wait,
    'taskToken.$': '$$.Task.Token',
  });
  expect(st.ResultPath).toBe(resultPath);
  expect(st.TimeoutSeconds).toBe(days === undefined ? undefined : days * 24 * 3600);
  expect(st.Retry).toEqual([LAMBDA_RETRY, TOKEN_ANSWER_RETRY]);
}

describe('claim state machine', () => {
  it('is a Standard, JSONPath state machine with error logging and tracing', () => {
    expect(stateMachine.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ERROR', IncludeExecutionData: false },
      TracingConfiguration: { Enabled: true },
    });
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(JSON.stringify(definition)).not.toMatch(/JSONata|\{%/);
    expect(definition.StartAt).toBe('Scrub');
  });

  it('encrypts definition and execution history with the customer managed data key', () => {
    const enc = stateMachine.Properties?.EncryptionConfiguration as Record<string, unknown>;
    expect(enc).toMatchObject({ Type: 'CUSTOMER_MANAGED_KMS_KEY', KmsDataKeyReusePeriodSeconds: 300 });
    expect(JSON.stringify(enc.KmsKeyId)).toMatch(/DataKey/);
    expect(stateMachine.Properties?.StateMachineName).toBe('claimflow-claims');
    // the role may use the key only for this state machine: the encryption context names it
    const policies = Object.values(app.Resources).filter((r) => r.Type === 'AWS::IAM::Policy');
    const contexts = policies.flatMap((p) =>
      (
        (p.Properties?.PolicyDocument as { Statement?: Record<string, unknown>[] } | undefined)?.Statement ??
        []
      ).flatMap((st) => {
        const cond = (st.Condition as Record<string, Record<string, unknown>> | undefined)?.StringEquals;
        const arn = cond?.['kms:EncryptionContext:aws:states:stateMachineArn'];
        return arn ? [JSON.stringify(arn)] : [];
      }),
    );
    expect(contexts).toHaveLength(1);
    expect(contexts[0]).toContain(':stateMachine:claimflow-claims');
  });

  it('has exactly the contract states', () => {
    expect(Object.keys(states).sort()).toEqual(
      [
        'Scrub',
        'NeedsCorrection',
        'Submit',
        'AwaitAck',
        'Rejected',
        'AwaitRemit',
        'RemitFollowUp',
        'FollowUpAgain',
        'Settle',
        'Correct',
        'Appeal',
        'AwaitAppeal',
        'AppealExpired',
        'AppealWriteOff',
        'SubmitVoid',
        'AwaitVoidAck',
        'Voided',
        'Secondary',
        'HumanReview',
      ].sort(),
    );
  });

  it('scrubs with scrub-claim, which answers the task token: findings and a void branch by the failure', () => {
    const scrub = state('Scrub');
    expect(scrub.Resource).toMatch(/^arn:__TOKEN_\d+__:states:::lambda:invoke\.waitForTaskToken$/);
    expect(token(scrub.Parameters?.FunctionName)).toEqual({ 'Fn::GetAtt': [scrubId, 'Arn'] });
    expect(scrub.Parameters?.Payload).toEqual({
      'claimId.$': '$.claimId',
      // the execution input: a void's execution says { void: true }
      'execution.$': '$$.Execution.Input',
      'taskToken.$': '$$.Task.Token',
    });
    expect(scrub.ResultPath).toBe('$.scrub');
    expect(scrub.TimeoutSeconds).toBe(15 * 60);
    // A clean claim succeeds straight to Submit: no Choice state after Scrub.
    expect(scrub.Next).toBe('Submit');
    expect(scrub.Retry).toEqual([LAMBDA_RETRY, TOKEN_ANSWER_RETRY]);
    expect(scrub.Catch).toEqual([
      { ErrorEquals: ['Scrub.Findings'], ResultPath: '$.scrub', Next: 'NeedsCorrection' },
      { ErrorEquals: ['Scrub.Void'], ResultPath: '$.scrub', Next: 'SubmitVoid' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'HumanReview' },
    ]);
    expect(Object.values(states).filter((st) => st.Type === 'Choice')).toHaveLength(1); // FollowUpAgain
    expectWait('NeedsCorrection', 'NEEDS_CORRECTION', 'NEEDS_CORRECTION', 'CORRECTION', '$.correction');
    expect(state('NeedsCorrection').Next).toBe('Scrub');
  });

  it.each([
    ['Submit', 'AwaitAck'],
    ['SubmitVoid', 'AwaitVoidAck'],
  ])('submits through the submission queue with a task token (%s)', (name, next) => {
    const submit = state(name);
    expect(submit.Resource).toMatch(/^arn:__TOKEN_\d+__:states:::sqs:sendMessage\.waitForTaskToken$/);
    expect(token(submit.Parameters?.QueueUrl)).toEqual({ Ref: submissionQueueId });
    expect(submit.Parameters?.MessageBody).toEqual({
      'claimId.$': '$.claimId',
      'taskToken.$': '$$.Task.Token',
    });
    expect(submit.ResultPath).toBe('$.submission');
    expect(submit.TimeoutSeconds).toBe(2 * 24 * 3600);
    expect(submit.Catch).toEqual([
      { ErrorEquals: ['Submit.NeedsCorrection'], ResultPath: '$.error', Next: 'NeedsCorrection' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'HumanReview' },
    ]);
    expect(submit.Next).toBe(next);
  });

  it('waits for the ack (a rejection is the Ack.Rejected failure), then for the remittance with follow-ups', () => {
    expectWait('AwaitAck', 'SUBMITTED', 'AWAITING_ACK', 'ACK', '$.ack', 7);
    expect(state('AwaitAck').Catch).toEqual([
      { ErrorEquals: ['Ack.Rejected'], ResultPath: '$.ack', Next: 'Rejected' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'HumanReview' },
    ]);
    expect(state('AwaitAck').Next).toBe('AwaitRemit');
    // The void's ack wait: the same task; a void the payer accepted ends VOIDED (no 835 awaited).
    expectWait('AwaitVoidAck', 'SUBMITTED', 'AWAITING_ACK', 'ACK', '$.ack', 7);
    expect(state('AwaitVoidAck').Catch).toEqual(state('AwaitAck').Catch);
    expect(state('AwaitVoidAck').Next).toBe('Voided');
    expect(state('Voided')).toMatchObject({
      Parameters: { 'claimId.$': '$.claimId', to: 'VOIDED', event: 'VOIDED' },
      ResultPath: '$.transition',
      End: true,
    });
    expectTransition('Rejected', 'REJECTED', 'REJECTED', 'NeedsCorrection');

    expectWait('AwaitRemit', 'ACCEPTED', 'AWAITING_REMIT', 'REMIT', '$.remit', 30);
    expect(state('AwaitRemit').Next).toBe('Settle');
    expectTransition('RemitFollowUp', 'ACCEPTED', 'REMIT_FOLLOW_UP', 'FollowUpAgain');
    expect(state('FollowUpAgain')).toMatchObject({
      Choices: [{ Variable: '$.transition.followUps', NumericLessThan: 3, Next: 'AwaitRemit' }],
      Default: 'HumanReview',
    });
  });

  it('routes the remittance by the failure it answers with; settle routes go to Settle, which ends', () => {
    expect(state('AwaitRemit').Catch).toEqual([
      { ErrorEquals: ['Route.CORRECT'], ResultPath: '$.remit', Next: 'Correct' },
      { ErrorEquals: ['Route.APPEAL'], ResultPath: '$.remit', Next: 'Appeal' },
      { ErrorEquals: ['Route.SECONDARY'], ResultPath: '$.remit', Next: 'Secondary' },
      { ErrorEquals: ['Route.HUMAN_REVIEW'], ResultPath: '$.remit', Next: 'HumanReview' },
      { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'RemitFollowUp' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'HumanReview' },
    ]);
    const settle = state('Settle');
    expect(token(settle.Resource)).toEqual({ 'Fn::GetAtt': [recordId, 'Arn'] });
    expect(settle.Parameters).toEqual({ 'claimId.$': '$.claimId', 'settle.$': '$.remit.route' });
    expect(settle.ResultPath).toBe('$.transition');
    expect(settle.End).toBe(true);
    expect(settle.Retry).toEqual([LAMBDA_RETRY]);
    expectTransition('Correct', 'CORRECTED', 'CORRECTED', 'NeedsCorrection');
    expect(state('Appeal')).toMatchObject({
      Parameters: {
        'claimId.$': '$.claimId',
        to: 'APPEAL',
        event: 'APPEAL',
        // caps the appeal timer within the execution's one-year life
        'executionStartedAt.$': '$$.Execution.StartTime',
      },
      ResultPath: '$.transition',
      Next: 'AwaitAppeal',
    });
    expect(state('Secondary')).toMatchObject({ Parameters: { to: 'SECONDARY' }, End: true });
    // HumanReview ends the execution itself: no Succeed state after it (one transition fewer).
    expect(state('HumanReview')).toMatchObject({
      Parameters: { 'claimId.$': '$.claimId', to: 'HUMAN_REVIEW', event: 'HUMAN_REVIEW' },
      ResultPath: '$.transition',
      End: true,
      Retry: [LAMBDA_RETRY],
    });
    expect(Object.values(states).filter((st) => st.Type === 'Succeed')).toEqual([]);
  });

  it('sends every plain task except HumanReview to HumanReview on any error', () => {
    for (const name of [
      'Rejected',
      'RemitFollowUp',
      'Settle',
      'Correct',
      'Appeal',
      'AppealExpired',
      'AppealWriteOff',
      'Voided',
      'Secondary',
    ]) {
      expect(state(name).Catch, name).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'HumanReview' },
      ]);
    }
    expect(state('HumanReview').Catch).toBeUndefined();
  });

  it('waits on the appeal until the deadline record-transition answered, routing its decision by the token answer', () => {
    expectWait('AwaitAppeal', 'APPEAL', 'AWAITING_APPEAL', 'APPEAL', '$.appeal');
    // The timer is the payer's appeal window (payer registry), answered by the Appeal transition.
    expect(state('AwaitAppeal').TimeoutSecondsPath).toBe('$.transition.appealSeconds');
    expect(state('AwaitAppeal').Catch).toEqual([
      { ErrorEquals: ['Appeal.WRITE_OFF'], ResultPath: '$.appeal', Next: 'AppealWriteOff' },
      { ErrorEquals: ['Appeal.CORRECT'], ResultPath: '$.appeal', Next: 'Correct' },
      { ErrorEquals: ['Appeal.HUMAN_REVIEW'], ResultPath: '$.appeal', Next: 'HumanReview' },
      { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'AppealExpired' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'HumanReview' },
    ]);
    // Won: straight back to the remit wait for the payer's reprocessed 835.
    expect(state('AwaitAppeal').Next).toBe('AwaitRemit');
    expect(state('AppealExpired')).toMatchObject({
      Parameters: { 'claimId.$': '$.claimId', to: 'HUMAN_REVIEW', event: 'APPEAL_EXPIRED' },
      ResultPath: '$.transition',
      End: true,
    });
    // Lost and written off: the Settle task with a fixed route (WRITTEN_OFF, then CLOSED).
    expect(state('AppealWriteOff')).toMatchObject({
      Parameters: { 'claimId.$': '$.claimId', settle: 'WRITE_OFF' },
      ResultPath: '$.transition',
      End: true,
      Retry: [LAMBDA_RETRY],
    });
    expect(token(state('AppealWriteOff').Resource)).toEqual({ 'Fn::GetAtt': [recordId, 'Arn'] });
  });
});

/**
 * Walks the definition the way Step Functions does, counting every state entered (each is a billed
 * state transition): Task results come from `outcomes` (a wait's from tokenAnswer, as the Lambdas
 * answer it), Choice rules are evaluated on the execution data. Stops at an end, or at a Task the
 * scenario gives no outcome for (a wait that parks the claim).
 */
type Outcome = TokenReply | { ok: true; output: unknown };
/** A state's outcome, or its outcomes in order when it is entered more than once. */
function walk(
  outcomes: Record<string, Outcome | Outcome[]>,
  stopAt?: string,
  input: Record<string, unknown> = { claimId: 'C1' },
) {
  const data: Record<string, unknown> = { ...input };
  const entered: string[] = [];
  const read = (path: string) =>
    path
      .replace(/^\$\.?/, '')
      .split('.')
      .filter(Boolean)
      .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], data);
  const write = (path: string | undefined, value: unknown) => {
    const keys = (path ?? '$')
      .replace(/^\$\.?/, '')
      .split('.')
      .filter(Boolean);
    const last = keys.pop();
    if (!last) return;
    let at = data;
    for (const k of keys) {
      at[k] ??= {};
      at = at[k] as Record<string, unknown>;
    }
    at[last] = value;
  };
  const matches = (rule: Record<string, unknown>): boolean => {
    if (Array.isArray(rule.And)) return (rule.And as Record<string, unknown>[]).every(matches);
    const v = read(String(rule.Variable));
    if ('BooleanEquals' in rule) return v === rule.BooleanEquals;
    if ('StringEquals' in rule) return v === rule.StringEquals;
    if ('NumericLessThan' in rule) return typeof v === 'number' && v < Number(rule.NumericLessThan);
    if ('IsPresent' in rule) return (v !== undefined) === rule.IsPresent;
    throw new Error(`rule not understood by the walker: ${JSON.stringify(rule)}`);
  };
  let name: string | undefined = definition.StartAt as string;
  for (let steps = 0; name && steps < 50; steps++) {
    entered.push(name);
    if (name === stopAt) break;
    const st = state(name);
    if (st.Type === 'Succeed') break;
    if (st.Type === 'Choice') {
      name = (st.Choices?.find(matches)?.Next as string | undefined) ?? st.Default;
      continue;
    }
    const given = outcomes[name];
    const outcome = Array.isArray(given) ? given.shift() : given;
    if (!outcome) break;
    if (outcome.ok) {
      write(st.ResultPath, outcome.output);
      name = st.End ? undefined : st.Next;
      continue;
    }
    const caught = st.Catch?.find(
      (c) => c.ErrorEquals.includes(outcome.error) || c.ErrorEquals.includes('States.ALL'),
    );
    if (!caught) throw new Error(`${name}: ${outcome.error} is not caught`);
    write(caught.ResultPath, { Error: outcome.error, Cause: outcome.cause });
    name = caught.Next;
  }
  return entered;
}

const ok = (output: unknown = {}) => ({ ok: true as const, output });
const remit = (route: string): RemitOutcome => ({
  route: route as RemitRoute,
  paidCents: 0,
  patientResponsibilityCents: 0,
  adjustmentCents: 0,
  carcs: [],
  payerClaimControlNumber: 'P1',
  traceNumber: 'T1',
});
const clean: ScrubResult = { ok: true, errorCount: 0, warningCount: 1 };
const dirty: ScrubResult = { ok: false, errorCount: 2, warningCount: 0 };
const through = {
  Scrub: scrubAnswer(clean, { claimId: 'C1' }),
  Submit: ok(),
  AwaitAck: tokenAnswer('ACK', { accepted: true, source: '999', codes: [] }),
};

describe('state transitions per claim (each state entered is billed)', () => {
  it.each(['PAID', 'PATIENT_BALANCE', 'WRITE_OFF'])(
    'a claim remitted %s enters 5 states: Scrub, Submit, AwaitAck, AwaitRemit, Settle',
    (route) => {
      const path = walk({ ...through, AwaitRemit: tokenAnswer('REMIT', remit(route)), Settle: ok() });
      expect(path).toEqual(['Scrub', 'Submit', 'AwaitAck', 'AwaitRemit', 'Settle']);
      expect(path.length).toBeLessThanOrEqual(5);
    },
  );

  it.each<[string, WorkflowInput, string]>([
    ['a claim', { claimId: 'C1' }, 'Submit'],
    ['a void', { claimId: 'C1', void: true }, 'SubmitVoid'],
  ])(
    '%s with scrub errors goes from Scrub straight to NeedsCorrection, and is scrubbed again',
    (_, input, submit) => {
      const path = walk(
        {
          Scrub: [scrubAnswer(dirty, input), scrubAnswer(clean, input)],
          NeedsCorrection: ok({ corrected: true }),
        },
        'AwaitAck',
        { ...input },
      );
      expect(path.slice(0, 4)).toEqual(['Scrub', 'NeedsCorrection', 'Scrub', submit]);
    },
  );

  it('a scrub that fails otherwise (or whose answer never comes) ends in human review', () => {
    const path = walk({ Scrub: { ok: false, error: 'States.Timeout', cause: '' }, HumanReview: ok() });
    expect(path).toEqual(['Scrub', 'HumanReview']);
  });

  it.each([
    ['CORRECT', ['Correct', 'NeedsCorrection']],
    ['APPEAL', ['Appeal', 'AwaitAppeal']],
    ['SECONDARY', ['Secondary']],
    ['HUMAN_REVIEW', ['HumanReview']],
    ['SOMETHING_NEW', ['HumanReview']],
  ])('a claim remitted %s goes from AwaitRemit straight to its state', (route, rest) => {
    const path = walk({
      ...through,
      AwaitRemit: tokenAnswer('REMIT', remit(route)),
      Correct: ok(),
      Appeal: ok(),
      Secondary: ok(),
      HumanReview: ok(),
    });
    expect(path).toEqual(['Scrub', 'Submit', 'AwaitAck', 'AwaitRemit', ...rest]);
  });

  it('a rejected acknowledgment goes from AwaitAck straight to Rejected, then waits for a correction', () => {
    const path = walk({
      ...through,
      AwaitAck: tokenAnswer('ACK', { accepted: false, source: '277CA', codes: ['A7:562'] }),
      Rejected: ok(),
    });
    expect(path).toEqual(['Scrub', 'Submit', 'AwaitAck', 'Rejected', 'NeedsCorrection']);
  });

  const appealed = (decision: unknown) =>
    walk({
      ...through,
      AwaitRemit: tokenAnswer('REMIT', remit('APPEAL')),
      Appeal: ok({ appealSeconds: 86_400 }),
      AwaitAppeal: tokenAnswer('APPEAL', decision),
      AppealWriteOff: ok(),
      Correct: ok(),
      HumanReview: ok(),
    });
  const toAppeal = ['Scrub', 'Submit', 'AwaitAck', 'AwaitRemit', 'Appeal', 'AwaitAppeal'];

  it.each([
    ['WRITE_OFF', ['AppealWriteOff']],
    ['CORRECT', ['Correct', 'NeedsCorrection']],
    ['HUMAN_REVIEW', ['HumanReview']],
    ['SOMETHING_NEW', ['HumanReview']],
  ])('an appeal decided %s goes from AwaitAppeal straight to its state (no Choice)', (route, rest) => {
    expect(appealed({ route })).toEqual([...toAppeal, ...rest]);
  });

  it('an appeal won goes back to AwaitRemit and settles on the reprocessed 835', () => {
    const path = walk({
      ...through,
      AwaitRemit: [tokenAnswer('REMIT', remit('APPEAL')), tokenAnswer('REMIT', remit('PAID'))],
      Appeal: ok({ appealSeconds: 86_400 }),
      AwaitAppeal: tokenAnswer('APPEAL', { route: 'REMIT', outcome: 'OVERTURNED' }),
      Settle: ok(),
    });
    expect(path).toEqual([...toAppeal, 'AwaitRemit', 'Settle']);
  });

  it('an appeal deadline passing raises the expiry and ends in human review', () => {
    const path = walk({
      ...through,
      AwaitRemit: tokenAnswer('REMIT', remit('APPEAL')),
      Appeal: ok({ appealSeconds: 86_400 }),
      AwaitAppeal: { ok: false, error: 'States.Timeout', cause: '' },
      AppealExpired: ok(),
    });
    expect(path).toEqual([...toAppeal, 'AppealExpired']);
  });

  const voided: WorkflowInput = { claimId: 'C1', void: true };
  it('a void enters 4 states: its own submit and ack, then Voided, which ends', () => {
    const path = walk(
      { Scrub: scrubAnswer(clean, voided), SubmitVoid: ok(), AwaitVoidAck: through.AwaitAck, Voided: ok() },
      undefined,
      { ...voided },
    );
    expect(path).toEqual(['Scrub', 'SubmitVoid', 'AwaitVoidAck', 'Voided']);
  });

  it('a rejected void goes to Rejected, then waits for a correction', () => {
    const path = walk(
      {
        Scrub: scrubAnswer(clean, voided),
        SubmitVoid: ok(),
        AwaitVoidAck: tokenAnswer('ACK', { accepted: false, source: '277CA', codes: ['A7:562'] }),
        Rejected: ok(),
      },
      undefined,
      { ...voided },
    );
    expect(path).toEqual(['Scrub', 'SubmitVoid', 'AwaitVoidAck', 'Rejected', 'NeedsCorrection']);
  });

  it('a remit wait that times out is followed up, then waits again', () => {
    const path = walk(
      {
        ...through,
        AwaitRemit: { ok: false, error: 'States.Timeout', cause: '' },
        RemitFollowUp: ok({ followUps: 1 }),
      },
      'FollowUpAgain',
    );
    expect(path.slice(-3)).toEqual(['AwaitRemit', 'RemitFollowUp', 'FollowUpAgain']);
  });
});
