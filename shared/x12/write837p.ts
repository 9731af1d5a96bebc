/**
 * 837P professional claim writer, 005010X222A1. One interchange, one group, one transaction set
 * for a batch of claims to one payer. Layout: one 2000A billing provider loop per distinct billing
 * provider (NPI, name, tax id and address), one 2000B subscriber loop per claim, a 2000C patient
 * loop when the patient is not the subscriber.
 *
 * Nothing is altered or dropped silently: free text is cleaned of delimiters (and uppercased), but
 * text that would come out empty or cut, identifiers that would need any cleaning and codes outside
 * their code sets are refused with an error naming the claim id and the element, never the value.
 */
import {
  type BillingProvider,
  type Claim,
  DEFAULT_CLAIM_INDICATORS,
  type NamedProvider,
  type Person,
  type ServiceLine,
} from '../claims/model';
import { formatX12Amount } from '../money';
import { check837PClaim } from './check837p';
import { X12Error } from './errors';
import { CLAIM_FILING_INDICATORS, isIsoDate, toX12Date } from './values';
import {
  cleanText,
  closeInterchange,
  formatQuantity,
  type InterchangeEnvelope,
  isWritableId,
  openInterchange,
  SegmentBuffer,
  textProblem,
  type WrittenControlNumbers,
} from './writer';

export const X222A1 = '005010X222A1';

export interface Envelope837P extends InterchangeEnvelope {
  submitter: { name: string; id: string; contactName: string; contactEmail: string };
  receiver: { name: string; id: string };
  /** SBR09 claim filing indicator when a claim's payer has none (claim.payer.claimFilingIndicator); default 'CI' (commercial insurance). */
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
  // plain loops, messages built only when thrown: this runs for every claim written
  const lines = claim.lines;
  let total = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as ServiceLine;
    if (line.modifiers.length > 4) throw invalid(claim, `line ${i + 1}: at most 4 modifiers`);
    const pointers = line.diagnosisPointers;
    if (pointers.length < 1 || pointers.length > 4) {
      throw invalid(claim, `line ${i + 1}: needs 1..4 diagnosis pointers`);
    }
    for (let k = 0; k < pointers.length; k++) {
      const p = pointers[k] as number;
      if (!Number.isInteger(p) || p < 1 || p > claim.diagnoses.length) {
        throw invalid(claim, `line ${i + 1}: diagnosis pointer out of range`);
      }
    }
    if (!Number.isSafeInteger(line.chargeCents) || line.chargeCents < 0) {
      throw invalid(claim, `line ${i + 1}: charge must be non-negative cents`);
    }
    if (!(line.units > 0)) throw invalid(claim, `line ${i + 1}: units must be > 0`);
    total += line.chargeCents;
  }
  if (total !== claim.totalChargeCents) throw invalid(claim, 'totalChargeCents is not the sum of the lines');

  // Element content: every value goes in unaltered (free text only loses delimiters and case).
  const problem = check837PClaim(claim)[0];
  if (problem) throw invalid(claim, `${problem.field}: ${problem.message}`);
  if (!isIsoDate(claim.subscriber.dob))
    throw invalid(claim, '2010BA DMG02: date of birth is not a YYYY-MM-DD date');
  if (!isIsoDate(claim.patient.dob))
    throw invalid(claim, '2010CA DMG02: date of birth is not a YYYY-MM-DD date');
  if (!isGender(claim.subscriber.gender)) throw invalid(claim, '2010BA DMG03: gender must be M, F or U');
  if (!isGender(claim.patient.gender)) throw invalid(claim, '2010CA DMG03: gender must be M, F or U');
  const diagnoses = claim.diagnoses;
  for (let i = 0; i < diagnoses.length; i++) {
    if (!/^[A-Z0-9]{3,7}$/.test(diagnosisCode(diagnoses[i] as string))) {
      throw invalid(claim, `2300 HI diagnosis ${i + 1}: must be 3..7 letters/digits (one dot allowed)`);
    }
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as ServiceLine;
    if (!/^[A-Z0-9]{5}$/.test(line.procedureCode))
      throw invalid(claim, `line ${i + 1}: 2400 SV101-2 procedure code must be 5 letters/digits`);
    const modifiers = line.modifiers;
    for (let k = 0; k < modifiers.length; k++) {
      if (!/^[A-Z0-9]{2}$/.test(modifiers[k] as string))
        throw invalid(claim, `line ${i + 1}: 2400 SV101-3..6 modifiers must be 2 letters/digits`);
    }
    if (line.placeOfService !== undefined && !/^\d{2}$/.test(line.placeOfService))
      throw invalid(claim, `line ${i + 1}: 2400 SV105 place of service must be 2 digits`);
    if (!isIsoDate(line.dateOfService))
      throw invalid(claim, `line ${i + 1}: 2400 DTP03 is not a YYYY-MM-DD date`);
  }
  // The optional content (onset, accident, attachments, providers, NDC) is checked by check837PClaim above.
}

