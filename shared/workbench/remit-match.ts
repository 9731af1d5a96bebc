/**
 * Matching an unmatched (or mismatched) 835 claim payment to a claim by hand. The item names the
 * payment (`<trace>/<CLP01>` + the 835's file key); a person picks one of their practices' claims
 * (candidates: same payer, patient account, charge, service dates near) and the payment is posted
 * to it exactly as auto-posting would have (shared/services/remit.ts postClaimPayment: posting key
 * (TRN02, the claim id, CLP07), the ledger checks, the outcome delivered to the claim's AwaitRemit
 * wait), then the item is resolved with who and when.
 *
 * Once only: the item is reserved for the claim before anything is posted (two people matching it
 * to two claims cannot both post), the posting key makes a repeat or a replayed 835 post nothing,
 * and matching a resolved item again to the same claim only completes what a crash left undone.
 * Audited before the change (before/after), plus a REFUSED entry when the ledger refuses it; the
 * claim gets a REMIT_MATCHED event next to the REMIT_POSTED one delivery writes.
 */
import { claimIdFor } from '../claims/ids';
import type { Claim, ClaimStatus } from '../claims/model';
import { EXPECTING_OUTCOME } from '../claims/state';
import type { Cents } from '../money';
import {
  type CandidateReason,
  candidateReasons,
  candidateScore,
  type MatchRule,
  matchedKeys,
  matchRefusal,
  matchTarget,
  paidFromTrace,
  payerFit,
  paymentsOf,
  type RemitPayer,
  rebind,
} from '../posting/match';
import { type ClaimPostingPorts, postClaimPayment, type WorkItem } from '../services/remit';
import type { ClaimPayment, Remittance } from '../x12/types';
import { type Caller, canSee } from './access';
import { isoDay } from './aging';
import type { AccessAuditEntry } from './audit';
import {
  type ClaimRef,
  claimIdOf,
  mayWork,
  type RequestInfo,
  type WorkItemData,
  type WorkItemSummary,
  workItemAuditor,
  workItemSummary,
} from './work-queue';

/** The stored claim as the match needs it. */
export interface MatchClaim {
  claimId: string;
  practiceId: string;
  status: ClaimStatus;
  claim: Claim;
}

export interface RemitMatchPorts {
  kinds: readonly string[];
  getItem(kind: string, reference: string): Promise<WorkItemData | undefined>;
  getClaim(claimId: string): Promise<MatchClaim | undefined>;
  /** The transaction set with this trace of the stored 835 (read again with the posting reader). */
  remittance(fileKey: string, traceNumber: string): Promise<Remittance | undefined>;
  /** Claims of these practices in these statuses that `accept` keeps (index reads, bounded). */
  listClaims(
    practiceIds: readonly string[],
    statuses: readonly ClaimStatus[],
    accept: (c: MatchClaim) => boolean,
    limit: number,
  ): Promise<MatchClaim[]>;
  posting: ClaimPostingPorts;
  /** Appends a claim event once per dedupe key. */
  noteMatch(claimId: string, dedupeKey: string, detail: Record<string, unknown>): Promise<void>;
  workItem(item: WorkItem): Promise<void>;
  reserve(
    kind: string,
    reference: string,
    claimId: string,
  ): Promise<'reserved' | 'other' | 'resolved' | 'missing'>;
  release(kind: string, reference: string, claimId: string): Promise<void>;
  resolve(
    kind: string,
    reference: string,
    resolution: { at: string; by: string; note?: string; match: { claimId: string } },
  ): Promise<'resolved' | 'already' | 'missing'>;
  audit(entry: AccessAuditEntry): Promise<void>;
  now(): Date;
}

export interface MatchCandidate {
  claimId: string;
  practiceId: string;
  payerId: string;
  status: ClaimStatus;
  totalChargeCents: Cents;
  reasons: CandidateReason[];
  score: number;
}

/** Refusals answer 409 (the claim or item is in another state) or 422 (the amounts do not fit). */
export interface MatchRefused {
  kind: 'refused';
  status: 409 | 422;
  /** A MatchRule, NOT_MATCHABLE, PAYMENT_NOT_FOUND, MATCHED_TO_OTHER_CLAIM or a ledger check's problem. */
  rule: MatchRule | string;
  expectedCents?: Cents;
  actualCents?: Cents;
}

export type CandidatesResult =
  | { kind: 'ok'; candidates: MatchCandidate[] }
  | { kind: 'not_found' }
  | MatchRefused;

export interface MatchPosting {
  traceNumber: string;
  payerClaimControlNumber: string;
  statusCode: string;
  paidCents: Cents;
  result: 'posted' | 'duplicate';
  delivery: string;
}

export type MatchResult =
  | { kind: 'ok'; item: WorkItemSummary; claimId: string; postings: MatchPosting[] }
  | { kind: 'not_found' }
  | { kind: 'already_resolved' }
  | MatchRefused;

/** At most this many candidates are answered, and this many other CLP01s read to learn the payer. */
const MAX_CANDIDATES = 20;
const MAX_PAYER_LOOKUPS = 25;

