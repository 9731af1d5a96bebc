/**
 * Work queues: the work items the pipeline writes (an unmatched remit, a remit that does not fit its
 * claim, a held 835, an ack for an unknown claim, ...) as people see and work them. Pure views and
 * rules; the use cases at the bottom take ports.
 *
 * Who sees an item: an item naming a stored claim (its reference is `<claimId>` or
 * `<trace>/<claimId>`, or its detail has `claimId`) belongs to that claim's practice and is seen by
 * the callers of that practice, like the claim. An item naming no stored claim (an 835 for a claim
 * id we never sent, a held file) belongs to no practice: it holds ids, codes and amounts only, and
 * managers and admins see it (billers do not, since it may concern another practice).
 *
 * The queue reads the work-item index (shared/store/work-items.ts): one partition per practice of
 * the caller, plus the unowned partition for managers and admins; who may see an item is checked
 * again against its claim as read now.
 */
import type { ClaimStatus } from '../claims/model';
import { type Caller, canSee } from './access';
import { ageInDays, isoDay } from './aging';
import { type AccessAuditEntry, type AuditAction, type AuditChange, auditEntry } from './audit';

export interface WorkItemData {
  kind: string;
  reference: string;
  detail: Record<string, unknown>;
  firstSeen: string;
  lastSeen: string;
  occurrences: number;
  assignee?: string;
  /** A manual match in progress: the claim the item's payment is being posted to. */
  matchClaimId?: string;
  comments?: { at: string; by: string; text: string }[];
  resolution?: { at: string; by: string; note?: string; match?: { claimId: string } };
}

/** What a work item needs to know of the claim it names. */
export interface ClaimRef {
  claimId: string;
  practiceId: string;
  status: ClaimStatus;
  payerId: string;
}

export interface WorkItemSummary extends WorkItemData {
  state: 'open' | 'resolved';
  /** Whole days since the item was first seen. */
  ageDays: number;
  claimId?: string;
  practiceId?: string;
  payerId?: string;
  claimStatus?: ClaimStatus;
}

export interface WorkItemFilter {
  kind?: string;
  payerId?: string;
  /** Only items first seen at least this many days ago. */
  minAgeDays?: number;
  /** open (default), resolved or all. */
  state?: 'open' | 'resolved' | 'all';
  assignee?: string;
}

/** The claim id an item names, if any (it may name a claim that is not stored). */
export function claimIdOf(item: Pick<WorkItemData, 'reference' | 'detail'>): string | undefined {
  if (typeof item.detail.claimId === 'string' && item.detail.claimId) return item.detail.claimId;
  const last = item.reference.split('/').at(-1) ?? '';
  // Claim ids are short letters/digits/dashes; file keys and traces with a path are not.
  return /^[A-Za-z0-9-]{1,38}$/.test(last) ? last : undefined;
}

export function mayWork(caller: Caller, claim: ClaimRef | undefined): boolean {
  if (claim) return canSee(caller, claim.practiceId);
  return caller.role === 'manager' || caller.role === 'admin';
}

export function workItemSummary(
  item: WorkItemData,
  claim: ClaimRef | undefined,
  today: string,
): WorkItemSummary {
  return {
    ...item,
    state: item.resolution ? 'resolved' : 'open',
    ageDays: ageInDays(item.firstSeen.slice(0, 10), today),
    ...(claim
      ? {
          claimId: claim.claimId,
          practiceId: claim.practiceId,
          payerId: claim.payerId,
          claimStatus: claim.status,
        }
      : {}),
  };
}

export function matchesWorkFilter(s: WorkItemSummary, f: WorkItemFilter): boolean {
  const state = f.state ?? 'open';
  if (state !== 'all' && s.state !== state) return false;
  if (f.kind !== undefined && s.kind !== f.kind) return false;
  if (f.payerId !== undefined && s.payerId !== f.payerId) return false;
  if (f.minAgeDays !== undefined && s.ageDays < f.minAgeDays) return false;
  if (f.assignee !== undefined && s.assignee !== f.assignee) return false;
  return true;
}

/** Oldest first (the longest-waiting work first), then by kind and reference. */
export function byAge(a: WorkItemSummary, b: WorkItemSummary): number {
  return (
    a.firstSeen.localeCompare(b.firstSeen) ||
    a.kind.localeCompare(b.kind) ||
    a.reference.localeCompare(b.reference)
  );
}

export interface WorkQueuePorts {
  /** The kinds people work (others are not listed and answer 404). */
  kinds: readonly string[];
  /** The items of one practice (index partition), every kind and state. */
  listForPractice(practiceId: string): Promise<WorkItemData[]>;
  /** The items naming no stored claim. */
  listUnowned(): Promise<WorkItemData[]>;
  get(kind: string, reference: string): Promise<WorkItemData | undefined>;
  claim(claimId: string): Promise<ClaimRef | undefined>;
  assign(kind: string, reference: string, assignee: string | undefined): Promise<WorkItemData | undefined>;
  comment(
    kind: string,
    reference: string,
    comment: { at: string; by: string; text: string },
  ): Promise<WorkItemData | undefined>;
  resolve(
    kind: string,
    reference: string,
    resolution: { at: string; by: string; note?: string; match?: { claimId: string } },
  ): Promise<'resolved' | 'already' | 'missing'>;
  audit(entry: AccessAuditEntry): Promise<void>;
  now(): Date;
}

export interface RequestInfo {
  route: string;
  requestId?: string;
}

