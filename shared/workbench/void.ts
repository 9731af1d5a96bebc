/**
 * Voiding a claim sent in error (frequency 8). Pure use case; ports keep it AWS-free.
 *
 * Who: a manager or admin of the claim's practice (a biller is refused, 403; another practice's
 * claim does not exist, 404). What: a claim the payer has on file (its claim control number, from
 * the 277CA or the 835, goes out as REF*F8) whose execution ended (CLOSED, SECONDARY,
 * HUMAN_REVIEW). A claim never sent is refused (409 never_sent: correct or delete it instead); one
 * sent but not yet on file with the payer (no claim number) or still in flight is refused too.
 *
 * How: the claim is saved as a void (frequency 8 + REF*F8, a VOID_REQUESTED event, audited with
 * before and after), then a new execution named from the claim id and the version the void was made
 * from goes through the normal submission path (Scrub passes a void as it is, Submit, AwaitAck);
 * when the payer accepts it the claim ends VOIDED and its open insurance balance is written off
 * (record-transition). A retried request starts nothing new: the same execution name, and a retry
 * after the save finds the claim already a void one version on and only (re)starts that execution.
 */
import type { Claim, ClaimEvent, ClaimStatus } from '../claims/model';
import type { ClaimState } from '../claims/state';
import { resubmissionExecutionName } from '../claims/workflow';
import type { Caller } from './access';
import type { AccessAuditEntry } from './audit';
import { type CorrectableRecord, openChange, type StartExecution } from './correct-claim';
import { diffClaims, ENDED } from './corrections';

/** Why a claim is voided (a code, never free text: the event log is read widely). */
export const VOID_REASONS = ['SENT_IN_ERROR', 'WRONG_PAYER', 'DUPLICATE', 'SERVICE_NOT_RENDERED'] as const;
export type VoidReason = (typeof VOID_REASONS)[number];

export interface VoidRecord extends CorrectableRecord {
  /** Set once a Submit token was answered for the claim: it was sent. */
  submission?: unknown;
}

export interface VoidPorts {
  getClaim(claimId: string): Promise<VoidRecord | undefined>;
  /** Saves the claim + event if still at from.version; false on a version conflict. */
  saveVoid(from: VoidRecord, next: ClaimState, claim: Claim, event: ClaimEvent): Promise<boolean>;
  startExecution: StartExecution;
  audit(entry: AccessAuditEntry): Promise<void>;
  now(): Date;
}

export type VoidRefusal =
  | 'never_sent'
  | 'not_on_file'
  | 'in_progress'
  | 'already_voided'
  | 'conflict'
  | 'forbidden'
  | 'not_found';

export type VoidOutcome =
  | { kind: 'voided'; execution: string; started: 'started' | 'exists'; payerClaimControlNumber: string }
  | { kind: VoidRefusal; status?: ClaimStatus; reason?: string };

const REASONS: Partial<Record<VoidRefusal, string>> = {
  never_sent: 'the claim was never sent to the payer: correct it or delete it, there is nothing to void',
  not_on_file:
    'the payer has not acknowledged the claim (no claim control number from a 277CA or 835): a void needs it as REF*F8',
  in_progress:
    'the claim is still in its workflow (being sent, adjudicated, corrected or appealed): void it once its execution ended',
  already_voided: 'the claim is already voided or being voided',
};

const isVoid = (claim: Claim) => claim.frequencyCode === '8';

export async function voidClaim(
  ports: VoidPorts,
  caller: Caller,
  claimId: string,
  request: { version: number; reason: VoidReason; route: string; requestId?: string },
): Promise<VoidOutcome> {
  const { now, record, audit } = await openChange(ports, caller, claimId, 'VOID_CLAIM', request);
  const refuse = async (kind: VoidRefusal, outcome: AccessAuditEntry['outcome'] = 'REFUSED') => {
    await audit(outcome);
    return {
      kind,
      ...(record ? { status: record.status } : {}),
      ...(REASONS[kind] ? { reason: REASONS[kind] } : {}),
    } as VoidOutcome;
  };
  if (!record) return refuse('not_found', 'NOT_FOUND');
  if (caller.role === 'biller') return refuse('forbidden');
  const execution = resubmissionExecutionName(claimId, 'void', request.version);
  if (record.version !== request.version) {
    // The same request again after its save: start (or find) the execution it named.
    if (record.version === request.version + 1 && isVoid(record.claim) && ENDED.includes(record.status)) {
      await audit('OK'); // no change made: the first attempt's entry holds it
      const started = await ports.startExecution(claimId, execution, { claimId, void: true });
      return {
        kind: 'voided',
        execution,
        started,
        payerClaimControlNumber: record.claim.originalPayerClaimNumber ?? '',
      };
    }
    return refuse('conflict', 'CONFLICT');
  }
  if (record.status === 'VOIDED' || isVoid(record.claim)) return refuse('already_voided');
  const pcn = record.payerClaimControlNumber;
  if (!pcn) return refuse(record.submission === undefined ? 'never_sent' : 'not_on_file');
  if (!ENDED.includes(record.status)) return refuse('in_progress');

  const { reprocessedPayerClaimNumber: _r, ...rest } = record.claim;
  const claim: Claim = { ...rest, frequencyCode: '8', originalPayerClaimNumber: pcn };
  const changes = diffClaims(record.claim, claim);
  await audit('OK', changes);
  const at = now.toISOString();
  const next: ClaimState = {
    claimId,
    status: record.status,
    version: record.version + 1,
    seq: record.seq + 1,
    followUps: 0,
    pending: record.pending,
    updatedAt: at,
  };
  const event: ClaimEvent = {
    claimId,
    at,
    seq: next.seq,
    type: 'VOID_REQUESTED',
    status: next.status,
    detail: { by: caller.sub, reason: request.reason, payerClaimControlNumber: pcn, execution },
  };
  if (!(await ports.saveVoid(record, next, claim, event))) return refuse('conflict', 'CONFLICT');
  const started = await ports.startExecution(claimId, execution, { claimId, void: true });
  return { kind: 'voided', execution, started, payerClaimControlNumber: pcn };
}
