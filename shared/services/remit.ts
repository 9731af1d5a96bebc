/**
 * Posting an 835, in two streaming passes over the file:
 * 1. validation: the WHOLE file is read (envelope ISA/IEA, GS/GE, ST/SE counts and control numbers,
 *    every balancing rule of every transaction set, a trace number per set, no posting key twice,
 *    a provider for every PLB) keeping only per-set
 *    headers and counts. Any defect holds the file: one REMIT_HELD work item naming the rule, every
 *    remit record seen says HELD, and nothing from the file is posted.
 * 2. posting: the file is opened again and read as a stream of claim payments (a check is never
 *    held: flat memory for any check size); per transaction set, each claim payment is matched to
 *    our claim (CLP01), checked against what is already posted to that claim (its ledger) and posted
 *    in one transaction keyed by (trace, CLP01, CLP07) so a replay posts nothing twice; the routed
 *    outcome is delivered to the claim's AwaitRemit wait. PLB adjustments post to the provider's
 *    ledger account keyed by (trace, PLB index). Unmatched, duplicate or over-paying claim payments
 *    become work items.
 * Every write is idempotent, so a re-run after a crash at any point completes what the first run
 * started and posts nothing twice.
 */
import type { Claim } from '../claims/model';
import type { RemitOutcome } from '../claims/workflow';
import type { Cents } from '../money';
import {
  checkAgainstLedger,
  checkRemit,
  hasPosting,
  type LedgerEntry,
  type ProviderLedgerEntry,
  postingKey,
  providerEntries,
  remitEntries,
  samePosting,
} from '../posting/ledger';
import { routeRemit } from '../posting/route';
import { iterate835, type Remittance, stream835Batches, X12Error, type X12Input } from '../x12';
import type { ClaimPayment } from '../x12/types';
import { type Delivery, deliver, type OutcomePorts } from './outcomes';

export interface WorkItem {
  kind:
    | 'UNMATCHED_REMIT'
    | 'REMIT_MISMATCH'
    | 'REMIT_HELD'
    | 'UNEXPECTED_REMIT'
    | 'DUPLICATE_REMIT'
    | 'CREDIT_BALANCE'
    | 'UNMATCHED_ACK'
    | 'ACK_HELD';
  reference: string; // trace / claim id / file key
  detail: Record<string, unknown>; // ids, codes, amounts: no PHI
}

/** What the remit record keeps of one 835 transaction set (no claims, no names). */
export interface RemitHeader {
  traceNumber: string; // TRN02
  transactionSetControlNumber: string; // ST02
  payerIdentifier?: string; // TRN03
  paymentCents: Cents; // BPR02 (negative for a debit)
  claimCount: number;
}

export type RemitRecordStatus = 'RECEIVED' | 'POSTED' | 'PARTIAL' | 'HELD';

export interface RemitProgress {
  /** Claim payments whose posting is on the ledger (posted by this run or an earlier one). */
  postedClaims?: number;
  /** Of those, the ones an earlier run had already posted. */
  duplicateClaims?: number;
  unmatchedClaimIds?: string[];
  /** Why the remit is held: rule names and messages (ids and amounts only). */
  issues?: string[];
}

/** A claim's posted ledger and the version it was read at (see RemitPorts.post). */
export interface ClaimLedger {
  entries: LedgerEntry[];
  version: number;
}

