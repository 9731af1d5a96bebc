/**
 * Display helpers for the claim's X12 documents and the manual remit match. Pure (no DOM),
 * unit-tested in test/unit/web/documents.test.ts.
 */
import type { Ack999, ClaimAck, Remittance } from '../../../shared/x12/types';

/**
 * The readers' view as GET /api/claims/{claimId}/documents/{documentId} returns it
 * (shared/workbench/documents.ts DocumentView['parsed']; that module's imports need node:crypto, so
 * the browser's tsconfig cannot import even its types; test/unit/web/documents.test.ts checks both agree).
 */
export type ParsedDocument =
  | { kind: '999'; acknowledgments: Ack999[] }
  | { kind: '277CA'; statuses: ClaimAck[] }
  | { kind: '835'; remittances: (Remittance & { balanceIssues: BalanceIssueView[] })[] };

export interface BalanceIssueView {
  rule: 'SERVICE_LINE' | 'CLAIM' | 'TRANSACTION';
  claimId?: string;
  serviceIndex?: number;
  expectedCents: number;
  actualCents: number;
}

const KIND_NAMES: Record<string, string> = {
  '837P': '837P claim',
  '999': '999 acknowledgment',
  '277CA': '277CA claim acknowledgment',
  '835': '835 remittance',
};

/** "835 remittance (received)". */
export const documentTitle = (kind: string, direction: string): string =>
  `${KIND_NAMES[kind] ?? kind} (${direction})`;

/** An excerpt segment's position in the whole file, right-aligned to the widest one. */
export const positionText = (index: number, widest: number): string =>
  String(index).padStart(String(widest).length, ' ');

/** The excerpt's gaps: true when segment i does not directly follow segment i-1 (other claims were there). */
export const gapBefore = (segments: readonly { index: number }[], i: number): boolean =>
  i > 0 && (segments[i]?.index ?? 0) - (segments[i - 1]?.index ?? 0) > 1;

/**
 * The work item kinds the match routes accept: shared/posting/match.ts MATCHABLE_KINDS (that module
 * imports node:crypto, so the browser cannot import it; the unit test checks both agree).
 */
export const MATCHABLE = ['UNMATCHED_REMIT', 'REMIT_MISMATCH'] as const;
export const isMatchable = (kind: string): boolean => (MATCHABLE as readonly string[]).includes(kind);

const RULE_WORDS: Record<string, string> = {
  OTHER_PAYER: "the claim is another payer's",
  ALREADY_PAID_FOR_TRACE: 'the claim already has a payment from this trace',
  MATCHED_TO_OTHER_CLAIM: 'someone is matching this item to another claim',
  NOT_MATCHABLE: 'the item is not a remit claim payment',
  PAYMENT_NOT_FOUND: 'its 835 has no such claim payment',
  PAYER_UNKNOWN: "the 835's payer cannot be compared",
  CHARGE_MISMATCH: "the payment's charge is not the claim's",
  UNBALANCED: 'the payment does not balance',
  PAYMENTS_EXCEED_CHARGES: 'it would leave a credit balance',
};

/**
 * A refused candidates / match request as a sentence naming the rule (never a value):
 * `match_refused` + rule, `already_resolved`, `not_found`, or the error code.
 */
export function matchRefusalText(status: number, error: unknown): string {
  const e = (error ?? {}) as { error?: unknown; rule?: unknown };
  if (e.error === 'match_refused' && typeof e.rule === 'string') {
    const why = RULE_WORDS[e.rule];
    return `Refused (${status}): rule ${e.rule}${why ? ` (${why})` : ''}.`;
  }
  if (e.error === 'already_resolved') return 'Refused (409): the item was already resolved.';
  if (e.error === 'not_found') return 'Not found (404): the item or the claim is not yours to work.';
  return `The request failed (${status}${typeof e.error === 'string' ? ` ${e.error}` : ''}).`;
}

/** "posted $80.00 (trace TRN1, payer claim PCN1; remit wait answered)". */
export function postingText(
  p: {
    traceNumber: string;
    payerClaimControlNumber: string;
    paidCents: number;
    result: string;
    delivery: string;
  },
  money: (cents: number) => string,
): string {
  return `${p.result} ${money(p.paidCents)} (trace ${p.traceNumber}, payer claim ${p.payerClaimControlNumber}; remit wait ${p.delivery})`;
}
