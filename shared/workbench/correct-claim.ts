/**
 * The correction use case: check the caller may change the claim, apply the edit (corrections.ts),
 * record the change in the access audit with before and after, save the claim (version-checked,
 * with a CORRECTION_SAVED event), then resume the claim's workflow.
 *
 * Resuming: the claim's NeedsCorrection wait holds a task token. The corrected claim is saved first
 * and the token answered after, so the Scrub state that follows reads the corrected claim; the wait
 * is cleared only once the token is answered (a failed answer leaves the token in place, and the
 * caller may send the same correction again). When the wait is not registered yet (the execution is
 * on its way to NeedsCorrection), the correction is kept as the claim's pending CORRECTION outcome,
 * which record-transition hands to the wait when it registers (shared/claims/state.ts).
 *
 * A claim waiting on its appeal (APPEAL): the correction is kept pending for NeedsCorrection and the
 * AwaitAppeal wait is answered with route CORRECT (Correct -> NeedsCorrection takes it).
 *
 * A claim whose execution ended (CLOSED, SECONDARY, HUMAN_REVIEW): the claim is saved CORRECTED,
 * as a replacement (frequency 7, REF*F8) when the payer has its claim number, else as an original,
 * and a new execution is started, named from the claim id and the version the correction was made
 * from (resubmissionExecutionName): starting it twice starts nothing new. A request retried after
 * the save but before the start (the claim is CORRECTED one version on, the same edit changes
 * nothing) starts that same execution and answers as the first would have.
 *
 * The audit entry is written before the claim is saved: a change is never made unaudited. If the
 * save then loses a version race, a second entry with outcome CONFLICT says nothing was changed.
 */
import type { Claim, ClaimEvent, ClaimStatus } from '../claims/model';
import type { ClaimState } from '../claims/state';
import { type AppealDecision, resubmissionExecutionName, type WaitKind } from '../claims/workflow';
import type { ScrubFinding } from '../scrub/rules';
import { type Caller, canSee } from './access';
import { type AccessAuditEntry, type AuditAction, type AuditChange, claimChangeAudit } from './audit';
import {
  applyCorrection,
  type CorrectionEdit,
  type CorrectionIssue,
  correctionPath,
  diffClaims,
  replacementFrequency,
} from './corrections';

export interface CorrectableRecord extends ClaimState {
  practiceId: string;
  claim: Claim;
  /** The payer's claim control number (277CA / 835), when the payer has the claim on file. */
  payerClaimControlNumber?: string;
}

/** Starts an execution of the claim workflow; 'exists' when one of that name was started before. */
export type StartExecution = (
  claimId: string,
  name: string,
  input: { claimId: string; void?: true },
) => Promise<'started' | 'exists'>;

export interface CorrectionPorts {
  getClaim(claimId: string): Promise<CorrectableRecord | undefined>;
  /** Saves the claim + findings + event if still at from.version; false on a version conflict. */
  saveCorrection(
    from: CorrectableRecord,
    next: ClaimState,
    claim: Claim,
    findings: ScrubFinding[],
    event: ClaimEvent,
  ): Promise<boolean>;
  /**
   * Hands an outcome to the workflow: answers the claim's wait of `kind` (default CORRECTION) and
   * clears it, or keeps the outcome pending for the wait to come.
   */
  resume(claimId: string, output: unknown, kind?: WaitKind): Promise<'answered' | 'pending'>;
  startExecution: StartExecution;
  audit(entry: AccessAuditEntry): Promise<void>;
  now(): Date;
  timelyFilingDays: number;
}

export type CorrectionOutcome =
  | {
      kind: 'corrected';
      status: ClaimStatus;
      /** answered / pending: the running execution; started / exists: a new execution (ended claim). */
      resumed: 'answered' | 'pending' | 'started' | 'exists';
      frequencyCode: Claim['frequencyCode'];
      findings: ScrubFinding[];
      changes: AuditChange[];
    }
  | { kind: 'not_found' }
  | { kind: 'conflict' }
  | { kind: 'not_correctable'; status: ClaimStatus }
  | { kind: 'invalid'; issues: CorrectionIssue[] }
  | { kind: 'scrub_errors'; findings: ScrubFinding[] }
  | { kind: 'no_change' };

/**
 * The start of a person's change to a claim: the clock, the claim if the caller may see it
 * (undefined otherwise: answer not_found), and the audit writer of the change.
 */
export async function openChange<R extends { practiceId: string }>(
  ports: {
    getClaim(claimId: string): Promise<R | undefined>;
    audit(entry: AccessAuditEntry): Promise<void>;
    now(): Date;
  },
  caller: Caller,
  claimId: string,
  action: AuditAction,
  request: { route: string; requestId?: string },
) {
  const now = ports.now();
  const found = await ports.getClaim(claimId);
  const record = found && canSee(caller, found.practiceId) ? found : undefined;
  const audit = claimChangeAudit(
    (entry) => ports.audit(entry),
    caller,
    {
      action,
      claimId,
      practiceId: record?.practiceId,
      route: request.route,
      ...(request.requestId ? { requestId: request.requestId } : {}),
    },
    now,
  );
  return { now, record, audit };
}

