/**
 * 835 remittance writer (005010X221A1), used by the local payer simulator and the benchmarks.
 * BPR02 is computed as sum(CLP04) - sum(PLB), so what it writes balances when the claims do.
 * read835 reads it back.
 */
import type { Address } from '../claims/model';
import { type Cents, formatX12Amount } from '../money';
import { X12Error } from './errors';
import type { Adjustment, ClaimPayment, ProviderAdjustment, ServicePayment } from './types';
import { toX12Date } from './values';
import {
  cleanId,
  cleanText,
  closeInterchange,
  formatQuantity,
  type InterchangeEnvelope,
  openInterchange,
  SegmentBuffer,
  type WrittenControlNumbers,
} from './writer';

export const X221A1 = '005010X221A1';

export interface ClaimPayment835Input extends ClaimPayment {
  /** 2100 NM1*QC patient; written as NM1*QC*1 with these names and member id when given. */
  patient?: { lastName: string; firstName?: string; memberId?: string };
}

export interface Write835Input {
  envelope: InterchangeEnvelope;
  payer: {
    name: string;
    /** TRN03: '1' followed by the payer's 9-digit EIN. */
    identifier: string;
    address: Address;
    contactPhone?: string; // PER*BL, 10 digits
  };
  payee: { name: string; npi: string; taxId?: string };
  traceNumber: string; // TRN02, check or EFT trace number
  paymentMethod: 'ACH' | 'CHK' | 'NON';
  paymentDate: string; // BPR16, YYYY-MM-DD
  productionDate?: string; // DTM*405, default the payment date
  claims: ClaimPayment835Input[];
  providerAdjustments?: ProviderAdjustment[];
  /** Writes this BPR02 instead of the computed one (for deliberately unbalanced test files). */
  paymentCentsOverride?: Cents;
  newlines?: boolean;
}

export interface Write835Result extends WrittenControlNumbers {
  x12: string;
  paymentCents: Cents;
}

// fake bank data for the simulator's ACH payments (routing numbers with a valid ABA check digit)
const SIM_ROUTING = '999999992';

function casSegments(out: SegmentBuffer, adjustments: Adjustment[]): void {
  const byGroup = new Map<string, Adjustment[]>();
  for (const a of adjustments) {
    const list = byGroup.get(a.group);
    if (list) list.push(a);
    else byGroup.set(a.group, [a]);
  }
  for (const [group, list] of byGroup) {
    for (let i = 0; i < list.length; i += 6) {
      const triples: (string | undefined)[] = [];
      for (const a of list.slice(i, i + 6)) {
        triples.push(
          cleanId(a.reason, 5),
          formatX12Amount(a.amountCents),
          a.quantity !== undefined ? formatQuantity(a.quantity) : '',
        );
      }
      out.add('CAS', group, ...triples);
    }
  }
}

function serviceSegments(out: SegmentBuffer, svc: ServicePayment): void {
  const proc = [cleanId(svc.procedureQualifier || 'HC', 2), cleanId(svc.procedureCode, 48)];
  for (const m of svc.modifiers.slice(0, 4)) proc.push(cleanId(m, 2));
  out.add(
    'SVC',
    proc.join(':'),
    formatX12Amount(svc.chargeCents),
    formatX12Amount(svc.paidCents),
    '',
    svc.units !== undefined ? formatQuantity(svc.units) : undefined,
  );
  if (svc.dateOfService) {
    if (svc.dateOfServiceEnd) {
      out.add('DTM', '150', toX12Date(svc.dateOfService));
      out.add('DTM', '151', toX12Date(svc.dateOfServiceEnd));
    } else {
      out.add('DTM', '472', toX12Date(svc.dateOfService));
    }
  }
  casSegments(out, svc.adjustments);
  if (svc.lineItemControlNumber) out.add('REF', '6R', cleanId(svc.lineItemControlNumber, 50));
  for (const code of svc.remarkCodes) out.add('LQ', 'HE', cleanId(code, 30));
}

function plbSegments(out: SegmentBuffer, adjustments: ProviderAdjustment[]): void {
  // one PLB per provider id + fiscal date, up to 6 adjustments each
  const groups = new Map<string, ProviderAdjustment[]>();
  for (const p of adjustments) {
    const key = `${p.providerId}\u0000${p.fiscalPeriodDate}`;
    const list = groups.get(key);
    if (list) list.push(p);
    else groups.set(key, [p]);
  }
  for (const list of groups.values()) {
    const head = list[0] as ProviderAdjustment;
    for (let i = 0; i < list.length; i += 6) {
      const pairs: string[] = [];
      for (const p of list.slice(i, i + 6)) {
        const id = p.reference ? `${cleanId(p.reason, 2)}:${cleanId(p.reference, 50)}` : cleanId(p.reason, 2);
        pairs.push(id, formatX12Amount(p.amountCents));
      }
      out.add('PLB', cleanId(head.providerId, 50), toX12Date(head.fiscalPeriodDate), ...pairs);
    }
  }
}

