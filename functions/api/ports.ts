/**
 * Adapters from the workbench use cases' ports to the repositories and the Step Functions task-token
 * client. Wiring only.
 */
import type { ClaimEvent } from '../../shared/claims/model';
import type { ClaimState } from '../../shared/claims/state';
import type { WaitKind } from '../../shared/claims/workflow';
import type { ClaimAttributes, ClaimRecord } from '../../shared/store';
import { VersionConflictError } from '../../shared/store/errors';
import type { AccessAuditEntry } from '../../shared/workbench/audit';
import type { CorrectionPorts } from '../../shared/workbench/correct-claim';

/** Answers a wait's token (tokenAnswer); 'settled' when it was already answered or timed out (functions/lib/ports.ts). */
export interface TaskTokens {
  answer(taskToken: string, output: unknown, kind: WaitKind): Promise<'answered' | 'settled'>;
}

export interface ChangeRepositories {
  claims: {
    get(claimId: string): Promise<ClaimRecord | undefined>;
    save(
      from: ClaimRecord,
      to: ClaimState,
      event?: ClaimEvent,
      extra?: [],
      attrs?: Partial<ClaimAttributes>,
    ): Promise<ClaimRecord>;
    deliverOutcome(
      claimId: string,
      kind: WaitKind,
      output: unknown,
      at: string,
    ): Promise<{ taskToken?: string; pending: boolean }>;
    clearWait(claimId: string, kind: WaitKind, taskToken: string, at: string): Promise<boolean>;
  };
  audit: { append(entry: AccessAuditEntry): Promise<string> };
}

/**
 * Resuming a claim's NeedsCorrection wait: answer the stored token, then clear the wait if it still
 * holds that token; with no wait yet, keep the correction pending (record-transition hands it over).
 */
export function correctionPorts(
  repos: ChangeRepositories,
  tokens: TaskTokens,
  clock: () => Date,
  timelyFilingDays: number,
): CorrectionPorts {
  const answerAndClear = async (claimId: string, token: string, output: unknown) => {
    await tokens.answer(token, output, 'CORRECTION'); // 'settled': answered before (a repeated request)
    await repos.claims.clearWait(claimId, 'CORRECTION', token, clock().toISOString());
  };
  return {
    getClaim: (claimId) => repos.claims.get(claimId),
    saveCorrection: async (from, next, claim, findings, event) => {
      try {
        await repos.claims.save(from as ClaimRecord, next, event, [], { claim, scrubFindings: findings });
        return true;
      } catch (err) {
        if (err instanceof VersionConflictError) return false;
        throw err;
      }
    },
    resume: async (claimId, output) => {
      const record = await repos.claims.get(claimId);
      const waiting = record?.waiting;
      if (waiting?.kind === 'CORRECTION') {
        await answerAndClear(claimId, waiting.taskToken, output);
        return 'answered';
      }
      const d = await repos.claims.deliverOutcome(claimId, 'CORRECTION', output, clock().toISOString());
      if (d.taskToken) {
        // The wait registered in between and deliverOutcome took it.
        await tokens.answer(d.taskToken, output, 'CORRECTION');
        return 'answered';
      }
      return 'pending';
    },
    audit: async (entry) => {
      await repos.audit.append(entry);
    },
    now: clock,
    timelyFilingDays,
  };
}