export interface RemitPorts {
  loadClaim(claimId: string): Promise<Claim | undefined>;
  /** The claim's posted ledger entries (charges and every remit posting so far) and its version. */
  ledger(claimId: string): Promise<ClaimLedger>;
  /**
   * Ledger entries + posting marker + the trace's record of CLP04, in one transaction, only if the
   * claim's ledger is still at `guard.version`: 'duplicate' (nothing written) when the key was
   * posted; 'conflict' (nothing written) when another posting reached the claim since it was read.
   */
  post(
    claimId: string,
    key: string,
    entries: LedgerEntry[],
    guard: { version: number; traceNumber: string; paidCents: Cents },
  ): Promise<'posted' | 'duplicate' | 'conflict'>;
  /**
   * One PLB adjustment on the provider's ledger account; 'duplicate' when already posted as is,
   * 'mismatch' (nothing written) when this trace's PLB at this index was posted with another amount.
   */
  postProviderAdjustment(entry: ProviderLedgerEntry): Promise<'posted' | 'duplicate' | 'mismatch'>;
  deliver(claimId: string, outcome: RemitOutcome, key: string): Promise<Delivery>;
  recordRemit(
    header: RemitHeader,
    fileKey: string,
    status: RemitRecordStatus,
    progress: RemitProgress,
  ): Promise<void>;
  workItem(item: WorkItem): Promise<void>;
  now(): Date;
}

export interface RemitSummary {
  remits: number;
  held: number;
  posted: number;
  duplicates: number;
  unmatched: number;
  mismatched: number;
  /** Claim payments not posted because the claim is already adjudicated or would be over-paid. */
  refused: number;
  providerAdjustments: number;
}

/**
 * Where the 835 comes from. The file is read twice (validate, then post), so give a way to open it
 * again: a function (e.g. an S3 GET per call), or a string / bytes held in memory.
 */
export type RemitSource = string | Uint8Array | (() => X12Input | Promise<X12Input>);

/** How many times a claim posting is re-checked when another posting reaches the claim meanwhile. */
const MAX_POSTING_ATTEMPTS = 5;
/** Balance messages kept per held transaction set (the count is always kept). */
const MAX_ISSUES = 10;

interface HeldInfo {
  rule: string;
  message: string;
  issueCount: number;
}

interface Validation {
  headers: (RemitHeader & { issues: string[] })[];
  held?: HeldInfo;
}

function headerOf(remit: Remittance, claimCount: number = remit.claims.length): RemitHeader {
  return {
    traceNumber: remit.traceNumber,
    transactionSetControlNumber: remit.transactionSetControlNumber,
    ...(remit.payerIdentifier ? { payerIdentifier: remit.payerIdentifier } : {}),
    paymentCents: remit.paymentCents,
    claimCount,
  };
}

async function openSource(source: RemitSource): Promise<X12Input> {
  return typeof source === 'function' ? await source() : source;
}

/**
 * Pass 1: the whole file, envelope and balancing, streamed (stream835: claims are handed out as
 * they complete and balanced with running counters), keeping per-set headers and, for the set being
 * read, the posting keys of its claims only: memory stays flat whatever the size of one check.
 */
async function validate(source: RemitSource): Promise<Validation> {
  const out: Validation = { headers: [] };
  const traces = new Set<string>();
  const hold = (rule: string, message: string, count = 1) => {
    if (out.held) out.held.issueCount += count;
    else out.held = { rule, message, issueCount: count };
  };
  // Two claim payments with one posting key would post once while BPR02 counts both. The trace is
  // one per set, so keys are compared without it until the set's end.
  let setKeys = new Set<string>();
  let paidTwice: ClaimPayment | undefined;
  try {
    for await (const batch of stream835Batches(await openSource(source))) {
      for (const item of batch) {
        if (item.type === 'claim') {
          const c = item.claim;
          const key = postingKey('', c.patientControlNumber, c.payerClaimControlNumber, c.statusCode);
          if (setKeys.has(key)) paidTwice ??= c;
          else setKeys.add(key);
          continue;
        }
        const remit = item.remittance;
        const issues: string[] = [];
        const balance = item.issues;
        for (const i of balance.slice(0, MAX_ISSUES)) issues.push(`${i.rule}: ${i.message}`);
        if (balance.length > MAX_ISSUES) issues.push(`... ${balance.length - MAX_ISSUES} more`);
        if (balance[0]) hold(balance[0].rule, balance[0].message, balance.length);
        if (remit.traceNumber === '') {
          const message = `transaction set ${remit.transactionSetControlNumber} has no TRN02 trace number`;
          issues.push(`MISSING_TRACE: ${message}`);
          hold('MISSING_TRACE', message);
        } else if (traces.has(remit.traceNumber)) {
          const message = `trace number ${remit.traceNumber} appears in more than one transaction set`;
          issues.push(`DUPLICATE_TRACE: ${message}`);
          hold('DUPLICATE_TRACE', message);
        }
        traces.add(remit.traceNumber);
        if (paidTwice) {
          const message = `transaction set ${remit.transactionSetControlNumber}: claim ${paidTwice.patientControlNumber} is paid twice under payer claim number ${paidTwice.payerClaimControlNumber}`;
          issues.push(`DUPLICATE_CLAIM_PAYMENT: ${message}`);
          hold('DUPLICATE_CLAIM_PAYMENT', message);
        }
        setKeys = new Set();
        paidTwice = undefined;
        const noProvider = remit.providerAdjustments.findIndex((p) => !p.providerId && !remit.payeeNpi);
        if (noProvider >= 0) {
          const message = `transaction set ${remit.transactionSetControlNumber}: PLB ${noProvider + 1} names no provider`;
          issues.push(`PLB_NO_PROVIDER: ${message}`);
          hold('PLB_NO_PROVIDER', message);
        }
        out.headers.push({ ...headerOf(remit, item.claimCount), issues });
      }
    }
  } catch (err) {
    if (!(err instanceof X12Error)) throw err;
    // A malformed file cannot get better by retrying: hold it for a person.
    hold(err.code, err.message);
  }
  return out;
}

