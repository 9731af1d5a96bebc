/**
 * Streaming 835 (005010X221A1) reader: one Remittance per ST/SE, plus the 835 balancing rules.
 * Patient and provider names (NM1) are not kept: the posting code needs ids and money only.
 */
import type { Cents } from '../money';
import { X12Error } from './errors';
import { expectTransaction, unexpected } from './reader';
import {
  el,
  mapRawSegmentBatches,
  mapRawSegments,
  mapRawSegmentsSync,
  type RawHandler,
  type RawSegment,
  type Segment,
  type TokenizeOptions,
  type X12Input,
} from './tokenizer';
import type { Adjustment, ClaimPayment, ProviderAdjustment, Remittance, ServicePayment } from './types';
import { centsAt, dateAt, numberAt, optionalDateAt } from './values';

export interface Read835Options extends TokenizeOptions {
  /** Throw X12Error('UNBALANCED') for a transaction set that fails checkBalance (default false). */
  requireBalanced?: boolean;
}

/**
 * An item of stream835: each claim payment as soon as it is complete (its next CLP, LX, PLB or SE),
 * then, after the SE of its transaction set has passed the envelope checks, the set itself with its
 * balancing issues. The set's `remittance.claims` is empty there (its claims came before it);
 * `claimCount` says how many. Claims are provisional until their set's item arrives: a consumer
 * must not act on one before (an envelope defect or, with requireBalanced, an unbalanced set
 * throws instead of handing the set out).
 */
export type Remit835Item =
  | { type: 'claim'; transactionSetControlNumber: string; claim: ClaimPayment }
  | { type: 'transactionSet'; remittance: Remittance; claimCount: number; issues: BalanceIssue[] };

/**
 * The 835 reader state machine over segments read in place. Only the money segments (BPR, CLP,
 * SVC, CAS, PLB) and the envelope are split into elements; the balancing rules run on running
 * counters as claims and service lines complete, so the result is what checkBalance() says of the
 * whole set. In `collect` mode a set's claims are kept in its Remittance and the set is handed out
 * at its SE (iterate835); otherwise each claim is handed out as it completes, as a Remit835Item,
 * and nothing of it is kept (stream835).
 *
 * `segment` switches on RawSegment.code (segmentCode(id), as number literals: a jump table even
 * before the function is optimized) and handles the segments that repeat per claim and service
 * line; the once-per-set ones are in `rare`, so a deoptimization there (its first SE, say) leaves
 * the per-claim code alone and the optimized code stays small.
 */
class Reader835 implements RawHandler<unknown> {
  private isa13 = '';
  private remit: Remittance | undefined;
  private claim: ClaimPayment | undefined;
  private service: ServicePayment | undefined;
  private inHeader = true; // before the first LX/CLP
  // Running balance of the current set, claim and service line. The sums start as -0, a number
  // V8 keeps as a double: a field first given a small integer changes this object's hidden class
  // when a sum passes 2^30 cents (a check over $10.7M), and every optimized method that reads it is
  // thrown away mid-file. They are set to 0 (plain +0) before any use (ST, CLP, SVC).
  private issues: BalanceIssue[] = [];
  private claimCount = 0;
  private paidSum = -0;
  private plbSum = -0;
  private claimCas = -0;
  private lineCas = -0;
  private serviceIndex = -1;
  private serviceCas = -0;

  constructor(
    private readonly requireBalanced: boolean,
    private readonly collect: boolean,
  ) {}

  private need(raw: RawSegment): Remittance {
    if (!this.remit) throw unexpected(raw, `${raw.id} outside an 835 transaction set`);
    return this.remit;
  }

  private endService(): void {
    const svc = this.service;
    if (!svc) return;
    this.service = undefined;
    const adj = this.serviceCas;
    this.lineCas += adj;
    const expected = svc.chargeCents - adj;
    if (expected !== svc.paidCents) this.serviceIssue(svc, expected);
  }

  private serviceIssue(svc: ServicePayment, expected: Cents): void {
    const id = (this.claim as ClaimPayment).patientControlNumber;
    this.issues.push(serviceLineIssue(id, this.serviceIndex, expected, svc.paidCents));
  }

