/**
 * Appeals of denied claims. Pure: the facts of an appeal (the denial with each CARC/RARC and its
 * meaning, the denial category and its argument, proof of timely filing, attachments, the deadline)
 * are computed from the claim, its events, its ledger and the interchanges that carried it; the
 * packet PDF is rendered from those facts.
 *
 * The deadline is the payer's appeal window (configurable per payer id, default 180 days) counted
 * from the date of the 835 that denied the claim (its REMIT_POSTED event).
 */
import { addDays } from '../claims/appeal';
import type { Claim, ClaimEvent } from '../claims/model';
import { type Cents, formatDollars } from '../money';
import type { LedgerEntry } from '../posting/ledger';
import { carc as carcCode, rarc as rarcCode } from '../scrub/codesets';
import { PdfWriter } from './pdf';

export const DEFAULT_APPEAL_DAYS = 180;

export interface AppealConfig {
  /** Appeal window in days per payer id; DEFAULT_APPEAL_DAYS for the others. */
  appealDaysByPayer?: Readonly<Record<string, number>>;
}

export const DENIAL_CATEGORIES = [
  'MEDICAL_NECESSITY',
  'AUTHORIZATION',
  'NON_COVERED',
  'CODING',
  'DOCUMENTATION',
  'TIMELY_FILING',
  'DUPLICATE',
  'OTHER',
] as const;
export type DenialCategory = (typeof DENIAL_CATEGORIES)[number];

const CATEGORY_OF: Readonly<Record<string, DenialCategory>> = {
  '50': 'MEDICAL_NECESSITY',
  '56': 'MEDICAL_NECESSITY',
  '57': 'MEDICAL_NECESSITY',
  '151': 'MEDICAL_NECESSITY',
  '167': 'MEDICAL_NECESSITY',
  '15': 'AUTHORIZATION',
  '197': 'AUTHORIZATION',
  '198': 'AUTHORIZATION',
  '55': 'NON_COVERED',
  '96': 'NON_COVERED',
  '204': 'NON_COVERED',
  '4': 'CODING',
  '5': 'CODING',
  '6': 'CODING',
  '7': 'CODING',
  '9': 'CODING',
  '10': 'CODING',
  '11': 'CODING',
  '146': 'CODING',
  '181': 'CODING',
  '182': 'CODING',
  '189': 'CODING',
  '16': 'DOCUMENTATION',
  '252': 'DOCUMENTATION',
  '29': 'TIMELY_FILING',
  '18': 'DUPLICATE',
};

/** The argument we make, per category; {claim}, {payer} and {dos} are filled in. */
export const ARGUMENTS: Readonly<Record<DenialCategory, string>> = {
  MEDICAL_NECESSITY:
    "We request reconsideration of claim {claim}. The services on {dos} were medically necessary for the patient's documented condition, as the enclosed clinical notes show, and meet {payer}'s coverage criteria for the diagnoses billed.",
  AUTHORIZATION:
    'We request reconsideration of claim {claim}. Authorization for the services on {dos} was requested and obtained (or was not required for these services under the plan); the enclosed authorization record supports payment.',
  NON_COVERED:
    "We request reconsideration of claim {claim}. The services on {dos} are covered benefits under the member's plan with {payer}; the enclosed documentation shows they meet the plan's definition of a covered service.",
  CODING:
    'We request reconsideration of claim {claim}. The procedure and diagnosis codes billed for {dos} are valid for the date of service and consistent with each other and with the patient, as the enclosed records show.',
  DOCUMENTATION:
    'We request reconsideration of claim {claim}. The information the payer asked for is enclosed; with it the claim for services on {dos} is complete and payable.',
  TIMELY_FILING:
    'We request reconsideration of claim {claim}. The claim for services on {dos} was filed within the timely filing limit: the enclosed proof of timely filing shows the interchange that carried it and its acceptance by the clearinghouse and {payer}.',
  DUPLICATE:
    'We request reconsideration of claim {claim}. The services on {dos} are not a duplicate of another claim: they are distinct services, as the enclosed records show.',
  OTHER:
    'We request reconsideration of claim {claim} for services on {dos}. The enclosed documentation supports payment of the claim as billed.',
};