export async function postRemittanceFile(
  source: RemitSource,
  fileKey: string,
  ports: RemitPorts,
): Promise<RemitSummary> {
  const summary: RemitSummary = {
    remits: 0,
    held: 0,
    posted: 0,
    duplicates: 0,
    unmatched: 0,
    mismatched: 0,
    refused: 0,
    providerAdjustments: 0,
  };
  const checked = await validate(source);
  summary.remits = checked.headers.length;
  if (checked.held) {
    const { held } = checked;
    summary.held = Math.max(1, checked.headers.length);
    for (const { issues, ...header } of checked.headers) {
      if (header.traceNumber === '') continue; // no key to record it under; the work item names the file
      const why = issues.length > 0 ? issues : [`FILE_HELD: ${held.rule}: ${held.message}`];
      await ports.recordRemit(header, fileKey, 'HELD', { issues: why });
    }
    await ports.workItem({
      kind: 'REMIT_HELD',
      reference: fileKey,
      detail: {
        rule: held.rule,
        message: held.message,
        issueCount: held.issueCount,
        traceNumbers: checked.headers.map((h) => h.traceNumber).filter((t) => t !== ''),
      },
    });
    return summary;
  }

  // Pass 2: the file was valid as a whole; read it again and post each claim payment as it comes.
  await postFile(source, fileKey, checked.headers, ports, summary);
  return summary;
}

/** The transaction set pass 2 is posting: its header from pass 1 and what it has posted so far. */
interface SetInPosting {
  header: RemitHeader;
  at: string;
  claims: number;
  posted: number;
  duplicates: number;
  complete: boolean;
  unmatchedClaimIds: string[];
}

/**
 * Pass 2 over a stream of claim payments (stream835Batches), never a whole check in memory: each
 * claim payment is posted as it is read, then its set's PLBs and record. The trace number and
 * BPR02 a claim posts under are pass 1's for that set (the claims of a set come before its end);
 * each set's end is compared with pass 1 (ST02, trace, BPR02, claim count, balance) and a
 * difference stops the run: the file changed between the passes (a content-addressed S3 key
 * cannot).
 */
