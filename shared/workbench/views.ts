/**
 * What the workbench shows of a claim: the list row (ids, status, payer, dates, money, A/R age:
 * no patient demographics) and the detail (the whole claim, its timeline, its ledger with a running
 * balance, the work items naming it). Pure; the repositories' records come in, plain views go out.
 */

import type { Claim, ClaimEvent, ClaimStatus } from '../claims/model';
import type { Cents } from '../money';
import type { LedgerEntry } from '../posting/ledger';
import { type ArBucket, ageInDays, arBucket } from './aging';
import { type DocumentSummary, documentSummaries } from './documents';
import { type LedgerStatement, ledgerStatement } from './running-balance';

/** The part of a stored claim record the views read (shared/store ClaimRecord satisfies it). */
export interface ClaimRecordView {
  claimId: string;
  practiceId: string;
  status: ClaimStatus;
  version: number;
  createdAt: string;
  updatedAt: string;
  claim: Claim;
  scrubFindings?: ScrubFinding[];
  payerClaimControlNumber?: string;
}

export interface ScrubFinding {
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  lineId?: string;
  field?: string;
}

export interface WorkItemView {
  kind: string;
  reference: string;
  detail: Record<string, unknown>;
  firstSeen: string;
  lastSeen: string;
  occurrences: number;
}

export interface ClaimSummary {
  claimId: string;
  practiceId: string;
  /** The practice's patient account / encounter number (CLM01 is claimId). */
  encounterId: string;
  status: ClaimStatus;
  payerId: string;
  payerName: string;
  frequencyCode: Claim['frequencyCode'];
  /** First and last date of service of the lines. */
  serviceFrom: string;
  serviceTo: string;
  totalChargeCents: Cents;
  lineCount: number;
  arAgeDays: number;
  arBucket: ArBucket;
  createdAt: string;
  updatedAt: string;
}

export interface ClaimDetail {
  summary: ClaimSummary;
  claim: Claim;
  version: number;
  payerClaimControlNumber?: string;
  scrubFindings: ScrubFinding[];
  timeline: ClaimEvent[];
  ledger: LedgerStatement;
  workItems: WorkItemView[];
  /** The X12 documents of the claim (837P sent, 999 / 277CA / 835 received); read one by its id. */
  documents: DocumentSummary[];
}

/** List filters, all optional, all combined with AND. Dates are YYYY-MM-DD, inclusive. */
export interface ClaimFilter {
  status?: ClaimStatus;
  payerId?: string;
  practiceId?: string;
  serviceFrom?: string;
  serviceTo?: string;
  arBucket?: ArBucket;
}

export function serviceDates(claim: Pick<Claim, 'lines' | 'receivedAt'>): { from: string; to: string } {
  const dates = claim.lines.map((l) => l.dateOfService).sort();
  const fallback = claim.receivedAt.slice(0, 10);
  return { from: dates[0] ?? fallback, to: dates[dates.length - 1] ?? fallback };
}

export function claimSummary(record: ClaimRecordView, today: string): ClaimSummary {
  const { claim } = record;
  const dates = serviceDates(claim);
  const age = ageInDays(dates.from, today);
  return {
    claimId: record.claimId,
    practiceId: record.practiceId,
    encounterId: claim.encounterId,
    status: record.status,
    payerId: claim.payer.payerId,
    payerName: claim.payer.name,
    frequencyCode: claim.frequencyCode,
    serviceFrom: dates.from,
    serviceTo: dates.to,
    totalChargeCents: claim.totalChargeCents,
    lineCount: claim.lines.length,
    arAgeDays: age,
    arBucket: arBucket(age),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/**
 * Does a claim match the filter? The date-of-service range matches on the claim's first date of
 * service (serviceFrom), so a claim falls in exactly one range of consecutive ranges.
 */
export function matchesFilter(summary: ClaimSummary, filter: ClaimFilter): boolean {
  if (filter.status && summary.status !== filter.status) return false;
  if (filter.payerId && summary.payerId !== filter.payerId) return false;
  if (filter.practiceId && summary.practiceId !== filter.practiceId) return false;
  if (filter.serviceFrom && summary.serviceFrom < filter.serviceFrom) return false;
  if (filter.serviceTo && summary.serviceFrom > filter.serviceTo) return false;
  if (filter.arBucket && summary.arBucket !== filter.arBucket) return false;
  return true;
}

/**
 * Does a work item name the claim? Work items are keyed by a reference that is the claim id or ends
 * with `/<claimId>` (`<trace>/<claimId>`), or carry the claim id in their detail.
 */
export function namesClaim(item: Pick<WorkItemView, 'reference' | 'detail'>, claimId: string): boolean {
  if (item.reference === claimId || item.reference.endsWith(`/${claimId}`)) return true;
  return item.detail.claimId === claimId;
}

export function claimDetail(
  record: ClaimRecordView,
  parts: {
    events: readonly ClaimEvent[];
    ledger: readonly LedgerEntry[];
    workItems: readonly WorkItemView[];
  },
  today: string,
): ClaimDetail {
  return {
    summary: claimSummary(record, today),
    claim: record.claim,
    version: record.version,
    ...(record.payerClaimControlNumber ? { payerClaimControlNumber: record.payerClaimControlNumber } : {}),
    scrubFindings: record.scrubFindings ?? [],
    timeline: [...parts.events].sort((a, b) => a.seq - b.seq),
    ledger: ledgerStatement(parts.ledger),
    workItems: parts.workItems.filter((w) => namesClaim(w, record.claimId)),
    documents: documentSummaries(parts.events),
  };
}
