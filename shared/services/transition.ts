/**
 * record-transition: the state machine tells a claim where it is now. Appends the event, sets the
 * status (optimistic lock), and for a task-token wait stores the token, or answers it at once with
 * an outcome that arrived first. A CORRECTED claim becomes a replacement (frequency 7) of the
 * payer's claim. Retried invocations are harmless: a transition to the current status is allowed.
 *
 * An outcome that arrived first is consumed only once its token is answered (outbox): the save keeps
 * it pending, marked as handed to this token; after SendTaskSuccess a second save removes it. If
 * answering fails, TokenAnswerFailedError is thrown (the state machine retries the wait with a new
 * token, which takes the outcome again); it is never lost.
 *
 * Appeal: the Appeal transition answers the appeal deadline (the payer registry's window from today,
 * the day the 835 routed the claim here) and its seconds, the AwaitAppeal timer. APPEAL_EXPIRED (the
 * timer ran out) raises an APPEAL_EXPIRED work item. VOIDED (the payer accepted our void) writes off
 * what is still open on the claim's insurance balance (reason VOID), once.
 */
import { appealTimer, appealWindowDays } from '../claims/appeal';
import type { Claim, ClaimEvent } from '../claims/model';
import {
  applyTransition,
  type ClaimState,
  confirmHandover,
  handOver,
  type TokenAnswer,
} from '../claims/state';
import {
  CLOSE_STEP,
  isSettleRoute,
  SETTLE_ROUTES,
  type SettleInput,
  type TransitionInput,
  type TransitionResult,
  type WaitKind,
} from '../claims/workflow';
import { balances, type LedgerEntry, writeOffEntry } from '../posting/ledger';

export interface TransitionPorts {
  getState(claimId: string): Promise<ClaimState | undefined>;
  /** Saves state + event if the version is unchanged (and the claim patch, if any); false on conflict. */
  saveTransition(from: ClaimState, next: ClaimState, event: ClaimEvent, claim?: Claim): Promise<boolean>;
  /** Saves state only (no event) if the version is unchanged; false on conflict. */
  saveState(from: ClaimState, next: ClaimState): Promise<boolean>;
  loadClaim(claimId: string): Promise<Claim | undefined>;
  /** The payer's claim number from the last remit or 277CA, for a frequency-7 replacement. */
  payerClaimNumber(claimId: string): Promise<string | undefined>;
  /**
   * Answers the wait's token as tokenAnswer(kind, output) says (SendTaskSuccess or SendTaskFailure);
   * 'settled' when the token was already answered or timed out. Throws on other errors.
   */
  answer(answer: TokenAnswer, kind: WaitKind): Promise<'answered' | 'settled'>;
  now(): Date;
  /** The payer registry's appeal window for the payer (undefined: not in the registry, the default applies). */
  appealDays?(payerId: string): Promise<number | undefined>;
  /** Adds a work item (idempotent by kind + reference). */
  workItem?(kind: string, reference: string, detail: Record<string, unknown>): Promise<void>;
  /** Writes off the claim's open insurance balance with `reason`, once per reason (idempotent). */
  closeOpenBalance?(claimId: string, reason: string): Promise<void>;
}

/** The event of the AppealExpired state: the appeal deadline passed with no outcome recorded. */
export const APPEAL_EXPIRED_EVENT = 'APPEAL_EXPIRED';
/** Work item kind raised when an appeal deadline passes. */
export const APPEAL_EXPIRED_ITEM = 'APPEAL_EXPIRED';

export class ClaimNotFoundError extends Error {
  override readonly name = 'ClaimNotFound';
}
export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransition';
}
/** Answering the wait's token with its pending outcome failed; the outcome stays pending. The state machine retries this error. */
export class TokenAnswerFailedError extends Error {
  override readonly name = 'TokenAnswerFailed';
}

export async function recordTransition(
  input: TransitionInput,
  ports: TransitionPorts,
): Promise<TransitionResult> {
  return (await transitionFrom(input, ports)).result;
}

/**
 * recordTransition, starting from `known` (a state this invocation just saved) instead of a read
 * when given. A known state that no longer is the stored one fails the save (version check) or the
 * transition check: then the claim is read and the transition computed again, as from a read.
 * Returns the state saved along with the result.
 */
async function transitionFrom(
  input: TransitionInput,
  ports: TransitionPorts,
  known?: ClaimState,
): Promise<{ result: TransitionResult; state: ClaimState }> {
  let guess = known;
  for (let attempt = 0; attempt < 8; attempt++) {
    const current = guess ?? (await ports.getState(input.claimId));
    const fromKnown = guess !== undefined;
    guess = undefined;
    if (!current) throw new ClaimNotFoundError(`claim ${input.claimId} does not exist`);
    const at = ports.now().toISOString();
    const applied = applyTransition(current, input, at);
    if (!applied.ok) {
      if (fromKnown) continue;
      throw new IllegalTransitionError(applied.error.message);
    }
    let corrected: Claim | undefined;
    if (input.to === 'CORRECTED' && current.status !== 'CORRECTED') {
      const claim = await ports.loadClaim(input.claimId);
      if (!claim) throw new ClaimNotFoundError(`claim ${input.claimId} does not exist`);
      const original = await ports.payerClaimNumber(input.claimId);
      // The payer has the claim on file: the resubmission replaces it (frequency 7, REF*F8).
      corrected = original ? { ...claim, frequencyCode: '7', originalPayerClaimNumber: original } : claim;
    }
    const handed = applied.answer && input.wait ? current.pending[input.wait] : undefined;
    const next =
      handed && input.wait && applied.answer
        ? handOver(applied.state, input.wait, handed, applied.answer.taskToken)
        : applied.state;
    if (await ports.saveTransition(current, next, applied.event, corrected)) {
      let state = next;
      if (applied.answer && input.wait) {
        try {
          await ports.answer(applied.answer, input.wait); // 'settled': an earlier attempt of ours answered it
        } catch (err) {
          throw new TokenAnswerFailedError(
            `claim ${input.claimId}: answering the ${input.wait} wait failed (${(err as Error).name}); the outcome stays pending`,
          );
        }
        state = await confirm(ports, input.claimId, input.wait, applied.answer.taskToken, next);
      }
      return { result: { ...result(input, next), ...(await after(input, current, ports)) }, state };
    }
  }
  throw new Error(`claim ${input.claimId}: transition to ${input.to} lost repeated version races`);
}

