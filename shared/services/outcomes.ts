/**
 * Delivering an outside outcome (an acknowledgment or a remittance) to a claim's workflow.
 *
 * The claim may be waiting on a task token for it (answer the token), or not yet (the webhook beat
 * the state machine: keep the outcome pending; the wait consumes it when it registers). Each outcome
 * carries a dedupe key (inbound file hash, posting key) written with the claim state in one
 * conditional write, so a replayed file delivers nothing twice. An outcome for a claim that is in
 * no state to expect it is recorded as an event for a person, never silently applied later.
 * An outcome whose token had already timed out is kept pending for the next (follow-up) wait.
 */
import type { ClaimEvent } from '../claims/model';
import { type ClaimState, deliverOutcome, EXPECTING_OUTCOME, handOver } from '../claims/state';
import type { WaitKind } from '../claims/workflow';

export interface OutcomePorts {
  /** The claim's state; with `markers`, the once-only markers it carries (then hasMarker is not asked). */
  getState(claimId: string): Promise<(ClaimState & { markers?: readonly string[] }) | undefined>;
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
  /**
   * Answers the wait's token as tokenAnswer(kind, output) says (SendTaskSuccess or SendTaskFailure);
   * 'settled' (not an error) when the token was already answered or timed out, which Step Functions
   * does not tell apart.
   */
  answer(taskToken: string, output: unknown, kind: WaitKind): Promise<'answered' | 'settled'>;
  now(): Date;
}

export type Delivery = 'answered' | 'pending' | 'duplicate' | 'unexpected' | 'no-claim';

const EXPECTING = EXPECTING_OUTCOME;

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
    const marked = current.markers
      ? current.markers.includes(dedupeKey)
      : await ports.hasMarker(claimId, dedupeKey);
    if (marked) return 'duplicate';
    const at = ports.now().toISOString();
    let next: ClaimState;
    let result: Delivery;
    if (current.waiting?.kind === kind && !answered) {
      const r = deliverOutcome(current, kind, output, at);
      const token = r.taskToken as string;
      // Answer first, then save: a failed answer throws and changes nothing (the caller retries).
      if ((await ports.answer(token, output, kind)) === 'answered') {
        answered = true;
        next = r.state;
        result = 'answered';
      } else {
        // The token had settled: timed out (the execution went on, e.g. to a remit follow-up that
        // registers a new wait) or answered by an earlier attempt of ours that crashed before
        // saving. Either way the outcome is kept pending, handed to that token: the next wait of
        // this kind takes it, and a transition away from this wait (the execution got it) drops it.
        const kept = current.pending[kind] ?? { output, at };
        next = handOver(r.state, kind, kept, token);
        result = 'pending';
      }
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
