/**
 * 277CA claim acknowledgment writer (005010X214), used by the local clearinghouse simulator.
 * Hierarchy: 20 payer (information source) > 21 receiver (submitter) > 19 billing provider > PT claim.
 * read277CA reads it back.
 */
import type { Cents } from '../money';
import { formatX12Amount } from '../money';
import { X12Error } from './errors';
import { REJECTED_CATEGORIES } from './read277ca';
import { toX12Date } from './values';
import {
  cleanId,
  cleanText,
  closeInterchange,
  type InterchangeEnvelope,
  openInterchange,
  SegmentBuffer,
  type WrittenControlNumbers,
} from './writer';

export const X214 = '005010X214';

export interface ClaimAck277Input {
  patientControlNumber: string; // CLM01 -> TRN02 of 2200D
  billingProviderNpi: string;
  billingProviderName: string;
  patient: { lastName: string; firstName?: string; memberId: string };
  categoryCode: string; // STC01-1, e.g. A1, A2, A7
  statusCode: string; // STC01-2, e.g. 20, 562
  entityCode?: string; // STC01-3, e.g. 85
  chargeCents: Cents; // STC04
  payerClaimControlNumber?: string; // REF*1K
  serviceDateFrom: string; // YYYY-MM-DD
  serviceDateTo?: string;
  message?: string; // STC12
}

export interface Write277CAInput {
  envelope: InterchangeEnvelope;
  payer: { name: string; id: string }; // 2100A NM1*PR ... PI
  receiver: { name: string; id: string }; // 2100B NM1*41 ... 46 (the submitter of the 837)
  /** TRN02 of 2200B: the submitter's batch id (e.g. the 837 BHT03 or ISA13). */
  batchReference: string;
  receiptDate: string; // DTP*050
  processDate: string; // DTP*009 and STC02
  claims: ClaimAck277Input[];
}

export interface Write277CAResult extends WrittenControlNumbers {
  x12: string;
}

function isRejected(c: ClaimAck277Input): boolean {
  return REJECTED_CATEGORIES.has(c.categoryCode);
}

export function write277CA(input: Write277CAInput): Write277CAResult {
  if (input.claims.length === 0)
    throw new X12Error('INVALID_INPUT', 'a 277CA acknowledges at least one claim');
  const out = new SegmentBuffer();
  const { date8, time4, numbers } = openInterchange(out, input.envelope, 'HN', '277', X214);
  const processed = toX12Date(input.processDate);
  out.add('BHT', '0085', '08', cleanId(input.batchReference, 50), date8, time4, 'TH');

  // 2000A information source (payer)
  out.add('HL', '1', '', '20', '1');
  out.add(
    'NM1',
    'PR',
    '2',
    cleanText(input.payer.name, 60),
    '',
    '',
    '',
    '',
    'PI',
    cleanId(input.payer.id, 80),
  );
  out.add('TRN', '1', numbers.interchangeControlNumber);
  out.add('DTP', '050', 'D8', toX12Date(input.receiptDate));
  out.add('DTP', '009', 'D8', processed);

  // 2000B information receiver with batch totals
  const accepted = input.claims.filter((c) => !isRejected(c));
  const rejected = input.claims.filter(isRejected);
  const total = (cs: ClaimAck277Input[]): string =>
    formatX12Amount(cs.reduce((t, c) => t + c.chargeCents, 0));
  out.add('HL', '2', '1', '21', '1');
  out.add(
    'NM1',
    '41',
    '2',
    cleanText(input.receiver.name, 60),
    '',
    '',
    '',
    '',
    '46',
    cleanId(input.receiver.id, 80),
  );
  out.add('TRN', '2', cleanId(input.batchReference, 50));
  out.add('STC', 'A1:20', processed, accepted.length > 0 ? 'WQ' : 'U', total(input.claims));
  if (accepted.length > 0) out.add('QTY', '90', String(accepted.length));
  if (rejected.length > 0) out.add('QTY', 'AA', String(rejected.length));
  if (accepted.length > 0) out.add('AMT', 'YU', total(accepted));
  if (rejected.length > 0) out.add('AMT', 'YY', total(rejected));

  // 2000C billing providers, 2000D claims
  const byProvider = new Map<string, ClaimAck277Input[]>();
  for (const c of input.claims) {
    if (!/^\d{10}$/.test(c.billingProviderNpi)) {
      throw new X12Error('INVALID_INPUT', `claim ${c.patientControlNumber}: billing NPI must be 10 digits`);
    }
    const list = byProvider.get(c.billingProviderNpi);
    if (list) list.push(c);
    else byProvider.set(c.billingProviderNpi, [c]);
  }
  let hl = 2;
  for (const [npi, claims] of byProvider) {
    const providerHl = ++hl;
    const first = claims[0] as ClaimAck277Input;
    out.add('HL', String(providerHl), '2', '19', '1');
    out.add('NM1', '85', '2', cleanText(first.billingProviderName, 60), '', '', '', '', 'XX', npi);
    out.add('TRN', '1', `${numbers.interchangeControlNumber}${providerHl}`);
    const ok = claims.filter((c) => !isRejected(c));
    const bad = claims.filter(isRejected);
    out.add('STC', 'A1:20', '', ok.length > 0 ? 'WQ' : 'U', total(claims));
    if (ok.length > 0) out.add('QTY', 'QA', String(ok.length));
    if (bad.length > 0) out.add('QTY', 'QC', String(bad.length));
    if (ok.length > 0) out.add('AMT', 'YU', total(ok));
    if (bad.length > 0) out.add('AMT', 'YY', total(bad));
    for (const c of claims) {
      out.add('HL', String(++hl), String(providerHl), 'PT');
      out.add(
        'NM1',
        'QC',
        '1',
        cleanText(c.patient.lastName, 60),
        cleanText(c.patient.firstName, 35),
        '',
        '',
        '',
        'MI',
        cleanId(c.patient.memberId, 80),
      );
      out.add('TRN', '2', cleanId(c.patientControlNumber, 50));
      const status = [c.categoryCode, c.statusCode, c.entityCode].filter((p) => p).join(':');
      out.add(
        'STC',
        status,
        processed,
        isRejected(c) ? 'U' : 'WQ',
        formatX12Amount(c.chargeCents),
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        c.message ? cleanText(c.message, 264) : undefined,
      );
      if (c.payerClaimControlNumber) out.add('REF', '1K', cleanId(c.payerClaimControlNumber, 50));
      if (c.serviceDateTo && c.serviceDateTo !== c.serviceDateFrom) {
        out.add('DTP', '472', 'RD8', `${toX12Date(c.serviceDateFrom)}-${toX12Date(c.serviceDateTo)}`);
      } else {
        out.add('DTP', '472', 'D8', toX12Date(c.serviceDateFrom));
      }
    }
  }
  closeInterchange(out, numbers);
  return { x12: out.join(), ...numbers };
}