const isGender = (g: string): boolean => g === 'M' || g === 'F' || g === 'U';

/** ICD-10-CM as sent in HI: the one optional dot after the category dropped ("E11.9" -> "E119"). */
const diagnosisCode = (d: string): string => (/^[A-Z0-9]{3}\./.test(d) ? d.replace('.', '') : d);

function checkEnvelope(env: Envelope837P): void {
  const texts: [string, string | undefined, number][] = [
    ['1000A NM103 submitter name', env.submitter.name, 60],
    ['1000A PER02 submitter contact name', env.submitter.contactName, 60],
    ['1000B NM103 receiver name', env.receiver.name, 60],
  ];
  for (const [element, value, max] of texts) {
    const problem = textProblem(value, max, true);
    if (problem) throw invalid(undefined, `envelope ${element} is ${problem}`);
  }
  const ids: [string, string | undefined, number][] = [
    ['1000A NM109 submitter id', env.submitter.id, 80],
    ['1000B NM109 receiver id', env.receiver.id, 80],
    ['1000A PER04 submitter contact email', env.submitter.contactEmail, 256],
  ];
  for (const [element, value, max] of ids) {
    if (!isWritableId(value, max))
      throw invalid(undefined, `envelope ${element} cannot be written unaltered`);
  }
  const filing = env.claimFilingIndicator;
  if (filing !== undefined && !(CLAIM_FILING_INDICATORS as readonly string[]).includes(filing))
    throw invalid(
      undefined,
      'envelope SBR09 claim filing indicator is not an X12 claim filing indicator code',
    );
}

/** 2000A/2010AA are keyed by everything they hold: the same NPI at another tax id or address is another loop. */
function billingKey(bp: BillingProvider): string {
  const a = bp.address;
  // each value prefixed with its length, so no two different providers make one key
  let key = '';
  for (const v of [bp.npi, bp.taxId, bp.name, a.line1, a.line2 ?? '', a.city, a.state, a.zip]) {
    key += `${v.length}:${v}`;
  }
  return key;
}

/** N3/N4; validate() has checked every element (text, USPS state, ZIP) beforehand. */
function address(out: SegmentBuffer, a: Person['address'] | BillingProvider['address']): void {
  out.add('N3', cleanText(a.line1, 55), cleanText(a.line2, 55) || undefined);
  out.add('N4', cleanText(a.city, 30), a.state, a.zip);
}

function person(out: SegmentBuffer, code: 'IL' | 'QC', p: Person, memberId?: string): void {
  const last = cleanText(p.lastName, 60);
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
    memberId,
  );
}

/** 2310A / 2310D: a person provider by NPI. */
function namedProvider(out: SegmentBuffer, code: 'DN' | 'DQ', p: NamedProvider): void {
  out.add(
    'NM1',
    code,
    '1',
    cleanText(p.lastName, 60),
    cleanText(p.firstName, 35) || undefined,
    '',
    '',
    '',
    'XX',
    p.npi,
  );
}

