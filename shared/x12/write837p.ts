/**
 * 837P professional claim writer, 005010X222A1. One interchange, one group, one transaction set
 * for a batch of claims to one payer. Layout: one 2000A billing provider loop per distinct billing
 * NPI, one 2000B subscriber loop per claim, a 2000C patient loop when the patient is not the
 * subscriber.
 */
import type { BillingProvider, Claim, Person } from '../claims/model';
import { formatX12Amount } from '../money';
import { X12Error } from './errors';
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

export const X222A1 = '005010X222A1';

export interface Envelope837P extends InterchangeEnvelope {
  submitter: { name: string; id: string; contactName: string; contactEmail: string };
  receiver: { name: string; id: string };
  /** SBR09 claim filing indicator; default 'CI' (commercial insurance). */
  claimFilingIndicator?: string;
}

export interface Write837PInput {
  claims: Claim[];
  envelope: Envelope837P;
  /** Put a line break after each segment terminator (default false). */
  newlines?: boolean;
}

export interface Write837PResult extends WrittenControlNumbers {
  x12: string;
  claimIds: string[];
}

const MAX_DIAGNOSES = 12;
const MAX_LINES = 50;

function invalid(claim: Claim | undefined, message: string): X12Error {
  return new X12Error('INVALID_INPUT', claim ? `claim ${claim.claimId}: ${message}` : message);
}

function validate(claim: Claim, payerId: string): void {
  if (!/^[A-Za-z0-9-]{1,17}$/.test(claim.claimId)) {
    throw invalid(undefined, 'claimId must be 1..17 letters, digits or dashes');
  }
  if (claim.payer.payerId !== payerId)
    throw invalid(claim, 'all claims of an 837P batch must be for one payer');
  if (claim.diagnoses.length < 1 || claim.diagnoses.length > MAX_DIAGNOSES) {
    throw invalid(claim, 'needs 1..12 diagnosis codes');
  }
  if (claim.lines.length < 1 || claim.lines.length > MAX_LINES)
    throw invalid(claim, 'needs 1..50 service lines');
  if (!/^\d{10}$/.test(claim.billingProvider.npi)) throw invalid(claim, 'billing NPI must be 10 digits');
  if (claim.renderingProvider && !/^\d{10}$/.test(claim.renderingProvider.npi)) {
    throw invalid(claim, 'rendering NPI must be 10 digits');
  }
  if (!/^\d{9}$/.test(claim.billingProvider.taxId)) throw invalid(claim, 'billing tax id must be 9 digits');
  if (!/^\d{9}$/.test(claim.billingProvider.address.zip))
    throw invalid(claim, 'billing provider ZIP must be 9 digits');
  if (!/^\d{2}$/.test(claim.placeOfService)) throw invalid(claim, 'place of service must be 2 digits');
  if ((claim.frequencyCode === '7' || claim.frequencyCode === '8') && !claim.originalPayerClaimNumber) {
    throw invalid(claim, `frequency ${claim.frequencyCode} needs originalPayerClaimNumber`);
  }
  let total = 0;
  claim.lines.forEach((line, i) => {
    const where = `line ${i + 1}`;
    if (line.modifiers.length > 4) throw invalid(claim, `${where}: at most 4 modifiers`);
    if (line.diagnosisPointers.length < 1 || line.diagnosisPointers.length > 4) {
      throw invalid(claim, `${where}: needs 1..4 diagnosis pointers`);
    }
    for (const p of line.diagnosisPointers) {
      if (!Number.isInteger(p) || p < 1 || p > claim.diagnoses.length) {
        throw invalid(claim, `${where}: diagnosis pointer out of range`);
      }
    }
    if (!Number.isSafeInteger(line.chargeCents) || line.chargeCents < 0) {
      throw invalid(claim, `${where}: charge must be non-negative cents`);
    }
    if (!(line.units > 0)) throw invalid(claim, `${where}: units must be > 0`);
    total += line.chargeCents;
  });
  if (total !== claim.totalChargeCents) throw invalid(claim, 'totalChargeCents is not the sum of the lines');
}

function zip(z: string, claim: Claim): string {
  if (!/^\d{5}(\d{4})?$/.test(z)) throw invalid(claim, 'ZIP must be 5 or 9 digits');
  return z;
}

function address(out: SegmentBuffer, a: Person['address'] | BillingProvider['address'], claim: Claim): void {
  out.add('N3', cleanText(a.line1, 55), cleanText(a.line2, 55) || undefined);
  out.add('N4', cleanText(a.city, 30), cleanId(a.state, 2), zip(a.zip, claim));
}

function person(out: SegmentBuffer, claim: Claim, code: 'IL' | 'QC', p: Person, memberId?: string): void {
  const last = cleanText(p.lastName, 60);
  if (last === '') throw invalid(claim, `${code === 'IL' ? 'subscriber' : 'patient'} last name is empty`);
  if (code === 'IL' && !cleanId(memberId, 80)) throw invalid(claim, 'subscriber member id is empty');
  out.add(
    'NM1',
    code,
    '1',
    last,
    cleanText(p.firstName, 35),
    cleanText(p.middleName, 25) || undefined,
    undefined,
    undefined,
    memberId ? 'MI' : undefined,
    memberId ? cleanId(memberId, 80) : undefined,
  );
}

