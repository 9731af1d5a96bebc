/**
 * The contract between the claim state machine (infra/workflow) and the Lambdas it calls or that
 * answer its task tokens. JSONPath state machine; execution input is WorkflowInput and every state
 * adds its result under its own ResultPath, so the execution state is WorkflowState.
 */
import type { ClaimStatus } from './model';

export interface WorkflowInput {
  claimId: string;
  /**
   * Set on an execution started to void the claim (frequency 8, functions/api void route): once the
   * payer accepts the void the claim ends VOIDED instead of waiting for an 835.
   */
  void?: true;
}

/**
 * Name of the execution that resubmits a claim whose first execution ended: deterministic from the
 * claim id and the claim version the correction (or void) was made from, so a retried request starts
 * nothing new (StartExecution with a used name is ExecutionAlreadyExists). <= 80 characters
 * ([A-Za-z0-9_-]); the claim id is <= 17.
 */
export function resubmissionExecutionName(claimId: string, kind: 'correction' | 'void', fromVersion: number) {
  return `${claimId}-${kind === 'void' ? 'void' : 'fix'}-${fromVersion}`;
}

/** scrub-claim Lambda: input { claimId }, output ScrubResult (state machine: ResultPath $.scrub). */
export interface ScrubResult {
  ok: boolean;
  errorCount: number;
  warningCount: number;
}

/** What a task-token wait is waiting for. */
export const WAIT_KINDS = ['CORRECTION', 'ACK', 'REMIT', 'APPEAL'] as const;
export type WaitKind = (typeof WAIT_KINDS)[number];

/**
 * record-transition Lambda input. Without taskToken: append the event, set the status, return.
 * With taskToken (invoked as lambda:invoke.waitForTaskToken): also store the token on the claim
 * for `wait`; if an outcome for that wait already arrived (pending), answer the token at once.
 */
export interface TransitionInput {
  claimId: string;
  to: ClaimStatus;
  event: string; // event type, e.g. 'SCRUB_FAILED', 'AWAITING_ACK', 'CLOSED'
  wait?: WaitKind;
  taskToken?: string;
  /** The execution's start ($$.Execution.StartTime), on the Appeal transition: caps the appeal timer. */
  executionStartedAt?: string;
}

export interface TransitionResult {
  claimId: string;
  status: ClaimStatus;
  followUps: number; // how many times AwaitRemit timed out and was followed up
  /**
   * On the Appeal transition: the appeal deadline (YYYY-MM-DD, the payer's appeal window from the
   * payer registry counted from the day the 835 routed the claim to APPEAL) and the seconds until
   * its end, the AwaitAppeal timer (TimeoutSecondsPath).
   */
  appealDeadline?: string;
  appealSeconds?: number;
}

/**
 * What answers the AwaitAppeal wait (ResultPath $.appeal), from the appeal outcome route: the
 * AppealDecided choice switches on `route`. REMIT: the appeal was won, the claim waits for the
 * payer's new 835 (AwaitRemit); WRITE_OFF: lost, written off (a manager's decision); CORRECT: the
 * claim was corrected instead (the correction waits, pending, for NeedsCorrection); HUMAN_REVIEW:
 * lost or withdrawn, a person decides.
 */
export interface AppealDecision {
  route: 'REMIT' | 'WRITE_OFF' | 'CORRECT' | 'HUMAN_REVIEW';
  outcome?: string;
  decidedOn?: string;
}

/** Message body the Submit state sends to the submission queue (sqs:sendMessage.waitForTaskToken). */
export interface SubmitMessage {
  claimId: string;
  taskToken: string;
}

/**
 * Errors submit-batch fails a Submit token with (SendTaskFailure), caught by the Submit state:
 * NEEDS_CORRECTION goes to the NeedsCorrection wait (the claim is NEEDS_CORRECTION with a finding:
 * e.g. the 837P writer cannot write it); every other error goes to HumanReview.
 */
export const SUBMIT_ERRORS = {
  /** The claim cannot be submitted as it is; it is (or already was) marked NEEDS_CORRECTION. */
  NEEDS_CORRECTION: 'Submit.NeedsCorrection',
  /** The claim's status no longer expects submission (e.g. a message redriven after the execution went on). */
  NOT_SUBMITTABLE: 'Submit.NotSubmittable',
  /** The claim's stored interchange will never be sent: another of its claims no longer expects it. */
  WITHDRAWN: 'Submit.InterchangeWithdrawn',
  CLAIM_NOT_FOUND: 'ClaimNotFound',
} as const;

/** What submit-batch answers the Submit token with (ResultPath $.submission). */
export interface SubmitResult {
  interchangeControlNumber: string;
  groupControlNumber: string;
  transactionSetControlNumber: string;
  x12Key: string; // S3 key of the 837P interchange
}

/** What process-ack answers the ACK wait with (ResultPath $.ack). */
export interface AckOutcome {
  accepted: boolean;
  source: '999' | '277CA';
  codes: string[]; // e.g. ['A1:20'] or ['IK5:R']
  payerClaimControlNumber?: string;
}

/** How a remitted claim goes on: the Route choice state switches on this. */
export type RemitRoute =
  | 'PAID'
  | 'PATIENT_BALANCE'
  | 'CORRECT'
  | 'APPEAL'
  | 'WRITE_OFF'
  | 'SECONDARY'
  | 'HUMAN_REVIEW';

/** What post-remittance answers the REMIT wait with (ResultPath $.remit). */
export interface RemitOutcome {
  route: RemitRoute;
  paidCents: number;
  patientResponsibilityCents: number;
  adjustmentCents: number;
  carcs: string[]; // "CO-45", "PR-1", ...
  payerClaimControlNumber: string;
  traceNumber: string;
}

export interface WorkflowState extends WorkflowInput {
  scrub?: ScrubResult;
  correction?: unknown;
  submission?: SubmitResult;
  ack?: AckOutcome;
  remit?: RemitOutcome;
  appeal?: AppealDecision;
  transition?: TransitionResult;
}
