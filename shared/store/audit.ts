/**
 * A whole-table read for audits (the chaos harness's invariant checks, reconciliation jobs): every
 * claim, ledger entry, interchange membership, remit and work item, grouped by kind. It scans the
 * table page by page; meant for checks and small tables, never for a request path.
 */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LedgerEntry } from '../posting/ledger';
import { type ClaimRecord, toClaimRecord } from './claim-items';
import type { RemitRecord } from './remits';
import type { WorkItemRecord } from './work-items';

export interface AuditSnapshot {
  claims: ClaimRecord[];
  /** Ledger entries by claim id. */
  ledger: Map<string, LedgerEntry[]>;
  /** Interchanges (ISA13 as sent) each claim is a member of, by claim id. */
  interchangesByClaim: Map<string, string[]>;
  /** Interchanges by ISA13, with when they were sent. */
  interchanges: Map<string, { payerId: string; sentAt?: string; claimIds: string[] }>;
  remits: RemitRecord[];
  workItems: WorkItemRecord[];
  /** Items of other kinds, by entity, counted. */
  other: Record<string, number>;
}

export async function auditSnapshot(doc: DynamoDBDocumentClient, tableName: string): Promise<AuditSnapshot> {
  const snap: AuditSnapshot = {
    claims: [],
    ledger: new Map(),
    interchangesByClaim: new Map(),
    interchanges: new Map(),
    remits: [],
    workItems: [],
    other: {},
  };
  const members: { icn: string; claimId: string }[] = [];
  // A claim is its META and its content item (claim-items.ts): joined once the scan is done.
  const metas: Record<string, unknown>[] = [];
  const contents = new Map<string, Record<string, unknown>>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) {
      const { PK: _pk, SK: _sk, entity, ...rest } = item as Record<string, unknown>;
      switch (entity) {
        case 'CLAIM':
          metas.push(item);
          break;
        case 'CLAIM_CONTENT':
          contents.set(String(item.PK), item);
          break;
        case 'LEDGER': {
          const entry = rest as unknown as LedgerEntry;
          const list = snap.ledger.get(entry.claimId) ?? [];
          list.push(entry);
          snap.ledger.set(entry.claimId, list);
          break;
        }
        case 'ICN': {
          const icn = String(rest.interchangeControlNumber);
          const existing = snap.interchanges.get(icn);
          snap.interchanges.set(icn, {
            payerId: String(rest.payerId),
            ...(typeof rest.sentAt === 'string' ? { sentAt: rest.sentAt } : {}),
            claimIds: existing?.claimIds ?? [],
          });
          break;
        }
        case 'ICN_CLAIM':
          members.push({ icn: String(rest.interchangeControlNumber), claimId: String(rest.claimId) });
          break;
        case 'REMIT':
          snap.remits.push(rest as unknown as RemitRecord);
          break;
        case 'WORK':
          snap.workItems.push(rest as unknown as WorkItemRecord);
          break;
        default:
          snap.other[String(entity)] = (snap.other[String(entity)] ?? 0) + 1;
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  for (const meta of metas) snap.claims.push(toClaimRecord(meta, contents.get(String(meta.PK))));
  for (const { icn, claimId } of members) {
    const list = snap.interchangesByClaim.get(claimId) ?? [];
    list.push(icn);
    snap.interchangesByClaim.set(claimId, list);
    const ic = snap.interchanges.get(icn) ?? { payerId: '', claimIds: [] };
    ic.claimIds.push(claimId);
    snap.interchanges.set(icn, ic);
  }
  return snap;
}
