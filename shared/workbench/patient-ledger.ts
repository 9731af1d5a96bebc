/**
 * The patient side of a claim's money. Pure.
 *
 * The insurance ledger (shared/posting/ledger.ts) ends with PATIENT_RESPONSIBILITY: what the payer
 * says the patient owes (PR adjustments). The patient side records what happened to that amount:
 * PATIENT_PAYMENT (money received from the patient or guarantor) and PATIENT_WRITE_OFF (a small
 * balance we stop pursuing, with a reason). Kept apart from the insurance ledger so that balances()
 * and its invariant are untouched. The patient-side invariant:
 *
 *   patient responsibility = patient payments + patient write-offs + patient balance,  balance >= 0
 *
 * A posting that would take the patient balance below zero (a credit balance) is refused.
 */
import { createHash } from 'node:crypto';
import { assertCents, type Cents } from '../money';
import { balances, type LedgerEntry } from '../posting/ledger';

export const PATIENT_ENTRY_KINDS = ['PATIENT_PAYMENT', 'PATIENT_WRITE_OFF'] as const;
export type PatientEntryKind = (typeof PATIENT_ENTRY_KINDS)[number];

export interface PatientEntry {
  /** Deterministic from the claim and the caller's idempotency key: a retried request posts nothing twice. */
  entryId: string;
  claimId: string;
  kind: PatientEntryKind;
  /** Positive cents: how much of the patient responsibility this entry settles. */
  amountCents: Cents;
  at: string;
  /** Who posted it (the caller's opaque sub). */
  by: string;
  /** PATIENT_PAYMENT: how it was paid. */
  method?: 'CASH' | 'CHECK' | 'CARD' | 'OTHER';
  /** PATIENT_PAYMENT: the date the money was received (YYYY-MM-DD). */
  receivedOn?: string;
  /** PATIENT_WRITE_OFF: why (free text from a manager; no PHI expected, never logged). */
  reason?: string;
}

export interface PatientBalance {
  responsibilityCents: Cents;
  paymentsCents: Cents;
  writeOffCents: Cents;
  balanceCents: Cents;
}

export class PatientPostingError extends Error {
  override readonly name = 'PatientPostingError';
  constructor(
    readonly code: 'NOT_POSITIVE' | 'EXCEEDS_BALANCE' | 'OTHER_CLAIM',
    message: string,
  ) {
    super(message);
  }
}

export function patientBalance(
  ledger: readonly LedgerEntry[],
  patient: readonly PatientEntry[],
): PatientBalance {
  const responsibilityCents = balances(ledger).patientResponsibilityCents;
  let paymentsCents = 0;
  let writeOffCents = 0;
  for (const e of patient) {
    assertCents(e.amountCents);
    if (e.kind === 'PATIENT_PAYMENT') paymentsCents += e.amountCents;
    else writeOffCents += e.amountCents;
  }
  return {
    responsibilityCents,
    paymentsCents,
    writeOffCents,
    balanceCents: responsibilityCents - paymentsCents - writeOffCents,
  };
}

/** The entry id for an idempotency key: P-<16 hex> (payments) or PW-<16 hex> (write-offs). */
export function patientEntryId(claimId: string, kind: PatientEntryKind, key: string): string {
  const hash = createHash('sha256').update(`${claimId}|${kind}|${key}`).digest('hex').slice(0, 16);
  return `${kind === 'PATIENT_PAYMENT' ? 'P' : 'PW'}-${hash}`;
}

/**
 * Checks a new patient entry against the claim's books: positive integer cents, this claim, and not
 * more than the open patient balance. Returns the balance after it. Throws PatientPostingError.
 */
export function checkPatientEntry(
  ledger: readonly LedgerEntry[],
  patient: readonly PatientEntry[],
  entry: PatientEntry,
): PatientBalance {
  assertCents(entry.amountCents);
  if (entry.amountCents <= 0) throw new PatientPostingError('NOT_POSITIVE', 'amount must be positive');
  if (
    entry.claimId !== (ledger[0]?.claimId ?? entry.claimId) ||
    patient.some((p) => p.claimId !== entry.claimId)
  )
    throw new PatientPostingError('OTHER_CLAIM', 'entry belongs to another claim');
  const before = patientBalance(ledger, patient);
  if (entry.amountCents > before.balanceCents) {
    throw new PatientPostingError(
      'EXCEEDS_BALANCE',
      `amount ${entry.amountCents} exceeds the open patient balance ${before.balanceCents}`,
    );
  }
  return patientBalance(ledger, [...patient, entry]);
}