async function postFile(
  source: RemitSource,
  fileKey: string,
  headers: RemitHeader[],
  ports: RemitPorts,
  summary: RemitSummary,
): Promise<void> {
  const changed = () => new Error(`835 ${fileKey} changed between the validation and the posting pass`);
  let n = 0;
  let set: SetInPosting | undefined;
  const begin = async (st02: string): Promise<SetInPosting> => {
    const expected = headers[n];
    if (!expected || expected.transactionSetControlNumber !== st02) throw changed();
    const header: RemitHeader = {
      traceNumber: expected.traceNumber,
      transactionSetControlNumber: expected.transactionSetControlNumber,
      ...(expected.payerIdentifier ? { payerIdentifier: expected.payerIdentifier } : {}),
      paymentCents: expected.paymentCents,
      claimCount: expected.claimCount,
    };
    // The record exists (with BPR02) before any posting, so a reconciliation can always find it.
    await ports.recordRemit(header, fileKey, 'RECEIVED', {});
    return {
      header,
      at: ports.now().toISOString(),
      claims: 0,
      posted: 0,
      duplicates: 0,
      complete: true,
      unmatchedClaimIds: [],
    };
  };
  for await (const batch of stream835Batches(await openSource(source))) {
    for (const item of batch) {
      if (item.type === 'claim') {
        set ??= await begin(item.transactionSetControlNumber);
        if (item.transactionSetControlNumber !== set.header.transactionSetControlNumber) throw changed();
        set.claims++;
        const payment = item.claim;
        const result = await postPayment(payment, set.header.traceNumber, fileKey, set.at, ports, summary);
        if (result === 'posted' || result === 'duplicate') {
          set.posted++;
          if (result === 'duplicate') set.duplicates++;
        } else {
          set.complete = false;
          if (result === 'unmatched') set.unmatchedClaimIds.push(payment.patientControlNumber);
        }
        continue;
      }
      const remit = item.remittance;
      set ??= await begin(remit.transactionSetControlNumber);
      const { header } = set;
      if (
        remit.transactionSetControlNumber !== header.transactionSetControlNumber ||
        remit.traceNumber !== header.traceNumber ||
        remit.paymentCents !== header.paymentCents ||
        item.claimCount !== header.claimCount ||
        set.claims !== header.claimCount ||
        item.issues.length > 0
      ) {
        throw changed();
      }
      if (!(await postProviderAdjustments(remit, fileKey, set.at, ports, summary))) set.complete = false;
      await ports.recordRemit(header, fileKey, set.complete ? 'POSTED' : 'PARTIAL', {
        postedClaims: set.posted,
        duplicateClaims: set.duplicates,
        unmatchedClaimIds: set.unmatchedClaimIds,
      });
      set = undefined;
      n++;
    }
  }
  if (set !== undefined || n !== headers.length) throw changed();
}

/** What became of one claim payment of the posting pass (see postPayment). */
export type ClaimPostingResult = 'posted' | 'duplicate' | 'unmatched' | 'refused';

/**
 * Auto-posts one claim payment of an 835 under its transaction set's trace number: matched to our
 * claim by CLP01 and balanced against it (checkRemit), then posted by postClaimPayment (the checks
 * a manual match shares) and its outcome delivered; anything else becomes a work item. Counts go to
 * `summary`. 'posted' / 'duplicate' (an earlier run posted it): on the ledger; 'unmatched' (no such
 * claim) and 'refused' (mismatch, duplicate adjudication, credit balance...): a work item.
 */
async function postPayment(
  payment: ClaimPayment,
  traceNumber: string,
  fileKey: string,
  at: string,
  ports: RemitPorts,
  summary: RemitSummary,
): Promise<ClaimPostingResult> {
  const ref = `${traceNumber}/${payment.patientControlNumber}`;
  const claim = await ports.loadClaim(payment.patientControlNumber);
  if (!claim) {
    summary.unmatched++;
    await ports.workItem({
      kind: 'UNMATCHED_REMIT',
      reference: ref,
      detail: {
        fileKey,
        payerClaimControlNumber: payment.payerClaimControlNumber,
        paidCents: payment.paidCents,
      },
    });
    return 'unmatched';
  }
  const problems = checkRemit(claim, payment);
  if (problems.length > 0) {
    summary.mismatched++;
    await ports.workItem({
      kind: 'REMIT_MISMATCH',
      reference: ref,
      detail: { fileKey, problems: problems.map((p) => p.code) },
    });
    return 'refused';
  }
  const r = await postClaimPayment(claim, payment, { traceNumber }, fileKey, ports, at);
  if (r.result === 'refused') {
    if (r.kind === 'REMIT_MISMATCH') summary.mismatched++;
    else summary.refused++;
    await ports.workItem({ kind: r.kind, reference: ref, detail: r.detail });
    return 'refused'; // not posted: no outcome is delivered
  }
  if (r.result === 'posted') summary.posted++;
  else summary.duplicates++;
  if (r.delivery === 'unexpected') {
    await ports.workItem({
      kind: 'UNEXPECTED_REMIT',
      reference: `${traceNumber}/${claim.claimId}`,
      detail: { fileKey, statusCode: payment.statusCode },
    });
  }
  return r.result;
}

