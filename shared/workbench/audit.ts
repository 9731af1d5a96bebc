/**
 * Access-audit entries: who read which claims, when, through which route. Ids only, never PHI: the
 * caller's opaque `sub`, claim ids (hashes, not patient data), practice ids, the route template
 * (`GET /api/claims/{claimId}`, never the concrete URL with its query string).
 */
import type { Caller, Role } from './access';

export type AuditAction =
  | 'LIST_CLAIMS'
  | 'READ_CLAIM'
  | 'READ_AUDIT_LOG'
  | 'READ_DOCUMENT'
  // patient billing, appeals and reports (shared/workbench/billing.ts)
  | 'READ_APPEAL_PACKET'
  | 'OPEN_APPEAL'
  | 'RECORD_APPEAL_OUTCOME'
  | 'RUN_STATEMENTS'
  | 'READ_STATEMENT'
  | 'POST_PATIENT_PAYMENT'
  | 'WRITE_OFF_PATIENT_BALANCE'
  | 'READ_REPORT'
  // corrections and work queues (shared/workbench/correct-claim.ts, work-queue.ts)
  | 'CORRECT_CLAIM'
  | 'VOID_CLAIM'
  | 'LIST_WORK_ITEMS'
  | 'UPDATE_WORK_ITEM'
  // matching a remit claim payment to a claim by hand (remit-match.ts)
  | 'LIST_MATCH_CANDIDATES'
  | 'MATCH_REMIT';
/**
 * OK: data was returned / the change was made. NOT_FOUND: the claim (work item) does not exist or
 * belongs to another practice. REFUSED: the change was not allowed or not valid; CONFLICT: the
 * claim changed since the caller read it (nothing was changed in either case).
 */
export type AuditOutcome = 'OK' | 'NOT_FOUND' | 'REFUSED' | 'CONFLICT';

/**
 * One changed field of a change entry: its path in the record and the values before and after.
 * Change entries are the one place values are kept (they may be PHI: a corrected name or date of
 * birth); they live in the audit items of the table, under the same key as the claims, never in logs.
 */
export interface AuditChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface AccessAuditEntry {
  at: string; // ISO timestamp
  sub: string;
  role: Role;
  action: AuditAction;
  route: string;
  outcome: AuditOutcome;
  claimIds: string[];
  practiceIds: string[];
  /** API Gateway / local request id, to join with logs. */
  requestId?: string;
  /** Change entries: what changed (before / after). */
  changes?: AuditChange[];
  /** Work item entries: the item changed (kind and reference). */
  workItem?: { kind: string; reference: string };
}

export function auditEntry(
  caller: Caller,
  what: {
    action: AuditAction;
    route: string;
    outcome: AuditOutcome;
    claimIds: readonly string[];
    practiceIds: readonly string[];
    requestId?: string;
    changes?: readonly AuditChange[];
    workItem?: { kind: string; reference: string };
  },
  at: Date,
): AccessAuditEntry {
  return {
    at: at.toISOString(),
    sub: caller.sub,
    role: caller.role,
    action: what.action,
    route: what.route,
    outcome: what.outcome,
    claimIds: [...what.claimIds],
    practiceIds: [...new Set(what.practiceIds)].sort(),
    ...(what.requestId ? { requestId: what.requestId } : {}),
    ...(what.changes ? { changes: [...what.changes] } : {}),
    ...(what.workItem ? { workItem: { ...what.workItem } } : {}),
  };
}

/**
 * The audit of one change to one claim: a function writing the entry for an outcome (and the changes
 * made). The claim's practice is named when the caller may see it, the caller's practices otherwise.
 */
export function claimChangeAudit(
  write: (entry: AccessAuditEntry) => Promise<void>,
  caller: Caller,
  what: {
    action: AuditAction;
    claimId: string;
    /** The claim's practice when the caller may see it. */
    practiceId: string | undefined;
    route: string;
    requestId?: string;
  },
  at: Date,
) {
  return (outcome: AuditOutcome, changes?: AuditChange[]) =>
    write(
      auditEntry(
        caller,
        {
          action: what.action,
          route: what.route,
          outcome,
          claimIds: [what.claimId],
          practiceIds: what.practiceId ? [what.practiceId] : caller.practiceIds,
          ...(what.requestId ? { requestId: what.requestId } : {}),
          ...(changes ? { changes } : {}),
        },
        at,
      ),
    );
}
