/**
 * Pure claim state transitions: which ClaimStatus may follow which, the event each transition
 * appends, and the task-token wait / early-outcome bookkeeping (see workflow.ts TransitionInput).
 *
 * Waits: the state machine parks a claim on a task token (CORRECTION, ACK, REMIT, APPEAL). An outcome
 * (an ACK from process-ack, a REMIT from post-remittance) can arrive before the wait is registered
 * (the 999 can beat record-transition). Such an outcome is kept as pending and handed over the
 * moment the matching wait registers; an outcome that finds its wait takes the token.
 */
import type { ClaimEvent, ClaimStatus } from './model';
import type { TransitionInput, WaitKind } from './workflow';

/** Remit / denial routes map onto these statuses; every one may be reached from a remit wait. */
const REMIT_RESULTS: ClaimStatus[] = [
  'PAID',
  'CORRECTED',
  'PATIENT_BALANCE',
  'DENIED',
  'NEEDS_CORRECTION',
  'APPEAL',
  'WRITTEN_OFF',
  'SECONDARY',
  'HUMAN_REVIEW',
];

/**
 * Allowed transitions (from -> to). A transition to the same status is always allowed: it records
 * an event (e.g. a follow-up or a wait registration) without changing the status.
 */
export const TRANSITIONS: Readonly<Record<ClaimStatus, readonly ClaimStatus[]>> = {
  RECEIVED: ['SCRUBBED', 'NEEDS_CORRECTION', 'HUMAN_REVIEW'],
  SCRUBBED: ['SUBMITTED', 'NEEDS_CORRECTION', 'HUMAN_REVIEW'],
  NEEDS_CORRECTION: ['CORRECTED', 'WRITTEN_OFF', 'HUMAN_REVIEW', 'CLOSED'],
  CORRECTED: ['SCRUBBED', 'NEEDS_CORRECTION', 'SUBMITTED', 'HUMAN_REVIEW'],
  // A remit may arrive without (or before) an acknowledgment. VOIDED: the payer accepted our void.
  SUBMITTED: ['ACCEPTED', 'REJECTED', 'VOIDED', ...REMIT_RESULTS],
  ACCEPTED: [...REMIT_RESULTS, 'REJECTED', 'VOIDED'],
  REJECTED: ['NEEDS_CORRECTION', 'HUMAN_REVIEW', 'CLOSED'],
  PAID: ['CLOSED', 'HUMAN_REVIEW', 'SECONDARY', 'PATIENT_BALANCE'],
  PATIENT_BALANCE: ['CLOSED', 'HUMAN_REVIEW', 'SECONDARY'],
  DENIED: ['NEEDS_CORRECTION', 'APPEAL', 'WRITTEN_OFF', 'SECONDARY', 'HUMAN_REVIEW', 'CLOSED'],
  // An appeal won: the claim waits (ACCEPTED) for the payer's new 835.
  APPEAL: ['SUBMITTED', 'ACCEPTED', ...REMIT_RESULTS.filter((s) => s !== 'APPEAL'), 'CLOSED'],
  WRITTEN_OFF: ['CLOSED', 'HUMAN_REVIEW'],
  // CORRECTED: a person corrects a claim whose execution ended; a new execution resubmits it.
  SECONDARY: ['CLOSED', 'HUMAN_REVIEW', 'SUBMITTED', 'CORRECTED'],
  HUMAN_REVIEW: [
    'NEEDS_CORRECTION',
    'CORRECTED',
    'SUBMITTED',
    'PAID',
    'PATIENT_BALANCE',
    'APPEAL',
    'WRITTEN_OFF',
    'SECONDARY',
    'CLOSED',
  ],
  // A closed claim reopens only for a person (a late reversal, a refund request, a correction).
  CLOSED: ['HUMAN_REVIEW', 'CORRECTED'],
  VOIDED: ['HUMAN_REVIEW'],
};

/** Event type that counts one AwaitRemit follow-up (TransitionResult.followUps). */
export const FOLLOW_UP_EVENT = 'REMIT_FOLLOW_UP';

export interface Waiting {
  kind: WaitKind;
  taskToken: string;
  since: string;
}

