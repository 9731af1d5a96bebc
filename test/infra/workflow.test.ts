import { beforeAll, describe, expect, it } from 'vitest';
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
  it('is a Standard, JSONPath state machine with full logging and tracing', () => {
    expect(stateMachine.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL' },
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
        'ScrubPassed',
        'NeedsCorrection',
        'Submit',
        'AwaitAck',
        'AckAccepted',
        'Rejected',
        'AwaitRemit',
        'RemitFollowUp',
        'FollowUpAgain',
        'Route',
        'Paid',
        'PatientBalance',
        'WriteOff',
        'Correct',
        'Appeal',
        'AwaitAppeal',
        'AppealExpired',
        'AppealDecided',
        'Voided',
        'VoidAccepted',
        'Secondary',
        'HumanReview',
        'Close',
        'SentToSecondary',
        'AwaitingHumanReview',
        'Closed',
      ].sort(),
    );
  });

  it('scrubs with scrub-claim and branches on $.scrub.ok', () => {
    const scrub = state('Scrub');
    expect(token(scrub.Resource)).toEqual({ 'Fn::GetAtt': [scrubId, 'Arn'] });
    expect(scrub.Parameters).toEqual({ 'claimId.$': '$.claimId' });
    expect(scrub.ResultPath).toBe('$.scrub');
    expect(scrub.Next).toBe('ScrubPassed');
    expect(scrub.Retry).toEqual([LAMBDA_RETRY]);
    expect(scrub.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'HumanReview' },
    ]);
    expect(state('ScrubPassed')).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.scrub.ok', BooleanEquals: true, Next: 'Submit' }],
      Default: 'NeedsCorrection',
    });
    expectWait('NeedsCorrection', 'NEEDS_CORRECTION', 'NEEDS_CORRECTION', 'CORRECTION', '$.correction');
    expect(state('NeedsCorrection').Next).toBe('Scrub');
  });

  it('submits through the submission queue with a task token', () => {
    const submit = state('Submit');
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
    expect(submit.Next).toBe('AwaitAck');
  });

  it('waits for the ack, then for the remittance with follow-ups', () => {
    expectWait('AwaitAck', 'SUBMITTED', 'AWAITING_ACK', 'ACK', '$.ack', 7);
    expect(state('AwaitAck').Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'HumanReview' },
    ]);
    expect(state('AwaitAck').Next).toBe('AckAccepted');
    expect(state('AckAccepted')).toMatchObject({
      Choices: [
        {
          And: [
            { Variable: '$.ack.accepted', BooleanEquals: true },
            { Variable: '$.void', IsPresent: true },
          ],
          Next: 'Voided',
        },
        { Variable: '$.ack.accepted', BooleanEquals: true, Next: 'AwaitRemit' },
      ],
      Default: 'Rejected',
    });
    // A void the payer accepted ends VOIDED: it waits for no 835.
    expectTransition('Voided', 'VOIDED', 'VOIDED', 'VoidAccepted');
    expect(state('VoidAccepted').Type).toBe('Succeed');
    expectTransition('Rejected', 'REJECTED', 'REJECTED', 'NeedsCorrection');

    expectWait('AwaitRemit', 'ACCEPTED', 'AWAITING_REMIT', 'REMIT', '$.remit', 30);
    expect(state('AwaitRemit').Catch).toEqual([
      { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'RemitFollowUp' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'HumanReview' },
    ]);
    expect(state('AwaitRemit').Next).toBe('Route');
    expectTransition('RemitFollowUp', 'ACCEPTED', 'REMIT_FOLLOW_UP', 'FollowUpAgain');
    expect(state('FollowUpAgain')).toMatchObject({
      Choices: [{ Variable: '$.transition.followUps', NumericLessThan: 3, Next: 'AwaitRemit' }],
      Default: 'HumanReview',
    });
  });

  it('routes on $.remit.route to the outcome states', () => {
    expect(state('Route').Choices).toEqual(
      [
        ['PAID', 'Paid'],
        ['PATIENT_BALANCE', 'PatientBalance'],
        ['CORRECT', 'Correct'],
        ['APPEAL', 'Appeal'],
        ['WRITE_OFF', 'WriteOff'],
        ['SECONDARY', 'Secondary'],
      ].map(([value, next]) => ({ Variable: '$.remit.route', StringEquals: value, Next: next })),
    );
    expect(state('Route').Default).toBe('HumanReview');
    expectTransition('Paid', 'PAID', 'PAID', 'Close');
    expectTransition('PatientBalance', 'PATIENT_BALANCE', 'PATIENT_BALANCE', 'Close');
    expectTransition('WriteOff', 'WRITTEN_OFF', 'WRITTEN_OFF', 'Close');
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
    expectTransition('Secondary', 'SECONDARY', 'SECONDARY', 'SentToSecondary');
    expectTransition('HumanReview', 'HUMAN_REVIEW', 'HUMAN_REVIEW', 'AwaitingHumanReview');
    expectTransition('Close', 'CLOSED', 'CLOSED', 'Closed');
    for (const end of ['SentToSecondary', 'AwaitingHumanReview', 'Closed']) {
      expect(state(end).Type).toBe('Succeed');
    }
  });

  it('sends every plain task except HumanReview to HumanReview on any error', () => {
    for (const name of [
      'Rejected',
      'RemitFollowUp',
      'Paid',
      'PatientBalance',
      'WriteOff',
      'Correct',
      'Appeal',
      'AppealExpired',
      'Voided',
      'Secondary',
      'Close',
    ]) {
      expect(state(name).Catch, name).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'HumanReview' },
      ]);
    }
    expect(state('HumanReview').Catch).toBeUndefined();
  });

  it('waits on the appeal until the deadline record-transition answered, then routes its decision', () => {
    expectWait('AwaitAppeal', 'APPEAL', 'AWAITING_APPEAL', 'APPEAL', '$.appeal');
    // The timer is the payer's appeal window (payer registry), answered by the Appeal transition.
    expect(state('AwaitAppeal').TimeoutSecondsPath).toBe('$.transition.appealSeconds');
    expect(state('AwaitAppeal').Catch).toEqual([
      { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'AppealExpired' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'HumanReview' },
    ]);
    expectTransition('AppealExpired', 'HUMAN_REVIEW', 'APPEAL_EXPIRED', 'AwaitingHumanReview');
    expect(state('AwaitAppeal').Next).toBe('AppealDecided');
    expect(state('AppealDecided').Choices).toEqual(
      [
        ['REMIT', 'AwaitRemit'],
        ['WRITE_OFF', 'WriteOff'],
        ['CORRECT', 'Correct'],
      ].map(([value, next]) => ({ Variable: '$.appeal.route', StringEquals: value, Next: next })),
    );
    expect(state('AppealDecided').Default).toBe('HumanReview');
  });
});
