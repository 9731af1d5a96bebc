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
 * The audit entry is written before the claim is saved: a change is never made unaudited. If the
 * save then loses a version race, a second entry with outcome CONFLICT says nothing was changed.
 */
import type { Claim, ClaimEvent, ClaimStatus } from '../claims/model';
import type { ClaimState } from '../claims/state';
import type { ScrubFinding } from '../scrub/rules';
import { type Caller, canSee } from './access';
import { type AccessAuditEntry, type AuditChange, auditEntry } from './audit';
import { applyCorrection, type CorrectionEdit, type CorrectionIssue, isCorrectable } from './corrections';

export interface CorrectableRecord extends ClaimState {
  practiceId: string;
  claim: Claim;
}

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
   * Hands the correction to the workflow: answers the CORRECTION wait's token and clears the wait,
   * or keeps the correction pending for the wait to come.
   */
  resume(claimId: string, output: unknown): Promise<'answered' | 'pending'>;
  audit(entry: AccessAuditEntry): Promise<void>;
  now(): Date;
  timelyFilingDays: number;
}

export type CorrectionOutcome =
  | {
      kind: 'corrected';
      status: ClaimStatus;
      resumed: 'answered' | 'pending';
      findings: ScrubFinding[];
      changes: AuditChange[];
    }
  | { kind: 'not_found' }
  | { kind: 'conflict' }
  | { kind: 'not_correctable'; status: ClaimStatus }
  | { kind: 'invalid'; issues: CorrectionIssue[] }
  | { kind: 'scrub_errors'; findings: ScrubFinding[] }
  | { kind: 'no_change' };

export async function correctClaim(
  ports: CorrectionPorts,
  caller: Caller,
  claimId: string,
  request: { version: number; edit: CorrectionEdit; route: string; requestId?: string },
): Promise<CorrectionOutcome> {
  const now = ports.now();
  const record = await ports.getClaim(claimId);
  const visible = record !== undefined && canSee(caller, record.practiceId);
  const audit = (outcome: AccessAuditEntry['outcome'], changes?: AuditChange[]) =>
    ports.audit(
      auditEntry(
        caller,
        {
          action: 'CORRECT_CLAIM',
          route: request.route,
          outcome,
          claimIds: [claimId],
          practiceIds: visible && record ? [record.practiceId] : caller.practiceIds,
          ...(request.requestId ? { requestId: request.requestId } : {}),
          ...(changes ? { changes } : {}),
        },
        now,
      ),
    );
  if (!visible || !record) {
    await audit('NOT_FOUND');
    return { kind: 'not_found' };
  }
  if (record.version !== request.version) {
    await audit('CONFLICT');
    return { kind: 'conflict' };
  }
  if (!isCorrectable(record.status)) {
    await audit('REFUSED');
    return { kind: 'not_correctable', status: record.status };
  }
  const result = await applyCorrection(record.claim, request.edit, {
    today: now.toISOString().slice(0, 10),
    timelyFilingDays: ports.timelyFilingDays,
  });
  if (!result.ok) {
    await audit('REFUSED');
    if (result.code === 'INVALID') return { kind: 'invalid', issues: result.issues };
    if (result.code === 'SCRUB_ERRORS') return { kind: 'scrub_errors', findings: result.findings };
    return { kind: 'no_change' };
  }
  await audit('OK', result.changes);
  const at = now.toISOString();
  const next: ClaimState = {
    claimId: record.claimId,
    status: record.status,
    version: record.version + 1,
    seq: record.seq + 1,
    followUps: record.followUps,
    pending: record.pending,
    updatedAt: at,
    ...(record.waiting ? { waiting: record.waiting } : {}),
  };
  const event: ClaimEvent = {
    claimId,
    at,
    seq: next.seq,
    type: 'CORRECTION_SAVED',
    status: next.status,
    // Paths only (never values): the event log is read more widely than the audit.
    detail: {
      by: caller.sub,
      fields: [...new Set(result.changes.map((c) => c.path))],
      frequencyCode: result.claim.frequencyCode,
    },
  };
  if (!(await ports.saveCorrection(record, next, result.claim, result.findings, event))) {
    await audit('CONFLICT');
    return { kind: 'conflict' };
  }
  const resumed = await ports.resume(claimId, { correctedAt: at, version: next.version });
  return {
    kind: 'corrected',
    status: next.status,
    resumed,
    findings: result.findings,
    changes: result.changes,
  };
}