/** Posts a transaction set's PLB adjustments to the provider ledger; false when one became a work item. */
async function postProviderAdjustments(
  remit: Pick<Remittance, 'traceNumber' | 'providerAdjustments' | 'payeeNpi'>,
  fileKey: string,
  at: string,
  ports: RemitPorts,
  summary: RemitSummary,
): Promise<boolean> {
  let complete = true;
  for (const entry of providerEntries(remit, at, fileKey)) {
    const out = await ports.postProviderAdjustment(entry);
    if (out === 'posted') summary.providerAdjustments++;
    else if (out === 'mismatch') {
      // This trace's PLB at this index was posted with another amount: a person decides.
      complete = false;
      summary.mismatched++;
      await ports.workItem({
        kind: 'REMIT_MISMATCH',
        reference: `${remit.traceNumber}/PLB${entry.index + 1}`,
        detail: {
          fileKey,
          problem: 'POSTED_WITH_OTHER_AMOUNTS',
          reason: entry.reason,
          amountCents: entry.amountCents,
        },
      });
    }
  }
  return complete;
}

/** What posting one claim payment needs (a subset of RemitPorts; the workbench's manual match too). */
export type ClaimPostingPorts = Pick<RemitPorts, 'ledger' | 'post' | 'deliver'>;

export type ClaimPosting =
  | {
      /** posted now, or found posted as is by an earlier run ('duplicate'); the outcome delivered. */
      result: 'posted' | 'duplicate';
      key: string;
      delivery: Delivery;
    }
  | {
      /** Nothing posted, nothing delivered: the work item a person should get, and why. */
      result: 'refused';
      key: string;
      kind: Extract<WorkItem['kind'], 'REMIT_MISMATCH' | 'DUPLICATE_REMIT' | 'CREDIT_BALANCE'>;
      /** The rule: POSTED_WITH_OTHER_AMOUNTS, POSTING_TOO_LARGE or a checkAgainstLedger problem. */
      problem: string;
      detail: Record<string, unknown>;
    };

/**
 * Posts one claim payment of an 835 to `claim` (whose id is the payment's CLP01: the auto-poster's
 * match, or a person's) with every check of auto-posting: keyed by (TRN02, CLP01, CLP07) so a
 * replay posts nothing twice, checked against what is already posted to the claim (duplicate
 * adjudication, credit balance, a ledger that would not balance), written only if the claim's
 * ledger did not change since it was read; then delivers the routed outcome to the claim's
 * AwaitRemit wait (once per posting key, also when an earlier run posted it). checkRemit (the
 * payment's own balancing against the claim) is the caller's.
 */
