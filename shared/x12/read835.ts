/**
 * Streaming 835 (005010X221A1) reader: one Remittance per ST/SE, plus the 835 balancing rules.
 * Patient and provider names (NM1) are not kept: the posting code needs ids and money only.
 */
import type { Cents } from '../money';
import { X12Error } from './errors';
import { expectTransaction, runReader, runReaderSync, unexpected } from './reader';
import { components, el, type Segment, type TokenizeOptions, type X12Input } from './tokenizer';
import type { Adjustment, ClaimPayment, ProviderAdjustment, Remittance, ServicePayment } from './types';
import { centsAt, dateAt, numberAt, optionalCentsAt, optionalDateAt } from './values';

export interface Read835Options extends TokenizeOptions {
  /** Throw X12Error('UNBALANCED') for a transaction set that fails checkBalance (default false). */
  requireBalanced?: boolean;
}

const CAS_GROUPS = new Set(['CO', 'OA', 'PI', 'PR', 'CR']);

function handler835(opts: Read835Options): (seg: Segment) => Remittance | undefined {
  let isa13 = '';
  let remit: Remittance | undefined;
  let claim: ClaimPayment | undefined;
  let service: ServicePayment | undefined;
  let inHeader = true; // before the first LX/CLP
  let n1 = '';

  const need = (seg: Segment): Remittance => {
    if (!remit) throw unexpected(seg, `${seg.id} outside an 835 transaction set`);
    return remit;
  };

  return (seg) => {
    switch (seg.id) {
      case 'ISA':
        isa13 = el(seg, 13);
        return undefined;
      case 'GS':
      case 'GE':
      case 'IEA':
      case 'TA1':
        return undefined;
      case 'ST':
        expectTransaction(seg, '835');
        remit = {
          interchangeControlNumber: isa13,
          transactionSetControlNumber: el(seg, 2),
          traceNumber: '',
          paymentCents: 0,
          paymentMethod: '',
          claims: [],
          providerAdjustments: [],
        };
        claim = undefined;
        service = undefined;
        inHeader = true;
        n1 = '';
        return undefined;
      case 'BPR': {
        const r = need(seg);
        const amount = centsAt(seg, 2);
        r.handlingCode = el(seg, 1);
        r.paymentCents = el(seg, 3) === 'D' ? -amount : amount;
        r.paymentMethod = el(seg, 4);
        const date = optionalDateAt(seg, 16);
        if (date) r.paymentDate = date;
        return undefined;
      }
      case 'TRN': {
        const r = need(seg);
        if (r.traceNumber === '') {
          r.traceNumber = el(seg, 2);
          const payerId = el(seg, 3);
          if (payerId) r.payerIdentifier = payerId;
        }
        return undefined;
      }
      case 'N1': {
        const r = need(seg);
        n1 = el(seg, 1);
        if (!inHeader) return undefined;
        if (n1 === 'PR' && el(seg, 2)) r.payerName = el(seg, 2);
        if (n1 === 'PE') {
          if (el(seg, 2)) r.payeeName = el(seg, 2);
          if (el(seg, 3) === 'XX' && el(seg, 4)) r.payeeNpi = el(seg, 4);
        }
        return undefined;
      }
      case 'LX':
        need(seg);
        inHeader = false;
        claim = undefined;
        service = undefined;
        return undefined;
      case 'CLP': {
        const r = need(seg);
        inHeader = false;
        service = undefined;
        claim = {
          patientControlNumber: el(seg, 1),
          statusCode: el(seg, 2),
          chargeCents: centsAt(seg, 3),
          paidCents: centsAt(seg, 4),
          patientResponsibilityCents: optionalCentsAt(seg, 5) ?? 0,
          payerClaimControlNumber: el(seg, 7),
          adjustments: [],
          services: [],
          remarkCodes: [],
        };
        if (el(seg, 6)) claim.filingIndicator = el(seg, 6);
        if (el(seg, 9)) claim.frequencyCode = el(seg, 9);
        r.claims.push(claim);
        return undefined;
      }
      case 'CAS': {
        need(seg);
        const target = service?.adjustments ?? claim?.adjustments;
        if (!target) throw unexpected(seg, 'CAS outside a claim payment');
        target.push(...readCas(seg));
        return undefined;
      }
      case 'MIA':
      case 'MOA': {
        need(seg);
        if (!claim) throw unexpected(seg, `${seg.id} outside a claim payment`);
        const positions = seg.id === 'MIA' ? [5, 20, 21, 22, 23] : [3, 4, 5, 6, 7];
        for (const n of positions) {
          const code = el(seg, n);
          if (code) claim.remarkCodes.push(code);
        }
        return undefined;
      }
      case 'SVC': {
        need(seg);
        if (!claim) throw unexpected(seg, 'SVC outside a claim payment');
        const proc = components(seg, 1);
        service = {
          procedureQualifier: proc[0] ?? '',
          procedureCode: proc[1] ?? '',
          modifiers: proc.slice(2, 6).filter((m) => m !== ''),
          chargeCents: centsAt(seg, 2),
          paidCents: centsAt(seg, 3),
          adjustments: [],
          remarkCodes: [],
        };
        const units = numberAt(seg, 5);
        if (units !== undefined) service.units = units;
        claim.services.push(service);
        return undefined;
      }
      case 'DTM': {
        need(seg);
        if (!service) return undefined; // claim and header dates are not needed
        const q = el(seg, 1);
        if (q === '472') service.dateOfService = dateAt(seg, 2);
        else if (q === '150') service.dateOfService ??= dateAt(seg, 2);
        else if (q === '151') service.dateOfServiceEnd = dateAt(seg, 2);
        return undefined;
      }
      case 'REF':
        need(seg);
        if (service && el(seg, 1) === '6R') service.lineItemControlNumber = el(seg, 2);
        return undefined;
      case 'LQ':
        need(seg);
        if (service && el(seg, 1) === 'HE' && el(seg, 2)) service.remarkCodes.push(el(seg, 2));
        return undefined;
      case 'PLB': {
        const r = need(seg);
        claim = undefined;
        service = undefined;
        r.providerAdjustments.push(...readPlb(seg));
        return undefined;
      }
      case 'SE': {
        const r = need(seg);
        remit = undefined;
        claim = undefined;
        service = undefined;
        if (opts.requireBalanced) {
          const issues = checkBalance(r);
          if (issues.length > 0) {
            throw new X12Error(
              'UNBALANCED',
              `835 transaction set ${r.transactionSetControlNumber} does not balance: ${issues.length} issue(s); first: ${issues[0]?.message}`,
              { segmentIndex: seg.index, segmentId: 'SE', details: issues.map((i) => i.message) },
            );
          }
        }
        return r;
      }
      default:
        // BHT-less 835 header/claim segments we do not need: REF, DTM (header), PER, N3, N4, TS3, TS2,
        // NM1, AMT, QTY, RDM, ...
        need(seg);
        return undefined;
    }
  };
}

