/**
 * What the demo reports: claims by status, money (from the ledger), denials by CARC, work items,
 * and whether every claim is at rest with a balanced ledger.
 */

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CLAIM_STATUSES, type ClaimEvent, type ClaimStatus, RESTING_STATUSES } from '../shared/claims/model';
import { formatDollars } from '../shared/money';
import { balances, type LedgerEntry } from '../shared/posting/ledger';
import {
  type ClaimRecord,
  ClaimRepository,
  EventRepository,
  LedgerRepository,
  type WorkItemRecord,
  WorkItemRepository,
} from '../shared/store';
import { read835Sync } from '../shared/x12/read835';

export interface DemoSummary {
  claims: number;
  byStatus: Partial<Record<ClaimStatus, number>>;
  billedCents: number;
  paidCents: number;
  adjustmentsCents: number;
  patientResponsibilityCents: number;
  writeOffCents: number;
  openBalanceCents: number;
  /** Payer outcomes: paid in full, partially paid (patient balance), denied by route, rejected at 277CA. */
  byOutcome: Record<string, number>;
  denialsByCarc: Record<string, number>;
  unbalancedClaims: string[];
  notResting: string[];
  workItems: WorkItemRecord[];
  ledgerEntries: number;
}

/** Claims whose ledger and events are read at once. */
const READ_AHEAD = 16;

export async function summarize(
  doc: DynamoDBDocumentClient,
  tableName: string,
  practices: string[],
): Promise<DemoSummary> {
  const claims = new ClaimRepository(doc, tableName);
  const ledger = new LedgerRepository(doc, tableName);
  const events = new EventRepository(doc, tableName);
  const work = new WorkItemRepository(doc, tableName);
  const s: DemoSummary = {
    claims: 0,
    byStatus: {},
    billedCents: 0,
    paidCents: 0,
    adjustmentsCents: 0,
    patientResponsibilityCents: 0,
    writeOffCents: 0,
    openBalanceCents: 0,
    byOutcome: {},
    denialsByCarc: {},
    unbalancedClaims: [],
    notResting: [],
    workItems: [],
    ledgerEntries: 0,
  };
  for (const practiceId of practices) {
    for (const status of CLAIM_STATUSES) {
      let cursor: string | undefined;
      do {
        const page = await claims.listByStatus(practiceId, status, cursor ? { cursor } : {});
        // Each claim's ledger and events, read a few claims at a time (the emulator answers from its
        // own thread meanwhile), then counted in the page's order.
        for (let i = 0; i < page.items.length; i += READ_AHEAD) {
          const slice = page.items.slice(i, i + READ_AHEAD);
          const read = await Promise.all(
            slice.map((r) => Promise.all([ledger.getEntries(r.claimId), events.list(r.claimId)])),
          );
          for (const [j, record] of slice.entries()) {
            const [entries, claimEvents] = read[j] as (typeof read)[number];
            count(s, status, record, entries, claimEvents);
          }
        }
        cursor = page.cursor;
      } while (cursor);
    }
  }
  for (const kind of [
    'UNMATCHED_REMIT',
    'REMIT_MISMATCH',
    'REMIT_HELD',
    'UNEXPECTED_REMIT',
    'DUPLICATE_REMIT',
    'CREDIT_BALANCE',
    'UNMATCHED_ACK',
    'ACK_HELD',
  ]) {
    s.workItems.push(...(await work.list(kind)));
  }
  return s;
}

