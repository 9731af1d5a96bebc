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

/**
 * scrub-claim Lambda input (the Scrub state, lambda:invoke.waitForTaskToken): the claim, the
 * execution's input (a void's execution says so) and the task token scrub-claim answers with
 * scrubAnswer. Branching by the answer instead of a Choice state after Scrub saves a state
 * transition per claim.
 */
export interface ScrubInput {
  claimId: string;
  /** $$.Execution.Input */
  execution: WorkflowInput;
  taskToken: string;
}

/** The scrub's result: the Scrub token's success output, or the Cause (JSON) of its failure. */
export interface ScrubResult {
  ok: boolean;
  errorCount: number;
  warningCount: number;
}

/** Errors scrub-claim fails the Scrub token with (SendTaskFailure), each caught to its state with { Error, Cause } at $.scrub. */
export const SCRUB_ERRORS = {
  /** The claim has scrub errors (SCRUB_FAILED): Scrub catches it -> NeedsCorrection. */
  FINDINGS: 'Scrub.Findings',
  /** A void's claim scrubbed clean: Scrub catches it -> SubmitVoid (its own submit and ack). */
  VOID: 'Scrub.Void',
} as const;

/**
 * How scrub-claim answers the Scrub token: clean -> success with the result (Submit next); clean
 * on a void's execution -> failure Scrub.Void (SubmitVoid); errors (void or not) -> failure
 * Scrub.Findings (NeedsCorrection). The same three ways the ScrubPassed Choice state used to go.
 * Findings are the normal outcome of a scrub, not a Lambda error: the function returns normally.
 */