/** Writes one 837P interchange for claims to one payer. */
export function write837P(input: Write837PInput): Write837PResult {
  const { claims, envelope: env } = input;
  const first = claims[0];
  if (!first) throw invalid(undefined, 'an 837P batch needs at least one claim');
  for (const c of claims) validate(c, first.payer.payerId);
  const ids = new Set<string>();
  for (const c of claims) {
    if (ids.has(c.claimId)) throw invalid(c, 'duplicate claim id in batch');
    ids.add(c.claimId);
  }

  // group by billing NPI, keeping first-appearance order
  const byProvider = new Map<string, Claim[]>();
  for (const c of claims) {
    const list = byProvider.get(c.billingProvider.npi);
    if (list) list.push(c);
    else byProvider.set(c.billingProvider.npi, [c]);
  }

  const out = new SegmentBuffer();
  const { date8, time4, numbers } = openInterchange(out, env, 'HC', '837', X222A1);
  out.add('BHT', '0019', '00', numbers.interchangeControlNumber, date8, time4, 'CH');
  // 1000A submitter, 1000B receiver
  out.add(
    'NM1',
    '41',
    '2',
    cleanText(env.submitter.name, 60),
    '',
    '',
    '',
    '',
    '46',
    cleanId(env.submitter.id, 80),
  );
  out.add(
    'PER',
    'IC',
    cleanText(env.submitter.contactName, 60),
    'EM',
    cleanText(env.submitter.contactEmail, 256, true),
  );
  out.add(
    'NM1',
    '40',
    '2',
    cleanText(env.receiver.name, 60),
    '',
    '',
    '',
    '',
    '46',
    cleanId(env.receiver.id, 80),
  );

  const filing = env.claimFilingIndicator ?? 'CI';
  const written: string[] = [];
  let hl = 0;
  for (const [npi, group] of byProvider) {
    const bp = (group[0] as Claim).billingProvider;
    const providerHl = ++hl;
    out.add('HL', String(providerHl), '', '20', '1');
    out.add('NM1', '85', '2', cleanText(bp.name, 60), '', '', '', '', 'XX', npi);
    address(out, bp.address, group[0] as Claim);
    out.add('REF', 'EI', bp.taxId);

    for (const claim of group) {
      const isSelf = claim.relationship === '18';
      const subscriberHl = ++hl;
      out.add('HL', String(subscriberHl), String(providerHl), '22', isSelf ? '0' : '1');
      out.add(
        'SBR',
        'P',
        isSelf ? '18' : undefined,
        cleanId(claim.subscriber.groupNumber, 50) || undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        filing,
      );
      // 2010BA subscriber
      const sub = claim.subscriber;
      person(out, claim, 'IL', sub, sub.memberId);
      address(out, sub.address, claim);
      out.add('DMG', 'D8', toX12Date(sub.dob), sub.gender);
      // 2010BB payer
      out.add(
        'NM1',
        'PR',
        '2',
        cleanText(claim.payer.name, 60),
        '',
        '',
        '',
        '',
        'PI',
        cleanId(claim.payer.payerId, 80),
      );

      if (!isSelf) {
        out.add('HL', String(++hl), String(subscriberHl), '23', '0');
        out.add('PAT', claim.relationship);
        person(out, claim, 'QC', claim.patient);
        address(out, claim.patient.address, claim);
        out.add('DMG', 'D8', toX12Date(claim.patient.dob), claim.patient.gender);
      }

      // 2300 claim
      out.add(
        'CLM',
        claim.claimId,
        formatX12Amount(claim.totalChargeCents),
        '',
        '',
        `${claim.placeOfService}:B:${claim.frequencyCode}`,
        'Y',
        'A',
        'Y',
        'Y',
      );
      if (claim.frequencyCode !== '1') out.add('REF', 'F8', cleanId(claim.originalPayerClaimNumber, 50));
      out.add(
        'HI',
        ...claim.diagnoses.map((d, i) => `${i === 0 ? 'ABK' : 'ABF'}:${cleanId(d.replace('.', ''), 30)}`),
      );
      // 2310B rendering provider when it differs from the billing provider
      const rp = claim.renderingProvider;
      if (rp && rp.npi !== npi) {
        out.add(
          'NM1',
          '82',
          '1',
          cleanText(rp.lastName, 60),
          cleanText(rp.firstName, 35),
          '',
          '',
          '',
          'XX',
          rp.npi,
        );
      }
      // 2400 service lines
      claim.lines.forEach((line, i) => {
        out.add('LX', String(i + 1));
        const proc = [
          'HC',
          cleanId(line.procedureCode, 48),
          ...line.modifiers.map((m) => cleanId(m, 2)),
        ].join(':');
        const pos =
          line.placeOfService && line.placeOfService !== claim.placeOfService ? line.placeOfService : '';
        out.add(
          'SV1',
          proc,
          formatX12Amount(line.chargeCents),
          'UN',
          formatQuantity(line.units),
          pos,
          '',
          line.diagnosisPointers.join(':'),
        );
        out.add('DTP', '472', 'D8', toX12Date(line.dateOfService));
        const lineId = cleanId(line.lineId, 50);
        if (lineId) out.add('REF', '6R', lineId);
      });
      written.push(claim.claimId);
    }
  }
  closeInterchange(out, numbers);
  return { x12: out.join(input.newlines), ...numbers, claimIds: written };
}
