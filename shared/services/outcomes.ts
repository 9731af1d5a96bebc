/**
 * Delivering an outside outcome (an acknowledgment or a remittance) to a claim's workflow.
 *
 * The claim may be waiting on a task token for it (answer the token), or not yet (the webhook beat
 * the state machine: keep the outcome pending; the wait consumes it when it registers). Each outcome
 * carries a dedupe key (inbound file hash, posting key) written with the claim state in one
 * conditional write, so a replayed file delivers nothing twice. An outcome for a claim that is in
 * no state to expect it is recorded as an event for a person, never silently applied later.
 */
import type { ClaimEvent, ClaimStatus } from '../claims/model';
import { type ClaimState, deliverOutcome } from '../claims/state';
import type { WaitKind } from '../claims/workflow';

export interface OutcomePorts {
  getState(claimId: string): Promise<ClaimState | undefined>;
  /**
   * Saves `next` if the stored version is still `from.version` and the marker `dedupeKey` is not
   * yet on the claim; writes the marker and the event with it. 'conflict' on a version race,
   * 'duplicate' when the marker exists.
   */
  saveOutcome(
    from: ClaimState,
    next: ClaimState,
    dedupeKey: string,
    event: ClaimEvent,
    payerClaimControlNumber?: string,
  ): Promise<'saved' | 'conflict' | 'duplicate'>;
  hasMarker(claimId: string, dedupeKey: string): Promise<boolean>;
  /** SendTaskSuccess; a token already answered or timed out is not an error here. */
  answer(taskToken: string, output: unknown): Promise<void>;
  now(): Date;
}

export type Delivery = 'answered' | 'pending' | 'duplicate' | 'unexpected' | 'no-claim';

/** Statuses in which an outcome of this kind may arrive before its wait registers. */
const EXPECTING: Record<WaitKind, readonly ClaimStatus[]> = {
  ACK: ['SUBMITTED'],
  REMIT: ['SUBMITTED', 'ACCEPTED'],
  CORRECTION: ['NEEDS_CORRECTION', 'CORRECTED', 'REJECTED', 'DENIED'],
};

export async function deliver(
  ports: OutcomePorts,
  claimId: string,
  kind: WaitKind,
  output: unknown,
  dedupeKey: string,
  eventType: string,
  detail: Record<string, unknown>,
): Promise<Delivery> {
  let answered = false;
  for (let attempt = 0; attempt < 8; attempt++) {
    const current = await ports.getState(claimId);
    if (!current) return 'no-claim';
    if (await ports.hasMarker(claimId, dedupeKey)) return 'duplicate';
    const at = ports.now().toISOString();
    let next: ClaimState;
    let result: Delivery;
    if (current.waiting?.kind === kind && !answered) {
      const r = deliverOutcome(current, kind, output, at);
      // Answer first, then save: a crash in between leaves the token answered and the marker
      // unwritten, and the retry finds the token gone (answered) and only writes the marker.
      await ports.answer(r.taskToken as string, output);
      answered = true;
      next = r.state;
      result = 'answered';
    } else if (answered) {
      next = { ...current, version: current.version + 1, updatedAt: at };
      if (next.waiting?.kind === kind) delete next.waiting;
      result = 'answered';
    } else if (EXPECTING[kind].includes(current.status) && !current.pending[kind]) {
      next = deliverOutcome(current, kind, output, at).state;
      result = 'pending';
    } else {
      next = { ...current, version: current.version + 1, updatedAt: at };
      result = 'unexpected';
    }
    next = { ...next, seq: current.seq + 1 };
    const event: ClaimEvent = {
      claimId,
      at,
      seq: next.seq,
      type: result === 'unexpected' ? `UNEXPECTED_${eventType}` : eventType,
      status: next.status,
      detail: { ...detail, delivery: result },
    };
    const pcn = (output as { payerClaimControlNumber?: unknown } | undefined)?.payerClaimControlNumber;
    const saved = await ports.saveOutcome(
      current,
      next,
      dedupeKey,
      event,
      typeof pcn === 'string' && pcn ? pcn : undefined,
    );
    if (saved === 'saved') return result;
    if (saved === 'duplicate') return 'duplicate';
  }
  throw new Error(`claim ${claimId}: could not record ${kind} outcome after repeated version conflicts`);
}

/** Records an informational event (no wait involved), once per dedupe key. */
export async function note(
  ports: OutcomePorts,
  claimId: string,
  dedupeKey: string,
  eventType: string,
  detail: Record<string, unknown>,
): Promise<'saved' | 'duplicate' | 'no-claim'> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const current = await ports.getState(claimId);
    if (!current) return 'no-claim';
    const at = ports.now().toISOString();
    const next: ClaimState = {
      ...current,
      version: current.version + 1,
      seq: current.seq + 1,
      updatedAt: at,
    };
    const event: ClaimEvent = { claimId, at, seq: next.seq, type: eventType, status: next.status, detail };
    const saved = await ports.saveOutcome(current, next, dedupeKey, event);
    if (saved !== 'conflict') return saved;
  }
  throw new Error(`claim ${claimId}: could not record ${eventType} after repeated version conflicts`);
}
