/**
 * record-transition: the state machine tells a claim where it is now. Appends the event, sets the
 * status (optimistic lock), and for a task-token wait stores the token, or answers it at once with
 * an outcome that arrived first. A CORRECTED claim becomes a replacement (frequency 7) of the
 * payer's claim. Retried invocations are harmless: a transition to the current status is allowed.
 */
import type { Claim, ClaimEvent } from '../claims/model';
import { applyTransition, type ClaimState, type TokenAnswer } from '../claims/state';
import type { TransitionInput, TransitionResult } from '../claims/workflow';

export interface TransitionPorts {
  getState(claimId: string): Promise<ClaimState | undefined>;
  /** Saves state + event if the version is unchanged (and the claim patch, if any); false on conflict. */
  saveTransition(from: ClaimState, next: ClaimState, event: ClaimEvent, claim?: Claim): Promise<boolean>;
  loadClaim(claimId: string): Promise<Claim | undefined>;
  /** The payer's claim number from the last remit or 277CA, for a frequency-7 replacement. */
  payerClaimNumber(claimId: string): Promise<string | undefined>;
  answer(answer: TokenAnswer): Promise<void>;
  now(): Date;
}

export class ClaimNotFoundError extends Error {
  override readonly name = 'ClaimNotFound';
}
export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransition';
}

export async function recordTransition(
  input: TransitionInput,
  ports: TransitionPorts,
): Promise<TransitionResult> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const current = await ports.getState(input.claimId);
    if (!current) throw new ClaimNotFoundError(`claim ${input.claimId} does not exist`);
    const at = ports.now().toISOString();
    const applied = applyTransition(current, input, at);
    if (!applied.ok) throw new IllegalTransitionError(applied.error.message);
    let corrected: Claim | undefined;
    if (input.to === 'CORRECTED' && current.status !== 'CORRECTED') {
      const claim = await ports.loadClaim(input.claimId);
      if (!claim) throw new ClaimNotFoundError(`claim ${input.claimId} does not exist`);
      const original = await ports.payerClaimNumber(input.claimId);
      // The payer has the claim on file: the resubmission replaces it (frequency 7, REF*F8).
      corrected = original ? { ...claim, frequencyCode: '7', originalPayerClaimNumber: original } : claim;
    }
    if (await ports.saveTransition(current, applied.state, applied.event, corrected)) {
      if (applied.answer) await ports.answer(applied.answer);
      return { claimId: input.claimId, status: applied.state.status, followUps: applied.state.followUps };
    }
  }
  throw new Error(`claim ${input.claimId}: transition to ${input.to} lost repeated version races`);
}
