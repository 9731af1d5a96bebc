/**
 * Patient statements. Pure: from claims, their insurance ledgers and their patient-side entries, one
 * statement per guarantor with the claims that still have a patient balance: service lines, what
 * insurance paid and adjusted, patient responsibility, what the patient paid, aging and amount due.
 *
 * The guarantor is the claim's subscriber (the policyholder: the patient themself for relationship
 * 18, the parent or spouse otherwise). Statements of a run are numbered 1..n in guarantor-key order,
 * and routes name them by that number, never by anything derived from the person.
 */
import { createHash } from 'node:crypto';
import type { Address, Claim } from '../claims/model';
import { type Cents, formatDollars } from '../money';
import { balances, type LedgerEntry } from '../posting/ledger';
import { AR_BUCKETS, type ArBucket, ageInDays, arBucket } from './aging';
import { type PatientEntry, patientBalance } from './patient-ledger';
import { PdfWriter } from './pdf';

export interface StatementInput {
  claim: Claim;
  ledger: readonly LedgerEntry[];
  patient: readonly PatientEntry[];
}

export interface StatementLine {
  lineId: string;
  dateOfService: string;
  procedureCode: string;
  units: number;
  chargeCents: Cents;
}

export interface StatementClaim {
  claimId: string;
  patientName: string;
  payerName: string;
  serviceFrom: string;
  lines: StatementLine[];
  chargesCents: Cents;
  insurancePaidCents: Cents;
  insuranceAdjustedCents: Cents;
  patientResponsibilityCents: Cents;
  patientPaidCents: Cents;
  patientWriteOffCents: Cents;
  /** Open patient balance: responsibility - paid - written off. */
  balanceCents: Cents;
  ageDays: number;
  bucket: ArBucket;
}

export interface Statement {
  practiceId: string;
  runNumber: number;
  /** 1..n within the run. */
  statementNumber: number;
  /** Pseudonymous grouping key (a hash); stored, never put in a URL. */
  guarantorKey: string;
  statementDate: string;
  guarantor: { name: string; address: Address };
  provider: { name: string; npi: string; address: Address };
  claims: StatementClaim[];
  aging: Record<ArBucket, Cents>;
  amountDueCents: Cents;
}

const fullName = (p: { firstName: string; middleName?: string; lastName: string }) =>
  [p.firstName, p.middleName, p.lastName].filter(Boolean).join(' ');

export function guarantorKey(claim: Pick<Claim, 'practiceId' | 'subscriber'>): string {
  const s = claim.subscriber;
  return createHash('sha256')
    .update(
      [claim.practiceId, s.memberId, s.lastName.toUpperCase(), s.firstName.toUpperCase(), s.dob].join('|'),
    )
    .digest('hex')
    .slice(0, 24);
}

/** One claim's statement section, or undefined when it has no open patient balance. */
export function statementClaim(input: StatementInput, statementDate: string): StatementClaim | undefined {
  const ins = balances(input.ledger);
  const pat = patientBalance(input.ledger, input.patient);
  if (pat.balanceCents <= 0) return undefined;
  const serviceFrom = [...input.claim.lines.map((l) => l.dateOfService)].sort()[0] ?? '';
  const ageDays = ageInDays(serviceFrom, statementDate);
  return {
    claimId: input.claim.claimId,
    patientName: fullName(input.claim.patient),
    payerName: input.claim.payer.name,
    serviceFrom,
    lines: input.claim.lines.map((l) => ({
      lineId: l.lineId,
      dateOfService: l.dateOfService,
      procedureCode: l.procedureCode,
      units: l.units,
      chargeCents: l.chargeCents,
    })),
    chargesCents: ins.chargesCents,
    insurancePaidCents: ins.paymentsCents,
    insuranceAdjustedCents: ins.adjustmentsCents + ins.writeOffCents,
    patientResponsibilityCents: pat.responsibilityCents,
    patientPaidCents: pat.paymentsCents,
    patientWriteOffCents: pat.writeOffCents,
    balanceCents: pat.balanceCents,
    ageDays,
    bucket: arBucket(ageDays),
  };
}

/**
 * The statements of a run: claims of `practiceId` with a patient balance, grouped by guarantor,
 * numbered 1..n in guarantor-key order (so the same books give the same numbering).
 */
