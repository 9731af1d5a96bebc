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
import type { VoidPorts } from '../../shared/workbench/void';

/** Answers a wait's token (tokenAnswer); 'settled' when it was already answered or timed out (functions/lib/ports.ts). */
export interface TaskTokens {
  answer(taskToken: string, output: unknown, kind: WaitKind): Promise<'answered' | 'settled'>;
}

/** StartExecution of the claim state machine; 'exists' when an execution of that name was started before. */
export interface Executions {
  start(name: string, input: unknown): Promise<'started' | 'exists'>;
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
 * Resuming a claim's wait (NeedsCorrection, AwaitAppeal): answer the stored token, then clear the
 * wait if it still holds that token; with no wait yet, keep the outcome pending (record-transition
 * hands it over).
 */
export function resumeWait(repos: ChangeRepositories, tokens: TaskTokens, clock: () => Date) {
  return async (
    claimId: string,
    output: unknown,
    kind: WaitKind = 'CORRECTION',
  ): Promise<'answered' | 'pending'> => {
    const record = await repos.claims.get(claimId);
    const waiting = record?.waiting;
    if (waiting?.kind === kind) {
      await tokens.answer(waiting.taskToken, output, kind); // 'settled': answered before (a repeated request)
      await repos.claims.clearWait(claimId, kind, waiting.taskToken, clock().toISOString());
      return 'answered';
    }
    const d = await repos.claims.deliverOutcome(claimId, kind, output, clock().toISOString());
    if (d.taskToken) {
      // The wait registered in between and deliverOutcome took it.
      await tokens.answer(d.taskToken, output, kind);
      return 'answered';
    }
    return 'pending';
  };
}

export function correctionPorts(
  repos: ChangeRepositories,
  tokens: TaskTokens,
  executions: Executions,
  clock: () => Date,
  timelyFilingDays: number,
): CorrectionPorts {
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
    resume: resumeWait(repos, tokens, clock),
    startExecution: (_claimId, name, input) => executions.start(name, input),
    audit: async (entry) => {
      await repos.audit.append(entry);
    },
    now: clock,
    timelyFilingDays,
  };
}

/** The void use case's ports: the claim saved as a void, then a new execution (wiring only). */
export function voidPorts(repos: ChangeRepositories, executions: Executions, clock: () => Date): VoidPorts {
  const correction = correctionPorts(repos, { answer: async () => 'settled' }, executions, clock, 365);
  return {
    getClaim: correction.getClaim,
    saveVoid: (from, next, claim, event) => correction.saveCorrection(from, next, claim, [], event),
    startExecution: correction.startExecution,
    audit: correction.audit,
    now: clock,
  };
}