/** CLM11: causes in CLM11-1 and -2, the auto accident state in CLM11-4. */
function relatedCauses(causes: readonly string[], state: string | undefined): string {
  const parts = [causes[0] ?? '', causes[1] ?? '', '', state ?? ''];
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts.join(':');
}

/** 2400 (and 2410) for the line at index i of a claim whose CLM05-1 is claimPlace. */
function writeLine(out: SegmentBuffer, line: ServiceLine, i: number, claimPlace: string): void {
  out.add('LX', String(i + 1));
  let proc = `HC:${line.procedureCode}`;
  for (const m of line.modifiers) proc += `:${m}`;
  const pos = line.placeOfService && line.placeOfService !== claimPlace ? line.placeOfService : '';
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
  out.add('REF', '6R', line.lineId);
  // 2410 drug identification
  const drug = line.drug;
  if (drug) {
    out.add('LIN', '', 'N4', drug.ndc);
    out.add('CTP', '', '', '', formatQuantity(drug.quantity), drug.unit);
    if (drug.prescriptionNumber) out.add('REF', 'XZ', drug.prescriptionNumber);
  }
}

/**
 * 2000B (and 2000C) to 2400 for one claim under the billing provider loop `providerHl`, whose NPI
 * is `npi`; `hl` is the last HL number used. Returns the last HL number it used. (A function of
 * its own per claim, and per line: small units the JIT optimizes early and compiles fast.)
 */
function writeClaim(
  out: SegmentBuffer,
  claim: Claim,
  npi: string,
  providerHl: number,
  lastHl: number,
  defaultFiling: string,
): number {
  let hl = lastHl;

  const isSelf = claim.relationship === '18';
  const subscriberHl = ++hl;
  out.add('HL', String(subscriberHl), String(providerHl), '22', isSelf ? '0' : '1');
  out.add(
    'SBR',
    'P',
    isSelf ? '18' : undefined,
    claim.subscriber.groupNumber || undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    claim.payer.claimFilingIndicator ?? defaultFiling,
  );
  const death = claim.patientDeathDate ? toX12Date(claim.patientDeathDate) : undefined;
  // 2000B PAT: only to report the death of a patient who is the subscriber.
  if (isSelf && death) out.add('PAT', '', '', '', '', 'D8', death);
  // 2010BA subscriber
  const sub = claim.subscriber;
  person(out, 'IL', sub, sub.memberId);
  address(out, sub.address);
  out.add('DMG', 'D8', toX12Date(sub.dob), sub.gender);
  // 2010BB payer
  out.add('NM1', 'PR', '2', cleanText(claim.payer.name, 60), '', '', '', '', 'PI', claim.payer.payerId);

  if (!isSelf) {
    out.add('HL', String(++hl), String(subscriberHl), '23', '0');
    if (death) out.add('PAT', claim.relationship, '', '', '', 'D8', death);
    else out.add('PAT', claim.relationship);
    person(out, 'QC', claim.patient);
    address(out, claim.patient.address);
    out.add('DMG', 'D8', toX12Date(claim.patient.dob), claim.patient.gender);
  }

  // 2300 claim
  const ind = claim.indicators ?? DEFAULT_CLAIM_INDICATORS;
  const acc = claim.accident;
  out.add(
    'CLM',
    claim.claimId,
    formatX12Amount(claim.totalChargeCents),
    '',
    '',
    `${claim.placeOfService}:B:${claim.frequencyCode}`,
    ind.providerSignature,
    ind.assignment,
    ind.benefitsAssignment,
    ind.releaseOfInformation,
    '',
    acc ? relatedCauses(acc.causes, acc.state) : undefined,
  );
  if (claim.onsetDate) out.add('DTP', '431', 'D8', toX12Date(claim.onsetDate));
  if (acc) out.add('DTP', '439', 'D8', toX12Date(acc.date));
  for (const a of claim.attachments ?? []) {
    const sent = a.controlNumber ? ['', '', 'AC', a.controlNumber] : [];
    out.add('PWK', a.reportType, a.transmission, ...sent);
  }
  if (claim.referralNumber) out.add('REF', '9F', claim.referralNumber);
  if (claim.priorAuthorization) out.add('REF', 'G1', claim.priorAuthorization);
  if (claim.frequencyCode !== '1') out.add('REF', 'F8', claim.originalPayerClaimNumber);
  out.add('HI', ...claim.diagnoses.map((d, i) => `${i === 0 ? 'ABK' : 'ABF'}:${diagnosisCode(d)}`));
  // 2310A referring provider
  if (claim.referringProvider) namedProvider(out, 'DN', claim.referringProvider);
  // 2310B rendering provider when it differs from the billing provider, with its taxonomy
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
    if (rp.taxonomy) out.add('PRV', 'PE', 'PXC', rp.taxonomy);
  }
  // 2310C service facility location
  const fac = claim.serviceFacility;
  if (fac) {
    out.add('NM1', '77', '2', cleanText(fac.name, 60), '', '', '', '', fac.npi ? 'XX' : '', fac.npi);
    address(out, fac.address);
  }
  // 2310D supervising provider
  if (claim.supervisingProvider) namedProvider(out, 'DQ', claim.supervisingProvider);
  // 2400 service lines
  const lines = claim.lines;
  for (let i = 0; i < lines.length; i++) writeLine(out, lines[i] as ServiceLine, i, claim.placeOfService);
  return hl;
}