  private endClaim(out: unknown[]): void {
    this.endService();
    const claim = this.claim;
    if (!claim) return;
    this.claim = undefined;
    const expected = claim.chargeCents - this.claimCas - this.lineCas;
    if (expected !== claim.paidCents) this.claimIssue(claim, expected);
    if (!this.collect) {
      const item: Remit835Item = {
        type: 'claim',
        transactionSetControlNumber: (this.remit as Remittance).transactionSetControlNumber,
        claim,
      };
      out.push(item);
    }
  }

  private claimIssue(claim: ClaimPayment, expected: Cents): void {
    this.issues.push(claimIssue(claim.patientControlNumber, expected, claim.paidCents));
  }

  segment(raw: RawSegment, out: unknown[]): void {
    switch (raw.code) {
      case 23: // CAS
        this.cas(raw);
        return;
      case 12: // DTM
        this.need(raw);
        if (this.service) this.serviceDate(raw, this.service);
        return; // claim and header dates are not needed
      case 11: // REF
        this.need(raw);
        if (this.service && raw.is(1, '6R')) this.service.lineItemControlNumber = raw.el(2);
        return;
      case 29: // SVC
        this.svc(raw);
        return;
      case 22: // CLP
        this.clp(raw, out);
        return;
      case 30: // LQ
        this.need(raw);
        if (this.service && raw.is(1, 'HE') && !raw.isEmpty(2)) this.service.remarkCodes.push(raw.el(2));
        return;
      case 25: // MIA
        this.remarks(raw, MIA_REMARKS);
        return;
      case 26: // MOA
        this.remarks(raw, MOA_REMARKS);
        return;
      case 24: // NM1 (names are not kept)
        this.need(raw);
        return;
      default:
        this.rare(raw, out);
    }
  }

  /** The segments of a set's header and trailer, the envelope, and those the reader skips. */
  private rare(raw: RawSegment, out: unknown[]): void {
    switch (raw.code) {
      case 1: // ISA
        this.isa13 = el(raw.toSegment(), 13); // split already (see st)
        return;
      case 2: // IEA
      case 3: // TA1
      case 4: // GS
      case 5: // GE
        return;
      case 6: // ST
        this.st(raw);
        return;
      case 8: // BPR
        this.bpr(raw);
        return;
      case 9: {
        // TRN
        const r = this.need(raw);
        if (r.traceNumber === '') {
          r.traceNumber = raw.el(2);
          const payerId = raw.el(3);
          if (payerId) r.payerIdentifier = payerId;
        }
        return;
      }
      case 13: {
        // N1
        const r = this.need(raw);
        if (!this.inHeader) return;
        const n1 = raw.el(1);
        if (n1 === 'PR' && raw.el(2)) r.payerName = raw.el(2);
        if (n1 === 'PE') {
          if (raw.el(2)) r.payeeName = raw.el(2);
          if (raw.el(3) === 'XX' && raw.el(4)) r.payeeNpi = raw.el(4);
        }
        return;
      }
      case 19: // LX
        this.need(raw);
        this.inHeader = false;
        this.endClaim(out);
        return;
      case 31: {
        // PLB
        const r = this.need(raw);
        this.endClaim(out);
        for (const p of readPlb(raw.toSegment())) {
          r.providerAdjustments.push(p);
          this.plbSum += p.amountCents;
        }
        return;
      }
      case 7: // SE
        this.se(raw, out);
        return;
      default:
        // 835 header/claim segments we do not need: REF, DTM (header), PER, N3, N4, TS3, TS2,
        // AMT, QTY, RDM, ...
        this.need(raw);
        return;
    }
  }

  private st(raw: RawSegment): void {
    // Envelope segments are split (for the envelope checks): read them from the split segment, so
    // RawSegment.el's split path stays cold and its optimized code is not thrown away at a set's
    // second ST.
    const seg = raw.toSegment();
    expectTransaction(seg, '835');
    this.remit = {
      interchangeControlNumber: this.isa13,
      transactionSetControlNumber: el(seg, 2),
      traceNumber: '',
      paymentCents: 0,
      paymentMethod: '',
      claims: [],
      providerAdjustments: [],
    };
    this.claim = undefined;
    this.service = undefined;
    this.inHeader = true;
    this.issues = [];
    this.claimCount = 0;
    this.paidSum = 0;
    this.plbSum = 0;
  }