/** Attachments suggested per category (the claim copy, the remittance advice and proof of timely filing always go). */
const CATEGORY_ATTACHMENTS: Readonly<Record<DenialCategory, readonly string[]>> = {
  MEDICAL_NECESSITY: [
    'Clinical notes for the dates of service',
    'Letter of medical necessity from the rendering provider',
  ],
  AUTHORIZATION: ['Authorization / precertification record'],
  NON_COVERED: ['Plan benefit excerpt', 'Clinical notes for the dates of service'],
  CODING: ['Operative / procedure notes supporting the codes billed'],
  DOCUMENTATION: ['The documentation requested by the payer'],
  TIMELY_FILING: ['Clearinghouse acceptance reports (999 / 277CA)'],
  DUPLICATE: ['Records distinguishing the services from the earlier claim'],
  OTHER: ['Clinical notes for the dates of service'],
};

export interface DeniedCode {
  /** Group and reason, e.g. "CO-50"; or a RARC such as "N130". */
  code: string;
  kind: 'CARC' | 'RARC';
  /** The code list's description ('' when unknown). */
  meaning: string;
  amountCents?: Cents;
  lineId?: string;
}

export interface InterchangeFact {
  interchangeControlNumber: string;
  groupControlNumber: string;
  createdAt: string;
  sentAt?: string;
}

export interface TimelyFiling {
  interchanges: InterchangeFact[];
  /** When the claim was submitted (SUBMITTED events), with the interchange named on the event. */
  submissions: { at: string; interchangeControlNumber?: string }[];
  ack999Accepted: { at: string; groupControlNumber?: string }[];
  ack277caAccepted: { at: string; payerClaimControlNumber?: string }[];
}

export interface Denial {
  /** Date of the 835 that denied the claim (its REMIT_POSTED event), YYYY-MM-DD. */
  remitDate: string;
  traceNumber?: string;
  payerClaimControlNumber?: string;
  codes: DeniedCode[];
}

export interface AppealFacts {
  claimId: string;
  denial: Denial;
  category: DenialCategory;
  argument: string;
  appealDays: number;
  /** remitDate + appealDays, YYYY-MM-DD. */
  deadline: string;
  timelyFiling: TimelyFiling;
  attachments: string[];
}