export async function postClaimPayment(
  claim: Claim,
  payment: ClaimPayment,
  remit: Pick<Remittance, 'traceNumber'>,
  fileKey: string,
  ports: ClaimPostingPorts,
  at: string,
): Promise<ClaimPosting> {
  const ref = `${remit.traceNumber}/${payment.patientControlNumber}`;
  const key = postingKey(
    remit.traceNumber,
    payment.patientControlNumber,
    payment.payerClaimControlNumber,
    payment.statusCode,
  );
  const entries = remitEntries(claim, payment, remit, at, fileKey);
  const refuse = (
    kind: Extract<ClaimPosting, { result: 'refused' }>['kind'],
    problem: string,
    detail: Record<string, unknown>,
  ): ClaimPosting => ({ result: 'refused', key, kind, problem, detail: { fileKey, ...detail } });
  let result: 'posted' | 'duplicate' | undefined;
  for (let attempt = 1; result === undefined; attempt++) {
    if (attempt > MAX_POSTING_ATTEMPTS) {
      throw new Error(`claim ${claim.claimId}: the ledger kept changing while posting ${ref}`);
    }
    const ledger = await ports.ledger(claim.claimId);
    if (hasPosting(ledger.entries, key)) {
      // An earlier run posted this payment (and may have stopped before delivering it).
      if (samePosting(ledger.entries, key, entries)) {
        result = 'duplicate';
        break;
      }
      // The same (trace, CLP01, CLP07) was posted with other amounts: never silently ignored.
      return refuse('REMIT_MISMATCH', 'POSTED_WITH_OTHER_AMOUNTS', {
        problem: 'POSTED_WITH_OTHER_AMOUNTS',
        payerClaimControlNumber: payment.payerClaimControlNumber,
        paidCents: payment.paidCents,
      });
    }
    // Checked against what is already posted to the claim, not just this adjudication.
    const check = checkAgainstLedger(claim, ledger.entries, payment, entries, {
      key,
      at,
      traceNumber: remit.traceNumber,
      fileKey,
    });
    if (!check.ok) {
      return refuse(check.kind, check.problem, {
        problem: check.problem,
        message: check.message,
        statusCode: payment.statusCode,
        payerClaimControlNumber: payment.payerClaimControlNumber,
        paidCents: payment.paidCents,
        postedPaymentsCents: check.postedPaymentsCents,
        chargesCents: check.chargesCents,
      });
    }
    let out: 'posted' | 'duplicate' | 'conflict';
    try {
      out = await ports.post(claim.claimId, key, check.entries, {
        version: ledger.version,
        traceNumber: remit.traceNumber,
        paidCents: payment.paidCents,
      });
    } catch (err) {
      // More entries than one transaction holds: retrying cannot help, a person posts it.
      if ((err as Error).name !== 'TransactionTooLargeError') throw err;
      return refuse('REMIT_MISMATCH', 'POSTING_TOO_LARGE', {
        problem: 'POSTING_TOO_LARGE',
        entries: check.entries.length,
      });
    }
    if (out !== 'conflict') result = out;
  }
  // Delivered even on a duplicate posting: an earlier attempt may have stopped after posting.
  // deliver() itself is once-only per key.
  const delivery = await ports.deliver(claim.claimId, routeRemit(payment, remit.traceNumber), key);
  return { result, key, delivery };
}

/**
 * The transaction set with trace number `traceNumber` of an 835 (the posting pass's reader), or
 * undefined when the file has none. For a manual match: the file was valid when it was posted.
 */
export async function readRemittance(
  source: RemitSource,
  traceNumber: string,
): Promise<Remittance | undefined> {
  for await (const remit of iterate835(await openSource(source))) {
    if (remit.traceNumber === traceNumber) return remit;
  }
  return undefined;
}

/**
 * RemitPorts.deliver over the outcome ports: the routed outcome to the claim's AwaitRemit wait, once
 * per posting key (marker OUTCOME#<key>), with a REMIT_POSTED event (amounts and codes only).
 */
export function remitDelivery(outcomes: OutcomePorts, fileKey?: string): RemitPorts['deliver'] {
  return (claimId, outcome, key) =>
    deliver(outcomes, claimId, 'REMIT', outcome, `OUTCOME#${key}`, 'REMIT_POSTED', {
      route: outcome.route,
      paidCents: outcome.paidCents,
      patientResponsibilityCents: outcome.patientResponsibilityCents,
      carcs: outcome.carcs,
      traceNumber: outcome.traceNumber,
      // The 835 the payment came from: the claim's documents list it (shared/workbench/documents.ts).
      ...(fileKey ? { fileKey } : {}),
    });
}
