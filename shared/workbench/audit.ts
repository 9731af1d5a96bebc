/**
 * Access-audit entries: who read which claims, when, through which route. Ids only, never PHI: the
 * caller's opaque `sub`, claim ids (hashes, not patient data), practice ids, the route template
 * (`GET /api/claims/{claimId}`, never the concrete URL with its query string).
 */
import type { Caller, Role } from './access';

export type AuditAction =
  | 'LIST_CLAIMS'
  | 'READ_CLAIM'
  // patient billing, appeals and reports (shared/workbench/billing.ts)
  | 'READ_APPEAL_PACKET'
  | 'OPEN_APPEAL'
  | 'RECORD_APPEAL_OUTCOME'
  | 'RUN_STATEMENTS'
  | 'READ_STATEMENT'
  | 'POST_PATIENT_PAYMENT'
  | 'WRITE_OFF_PATIENT_BALANCE'
  | 'READ_REPORT';
/** OK: data was returned. NOT_FOUND: the claim does not exist or belongs to another practice. */
export type AuditOutcome = 'OK' | 'NOT_FOUND';

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
  };
}