const refused = (
  status: 409 | 422,
  rule: MatchRefused['rule'],
  amounts: Pick<MatchRefused, 'expectedCents' | 'actualCents'> = {},
): MatchRefused => ({ kind: 'refused', status, rule, ...amounts });

const refOf = (c: MatchClaim): ClaimRef => ({
  claimId: c.claimId,
  practiceId: c.practiceId,
  status: c.status,
  payerId: c.claim.payer.payerId,
});

interface Loaded {
  item: WorkItemData;
  itemClaim?: ClaimRef;
}

/** The item if the caller may work it (its claim's practice; items naming no claim: managers). */
async function visibleItem(
  ports: RemitMatchPorts,
  caller: Caller,
  ref: { kind: string; reference: string },
): Promise<Loaded | undefined> {
  const item = ports.kinds.includes(ref.kind) ? await ports.getItem(ref.kind, ref.reference) : undefined;
  if (!item) return undefined;
  const id = claimIdOf(item);
  const stored = id ? await ports.getClaim(id) : undefined;
  const itemClaim = stored ? refOf(stored) : undefined;
  if (!mayWork(caller, itemClaim)) return undefined;
  return itemClaim ? { item, itemClaim } : { item };
}

/** The payer of the 835: the payers of the stored claims its set pays, else N1*PR. */
async function payerOf(ports: RemitMatchPorts, remit: Remittance): Promise<RemitPayer> {
  const ids = [...new Set(remit.claims.map((c) => c.patientControlNumber))].slice(0, MAX_PAYER_LOOKUPS);
  const payerIds = new Set<string>();
  for (const id of ids) {
    const c = await ports.getClaim(id);
    if (c) payerIds.add(c.claim.payer.payerId);
  }
  return { payerIds: [...payerIds], ...(remit.payerName ? { payerName: remit.payerName } : {}) };
}

/** The item's target, payments and payer; or why there is nothing to match. */
async function payment(
  ports: RemitMatchPorts,
  item: WorkItemData,
): Promise<
  | MatchRefused
  | { kind: 'ok'; remit: Remittance; payments: ClaimPayment[]; payer: RemitPayer; fileKey: string }
> {
  const target = matchTarget(item);
  if (!target) return refused(409, 'NOT_MATCHABLE');
  const remit = await ports.remittance(target.fileKey, target.traceNumber);
  const payments = remit ? paymentsOf(remit, target.patientControlNumber) : [];
  if (!remit || payments.length === 0) return refused(409, 'PAYMENT_NOT_FOUND');
  return { kind: 'ok', remit, payments, payer: await payerOf(ports, remit), fileKey: target.fileKey };
}

/**
 * Candidate claims for an item's payment, among the caller's practices: claims of the 835's payer
 * awaiting a remit that share the patient account, the charge or a service date nearby, plus the
 * claim whose encounter id (or id) is the CLP01 in any status. Best first. Audited (the ids answered).
 */
export async function matchCandidates(
  ports: RemitMatchPorts,
  caller: Caller,
  ref: { kind: string; reference: string },
  request: RequestInfo,
): Promise<CandidatesResult> {
  const now = ports.now();
  const loaded = await visibleItem(ports, caller, ref);
  const audit = workItemAuditor(
    ports.audit,
    caller,
    { action: 'LIST_MATCH_CANDIDATES', ref, request, now },
    undefined,
  );
  if (!loaded) {
    await audit('NOT_FOUND');
    return { kind: 'not_found' };
  }
  const found = await payment(ports, loaded.item);
  if (found.kind === 'refused') {
    await audit('REFUSED');
    return found;
  }
  const pay = found.payments.find((p) => p.statusCode !== '22') ?? (found.payments[0] as ClaimPayment);
  const fits = (c: MatchClaim) =>
    canSee(caller, c.practiceId) &&
    payerFit(c.claim, found.payer) === 'same' &&
    candidateReasons(c.claim, pay).length > 0;
  const direct: MatchClaim[] = [];
  for (const id of [
    pay.patientControlNumber,
    ...caller.practiceIds.map((p) => claimIdFor(p, pay.patientControlNumber)),
  ]) {
    const c = await ports.getClaim(id);
    if (c) direct.push(c);
  }
  const listed = await ports.listClaims(caller.practiceIds, EXPECTING_OUTCOME.REMIT, fits, 50);
  const byId = new Map<string, MatchClaim>();
  for (const c of [...direct, ...listed]) if (fits(c)) byId.set(c.claimId, c);
  const candidates = [...byId.values()]
    .map((c): MatchCandidate => {
      const reasons = candidateReasons(c.claim, pay);
      return {
        claimId: c.claimId,
        practiceId: c.practiceId,
        payerId: c.claim.payer.payerId,
        status: c.status,
        totalChargeCents: c.claim.totalChargeCents,
        reasons,
        score: candidateScore(reasons),
      };
    })
    .sort((a, b) => b.score - a.score || a.claimId.localeCompare(b.claimId))
    .slice(0, MAX_CANDIDATES);
  await audit('OK', undefined, {
    claimIds: candidates.map((c) => c.claimId),
    practiceIds: [...new Set(candidates.map((c) => c.practiceId))],
  });
  return { kind: 'ok', candidates };
}

