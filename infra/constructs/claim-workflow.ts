/**
 * ClaimWorkflow: the claim lifecycle state machine (Standard, JSONPath) with scrub-claim and
 * record-transition. State names are a contract with the local runtime and the e2e test; the payloads
 * follow shared/claims/workflow.ts.
 *
 * Every state entered is a billed transition, so Scrub and the waits branch by how their token is
 * answered (scrubAnswer / tokenAnswer: success goes on, a failure is caught to its state) instead of
 * a Choice state after them, and the routes that end a claim end on the Settle task: a paid claim
 * enters 5 states (docs/guarantees.md "The claim state machine" has the count per route).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import {
  Choice,
  Condition,
  CustomerManagedEncryptionConfiguration,
  DefinitionBody,
  Errors,
  type IChainable,
  IntegrationPattern,
  JsonPath,
  LogLevel,
  QueryLanguage,
  StateMachine,
  StateMachineType,
  TaskInput,
  type TaskStateBase,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke, SqsSendMessage } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { envSchema as recordTransitionEnv } from '../../functions/record-transition/env';
import { REFERENCE_KEYS, envSchema as scrubClaimEnv } from '../../functions/scrub-claim/env';
import type { ClaimStatus } from '../../shared/claims/model';
import {
  APPEAL_ONWARD_ROUTES,
  type AppealOnwardRoute,
  ONWARD_ROUTES,
  type OnwardRoute,
  SCRUB_ERRORS,
  type SettleRoute,
  SUBMIT_ERRORS,
  WAIT_ERRORS,
  type WaitKind,
} from '../../shared/claims/workflow';
import { APPEAL_EXPIRED_EVENT, TokenAnswerFailedError } from '../../shared/services/transition';
import { GSI1 } from '../../shared/store/table';
import type { ClaimflowConfig } from '../config';
import { ClaimflowFunction } from '../lib/function';
import { grantTable, taskResponseStatement } from '../lib/grants';
import { markResource } from '../lib/metadata';
import { acknowledge, wildcardResourceFinding } from '../lib/nag';
import { bucketName } from './data';

/** Errors every Lambda task retries (transient Lambda service errors). */
export const LAMBDA_RETRY_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** record-transition could not answer a wait's token with the outcome that came first (kept pending): retried with a new token. */
export const TOKEN_ANSWER_RETRY = {
  errors: [new TokenAnswerFailedError('').name],
  interval: Duration.seconds(5),
  backoffRate: 2,
  maxAttempts: 5,
};

/**
 * SCRUB: scrub-claim (30 s Lambda timeout, retried on throttling as a new attempt) answers within
 * seconds; an answer that never comes ends the wait in human review instead of parking the claim.
 */
export const WAIT_TIMEOUTS = {
  SCRUB: Duration.minutes(15),
  ACK: Duration.days(7),
  REMIT: Duration.days(30),
  SUBMIT: Duration.days(2),
};
export const MAX_REMIT_FOLLOW_UPS = 3;

export interface ClaimWorkflowProps {
  config: ClaimflowConfig;
  opsKey: IKey;
  dataKey: IKey;
  table: { tableArn: string; tableName: string };
  submissionQueue: IQueue;
  /**
   * The bucket the deployer uploads the scrubber's reference data to (REFERENCE_KEYS: NCCI table, CPT
   * list). Default: the charges bucket, addressed by its deterministic name and encrypted with the
   * data key.
   */
  referenceBucket?: IBucket;
}