/** Writes one 837P interchange for claims to one payer. */
export function write837P(input: Write837PInput): Write837PResult {
  const { claims, envelope: env } = input;
  const first = claims[0];
  if (!first) throw invalid(undefined, 'an 837P batch needs at least one claim');
  checkEnvelope(env);
  for (const c of claims) validate(c, first.payer.payerId);
  const ids = new Set<string>();
  for (const c of claims) {
    if (ids.has(c.claimId)) throw invalid(c, 'duplicate claim id in batch');
    ids.add(c.claimId);
  }

  // group by billing provider (NPI, name, tax id, address), keeping first-appearance order
  const byProvider = new Map<string, Claim[]>();
  for (const c of claims) {
    const key = billingKey(c.billingProvider);
    const list = byProvider.get(key);
    if (list) list.push(c);
    else byProvider.set(key, [c]);
  }

  const out = new SegmentBuffer();
  const { date8, time4, numbers } = openInterchange(out, env, 'HC', '837', X222A1);
  out.add('BHT', '0019', '00', numbers.interchangeControlNumber, date8, time4, 'CH');
  // 1000A submitter, 1000B receiver
  out.add('NM1', '41', '2', cleanText(env.submitter.name, 60), '', '', '', '', '46', env.submitter.id);
  out.add('PER', 'IC', cleanText(env.submitter.contactName, 60), 'EM', env.submitter.contactEmail);
  out.add('NM1', '40', '2', cleanText(env.receiver.name, 60), '', '', '', '', '46', env.receiver.id);

  const defaultFiling = env.claimFilingIndicator ?? 'CI';
  const written: string[] = [];
  let hl = 0;
  for (const group of byProvider.values()) {
    const bp = (group[0] as Claim).billingProvider;
    const npi = bp.npi;
    const providerHl = ++hl;
    out.add('HL', String(providerHl), '', '20', '1');
    out.add('NM1', '85', '2', cleanText(bp.name, 60), '', '', '', '', 'XX', npi);
    address(out, bp.address);
    out.add('REF', 'EI', bp.taxId);

    for (const claim of group) {
      hl = writeClaim(out, claim, npi, providerHl, hl, defaultFiling);
      written.push(claim.claimId);
    }
  }
  closeInterchange(out, numbers);
  return { x12: out.join(input.newlines), ...numbers, claimIds: written };
}