export function buildStatements(
  practiceId: string,
  runNumber: number,
  statementDate: string,
  inputs: readonly StatementInput[],
): Statement[] {
  const groups = new Map<string, { first: Claim; claims: StatementClaim[] }>();
  for (const input of inputs) {
    if (input.claim.practiceId !== practiceId) continue;
    const section = statementClaim(input, statementDate);
    if (!section) continue;
    const key = guarantorKey(input.claim);
    const g = groups.get(key) ?? { first: input.claim, claims: [] };
    g.claims.push(section);
    groups.set(key, g);
  }
  return [...groups.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([key, g], i) => {
      const claims = g.claims.sort(
        (a, b) => a.serviceFrom.localeCompare(b.serviceFrom) || a.claimId.localeCompare(b.claimId),
      );
      const aging = Object.fromEntries(AR_BUCKETS.map((b) => [b, 0])) as Record<ArBucket, Cents>;
      for (const c of claims) aging[c.bucket] += c.balanceCents;
      const bp = g.first.billingProvider;
      return {
        practiceId,
        runNumber,
        statementNumber: i + 1,
        guarantorKey: key,
        statementDate,
        guarantor: { name: fullName(g.first.subscriber), address: g.first.subscriber.address },
        provider: { name: bp.name, npi: bp.npi, address: bp.address },
        claims,
        aging,
        amountDueCents: claims.reduce((s, c) => s + c.balanceCents, 0),
      };
    });
}

const addressLines = (a: Address) => [
  a.line1,
  ...(a.line2 ? [a.line2] : []),
  `${a.city}, ${a.state} ${a.zip}`,
];

/** One statement as a PDF (US Letter). */
export async function statementPdf(s: Statement): Promise<Uint8Array> {
  const w = await PdfWriter.create({
    title: `Statement ${s.practiceId} run ${s.runNumber} no ${s.statementNumber}`,
    date: new Date(`${s.statementDate}T00:00:00Z`),
  });
  w.paragraph(s.provider.name, { bold: true, size: 12 });
  for (const l of addressLines(s.provider.address)) w.paragraph(l);
  w.gap().paragraph(s.guarantor.name, { bold: true });
  for (const l of addressLines(s.guarantor.address)) w.paragraph(l);
  w.heading('Patient statement')
    .paragraph(`Statement date: ${s.statementDate}   Statement: ${s.runNumber}-${s.statementNumber}`)
    .paragraph(`Amount due: ${formatDollars(s.amountDueCents)}`, { bold: true, size: 12 });
  for (const c of s.claims) {
    w.gap()
      .paragraph(
        `Patient ${c.patientName}, services from ${c.serviceFrom}, billed to ${c.payerName} (claim ${c.claimId})`,
        {
          bold: true,
        },
      )
      .row(
        [
          { text: 'Date', width: 0.2 },
          { text: 'Service', width: 0.2 },
          { text: 'Units', width: 0.1, align: 'right' },
          { text: 'Charge', width: 0.2, align: 'right' },
        ],
        { bold: true },
      );
    for (const l of c.lines) {
      w.row([
        { text: l.dateOfService, width: 0.2 },
        { text: l.procedureCode, width: 0.2 },
        { text: String(l.units), width: 0.1, align: 'right' },
        { text: formatDollars(l.chargeCents), width: 0.2, align: 'right' },
      ]);
    }
    const money: [string, Cents][] = [
      ['Total charges', c.chargesCents],
      ['Insurance paid', c.insurancePaidCents],
      ['Insurance adjustments', c.insuranceAdjustedCents],
      ['Your responsibility', c.patientResponsibilityCents],
      ['Your payments', c.patientPaidCents],
      ...(c.patientWriteOffCents !== 0
        ? ([['Courtesy adjustment', c.patientWriteOffCents]] as [string, Cents][])
        : []),
      ['Balance', c.balanceCents],
    ];
    for (const [label, cents] of money) {
      w.row([
        { text: label, width: 0.5 },
        { text: formatDollars(cents), width: 0.2, align: 'right' },
      ]);
    }
  }
  w.heading('Aging', 11).row(
    AR_BUCKETS.map((b) => ({ text: `${b} days`, width: 0.2, align: 'right' as const })),
    { bold: true },
  );
  w.row(AR_BUCKETS.map((b) => ({ text: formatDollars(s.aging[b]), width: 0.2, align: 'right' as const })));
  w.gap().paragraph(`Amount due: ${formatDollars(s.amountDueCents)}`, { bold: true, size: 12 });
  return w.save();
}