export interface PendingOutcome {
  output: unknown; // AckOutcome for ACK, RemitOutcome for REMIT, correction payload for CORRECTION, AppealDecision for APPEAL
  at: string;
  /**
   * The task token this outcome was handed to without a confirmed receipt: an answer in flight
   * (kept until confirmed, see confirmHandover) or a token that had already timed out. The next
   * wait of the same kind takes it again; any transition to a status that no longer expects it
   * drops it (the execution only moves on once the handover arrived), noted on the event.
   */
  handedTo?: string;
}

/** Statuses in which an outcome of this kind may still be waited for. */
export const EXPECTING_OUTCOME: Record<WaitKind, readonly ClaimStatus[]> = {
  ACK: ['SUBMITTED'],
  // APPEAL: the payer's 835 after an appeal won may beat the outcome being recorded; AwaitRemit takes it.
  REMIT: ['SUBMITTED', 'ACCEPTED', 'APPEAL'],
  CORRECTION: ['NEEDS_CORRECTION', 'CORRECTED', 'REJECTED', 'DENIED'],
  APPEAL: ['APPEAL'],
};

/** The mutable part of a claim: what transitions read and write. */
export interface ClaimState {
  claimId: string;
  status: ClaimStatus;
  /** Optimistic-lock version; every save increments it. */
  version: number;
  /** Seq of the last appended event (0 = none). */
  seq: number;
  followUps: number;
  waiting?: Waiting;
  pending: Partial<Record<WaitKind, PendingOutcome>>;
  updatedAt: string;
}

/** A task token to answer (SendTaskSuccess) with an output. */
export interface TokenAnswer {
  taskToken: string;
  output: unknown;
}

export interface TransitionOk {
  ok: true;
  state: ClaimState;
  event: ClaimEvent;
  /** Set when the registered wait found its outcome already pending: answer this token now. */
  answer?: TokenAnswer;
}

export interface TransitionRejected {
  ok: false;
  error: {
    code: 'ILLEGAL_TRANSITION' | 'WAIT_WITHOUT_TOKEN';
    from: ClaimStatus;
    to: ClaimStatus;
    message: string;
  };
}

export type TransitionOutcome = TransitionOk | TransitionRejected;

export function initialState(claimId: string, at: string): ClaimState {
  return { claimId, status: 'RECEIVED', version: 1, seq: 1, followUps: 0, pending: {}, updatedAt: at };
}

export function canTransition(from: ClaimStatus, to: ClaimStatus): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

/**
 * Applies a TransitionInput: checks the transition is allowed, appends an event (seq + 1), counts
 * follow-ups, and when the input carries a wait + task token registers it (or consumes the pending
 * outcome for that wait, returned as `answer`). A transition without a wait leaves an existing wait
 * alone (outcomes take waits, see deliverOutcome); a new wait replaces an older one.
 * The returned state has version + 1; storing it must be conditional on the old version.
 */
export function applyTransition(current: ClaimState, input: TransitionInput, at: string): TransitionOutcome {
  const from = current.status;
  const to = input.to;
  if (!canTransition(from, to)) {
    return {
      ok: false,
      error: {
        code: 'ILLEGAL_TRANSITION',
        from,
        to,
        message: `claim ${current.claimId}: ${from} -> ${to} not allowed`,
      },
    };
  }
  if ((input.wait === undefined) !== (input.taskToken === undefined)) {
    return {
      ok: false,
      error: {
        code: 'WAIT_WITHOUT_TOKEN',
        from,
        to,
        message: `claim ${current.claimId}: wait and taskToken must come together`,
      },
    };
  }
  let state: ClaimState = {
    ...current,
    status: to,
    version: current.version + 1,
    seq: current.seq + 1,
    followUps: current.followUps + (input.event === FOLLOW_UP_EVENT ? 1 : 0),
    pending: { ...current.pending },
    updatedAt: at,
  };
  let answer: TokenAnswer | undefined;
  const detail: Record<string, unknown> = { from };
  const dropped: WaitKind[] = [];
  for (const kind of Object.keys(state.pending) as WaitKind[]) {
    if (
      state.pending[kind]?.handedTo !== undefined &&
      input.wait !== kind &&
      !EXPECTING_OUTCOME[kind].includes(to)
    ) {
      delete state.pending[kind];
      dropped.push(kind);
    }
  }
  if (dropped.length > 0) detail.droppedPending = dropped;
  if (input.wait && input.taskToken) {
    const registered = registerWaitOn(state, input.wait, input.taskToken, at);
    state = registered.state;
    answer = registered.answer;
    detail.wait = input.wait;
    if (answer) detail.pendingConsumed = true;
  }
  const event: ClaimEvent = {
    claimId: current.claimId,
    at,
    seq: state.seq,
    type: input.event,
    status: to,
    detail,
  };
  return answer ? { ok: true, state, event, answer } : { ok: true, state, event };
}