export class ClaimWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly scrubClaim: ClaimflowFunction;
  readonly recordTransition: ClaimflowFunction;

  constructor(scope: Construct, id: string, props: ClaimWorkflowProps) {
    super(scope, id);
    const { config } = props;

    const referenceBucket =
      props.referenceBucket ??
      Bucket.fromBucketAttributes(this, 'ReferenceBucket', {
        bucketName: bucketName(config.namePrefix, 'charges'),
        encryptionKey: props.dataKey,
      });
    this.scrubClaim = new ClaimflowFunction(this, 'ScrubClaim', {
      name: 'scrub-claim',
      description: 'Runs the scrub rules on a claim (Scrub state)',
      envSchema: scrubClaimEnv,
      environment: {
        TABLE_NAME: props.table.tableName,
        TIMELY_FILING_DAYS: String(config.timelyFilingDays),
        REFERENCE_BUCKET: referenceBucket.bucketName,
        NCCI_TABLE_KEY: REFERENCE_KEYS.ncci,
        CPT_LIST_KEY: REFERENCE_KEYS.cpt,
      },
      timeout: Duration.seconds(30),
      // Holds the deployer's NCCI table (a full CMS quarter compiles to tens of MB of JSON).
      memorySize: 1024,
      reservedConcurrency: 20,
      logKey: props.opsKey,
      logRetentionDays: config.logRetentionDays,
    });
    grantTable(this.scrubClaim, props.table, [GSI1], props.dataKey, 'readwrite');
    // Reference data: read exactly the two keys; list only those keys, so that S3 answers a missing
    // object with 404 (no NCCI edits / format-only CPT) rather than 403, and no other key is listed.
    const referenceKeys = [REFERENCE_KEYS.ncci, REFERENCE_KEYS.cpt];
    this.scrubClaim.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: referenceKeys.map((k) => referenceBucket.arnForObjects(k)),
      }),
    );
    this.scrubClaim.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [referenceBucket.bucketArn],
        conditions: { StringEquals: { 's3:prefix': referenceKeys } },
      }),
    );
    props.dataKey.grant(this.scrubClaim.role, 'kms:Decrypt');

    this.recordTransition = new ClaimflowFunction(this, 'RecordTransition', {
      name: 'record-transition',
      description: 'Records a claim status transition and stores wait task tokens',
      envSchema: recordTransitionEnv,
      environment: { TABLE_NAME: props.table.tableName },
      timeout: Duration.seconds(15),
      reservedConcurrency: 20,
      logKey: props.opsKey,
      logRetentionDays: config.logRetentionDays,
    });
    grantTable(this.recordTransition, props.table, [GSI1], props.dataKey, 'readwrite');

    const record = this.recordTransition.fn;
    const retry = <T extends LambdaInvoke>(task: T): T => {
      task.addRetry({
        errors: LAMBDA_RETRY_ERRORS,
        interval: Duration.seconds(2),
        backoffRate: 2,
        maxAttempts: 6,
      });
      return task;
    };
    const claimId = JsonPath.stringAt('$.claimId');
    /** Plain record-transition: append the event, set the status; result at $.transition. */
    const transition = (
      stateId: string,
      to: ClaimStatus,
      event: string,
      extra: Record<string, unknown> = {},
    ) =>
      retry(
        LambdaInvoke.jsonPath(this, stateId, {
          lambdaFunction: record,
          retryOnServiceExceptions: false,
          payload: TaskInput.fromObject({ claimId, to, event, ...extra }),
          payloadResponseOnly: true,
          resultPath: '$.transition',
        }),
      );
    /** record-transition that parks the execution until the wait's outcome answers the task token. */
    const waitFor = (
      stateId: string,
      to: ClaimStatus,
      event: string,
      wait: WaitKind,
      resultPath: string,
      timeout?: Timeout,
    ) =>
      retry(
        LambdaInvoke.jsonPath(this, stateId, {
          lambdaFunction: record,
          retryOnServiceExceptions: false,
          integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
          payload: TaskInput.fromObject({ claimId, to, event, wait, taskToken: JsonPath.taskToken }),
          resultPath,
          ...(timeout ? { taskTimeout: timeout } : {}),
        }),
      ).addRetry(TOKEN_ANSWER_RETRY);
    const toHumanReview = { resultPath: '$.error' };

    // HumanReview (and AppealExpired) end the execution themselves: a Succeed state after them would
    // be one more billed transition and records nothing.
    const humanReview = transition('HumanReview', 'HUMAN_REVIEW', 'HUMAN_REVIEW');
    /** Plain tasks other than HumanReview fall back to human review on any error. */
    const plain = (stateId: string, to: ClaimStatus, event: string, extra: Record<string, unknown> = {}) =>
      transition(stateId, to, event, extra).addCatch(humanReview, { errors: [Errors.ALL], ...toHumanReview });

    /**
     * scrub-claim answers the task token (scrubAnswer): clean -> success (Submit); findings -> the
     * Scrub.Findings failure (NeedsCorrection); a void's clean claim -> Scrub.Void (SubmitVoid). No
     * Choice state after it. The execution input tells scrub-claim whether it runs for a void.
     * Catches are added below, once their states exist.
     */
    const scrub = retry(
      LambdaInvoke.jsonPath(this, 'Scrub', {
        lambdaFunction: this.scrubClaim.fn,
        retryOnServiceExceptions: false,
        integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: TaskInput.fromObject({
          claimId,
          execution: JsonPath.objectAt('$$.Execution.Input'),
          taskToken: JsonPath.taskToken,
        }),
        resultPath: '$.scrub',
        taskTimeout: Timeout.duration(WAIT_TIMEOUTS.SCRUB),
      }),
    ).addRetry(TOKEN_ANSWER_RETRY);

    const needsCorrection = waitFor(
      'NeedsCorrection',
      'NEEDS_CORRECTION',
      'NEEDS_CORRECTION',
      'CORRECTION',
      '$.correction',
    );
    needsCorrection.next(scrub);

    const rejected = plain('Rejected', 'REJECTED', 'REJECTED');
    rejected.next(needsCorrection);
    /**
     * Submit (the submission queue answers the token) then wait for the 999/277CA. A rejected
     * acknowledgment fails the ACK token with Ack.Rejected (tokenAnswer): the wait catches it ->
     * Rejected; an accepted one succeeds to the wait's next state. No Choice state after the wait.
     */
    const submitAndAwaitAck = (submitId: string, awaitAckId: string) => {
      const submit = SqsSendMessage.jsonPath(this, submitId, {
        queue: props.submissionQueue,
        integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        messageBody: TaskInput.fromObject({ claimId, taskToken: JsonPath.taskToken }),
        resultPath: '$.submission',
        taskTimeout: Timeout.duration(WAIT_TIMEOUTS.SUBMIT),
      })
        // submit-batch found the claim cannot be sent as it is (e.g. the 837P writer cannot write it):
        // it is NEEDS_CORRECTION with a finding; wait for the correction.
        .addCatch(needsCorrection, { errors: [SUBMIT_ERRORS.NEEDS_CORRECTION], resultPath: '$.error' })
        .addCatch(humanReview, { errors: [Errors.ALL], ...toHumanReview });
      const awaitAck = waitFor(
        awaitAckId,
        'SUBMITTED',
        'AWAITING_ACK',
        'ACK',
        '$.ack',
        Timeout.duration(WAIT_TIMEOUTS.ACK),
      )
        .addCatch(rejected, { errors: [WAIT_ERRORS.ACK_REJECTED], resultPath: '$.ack' })
        .addCatch(humanReview, { errors: [Errors.ALL], ...toHumanReview });
      submit.next(awaitAck);
      return { submit, awaitAck };
    };
    const { submit, awaitAck } = submitAndAwaitAck('Submit', 'AwaitAck');

    const awaitRemit = waitFor(
      'AwaitRemit',
      'ACCEPTED',
      'AWAITING_REMIT',
      'REMIT',
      '$.remit',
      Timeout.duration(WAIT_TIMEOUTS.REMIT),
    );
    const remitFollowUp = plain('RemitFollowUp', 'ACCEPTED', 'REMIT_FOLLOW_UP');
    remitFollowUp.next(
      Choice.jsonPath(this, 'FollowUpAgain')
        .when(Condition.numberLessThan('$.transition.followUps', MAX_REMIT_FOLLOW_UPS), awaitRemit)
        .otherwise(humanReview),
    );

    // Routes that end the claim (PAID, PATIENT_BALANCE, WRITE_OFF) answer the REMIT token with
    // success: one Settle task records the route's status and event, then CLOSED, and ends the
    // execution. Routes that go on fail the token with Route.<route> (tokenAnswer), caught to their
    // state with the failure ({ Error, Cause: RemitOutcome JSON }) at $.remit.
    /** record-transition with { claimId, settle }: the route's status and event, then CLOSED; ends the execution. */
    const settleTask = (stateId: string, route: string) =>
      retry(
        LambdaInvoke.jsonPath(this, stateId, {
          lambdaFunction: record,
          retryOnServiceExceptions: false,
          payload: TaskInput.fromObject({ claimId, settle: route }),
          payloadResponseOnly: true,
          resultPath: '$.transition',
        }),
      ).addCatch(humanReview, { errors: [Errors.ALL], ...toHumanReview });
    const settle = settleTask('Settle', JsonPath.stringAt('$.remit.route'));
    const correct = plain('Correct', 'CORRECTED', 'CORRECTED');
    correct.next(needsCorrection);
    // Appeal: record-transition sets APPEAL and answers the appeal deadline (the payer registry's
    // window from today) as $.transition.appealSeconds, the AwaitAppeal timer (capped to end before
    // the execution's one-year limit: the execution's start time is passed, a Standard execution
    // lives at most a year). The appeal outcome route answers the wait once (AppealDecision); the
    // deadline passing first is a work item and human review.
    const appeal = plain('Appeal', 'APPEAL', 'APPEAL', {
      executionStartedAt: JsonPath.stringAt('$$.Execution.StartTime'),
    });
    const awaitAppeal = waitFor(
      'AwaitAppeal',
      'APPEAL',
      'AWAITING_APPEAL',
      'APPEAL',
      '$.appeal',
      Timeout.at('$.transition.appealSeconds'),
    );
    const appealExpired = transition('AppealExpired', 'HUMAN_REVIEW', APPEAL_EXPIRED_EVENT);
    appealExpired.addCatch(humanReview, { errors: [Errors.ALL], ...toHumanReview });
    appeal.next(awaitAppeal);
    const secondary = plain('Secondary', 'SECONDARY', 'SECONDARY');
    /**
     * A wait's branches by its token's failure (tokenAnswer), each caught with the failure at the
     * wait's ResultPath; then its timer running out, then anything else to HumanReview.
     */
    const branchByAnswer = (
      wait: TaskStateBase,
      resultPath: string,
      routes: [error: string, next: IChainable][],
      onTimeout: IChainable,
    ) => {
      for (const [error, next] of routes) wait.addCatch(next, { errors: [error], resultPath });
      wait
        .addCatch(onTimeout, { errors: [Errors.TIMEOUT], ...toHumanReview })
        .addCatch(humanReview, { errors: [Errors.ALL], ...toHumanReview });
    };
    const onward: Record<OnwardRoute, IChainable> = {
      CORRECT: correct,
      APPEAL: appeal,
      SECONDARY: secondary,
      HUMAN_REVIEW: humanReview,
    };
    branchByAnswer(
      awaitRemit,
      '$.remit',
      ONWARD_ROUTES.map((r) => [WAIT_ERRORS.route(r), onward[r]]),
      remitFollowUp,
    );
    awaitRemit.next(settle);
    awaitAck.next(awaitRemit);

    // Appeal decided (tokenAnswer): won (REMIT) succeeds -> AwaitRemit for the payer's new 835; the
    // others fail with Appeal.<route>, caught to their state: a write-off settles like a WRITE_OFF
    // remit (WRITTEN_OFF, then CLOSED) in a Settle task of its own.
    const appealWriteOff = settleTask('AppealWriteOff', 'WRITE_OFF' satisfies SettleRoute);
    const appealOnward: Record<AppealOnwardRoute, IChainable> = {
      WRITE_OFF: appealWriteOff,
      CORRECT: correct,
      HUMAN_REVIEW: humanReview,
    };
    branchByAnswer(
      awaitAppeal,
      '$.appeal',
      APPEAL_ONWARD_ROUTES.map((r) => [WAIT_ERRORS.appeal(r), appealOnward[r]]),
      appealExpired,
    );
    awaitAppeal.next(awaitRemit);

    // A void (execution input { claimId, void: true }, frequency 8) branches off at Scrub (the
    // Scrub.Void failure) to submit and ack states of its own: once the payer accepts the void the
    // claim ends VOIDED on the Voided task; it waits for no 835 (a reversal of posted payments
    // arrives as a remit of a claim that expects none: a work item, docs/api.md).
    const voidPath = submitAndAwaitAck('SubmitVoid', 'AwaitVoidAck');
    voidPath.awaitAck.next(plain('Voided', 'VOIDED', 'VOIDED'));

    scrub
      .addCatch(needsCorrection, { errors: [SCRUB_ERRORS.FINDINGS], resultPath: '$.scrub' })
      .addCatch(voidPath.submit, { errors: [SCRUB_ERRORS.VOID], resultPath: '$.scrub' })
      .addCatch(humanReview, { errors: [Errors.ALL], ...toHumanReview })
      .next(submit);

    const logGroup = new LogGroup(this, 'LogGroup', {
      encryptionKey: props.opsKey,
      retention: config.logRetentionDays as RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      // A physical name: the role's key grant is conditioned on the state machine ARN (encryption
      // context), which CDK can only spell from a known name (a generated one would leave it empty).
      stateMachineName: `${config.namePrefix}-claims`,
      stateMachineType: StateMachineType.STANDARD,
      queryLanguage: QueryLanguage.JSON_PATH,
      definitionBody: DefinitionBody.fromChainable(scrub),
      // Errors only: every transition is in the execution history already (docs/cost.md). Execution data
      // stays out of the logs: it holds claim ids and amounts only, but logs are wider-read.
      logs: { destination: logGroup, level: LogLevel.ERROR, includeExecutionData: false },
      tracingEnabled: true,
      // Definition and execution history (claim ids, amounts, outcomes) under the data key. Every
      // caller (StartExecution, SendTask*) already holds kms:GenerateDataKey/Decrypt on it for the table.
      encryptionConfiguration: new CustomerManagedEncryptionConfiguration(props.dataKey, Duration.minutes(5)),
    });
    markResource(this.stateMachine, 'stateMachine', 'claim');
    acknowledge(
      this.stateMachine,
      'AwsSolutions-SF1',
      'Logs at ERROR, not ALL: every state transition of every execution is in the execution history (kept 90 days, read by DescribeExecution/GetExecutionHistory), X-Ray traces every execution, and logging ALL cost about as much as the DynamoDB writes of a claim (docs/cost.md). Failed states and executions are logged.',
    );

    // record-transition answers a token at once when the outcome arrived before the wait. A separate
    // policy (not the role's default policy, which the function depends on) avoids the cycle
    // function -> policy -> state machine -> function.
    new Policy(this, 'RecordTransitionTaskResponse', {
      roles: [this.recordTransition.role],
      statements: [taskResponseStatement(this.stateMachine)],
    });
    // scrub-claim answers the Scrub task's token (same cycle, same remedy).
    new Policy(this, 'ScrubClaimTaskResponse', {
      roles: [this.scrubClaim.role],
      statements: [taskResponseStatement(this.stateMachine)],
    });

    const smRole = this.stateMachine.role;
    for (const fn of [this.scrubClaim.fn, this.recordTransition.fn]) {
      acknowledge(
        smRole,
        wildcardResourceFinding(this, `${fn.functionArn}:*`),
        'CDK LambdaInvoke grants lambda:InvokeFunction on the function and its versions/aliases (ARN:*); the state machine invokes only these two functions.',
      );
    }
    acknowledge(
      smRole,
      'AwsSolutions-IAM5[Resource::*]',
      'CloudWatch Logs vended log delivery (logs:CreateLogDelivery, PutResourcePolicy, ...) and X-Ray tracing actions do not support resource-level permissions.',
    );
    acknowledge(
      smRole,
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'Generated by CDK SqsSendMessage for the CMK-encrypted submission queue; the statement is scoped to that one key ARN.',
    );
    acknowledge(
      this,
      'HIPAA.Security-IAMNoInlinePolicy',
      'Inline policies here belong to the state machine role and the record-transition and scrub-claim task-response policies only; each is generated by CDK grants for exactly the resources used.',
    );
  }
}
