/**
 * The workbench's read use cases: list claims, read one claim. Every call is scoped to the caller's
 * practices and writes one access-audit entry (after the data is gathered, before it is returned:
 * if the audit write fails, nothing is returned). Ports keep this AWS-free.
 */
import { claimIdFor } from '../claims/ids';
import type { ClaimEvent, ClaimStatus } from '../claims/model';
import type { LedgerEntry } from '../posting/ledger';
import { type Caller, canSee, practicesToRead } from './access';
import { isoDay } from './aging';
import { type AccessAuditEntry, auditEntry } from './audit';
import {
  type ClaimDetail,
  type ClaimFilter,
  type ClaimRecordView,
  type ClaimSummary,
  claimDetail,
  claimSummary,
  matchesFilter,
  type WorkItemView,
} from './views';

export interface ClaimListPort {
  /**
   * Claims of the practices (optionally only those statuses) that `accept` keeps, at most `limit`;
   * `cursor` continues where the previous page stopped.
   */
  listClaims(
    practiceIds: readonly string[],
    opts: {
      statuses?: readonly ClaimStatus[];
      limit: number;
      cursor?: string;
      accept: (record: ClaimRecordView) => boolean;
    },
  ): Promise<{ items: ClaimRecordView[]; cursor?: string }>;
}

export interface WorkbenchPorts extends ClaimListPort {
  getClaim(claimId: string): Promise<ClaimRecordView | undefined>;
  events(claimId: string): Promise<ClaimEvent[]>;
  ledger(claimId: string): Promise<LedgerEntry[]>;
  /** Work items that may name the claim (its practice's work-item index; filtered again here). */
  workItems(claimId: string, practiceId: string): Promise<WorkItemView[]>;
  audit(entry: AccessAuditEntry): Promise<void>;
  now(): Date;
}

export interface RequestInfo {
  /** Route template, e.g. `GET /api/claims`. */
  route: string;
  requestId?: string;
}

export interface ListQuery {
  filter: ClaimFilter;
  /** Exact claim id (CLM01). */
  claimId?: string;
  /** The practice's patient account / encounter number; found through the deterministic claim id. */
  patientAccount?: string;
  limit: number;
  cursor?: string;
}

export interface ClaimPage {
  items: ClaimSummary[];
  cursor?: string;
}

export async function listClaims(
  ports: WorkbenchPorts,
  caller: Caller,
  query: ListQuery,
  request: RequestInfo,
): Promise<ClaimPage> {
  const now = ports.now();
  const today = isoDay(now);
  const practices = practicesToRead(caller, query.filter.practiceId);
  let page: ClaimPage = { items: [] };
  if (query.claimId !== undefined || query.patientAccount !== undefined) {
    const account = query.patientAccount;
    const ids =
      query.claimId !== undefined ? [query.claimId] : practices.map((p) => claimIdFor(p, account as string));
    const records = await Promise.all([...new Set(ids)].map((id) => ports.getClaim(id)));
    page = {
      items: records
        .filter((r): r is ClaimRecordView => r !== undefined && practices.includes(r.practiceId))
        .filter((r) => account === undefined || r.claim.encounterId === account)
        .map((r) => claimSummary(r, today))
        .filter((s) => matchesFilter(s, query.filter))
        .slice(0, query.limit),
    };
  } else if (practices.length > 0) {
    const found = await ports.listClaims(practices, {
      ...(query.filter.status ? { statuses: [query.filter.status] } : {}),
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
      accept: (r) => matchesFilter(claimSummary(r, today), query.filter),
    });
    page = {
      items: found.items.map((r) => claimSummary(r, today)),
      ...(found.cursor ? { cursor: found.cursor } : {}),
    };
  }
  await ports.audit(
    auditEntry(
      caller,
      {
        action: 'LIST_CLAIMS',
        route: request.route,
        outcome: 'OK',
        claimIds: page.items.map((s) => s.claimId),
        practiceIds: practices,
        ...(request.requestId ? { requestId: request.requestId } : {}),
      },
      now,
    ),
  );
  return page;
}

/** The claim's detail, or undefined when it does not exist or belongs to another practice. */
export async function readClaim(
  ports: WorkbenchPorts,
  caller: Caller,
  claimId: string,
  request: RequestInfo,
): Promise<ClaimDetail | undefined> {
  const now = ports.now();
  const record = await ports.getClaim(claimId);
  const visible = record !== undefined && canSee(caller, record.practiceId);
  let detail: ClaimDetail | undefined;
  if (visible) {
    const [events, ledger, workItems] = await Promise.all([
      ports.events(claimId),
      ports.ledger(claimId),
      ports.workItems(claimId, record.practiceId),
    ]);
    detail = claimDetail(record, { events, ledger, workItems }, isoDay(now));
  }
  await ports.audit(
    auditEntry(
      caller,
      {
        action: 'READ_CLAIM',
        route: request.route,
        outcome: detail ? 'OK' : 'NOT_FOUND',
        claimIds: [claimId],
        practiceIds: detail ? [detail.summary.practiceId] : caller.practiceIds,
        ...(request.requestId ? { requestId: request.requestId } : {}),
      },
      now,
    ),
  );
  return detail;
}