  private bpr(raw: RawSegment): void {
    const r = this.need(raw);
    const seg = raw.toSegment();
    const amount = centsAt(seg, 2);
    r.handlingCode = el(seg, 1);
    r.paymentCents = el(seg, 3) === 'D' ? -amount : amount;
    r.paymentMethod = el(seg, 4);
    const date = optionalDateAt(seg, 16);
    if (date) r.paymentDate = date;
  }

  private clp(raw: RawSegment, out: unknown[]): void {
    const r = this.need(raw);
    this.inHeader = false;
    this.endClaim(out);
    const claim: ClaimPayment = {
      patientControlNumber: raw.el(1),
      statusCode: raw.el(2),
      chargeCents: raw.cents(3),
      paidCents: raw.cents(4),
      patientResponsibilityCents: raw.isBlank(5) ? 0 : raw.cents(5),
      payerClaimControlNumber: raw.el(7),
      adjustments: [],
      services: [],
      remarkCodes: [],
    };
    if (!raw.isEmpty(6)) claim.filingIndicator = raw.el(6);
    if (!raw.isEmpty(9)) claim.frequencyCode = raw.el(9);
    this.claim = claim;
    this.claimCas = 0;
    this.lineCas = 0;
    this.serviceIndex = -1;
    this.claimCount++;
    this.paidSum += claim.paidCents;
    if (this.collect) r.claims.push(claim);
  }

  private cas(raw: RawSegment): void {
    this.need(raw);
    const service = this.service;
    const target = service !== undefined ? service.adjustments : this.claim?.adjustments;
    if (!target) throw unexpected(raw, 'CAS outside a claim payment');
    const total = readCas(raw, target);
    if (service !== undefined) this.serviceCas += total;
    else this.claimCas += total;
  }

  private remarks(raw: RawSegment, elements: number[]): void {
    this.need(raw);
    const claim = this.claim;
    if (!claim) throw unexpected(raw, `${raw.id} outside a claim payment`);
    for (const n of elements) {
      if (!raw.isEmpty(n)) claim.remarkCodes.push(raw.el(n));
    }
  }

  private svc(raw: RawSegment): void {
    this.need(raw);
    const claim = this.claim;
    if (!claim) throw unexpected(raw, 'SVC outside a claim payment');
    this.endService();
    const composite = raw.el(1);
    const sep = raw.delimiters.component;
    // composite.split(sep): [0] qualifier, [1] code, [2..5] modifiers (empty ones dropped)
    const q = composite.indexOf(sep);
    const c = q < 0 ? -1 : composite.indexOf(sep, q + 1);
    const modifiers: string[] = [];
    for (let p = c, k = 0; p >= 0 && k < 4; k++) {
      const next = composite.indexOf(sep, p + 1);
      const m = composite.slice(p + 1, next < 0 ? composite.length : next);
      if (m !== '') modifiers.push(m);
      p = next;
    }
    const service: ServicePayment = {
      procedureQualifier: q < 0 ? composite : composite.slice(0, q),
      procedureCode: q < 0 ? '' : composite.slice(q + 1, c < 0 ? composite.length : c),
      modifiers,
      chargeCents: raw.cents(2),
      paidCents: raw.cents(3),
      adjustments: [],
      remarkCodes: [],
    };
    const units = quantity(raw, 5);
    if (units !== undefined) service.units = units;
    claim.services.push(service);
    this.service = service;
    this.serviceIndex++;
    this.serviceCas = 0;
  }

  private serviceDate(raw: RawSegment, service: ServicePayment): void {
    if (raw.is(1, '472')) service.dateOfService = date(raw, 2);
    else if (raw.is(1, '150')) service.dateOfService ??= date(raw, 2);
    else if (raw.is(1, '151')) service.dateOfServiceEnd = date(raw, 2);
  }

  private se(raw: RawSegment, out: unknown[]): void {
    const r = this.need(raw);
    this.endClaim(out);
    this.remit = undefined;
    const expected = this.paidSum - this.plbSum;
    const issues = this.issues;
    this.issues = [];
    if (expected !== r.paymentCents) {
      issues.push(transactionIssue(r.transactionSetControlNumber, expected, r.paymentCents));
    }
    if (this.requireBalanced && issues.length > 0) {
      throw new X12Error(
        'UNBALANCED',
        `835 transaction set ${r.transactionSetControlNumber} does not balance: ${issues.length} issue(s); first: ${issues[0]?.message}`,
        { segmentIndex: raw.index, segmentId: 'SE', details: issues.map((i) => i.message) },
      );
    }
    if (this.collect) out.push(r);
    else {
      const item: Remit835Item = {
        type: 'transactionSet',
        remittance: r,
        claimCount: this.claimCount,
        issues,
      };
      out.push(item);
    }
  }
}