/** 409 for a claim or item in another state (duplicate, credit balance), 422 for amounts that do not fit. */
function ledgerRefusal(kind: string, problem: string): 409 | 422 {
  if (kind === 'DUPLICATE_REMIT' || kind === 'CREDIT_BALANCE' || problem === 'POSTED_WITH_OTHER_AMOUNTS') {
    return 409;
  }
  return 422;
}

/**
 * Matches the item's claim payment(s) to `claimId` and posts them (see the module comment).
 * 404: the item or the claim is not the caller's to work; 409 already_resolved: resolved otherwise.
 */
export async function matchWorkItem(
  ports: RemitMatchPorts,
  caller: Caller,
  ref: { kind: string; reference: string },
  claimId: string,
  request: RequestInfo,
  note?: string,
): Promise<MatchResult> {
  const now = ports.now();
  const at = now.toISOString();
  const loaded = await visibleItem(ports, caller, ref);
  const target = await ports.getClaim(claimId);
  const claim = target && canSee(caller, target.practiceId) ? target : undefined;
  const audit = workItemAuditor(ports.audit, caller, { action: 'MATCH_REMIT', ref, request, now }, claim);
  if (!loaded || !claim) {
    await audit('NOT_FOUND');
    return { kind: 'not_found' };
  }
  const { item } = loaded;
  const again = item.resolution?.match?.claimId === claimId;
  if (item.resolution && !again) {
    await audit('REFUSED');
    return { kind: 'already_resolved' };
  }
  const found = await payment(ports, item);
  if (found.kind === 'refused') {
    await audit('REFUSED');
    return found;
  }
  const { remit, payments, fileKey } = found;
  const rule = matchRefusal(claim.claim, payments, found.payer);
  if (rule) {
    await audit('REFUSED');
    return refused(rule.status, rule.rule, rule);
  }
  const keys = matchedKeys(remit.traceNumber, payments, claim.claimId);
  const ledger = await ports.posting.ledger(claim.claimId);
  if (paidFromTrace(ledger.entries, remit.traceNumber, keys)) {
    await audit('REFUSED');
    return refused(409, 'ALREADY_PAID_FOR_TRACE');
  }
  if (!again) {
    const reserved = await ports.reserve(ref.kind, ref.reference, claim.claimId);
    if (reserved === 'missing') {
      await audit('NOT_FOUND');
      return { kind: 'not_found' };
    }
    if (reserved === 'resolved') {
      await audit('CONFLICT');
      return { kind: 'already_resolved' };
    }
    if (reserved === 'other') {
      await audit('CONFLICT');
      return refused(409, 'MATCHED_TO_OTHER_CLAIM');
    }
  }
  const summary = payments.map((p) => ({
    traceNumber: remit.traceNumber,
    payerClaimControlNumber: p.payerClaimControlNumber,
    statusCode: p.statusCode,
    paidCents: p.paidCents,
  }));
  // Audited first: a change is never made unaudited.
  await audit('OK', [
    { path: 'workItem.match', before: item.matchClaimId ?? null, after: claim.claimId },
    { path: 'claim.ledger', after: summary },
  ]);
  const postings: MatchPosting[] = [];
  for (const [i, p] of payments.entries()) {
    const r = await postClaimPayment(
      claim.claim,
      rebind(p, claim.claimId),
      remit,
      fileKey,
      ports.posting,
      at,
    );
    if (r.result === 'refused') {
      // Nothing of this payment posted; a payment before it (a reversal) may have: a retry posts the rest.
      if (postings.length === 0) await ports.release(ref.kind, ref.reference, claim.claimId);
      await audit('REFUSED');
      return refused(ledgerRefusal(r.kind, r.problem), r.problem);
    }
    if (r.delivery === 'unexpected') {
      await ports.workItem({
        kind: 'UNEXPECTED_REMIT',
        reference: `${remit.traceNumber}/${claim.claimId}`,
        detail: { fileKey, statusCode: p.statusCode },
      });
    }
    postings.push({ ...(summary[i] as (typeof summary)[number]), result: r.result, delivery: r.delivery });
  }
  // Ids and amounts only: the item's reference carries the 835's CLP01 (maybe a patient account).
  await ports.noteMatch(claim.claimId, `MATCH#${keys.join('|')}`, {
    by: caller.sub,
    workItemKind: ref.kind,
    traceNumber: remit.traceNumber,
    fileKey, // the 835 (a content-hash key): the claim's documents list it
    payerClaimControlNumbers: payments.map((p) => p.payerClaimControlNumber),
    paidCents: payments.reduce((t, p) => t + p.paidCents, 0),
  });
  await ports.resolve(ref.kind, ref.reference, {
    at,
    by: caller.sub,
    note: note ?? `matched to claim ${claim.claimId}`,
    match: { claimId: claim.claimId },
  });
  const updated = (await ports.getItem(ref.kind, ref.reference)) ?? item;
  return {
    kind: 'ok',
    item: workItemSummary(updated, loaded.itemClaim, isoDay(now)),
    claimId: claim.claimId,
    postings,
  };
}