/**
 * The Settle state (and AppealWriteOff): the remit (or an appeal lost) routed the claim to an end
 * (PAID, PATIENT_BALANCE, WRITE_OFF). Records
 * the route's status and event, then CLOSED: the same two events, in the same order, as the two
 * states it replaces. Each step is its own version-checked save and is skipped when the claim is
 * already past it, so a retried task (also after a crash between the saves) finishes the job
 * without a second event; a claim already CLOSED is left alone.
 */
export async function settleClaim(input: SettleInput, ports: TransitionPorts): Promise<TransitionResult> {
  if (!isSettleRoute(input.settle)) {
    throw new IllegalTransitionError(`claim ${input.claimId}: route ${input.settle} does not settle a claim`);
  }
  const step = SETTLE_ROUTES[input.settle];
  const current = await ports.getState(input.claimId);
  if (!current) throw new ClaimNotFoundError(`claim ${input.claimId} does not exist`);
  if (current.status === CLOSE_STEP.to) {
    return { claimId: input.claimId, status: current.status, followUps: current.followUps };
  }
  // Each step starts from the state the one before saved (no read in between).
  const routed =
    current.status === step.to
      ? current
      : (await transitionFrom({ claimId: input.claimId, ...step }, ports, current)).state;
  return (await transitionFrom({ claimId: input.claimId, ...CLOSE_STEP }, ports, routed)).result;
}

/** record-transition's two inputs: a transition (or wait), or the Settle state's. */
export function recordOrSettle(
  input: TransitionInput | SettleInput,
  ports: TransitionPorts,
): Promise<TransitionResult> {
  return 'settle' in input ? settleClaim(input, ports) : recordTransition(input, ports);
}

/**
 * The WRITE_OFF entry that closes what is still open on the claim's insurance balance (none when
 * nothing is open): a void takes the claim off the payer's books, so nothing more is expected.
 */
export function openBalanceWriteOff(
  claimId: string,
  entries: readonly LedgerEntry[],
  reason: string,
  at: string,
): LedgerEntry | undefined {
  const open = balances(entries).balanceCents;
  return open > 0 ? writeOffEntry(claimId, open, at, reason) : undefined;
}

const result = (input: TransitionInput, next: ClaimState): TransitionResult => ({
  claimId: input.claimId,
  status: next.status,
  followUps: next.followUps,
});

/** What a transition does beyond the claim once it is saved (each step idempotent: a retried task repeats it). */
async function after(
  input: TransitionInput,
  current: ClaimState,
  ports: TransitionPorts,
): Promise<Partial<TransitionResult>> {
  if (input.to === 'APPEAL' && input.wait === undefined) {
    const payerId = (await ports.loadClaim(input.claimId))?.payer.payerId;
    const days = appealWindowDays(payerId && ports.appealDays ? await ports.appealDays(payerId) : undefined);
    const now = ports.now();
    const timer = appealTimer(now.toISOString().slice(0, 10), days, now, input.executionStartedAt);
    return { appealDeadline: timer.deadline, appealSeconds: timer.seconds };
  }
  if (input.event === APPEAL_EXPIRED_EVENT) {
    await ports.workItem?.(APPEAL_EXPIRED_ITEM, input.claimId, {
      claimId: input.claimId,
      from: current.status,
    });
  }
  if (input.to === 'VOIDED') {
    await ports.closeOpenBalance?.(input.claimId, 'VOID');
    // A remit that arrived while the void was on its way (e.g. the payer's reversal before its
    // 277CA) waits for an AwaitRemit that a void never enters: a person takes it.
    if (current.pending.REMIT) {
      await ports.workItem?.('UNEXPECTED_REMIT', input.claimId, { claimId: input.claimId, status: 'VOIDED' });
    }
  }
  return {};
}

/**
 * Removes the outcome handed to `taskToken` now that the token is answered (retried on version
 * races), starting from the state just saved; returns the state the claim is left in.
 */
async function confirm(
  ports: TransitionPorts,
  claimId: string,
  kind: WaitKind,
  taskToken: string,
  saved: ClaimState,
): Promise<ClaimState> {
  let current: ClaimState | undefined = saved;
  for (let attempt = 0; attempt < 8; attempt++) {
    if (attempt > 0) current = await ports.getState(claimId);
    if (!current) return saved;
    const r = confirmHandover(current, kind, taskToken, ports.now().toISOString());
    if (!r.changed || (await ports.saveState(current, r.state))) return r.state;
  }
  // Left pending and marked handed: the next transition away from this wait drops it (state.ts).
  throw new Error(`claim ${claimId}: could not confirm the ${kind} handover after repeated version races`);
}