export class NotDeniedError extends Error {
  override readonly name = 'NotDeniedError';
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export { addDays };

export function appealDays(payerId: string, config: AppealConfig = {}): number {
  const days = config.appealDaysByPayer?.[payerId];
  return days !== undefined && Number.isInteger(days) && days > 0 ? days : DEFAULT_APPEAL_DAYS;
}

/** The date by which the appeal must reach the payer. */
export function appealDeadline(remitDate: string, payerId: string, config: AppealConfig = {}): string {
  return addDays(remitDate, appealDays(payerId, config));
}

/**
 * The latest denial of the claim: its last REMIT_POSTED event that paid nothing and cites a
 * non-patient-responsibility CARC. Codes come from the ledger entries of that remittance (with
 * line and amount) or, when none were posted, from the event; RARCs from the event's `rarcs`.
 */
export function latestDenial(
  events: readonly ClaimEvent[],
  ledger: readonly LedgerEntry[],
): Denial | undefined {
  const remits = [...events]
    .sort((a, b) => a.seq - b.seq)
    .filter((e) => e.type === 'REMIT_POSTED' && e.detail?.paidCents === 0)
    .filter((e) => strings(e.detail?.carcs).some((c) => !c.startsWith('PR-')));
  const e = remits[remits.length - 1];
  if (!e) return undefined;
  const traceNumber = str(e.detail?.traceNumber);
  const posted = ledger.filter(
    (l) =>
      l.carc &&
      (l.kind === 'ADJUSTMENT' || l.kind === 'PATIENT_RESPONSIBILITY') &&
      traceNumber !== undefined &&
      l.source.traceNumber === traceNumber,
  );
  const codes: DeniedCode[] =
    posted.length > 0
      ? posted.map((l) => {
          const code = `${l.group ?? 'CO'}-${l.carc}`;
          return {
            code,
            kind: 'CARC' as const,
            meaning: carcCode(code)?.description ?? '',
            amountCents: l.amountCents,
            ...(l.lineId ? { lineId: l.lineId } : {}),
          };
        })
      : strings(e.detail?.carcs).map((code) => ({
          code,
          kind: 'CARC' as const,
          meaning: carcCode(code)?.description ?? '',
        }));
  for (const r of [...new Set([...strings(e.detail?.rarcs), ...strings(e.detail?.remarkCodes)])]) {
    codes.push({ code: r, kind: 'RARC', meaning: rarcCode(r)?.description ?? '' });
  }
  const pcn = str(e.detail?.payerClaimControlNumber) ?? posted[0]?.source.payerClaimControlNumber;
  return {
    remitDate: e.at.slice(0, 10),
    ...(traceNumber ? { traceNumber } : {}),
    ...(pcn ? { payerClaimControlNumber: pcn } : {}),
    codes,
  };
}

/** The category of the first denial CARC that has one (CO-45 and PR codes are not denial reasons). */
export function denialCategory(codes: readonly DeniedCode[]): DenialCategory {
  for (const c of codes) {
    if (c.kind !== 'CARC' || c.code.startsWith('PR-')) continue;
    const category = CATEGORY_OF[c.code.replace(/^[A-Z]{2}-/, '')];
    if (category) return category;
  }
  return 'OTHER';
}

export function timelyFiling(
  events: readonly ClaimEvent[],
  interchanges: readonly InterchangeFact[],
): TimelyFiling {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  return {
    interchanges: [...interchanges].sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    submissions: sorted
      .filter((e) => e.type === 'SUBMITTED')
      .map((e) => {
        const icn = str(e.detail?.interchangeControlNumber);
        return { at: e.at, ...(icn ? { interchangeControlNumber: icn } : {}) };
      }),
    ack999Accepted: sorted
      .filter((e) => e.type === 'ACK_999_ACCEPTED')
      .map((e) => {
        const gcn = str(e.detail?.groupControlNumber);
        return { at: e.at, ...(gcn ? { groupControlNumber: gcn } : {}) };
      }),
    ack277caAccepted: sorted
      .filter((e) => e.type === 'ACK_277CA_ACCEPTED')
      .map((e) => {
        const pcn = str(e.detail?.payerClaimControlNumber);
        return { at: e.at, ...(pcn ? { payerClaimControlNumber: pcn } : {}) };
      }),
  };
}

/** Interchange control numbers named by the claim's SUBMITTED events (to load their records). */
export function submittedInterchanges(events: readonly ClaimEvent[]): string[] {
  return [
    ...new Set(
      events
        .filter((e) => e.type === 'SUBMITTED')
        .flatMap((e) => strings([e.detail?.interchangeControlNumber])),
    ),
  ];
}

export function firstDateOfService(claim: Pick<Claim, 'lines'>): string {
  return [...claim.lines.map((l) => l.dateOfService)].sort()[0] ?? '';
}

/** The facts of an appeal of the claim's latest denial. Throws NotDeniedError when there is none. */
export function appealFacts(input: {
  claim: Claim;
  events: readonly ClaimEvent[];
  ledger: readonly LedgerEntry[];
  interchanges: readonly InterchangeFact[];
  config?: AppealConfig;
  attachments?: readonly string[];
}): AppealFacts {
  const denial = latestDenial(input.events, input.ledger);
  if (!denial) throw new NotDeniedError(`claim ${input.claim.claimId} has no denial to appeal`);
  const category = denialCategory(denial.codes);
  const days = appealDays(input.claim.payer.payerId, input.config);
  const dates = [...new Set(input.claim.lines.map((l) => l.dateOfService))].sort().join(', ');
  const argument = ARGUMENTS[category]
    .replaceAll('{claim}', input.claim.claimId)
    .replaceAll('{payer}', input.claim.payer.name)
    .replaceAll('{dos}', dates);
  return {
    claimId: input.claim.claimId,
    denial,
    category,
    argument,
    appealDays: days,
    deadline: addDays(denial.remitDate, days),
    timelyFiling: timelyFiling(input.events, input.interchanges),
    attachments: [
      'Copy of the claim as submitted (837P data)',
      'Copy of the remittance advice (835) with the denial',
      'Proof of timely filing (this packet, section 2)',
      ...CATEGORY_ATTACHMENTS[category],
      ...(input.attachments ?? []),
    ],
  };
}

const name = (p: { lastName: string; firstName: string; middleName?: string }) =>
  [p.firstName, p.middleName, p.lastName].filter(Boolean).join(' ');
const addr = (a: Claim['patient']['address']) =>
  `${a.line1}${a.line2 ? `, ${a.line2}` : ''}, ${a.city}, ${a.state} ${a.zip}`;

/**
 * The appeal packet: (1) the letter: practice, payer, patient and member, claim and line details,
 * each CARC/RARC with its meaning, the argument; (2) proof of timely filing; (3) the attachment list.
 */
export async function appealPacketPdf(claim: Claim, facts: AppealFacts, today: string): Promise<Uint8Array> {
  const w = await PdfWriter.create({
    title: `Appeal ${claim.claimId}`,
    date: new Date(`${today}T00:00:00Z`),
  });
  const bp = claim.billingProvider;
  w.paragraph(bp.name, { bold: true, size: 12 })
    .paragraph(addr(bp.address))
    .paragraph(`NPI ${bp.npi}   TIN ${bp.taxId}`)
    .gap()
    .paragraph(today)
    .paragraph(`To: ${claim.payer.name} (payer id ${claim.payer.payerId}), Appeals / Reconsideration`)
    .gap()
    .heading('1. Request for reconsideration')
    .paragraph(`Patient: ${name(claim.patient)}   Date of birth: ${claim.patient.dob}`)
    .paragraph(`Member id: ${claim.subscriber.memberId}   Insured: ${name(claim.subscriber)}`)
    .paragraph(
      `Claim: ${claim.claimId}   Payer claim number: ${facts.denial.payerClaimControlNumber ?? 'n/a'}`,
    )
    .paragraph(
      `Total charge: ${formatDollars(claim.totalChargeCents)}   Denied on: ${facts.denial.remitDate}`,
    )
    .paragraph(`Appeal deadline: ${facts.deadline} (${facts.appealDays} days from the remittance)`)
    .paragraph(`Diagnoses: ${claim.diagnoses.join(', ')}`)
    .gap(4)
    .row(
      [
        { text: 'Line', width: 0.1 },
        { text: 'Date', width: 0.15 },
        { text: 'Code', width: 0.15 },
        { text: 'Modifiers', width: 0.15 },
        { text: 'Units', width: 0.1, align: 'right' },
        { text: 'Charge', width: 0.15, align: 'right' },
      ],
      { bold: true },
    );
  for (const l of claim.lines) {
    w.row([
      { text: l.lineId, width: 0.1 },
      { text: l.dateOfService, width: 0.15 },
      { text: l.procedureCode, width: 0.15 },
      { text: l.modifiers.join(' '), width: 0.15 },
      { text: String(l.units), width: 0.1, align: 'right' },
      { text: formatDollars(l.chargeCents), width: 0.15, align: 'right' },
    ]);
  }
  w.gap().paragraph('Denial reasons', { bold: true });
  for (const c of facts.denial.codes) {
    const where = c.lineId ? ` (line ${c.lineId})` : '';
    const amount = c.amountCents !== undefined ? ` ${formatDollars(c.amountCents)}` : '';
    w.paragraph(`${c.kind} ${c.code}${where}${amount}: ${c.meaning || 'no description on file'}`, {
      indent: 12,
    });
  }
  w.gap().paragraph(facts.argument).gap().paragraph('Sincerely,').paragraph(bp.name);

  const tf = facts.timelyFiling;
  w.heading('2. Proof of timely filing');
  if (tf.interchanges.length === 0 && tf.submissions.length === 0) w.paragraph('No submission on record.');
  for (const i of tf.interchanges) {
    w.paragraph(
      `Interchange ${i.interchangeControlNumber} (group ${i.groupControlNumber}) built ${i.createdAt}, sent ${i.sentAt ?? 'not recorded'}`,
      { indent: 12 },
    );
  }
  for (const s of tf.submissions)
    w.paragraph(
      `Submitted ${s.at}${s.interchangeControlNumber ? ` in interchange ${s.interchangeControlNumber}` : ''}`,
      {
        indent: 12,
      },
    );
  for (const a of tf.ack999Accepted)
    w.paragraph(`999 accepted ${a.at}${a.groupControlNumber ? ` (group ${a.groupControlNumber})` : ''}`, {
      indent: 12,
    });
  for (const a of tf.ack277caAccepted)
    w.paragraph(
      `277CA accepted ${a.at}${a.payerClaimControlNumber ? ` (payer claim number ${a.payerClaimControlNumber})` : ''}`,
      { indent: 12 },
    );

  w.heading('3. Attachments');
  facts.attachments.forEach((a, i) => {
    w.paragraph(`${i + 1}. ${a}`, { indent: 12 });
  });
  return w.save();
}