function registerWaitOn(
  state: ClaimState,
  kind: WaitKind,
  taskToken: string,
  at: string,
): { state: ClaimState; answer?: TokenAnswer } {
  const pending = state.pending[kind];
  if (pending) {
    const rest = { ...state.pending };
    delete rest[kind];
    const next = { ...state, pending: rest };
    delete next.waiting;
    return { state: next, answer: { taskToken, output: pending.output } };
  }
  return { state: { ...state, waiting: { kind, taskToken, since: at } } };
}

/**
 * Registers a wait without a status change (no event). If the outcome is already pending it is
 * consumed and returned as `answer` instead. Version + 1.
 */
export function registerWait(
  current: ClaimState,
  kind: WaitKind,
  taskToken: string,
  at: string,
): { state: ClaimState; answer?: TokenAnswer } {
  return registerWaitOn({ ...current, version: current.version + 1, updatedAt: at }, kind, taskToken, at);
}

/**
 * An outcome arrived for `kind`. If the claim waits for it, the wait is taken (cleared) and its token
 * returned for the caller to answer; otherwise the outcome is kept as pending (the first one wins: a
 * replayed outcome does not overwrite it). Version + 1 unless nothing changed (`changed` false).
 */
export function deliverOutcome(
  current: ClaimState,
  kind: WaitKind,
  output: unknown,
  at: string,
): { state: ClaimState; changed: boolean; taskToken?: string } {
  if (current.waiting?.kind === kind) {
    const state = { ...current, version: current.version + 1, updatedAt: at };
    delete state.waiting;
    return { state, changed: true, taskToken: current.waiting.taskToken };
  }
  if (current.pending[kind]) return { state: current, changed: false };
  return {
    state: {
      ...current,
      version: current.version + 1,
      updatedAt: at,
      pending: { ...current.pending, [kind]: { output, at } },
    },
    changed: true,
  };
}

/** Takes the wait of `kind` if the claim has one (clears it). */
export function takeWaiting(
  current: ClaimState,
  kind: WaitKind,
  at: string,
): { state: ClaimState; taskToken?: string } {
  if (current.waiting?.kind !== kind) return { state: current };
  const state = { ...current, version: current.version + 1, updatedAt: at };
  delete state.waiting;
  return { state, taskToken: current.waiting.taskToken };
}

/**
 * Keeps `pending` as the claim's pending outcome of `kind`, marked as handed to `taskToken`: an
 * outbox entry until confirmHandover removes it once the token is answered. Version unchanged
 * (apply to a state about to be saved).
 */
export function handOver(
  state: ClaimState,
  kind: WaitKind,
  pending: PendingOutcome,
  taskToken: string,
): ClaimState {
  return { ...state, pending: { ...state.pending, [kind]: { ...pending, handedTo: taskToken } } };
}

/** The token the pending outcome was handed to was answered: remove it. `changed` false if not (or no longer) handed to it. */
export function confirmHandover(
  current: ClaimState,
  kind: WaitKind,
  taskToken: string,
  at: string,
): { state: ClaimState; changed: boolean } {
  if (current.pending[kind]?.handedTo !== taskToken) return { state: current, changed: false };
  const pending = { ...current.pending };
  delete pending[kind];
  return { state: { ...current, pending, version: current.version + 1, updatedAt: at }, changed: true };
}