/**
 * The access-audit writer of one request on one work item: each entry names the item and the claim
 * it concerns when the caller may see it (else the caller's practices), unless `scope` says which
 * claims were read.
 */
export function workItemAuditor(
  write: (entry: AccessAuditEntry) => Promise<void>,
  caller: Caller,
  what: { action: AuditAction; ref: { kind: string; reference: string }; request: RequestInfo; now: Date },
  claim: Pick<ClaimRef, 'claimId' | 'practiceId'> | undefined,
) {
  return (
    outcome: AccessAuditEntry['outcome'],
    changes?: AuditChange[],
    scope?: { claimIds: string[]; practiceIds: string[] },
  ) =>
    write(
      auditEntry(
        caller,
        {
          action: what.action,
          route: what.request.route,
          outcome,
          claimIds: scope?.claimIds ?? (claim ? [claim.claimId] : []),
          practiceIds: scope?.practiceIds ?? (claim ? [claim.practiceId] : caller.practiceIds),
          workItem: what.ref,
          ...(what.request.requestId ? { requestId: what.request.requestId } : {}),
          ...(changes ? { changes } : {}),
        },
        what.now,
      ),
    );
}

async function claimOf(ports: WorkQueuePorts, item: WorkItemData): Promise<ClaimRef | undefined> {
  const id = claimIdOf(item);
  return id ? ports.claim(id) : undefined;
}

/** The caller's work items matching the filter, oldest first (audited: the claim ids returned). */
export async function listWorkItems(
  ports: WorkQueuePorts,
  caller: Caller,
  filter: WorkItemFilter,
  request: RequestInfo,
): Promise<WorkItemSummary[]> {
  const now = ports.now();
  const today = isoDay(now);
  const reads = caller.practiceIds.map((p) => ports.listForPractice(p));
  if (caller.role === 'manager' || caller.role === 'admin') reads.push(ports.listUnowned());
  const items = (await Promise.all(reads)).flat().filter((i) => ports.kinds.includes(i.kind));
  const out: WorkItemSummary[] = [];
  for (const item of items) {
    const claim = await claimOf(ports, item);
    if (!mayWork(caller, claim)) continue;
    const s = workItemSummary(item, claim, today);
    if (matchesWorkFilter(s, filter)) out.push(s);
  }
  out.sort(byAge);
  await ports.audit(
    auditEntry(
      caller,
      {
        action: 'LIST_WORK_ITEMS',
        route: request.route,
        outcome: 'OK',
        claimIds: [...new Set(out.flatMap((s) => (s.claimId ? [s.claimId] : [])))],
        practiceIds: [...new Set(out.flatMap((s) => (s.practiceId ? [s.practiceId] : [])))],
        ...(request.requestId ? { requestId: request.requestId } : {}),
      },
      now,
    ),
  );
  return out;
}

export type WorkItemAction =
  | { type: 'assign'; assignee?: string }
  | { type: 'comment'; text: string }
  | { type: 'resolve'; note?: string };

export type WorkItemUpdate =
  | { kind: 'ok'; item: WorkItemSummary }
  | { kind: 'not_found' }
  | { kind: 'already_resolved' };

/** Assign, comment on or resolve one item (who and when recorded; audited with before/after). */
export async function updateWorkItem(
  ports: WorkQueuePorts,
  caller: Caller,
  ref: { kind: string; reference: string },
  action: WorkItemAction,
  request: RequestInfo,
): Promise<WorkItemUpdate> {
  const now = ports.now();
  const at = now.toISOString();
  const item = ports.kinds.includes(ref.kind) ? await ports.get(ref.kind, ref.reference) : undefined;
  const claim = item ? await claimOf(ports, item) : undefined;
  const visible = item !== undefined && mayWork(caller, claim);
  const audit = workItemAuditor(
    ports.audit,
    caller,
    { action: 'UPDATE_WORK_ITEM', ref, request, now },
    visible ? claim : undefined,
  );
  if (!visible || !item) {
    await audit('NOT_FOUND');
    return { kind: 'not_found' };
  }
  let changes: AuditChange[];
  if (action.type === 'assign') {
    changes = [{ path: 'assignee', before: item.assignee, after: action.assignee }];
  } else if (action.type === 'comment') {
    changes = [{ path: 'comments', after: { at, by: caller.sub, text: action.text } }];
  } else {
    if (item.resolution) {
      await audit('REFUSED');
      return { kind: 'already_resolved' };
    }
    changes = [
      { path: 'resolution', after: { at, by: caller.sub, ...(action.note ? { note: action.note } : {}) } },
    ];
  }
  // Audited first: a change is never made unaudited.
  await audit('OK', changes);
  let updated: WorkItemData | undefined;
  if (action.type === 'assign') {
    updated = await ports.assign(ref.kind, ref.reference, action.assignee);
  } else if (action.type === 'comment') {
    updated = await ports.comment(ref.kind, ref.reference, { at, by: caller.sub, text: action.text });
  } else {
    const r = await ports.resolve(ref.kind, ref.reference, {
      at,
      by: caller.sub,
      ...(action.note ? { note: action.note } : {}),
    });
    if (r === 'already') {
      await audit('CONFLICT');
      return { kind: 'already_resolved' };
    }
    updated = r === 'resolved' ? await ports.get(ref.kind, ref.reference) : undefined;
  }
  if (!updated) return { kind: 'not_found' };
  return { kind: 'ok', item: workItemSummary(updated, claim, isoDay(now)) };
}