const MIA_REMARKS = [5, 20, 21, 22, 23];
const MOA_REMARKS = [3, 4, 5, 6, 7];

// CCYYMMDD as a number -> YYYY-MM-DD: an 835 repeats a few dates many times.
const DATES = new Map<number, string>();

/** dateAt for a segment read in place. */
function date(raw: RawSegment, n: number): string {
  const v = raw.length(n) === 8 ? raw.digits(n) : -1;
  if (v >= 0) {
    const known = DATES.get(v);
    if (known !== undefined) return known;
    const text = raw.el(n);
    const iso = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
    if (DATES.size >= 4096) DATES.clear();
    DATES.set(v, iso);
    return iso;
  }
  return dateAt(raw.toSegment(), n);
}

/** numberAt for a segment read in place. */
function quantity(raw: RawSegment, n: number): number | undefined {
  if (raw.isEmpty(n)) return undefined;
  const digits = raw.digits(n);
  if (digits >= 0) return digits;
  const text = raw.el(n).trim();
  if (text === '') return undefined;
  const v = Number(text);
  return Number.isFinite(v) ? v : numberAt(raw.toSegment(), n);
}

/** CAS01 when it is one of the five group codes (CO and PR, the usual ones, tried first). */
function casGroup(raw: RawSegment): Adjustment['group'] | undefined {
  if (raw.is(1, 'CO')) return 'CO';
  if (raw.is(1, 'PR')) return 'PR';
  if (raw.is(1, 'OA')) return 'OA';
  if (raw.is(1, 'PI')) return 'PI';
  if (raw.is(1, 'CR')) return 'CR';
  return undefined;
}

/** Adds the adjustments of a CAS to `target`; returns their total. */
function readCas(raw: RawSegment, target: Adjustment[]): Cents {
  const group = casGroup(raw);
  if (group === undefined) {
    throw new X12Error('INVALID_VALUE', 'CAS01 is not a claim adjustment group code', {
      segmentIndex: raw.index,
      segmentId: 'CAS',
    });
  }
  let total = 0;
  for (let n = 2; n <= 17; n += 3) {
    if (raw.isEmpty(n)) continue;
    const adj: Adjustment = { group, reason: raw.el(n), amountCents: raw.cents(n + 1) };
    const qty = quantity(raw, n + 2);
    if (qty !== undefined) adj.quantity = qty;
    target.push(adj);
    total += adj.amountCents;
  }
  return total;
}

function readPlb(seg: Segment): ProviderAdjustment[] {
  const providerId = el(seg, 1);
  const fiscalPeriodDate = dateAt(seg, 2);
  const out: ProviderAdjustment[] = [];
  for (let n = 3; n <= 13; n += 2) {
    const id = el(seg, n);
    if (id === '') continue;
    const [reason = '', reference] = id.split(seg.delimiters.component);
    const adj: ProviderAdjustment = {
      providerId,
      fiscalPeriodDate,
      reason,
      amountCents: centsAt(seg, n + 1),
    };
    if (reference) adj.reference = reference;
    out.push(adj);
  }
  return out;
}

/** Streams the remittances (one per 835 transaction set) of an interchange. */
export function iterate835(
  input: X12Input,
  opts: Read835Options = {},
): AsyncGenerator<Remittance, void, undefined> {
  return mapRawSegments<Remittance>(input, opts, new Reader835(opts.requireBalanced === true, true));
}

/**
 * Streams an 835 in flat memory whatever the number of claims in a check: each claim payment as
 * it completes, then its transaction set with the balancing issues checkBalance() would report
 * (see Remit835Item). Same envelope checks and errors as iterate835.
 */
export function stream835(
  input: X12Input,
  opts: Read835Options = {},
): AsyncGenerator<Remit835Item, void, undefined> {
  return mapRawSegments<Remit835Item>(input, opts, new Reader835(opts.requireBalanced === true, false));
}

/**
 * stream835 handing out its items in arrays, one per input chunk (same items, same order, same
 * errors): one step of the async iteration per chunk instead of per claim. For consumers that go
 * through many claims per second (posting's validation pass, the benchmark).
 */
