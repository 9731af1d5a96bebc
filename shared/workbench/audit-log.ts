/**
 * Reading the access-audit log: admins only, and only the entries that concern their practices (an
 * admin of PRAC1 does not see who read PRAC2's claims). One UTC day at a time, oldest first, paged,
 * optionally narrowed to one claim or one user. The read itself is audited. Pure: ports in.
 */
import { type Caller, canSee } from './access';
import { type AccessAuditEntry, auditEntry } from './audit';
import type { RequestInfo } from './queries';

export type AuditRecordView = AccessAuditEntry & { auditId: string };

export interface AuditLogPorts {
  /** At most `limit` entries of the day examined, oldest first; `cursor` continues after the last. */
  pageDay(
    day: string,
    opts: { limit: number; cursor?: string },
  ): Promise<{ items: AuditRecordView[]; cursor?: string }>;
  audit(entry: AccessAuditEntry): Promise<void>;
  now(): Date;
}

export interface AuditLogQuery {
  day: string; // YYYY-MM-DD (UTC)
  claimId?: string;
  sub?: string;
  limit: number;
  cursor?: string;
}

export type AuditLogPage =
  | { ok: true; items: AuditRecordView[]; cursor?: string }
  | { ok: false; error: 'forbidden' };

/** Entries examined per request at most, whatever the filters keep (the cursor goes on from there). */
export const MAX_EXAMINED = 1000;

export async function readAuditLog(
  ports: AuditLogPorts,
  caller: Caller,
  query: AuditLogQuery,
  request: RequestInfo,
): Promise<AuditLogPage> {
  const allowed = caller.role === 'admin';
  const items: AuditRecordView[] = [];
  let cursor = query.cursor;
  if (allowed) {
    let examined = 0;
    do {
      // Never examine more than still fits the page: the cursor then stops right after the last kept entry.
      const want = Math.min(query.limit - items.length, MAX_EXAMINED - examined);
      const page = await ports.pageDay(query.day, { limit: want, ...(cursor ? { cursor } : {}) });
      examined += page.items.length;
      for (const r of page.items)
        if (
          r.practiceIds.some((p) => canSee(caller, p)) &&
          (query.claimId === undefined || r.claimIds.includes(query.claimId)) &&
          (query.sub === undefined || r.sub === query.sub)
        )
          items.push(r);
      cursor = page.cursor;
    } while (cursor && items.length < query.limit && examined < MAX_EXAMINED);
  }
  await ports.audit(
    auditEntry(
      caller,
      {
        action: 'READ_AUDIT_LOG',
        route: request.route,
        outcome: allowed ? 'OK' : 'REFUSED',
        claimIds: query.claimId ? [query.claimId] : [],
        practiceIds: caller.practiceIds,
        ...(request.requestId ? { requestId: request.requestId } : {}),
      },
      ports.now(),
    ),
  );
  if (!allowed) return { ok: false, error: 'forbidden' };
  return { ok: true, items, ...(cursor ? { cursor } : {}) };
}