export async function correctClaim(
  ports: CorrectionPorts,
  caller: Caller,
  claimId: string,
  request: { version: number; edit: CorrectionEdit; route: string; requestId?: string },
): Promise<CorrectionOutcome> {
  const { now, record, audit } = await openChange(ports, caller, claimId, 'CORRECT_CLAIM', request);
  if (!record) {
    await audit('NOT_FOUND');
    return { kind: 'not_found' };
  }
  const today = now.toISOString().slice(0, 10);
  const ctx = { today, timelyFilingDays: ports.timelyFilingDays };
  if (record.version !== request.version) {
    const retried = await retriedRestart(ports, record, request, ctx);
    if (retried) {
      await audit('OK'); // no change made: the first attempt's entry holds it
      return retried;
    }
    await audit('CONFLICT');
    return { kind: 'conflict' };
  }
  const path = correctionPath(record.status);
  if (!path) {
    await audit('REFUSED');
    return { kind: 'not_correctable', status: record.status };
  }
  const result = await applyCorrection(record.claim, request.edit, ctx);
  if (!result.ok) {
    await audit('REFUSED');
    if (result.code === 'INVALID') return { kind: 'invalid', issues: result.issues };
    if (result.code === 'SCRUB_ERRORS') return { kind: 'scrub_errors', findings: result.findings };
    return { kind: 'no_change' };
  }
  const claim =
    path === 'restart' ? replacementFrequency(result.claim, record.payerClaimControlNumber) : result.claim;
  const changes = path === 'restart' ? diffClaims(record.claim, claim) : result.changes;
  await audit('OK', [...changes, ...(path === 'restart' ? [statusChange(record.status)] : [])]);
  const at = now.toISOString();
  const next: ClaimState = {
    claimId: record.claimId,
    status: path === 'restart' ? 'CORRECTED' : record.status,
    version: record.version + 1,
    seq: record.seq + 1,
    followUps: path === 'restart' ? 0 : record.followUps,
    pending: record.pending,
    updatedAt: at,
    ...(record.waiting ? { waiting: record.waiting } : {}),
  };
  const execution =
    path === 'restart' ? resubmissionExecutionName(claimId, 'correction', record.version) : undefined;
  const event: ClaimEvent = {
    claimId,
    at,
    seq: next.seq,
    type: 'CORRECTION_SAVED',
    status: next.status,
    // Paths only (never values): the event log is read more widely than the audit.
    detail: {
      by: caller.sub,
      from: record.status,
      fields: [...new Set(changes.map((c) => c.path))],
      frequencyCode: claim.frequencyCode,
      ...(execution ? { execution } : {}),
    },
  };
  if (!(await ports.saveCorrection(record, next, claim, result.findings, event))) {
    await audit('CONFLICT');
    return { kind: 'conflict' };
  }
  const done = (resumed: 'answered' | 'pending' | 'started' | 'exists'): CorrectionOutcome => ({
    kind: 'corrected',
    status: next.status,
    resumed,
    frequencyCode: claim.frequencyCode,
    findings: result.findings,
    changes,
  });
  if (execution) return done(await ports.startExecution(claimId, execution, { claimId }));
  const resumed = await ports.resume(claimId, { correctedAt: at, version: next.version });
  if (path === 'appeal') {
    // The correction waits (pending) for NeedsCorrection; the appeal wait goes on to Correct.
    const decision: AppealDecision = { route: 'CORRECT' };
    await ports.resume(claimId, decision, 'APPEAL');
  }
  return done(resumed);
}

const statusChange = (from: ClaimStatus): AuditChange => ({
  path: 'status',
  before: from,
  after: 'CORRECTED',
});

/**
 * The same request again after its save but before its execution started (a crash, a timeout): the
 * claim is CORRECTED one version on, waits for nothing and the edit changes nothing. Starts the
 * execution the first request named (a no-op if it did start).
 */
async function retriedRestart(
  ports: CorrectionPorts,
  record: CorrectableRecord,
  request: { version: number; edit: CorrectionEdit },
  ctx: { today: string; timelyFilingDays: number },
): Promise<CorrectionOutcome | undefined> {
  if (
    record.status !== 'CORRECTED' ||
    record.version !== request.version + 1 ||
    record.waiting !== undefined ||
    record.pending.CORRECTION !== undefined
  )
    return undefined;
  const again = await applyCorrection(record.claim, request.edit, ctx);
  if (again.ok || again.code !== 'NO_CHANGE') return undefined;
  const name = resubmissionExecutionName(record.claimId, 'correction', request.version);
  const resumed = await ports.startExecution(record.claimId, name, { claimId: record.claimId });
  return {
    kind: 'corrected',
    status: record.status,
    resumed,
    frequencyCode: record.claim.frequencyCode,
    findings: [],
    changes: [],
  };
}