export function stream835Batches(
  input: X12Input,
  opts: Read835Options = {},
): AsyncGenerator<Remit835Item[], void, undefined> {
  return mapRawSegmentBatches<Remit835Item>(input, opts, new Reader835(opts.requireBalanced === true, false));
}

/** Reads all remittances of an 835 interchange (parses unbalanced files unless requireBalanced). */
export async function read835(input: X12Input, opts: Read835Options = {}): Promise<Remittance[]> {
  const out: Remittance[] = [];
  for await (const r of iterate835(input, opts)) out.push(r);
  return out;
}

/** read835 that throws X12Error('UNBALANCED') when any transaction set fails checkBalance. */
export function read835Strict(input: X12Input, opts: TokenizeOptions = {}): Promise<Remittance[]> {
  return read835(input, { ...opts, requireBalanced: true });
}

/** Synchronous read of an 835 held in a string. */
export function read835Sync(text: string, opts: Read835Options = {}): Remittance[] {
  return mapRawSegmentsSync<Remittance>(text, opts, new Reader835(opts.requireBalanced === true, true));
}

export type BalanceRule = 'SERVICE_LINE' | 'CLAIM' | 'TRANSACTION';

export interface BalanceIssue {
  rule: BalanceRule;
  /** CLP01 of the claim (absent for the transaction rule). */
  claimId?: string;
  /** 0-based index of the SVC within its claim (service line rule). */
  serviceIndex?: number;
  expectedCents: Cents;
  actualCents: Cents;
  message: string;
}

/** The issue of the service line rule (stream835 and checkBalance say it in the same words). */
function serviceLineIssue(
  claimId: string,
  serviceIndex: number,
  expected: Cents,
  actual: Cents,
): BalanceIssue {
  return {
    rule: 'SERVICE_LINE',
    claimId,
    serviceIndex,
    expectedCents: expected,
    actualCents: actual,
    message: `claim ${claimId} service line ${serviceIndex + 1}: SVC02 - line CAS = ${expected} cents but SVC03 = ${actual} cents`,
  };
}

function claimIssue(claimId: string, expected: Cents, actual: Cents): BalanceIssue {
  return {
    rule: 'CLAIM',
    claimId,
    expectedCents: expected,
    actualCents: actual,
    message: `claim ${claimId}: CLP03 - claim and line CAS = ${expected} cents but CLP04 = ${actual} cents`,
  };
}

function transactionIssue(set: string, expected: Cents, actual: Cents): BalanceIssue {
  return {
    rule: 'TRANSACTION',
    expectedCents: expected,
    actualCents: actual,
    message: `transaction set ${set}: sum(CLP04) - sum(PLB) = ${expected} cents but BPR02 = ${actual} cents`,
  };
}

function sum(values: Iterable<number>): number {
  let t = 0;
  for (const v of values) t += v;
  return t;
}

/**
 * The 835 balancing rules:
 * - service line: SVC02 - sum(line CAS) = SVC03
 * - claim: CLP03 - sum(claim CAS + line CAS) = CLP04
 * - transaction: BPR02 = sum(CLP04) - sum(PLB amounts)
 */
export function checkBalance(remit: Remittance): BalanceIssue[] {
  const issues: BalanceIssue[] = [];
  const set = remit.transactionSetControlNumber;
  for (const claim of remit.claims) {
    const id = claim.patientControlNumber;
    let lineAdjustments = 0;
    claim.services.forEach((svc, i) => {
      const adj = sum(svc.adjustments.map((a) => a.amountCents));
      lineAdjustments += adj;
      const expected = svc.chargeCents - adj;
      if (expected !== svc.paidCents) issues.push(serviceLineIssue(id, i, expected, svc.paidCents));
    });
    const claimAdj = sum(claim.adjustments.map((a) => a.amountCents));
    const expected = claim.chargeCents - claimAdj - lineAdjustments;
    if (expected !== claim.paidCents) issues.push(claimIssue(id, expected, claim.paidCents));
  }
  const paid = sum(remit.claims.map((c) => c.paidCents));
  const plb = sum(remit.providerAdjustments.map((p) => p.amountCents));
  const expected = paid - plb;
  if (expected !== remit.paymentCents) issues.push(transactionIssue(set, expected, remit.paymentCents));
  return issues;
}