/** Adds one claim (its status, ledger and events) to the summary. */
function count(
  s: DemoSummary,
  status: ClaimStatus,
  record: ClaimRecord,
  entries: LedgerEntry[],
  claimEvents: ClaimEvent[],
): void {
  s.claims++;
  s.byStatus[status] = (s.byStatus[status] ?? 0) + 1;
  if (!RESTING_STATUSES.has(status)) s.notResting.push(record.claimId);
  s.ledgerEntries += entries.length;
  const b = balances(entries);
  s.billedCents += b.chargesCents;
  s.paidCents += b.paymentsCents;
  s.adjustmentsCents += b.adjustmentsCents;
  s.patientResponsibilityCents += b.patientResponsibilityCents;
  s.writeOffCents += b.writeOffCents;
  s.openBalanceCents += b.balanceCents;
  if (b.chargesCents !== record.claim.totalChargeCents) s.unbalancedClaims.push(record.claimId);
  for (const e of claimEvents) {
    const route = e.detail?.route;
    const outcome =
      e.type === 'REMIT_POSTED'
        ? ((
            { PAID: 'paid in full', PATIENT_BALANCE: 'partially paid (patient balance)' } as Record<
              string,
              string
            >
          )[String(route)] ?? `denied -> ${String(route).toLowerCase().replace('_', ' ')}`)
        : e.type === 'ACK_277CA_REJECTED' || e.type === 'ACK_999_REJECTED'
          ? 'rejected by the payer (277CA/999)'
          : e.type === 'SCRUB_FAILED'
            ? 'stopped by the scrubber'
            : undefined;
    if (outcome) s.byOutcome[outcome] = (s.byOutcome[outcome] ?? 0) + 1;
    if (e.type === 'REMIT_POSTED' && route !== 'PAID' && route !== 'PATIENT_BALANCE') {
      for (const carc of (e.detail?.carcs as string[] | undefined) ?? []) {
        s.denialsByCarc[carc] = (s.denialsByCarc[carc] ?? 0) + 1;
      }
    }
  }
}

export function formatSummary(s: DemoSummary): string {
  const lines = [
    `claims: ${s.claims}`,
    'by status:',
    ...Object.entries(s.byStatus).map(([k, v]) => `  ${k.padEnd(18)} ${v}`),
    'outcomes:',
    ...Object.entries(s.byOutcome)
      .sort()
      .map(([k, v]) => `  ${k.padEnd(34)} ${v}`),
    `billed:                 ${formatDollars(s.billedCents)}`,
    `paid by payers:         ${formatDollars(s.paidCents)}`,
    `contractual/other adj.: ${formatDollars(s.adjustmentsCents)}`,
    `patient responsibility: ${formatDollars(s.patientResponsibilityCents)}`,
    `written off:            ${formatDollars(s.writeOffCents)}`,
    `open insurance balance: ${formatDollars(s.openBalanceCents)}`,
    'denials by CARC:',
    ...(Object.keys(s.denialsByCarc).length === 0
      ? ['  (none)']
      : Object.entries(s.denialsByCarc)
          .sort()
          .map(([k, v]) => `  ${k.padEnd(18)} ${v}`)),
    `work items: ${s.workItems.length}`,
    ...s.workItems.map((w) => `  ${w.kind} ${w.reference}`),
    `ledger: ${s.ledgerEntries} entries, ${s.unbalancedClaims.length === 0 ? 'every claim balances' : `UNBALANCED: ${s.unbalancedClaims.join(', ')}`}`,
    s.notResting.length === 0
      ? 'every claim reached a resting state'
      : `NOT AT REST: ${s.notResting.join(', ')}`,
  ];
  return lines.join('\n');
}

/** What a replayed 835 could change of the claims it names: their ledgers and statuses. */
export interface ClaimsFingerprint {
  claims: number;
  ledgerEntries: number;
  paidCents: number;
  statuses: Record<string, ClaimStatus | undefined>;
}

/** The fingerprint of the claims of an 835 (its CLP01s), read from the store. */
export async function fingerprint835(
  doc: DynamoDBDocumentClient,
  tableName: string,
  x12: string,
): Promise<ClaimsFingerprint> {
  const claimIds = [
    ...new Set(read835Sync(x12).flatMap((r) => r.claims.map((c) => c.patientControlNumber))),
  ].sort();
  const claims = new ClaimRepository(doc, tableName);
  const ledger = new LedgerRepository(doc, tableName);
  const out: ClaimsFingerprint = { claims: claimIds.length, ledgerEntries: 0, paidCents: 0, statuses: {} };
  for (const claimId of claimIds) {
    const entries = await ledger.getEntries(claimId);
    out.ledgerEntries += entries.length;
    out.paidCents += balances(entries).paymentsCents;
    out.statuses[claimId] = (await claims.getState(claimId))?.status;
  }
  return out;
}