export function write835(input: Write835Input): Write835Result {
  if (!/^\d{10}$/.test(input.payee.npi)) throw new X12Error('INVALID_INPUT', 'payee NPI must be 10 digits');
  if (!/^[0-9A-Za-z]{10}$/.test(input.payer.identifier)) {
    throw new X12Error('INVALID_INPUT', "payer identifier (TRN03) must be '1' + 9-digit EIN");
  }
  const plb = input.providerAdjustments ?? [];
  const computed =
    input.claims.reduce((t, c) => t + c.paidCents, 0) - plb.reduce((t, p) => t + p.amountCents, 0);
  const payment = input.paymentCentsOverride ?? computed;
  const out = new SegmentBuffer();
  const { numbers } = openInterchange(out, input.envelope, 'HP', '835', X221A1, false);
  const payDate = toX12Date(input.paymentDate);
  const amount = formatX12Amount(Math.abs(payment));
  const creditDebit = payment < 0 ? 'D' : 'C';
  if (input.paymentMethod === 'NON' || payment === 0) {
    out.add('BPR', 'H', amount, creditDebit, 'NON', '', '', '', '', '', '', '', '', '', '', '', payDate);
  } else if (input.paymentMethod === 'ACH') {
    out.add(
      'BPR',
      'I',
      amount,
      creditDebit,
      'ACH',
      'CCP',
      '01',
      SIM_ROUTING,
      'DA',
      '1000000001',
      input.payer.identifier,
      '',
      '01',
      SIM_ROUTING,
      'DA',
      '2000000002',
      payDate,
    );
  } else {
    out.add('BPR', 'I', amount, creditDebit, 'CHK', '', '', '', '', '', '', '', '', '', '', '', payDate);
  }
  out.add('TRN', '1', cleanId(input.traceNumber, 50), input.payer.identifier);
  out.add('DTM', '405', toX12Date(input.productionDate ?? input.paymentDate));
  // 1000A payer
  const a = input.payer.address;
  out.add('N1', 'PR', cleanText(input.payer.name, 60));
  out.add('N3', cleanText(a.line1, 55), cleanText(a.line2, 55) || undefined);
  out.add('N4', cleanText(a.city, 30), cleanId(a.state, 2), cleanId(a.zip, 15));
  out.add('PER', 'BL', 'EDI SUPPORT', 'TE', cleanId(input.payer.contactPhone ?? '8005550100', 256));
  // 1000B payee
  out.add('N1', 'PE', cleanText(input.payee.name, 60), 'XX', input.payee.npi);
  if (input.payee.taxId) out.add('REF', 'TJ', cleanId(input.payee.taxId, 50));
  // 2000 / 2100 / 2110
  if (input.claims.length > 0) out.add('LX', '1');
  for (const c of input.claims) {
    out.add(
      'CLP',
      cleanId(c.patientControlNumber, 38),
      cleanId(c.statusCode, 2),
      formatX12Amount(c.chargeCents),
      formatX12Amount(c.paidCents),
      c.patientResponsibilityCents !== 0 ? formatX12Amount(c.patientResponsibilityCents) : '',
      cleanId(c.filingIndicator ?? '12', 2),
      cleanId(c.payerClaimControlNumber, 50),
      '',
      c.frequencyCode ? cleanId(c.frequencyCode, 1) : undefined,
    );
    casSegments(out, c.adjustments);
    const p = c.patient;
    out.add(
      'NM1',
      'QC',
      '1',
      cleanText(p?.lastName, 60),
      cleanText(p?.firstName, 35),
      '',
      '',
      '',
      p?.memberId ? 'MI' : '',
      p?.memberId ? cleanId(p.memberId, 80) : '',
    );
    if (c.remarkCodes.length > 0)
      out.add('MOA', '', '', ...c.remarkCodes.slice(0, 5).map((r) => cleanId(r, 30)));
    for (const svc of c.services) serviceSegments(out, svc);
  }
  plbSegments(out, plb);
  closeInterchange(out, numbers);
  return { x12: out.join(input.newlines), ...numbers, paymentCents: payment };
}