function readCas(seg: Segment): Adjustment[] {
  const group = el(seg, 1);
  if (!CAS_GROUPS.has(group)) {
    throw new X12Error('INVALID_VALUE', 'CAS01 is not a claim adjustment group code', {
      segmentIndex: seg.index,
      segmentId: 'CAS',
    });
  }
  const out: Adjustment[] = [];
  for (let n = 2; n <= 17; n += 3) {
    const reason = el(seg, n);
    if (reason === '') continue;
    const adj: Adjustment = { group: group as Adjustment['group'], reason, amountCents: centsAt(seg, n + 1) };
    const qty = numberAt(seg, n + 2);
    if (qty !== undefined) adj.quantity = qty;
    out.push(adj);
  }
  return out;
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
  return runReader(input, opts, handler835(opts));
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
  return runReaderSync(text, opts, handler835(opts));
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
      if (expected !== svc.paidCents) {
        issues.push({
          rule: 'SERVICE_LINE',
          claimId: id,
          serviceIndex: i,
          expectedCents: expected,
          actualCents: svc.paidCents,
          message: `claim ${id} service line ${i + 1}: SVC02 - line CAS = ${expected} cents but SVC03 = ${svc.paidCents} cents`,
        });
      }
    });
    const claimAdj = sum(claim.adjustments.map((a) => a.amountCents));
    const expected = claim.chargeCents - claimAdj - lineAdjustments;
    if (expected !== claim.paidCents) {
      issues.push({
        rule: 'CLAIM',
        claimId: id,
        expectedCents: expected,
        actualCents: claim.paidCents,
        message: `claim ${id}: CLP03 - claim and line CAS = ${expected} cents but CLP04 = ${claim.paidCents} cents`,
      });
    }
  }
  const paid = sum(remit.claims.map((c) => c.paidCents));
  const plb = sum(remit.providerAdjustments.map((p) => p.amountCents));
  const expected = paid - plb;
  if (expected !== remit.paymentCents) {
    issues.push({
      rule: 'TRANSACTION',
      expectedCents: expected,
      actualCents: remit.paymentCents,
      message: `transaction set ${set}: sum(CLP04) - sum(PLB) = ${expected} cents but BPR02 = ${remit.paymentCents} cents`,
    });
  }
  return issues;
}