export function scrubAnswer(result: ScrubResult, execution: WorkflowInput): TokenReply {
  if (!result.ok) return failTo(SCRUB_ERRORS.FINDINGS, result);
  if (execution.void === true) return failTo(SCRUB_ERRORS.VOID, result);
  return { ok: true, output: result };
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

/**
 * record-transition Lambda input of the Settle state: the remit answered the REMIT wait with a route
 * that ends the claim (SETTLE_ROUTES). Records the route's status and event, then CLOSED, in one
 * task (each step a version-checked save, skipped when already done: retry- and crash-safe).
 */
export interface SettleInput {
  claimId: string;
  settle: RemitRoute;
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
 * What answers the AwaitAppeal wait (ResultPath $.appeal), from the appeal outcome route; the wait
 * branches by the token answer (tokenAnswer). REMIT: the appeal was won, the claim waits for the
 * payer's new 835 (success -> AwaitRemit); WRITE_OFF: lost, written off (a manager's decision;
 * Appeal.WRITE_OFF -> AppealWriteOff, a Settle task); CORRECT: the claim was corrected instead (the
 * correction waits, pending, for NeedsCorrection; Appeal.CORRECT -> Correct); HUMAN_REVIEW: lost or
 * withdrawn, a person decides (Appeal.HUMAN_REVIEW -> HumanReview).
 */
export type AppealRoute = 'REMIT' | 'WRITE_OFF' | 'CORRECT' | 'HUMAN_REVIEW';
export interface AppealDecision {
  route: AppealRoute;
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

/**
 * How a remitted claim goes on: settle routes end the claim (Settle state), the others fail the
 * AwaitRemit token with Route.<route> to their state (tokenAnswer).
 */
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

/**
 * Remit routes that end the claim: AwaitRemit succeeds and the Settle task records the route's
 * status and event, then CLOSED (same events, same order as a Paid/PatientBalance/WriteOff state
 * followed by a Close state).
 */
export const SETTLE_ROUTES = {
  PAID: { to: 'PAID', event: 'PAID' },
  PATIENT_BALANCE: { to: 'PATIENT_BALANCE', event: 'PATIENT_BALANCE' },
  WRITE_OFF: { to: 'WRITTEN_OFF', event: 'WRITTEN_OFF' },
} as const satisfies Partial<Record<RemitRoute, { to: ClaimStatus; event: string }>>;
export type SettleRoute = keyof typeof SETTLE_ROUTES;
/** The step every settled claim ends with. */
export const CLOSE_STEP = { to: 'CLOSED', event: 'CLOSED' } as const satisfies {
  to: ClaimStatus;
  event: string;
};

export function isSettleRoute(route: unknown): route is SettleRoute {
  return typeof route === 'string' && Object.hasOwn(SETTLE_ROUTES, route);
}

/** Remit routes that go on to a state of their own: AwaitRemit fails with `Route.<route>` and catches it. */
export const ONWARD_ROUTES = [
  'CORRECT',
  'APPEAL',
  'SECONDARY',
  'HUMAN_REVIEW',
] as const satisfies readonly RemitRoute[];
export type OnwardRoute = (typeof ONWARD_ROUTES)[number];

/** Appeal routes that go on from AwaitAppeal by failure: `Appeal.<route>`, caught to their state. */
export const APPEAL_ONWARD_ROUTES = [
  'WRITE_OFF',
  'CORRECT',
  'HUMAN_REVIEW',
] as const satisfies readonly AppealRoute[];
export type AppealOnwardRoute = (typeof APPEAL_ONWARD_ROUTES)[number];

/** Errors a wait's token is failed with (SendTaskFailure) to branch the state machine without a Choice state. */
export const WAIT_ERRORS = {
  /** The 999 / 277CA rejected the claim: AwaitAck catches it -> Rejected. Cause: the AckOutcome JSON. */
  ACK_REJECTED: 'Ack.Rejected',
  /** `Route.CORRECT`, `Route.APPEAL`, ...: AwaitRemit catches each -> its state. Cause: the RemitOutcome JSON. */
  route: (route: OnwardRoute) => `Route.${route}` as const,
  /** `Appeal.WRITE_OFF`, ...: AwaitAppeal catches each -> its state. Cause: the AppealDecision JSON. */
  appeal: (route: AppealOnwardRoute) => `Appeal.${route}` as const,
} as const;

/** How a wait's task token is answered: SendTaskSuccess(output) or SendTaskFailure(error, cause). */
export type TokenReply = { ok: true; output: unknown } | { ok: false; error: string; cause: string };

/**
 * The one mapping from a wait's outcome to its token answer, used by every place that answers a wait
 * (process-ack and post-remittance through outcomes.deliver, record-transition handing over a pending
 * outcome, the workbench resuming a correction). Branching by error instead of a Choice state after
 * the wait saves a state transition per claim:
 * - ACK: accepted -> success (AwaitRemit next); anything else -> failure Ack.Rejected (Rejected).
 * - REMIT: PAID / PATIENT_BALANCE / WRITE_OFF -> success (Settle next); CORRECT / APPEAL / SECONDARY ->
 *   failure Route.<route> (its state); any other route -> failure Route.HUMAN_REVIEW.
 * - APPEAL: REMIT (won) -> success (AwaitRemit next); WRITE_OFF / CORRECT -> failure Appeal.<route>
 *   (AppealWriteOff / Correct); any other route -> failure Appeal.HUMAN_REVIEW.
 * - every other wait: success.
 * The failure's cause is the outcome as JSON: the catch puts { Error, Cause } at the wait's
 * ResultPath ($.ack / $.remit / $.appeal); a later state that needs a field reads it with
 * States.StringToJson($.remit.Cause) in its Parameters.
 */
export function tokenAnswer(kind: WaitKind, output: unknown): TokenReply {
  if (kind === 'ACK') {
    if ((output as Partial<AckOutcome> | undefined)?.accepted === true) return { ok: true, output };
    return { ok: false, error: WAIT_ERRORS.ACK_REJECTED, cause: JSON.stringify(output ?? null) };
  }
  const route = (output as { route?: unknown } | undefined)?.route;
  if (kind === 'REMIT') {
    if (isSettleRoute(route)) return { ok: true, output };
    return failTo(WAIT_ERRORS.route(onwardOf(ONWARD_ROUTES, route)), output);
  }
  if (kind === 'APPEAL') {
    if (route === 'REMIT') return { ok: true, output };
    return failTo(WAIT_ERRORS.appeal(onwardOf(APPEAL_ONWARD_ROUTES, route)), output);
  }
  return { ok: true, output };
}

/** The onward route a wait's outcome names, or HUMAN_REVIEW for one the state machine does not know. */
function onwardOf<R extends string>(routes: readonly (R | 'HUMAN_REVIEW')[], route: unknown) {
  return (routes as readonly unknown[]).includes(route) ? (route as R) : 'HUMAN_REVIEW';
}
const failTo = (error: string, output: unknown): TokenReply => ({
  ok: false,
  error,
  cause: JSON.stringify(output ?? null),
});

/** What a caught wait failure puts at the wait's ResultPath (Step Functions' error output). */
export interface CaughtFailure {
  Error: string;
  /** The outcome as JSON (TokenReply cause). */
  Cause: string;
}

export interface WorkflowState extends WorkflowInput {
  /** ScrubResult when clean; the caught Scrub.Findings / Scrub.Void failure (Cause: ScrubResult JSON) otherwise. */
  scrub?: ScrubResult | CaughtFailure;
  correction?: unknown;
  submission?: SubmitResult;
  /** AckOutcome when accepted; the caught Ack.Rejected failure (Cause: AckOutcome JSON) otherwise. */
  ack?: AckOutcome | CaughtFailure;
  /** RemitOutcome on a settle route; the caught Route.<route> failure (Cause: RemitOutcome JSON) otherwise. */
  remit?: RemitOutcome | CaughtFailure;
  /** AppealDecision when won (REMIT); the caught Appeal.<route> failure (Cause: AppealDecision JSON) otherwise. */
  appeal?: AppealDecision | CaughtFailure;
  transition?: TransitionResult;
}
