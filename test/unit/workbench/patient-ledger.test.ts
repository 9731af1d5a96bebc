import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../../shared/posting/ledger';
import {
  checkPatientEntry,
  type PatientEntry,
  PatientPostingError,
  patientBalance,
  patientEntryId,
} from '../../../shared/workbench/patient-ledger';

const at = '2026-04-01T00:00:00.000Z';
const ledger: LedgerEntry[] = [
  { entryId: 'C-001', claimId: 'C1', kind: 'CHARGE', amountCents: 10000, source: {}, at },
  { entryId: 'R-1', claimId: 'C1', kind: 'PAYMENT', amountCents: 7000, source: {}, at },
  {
    entryId: 'R-2',
    claimId: 'C1',
    kind: 'PATIENT_RESPONSIBILITY',
    amountCents: 3000,
    group: 'PR',
    source: {},
    at,
  },
];
const pay = (
  amountCents: number,
  key = 'k1',
  kind: PatientEntry['kind'] = 'PATIENT_PAYMENT',
): PatientEntry => ({
  entryId: patientEntryId('C1', kind, key),
  claimId: 'C1',
  kind,
  amountCents,
  at,
  by: 'user',
});

describe('patient ledger', () => {
  it('responsibility = payments + write-offs + balance', () => {
    const b = patientBalance(ledger, [pay(1000), pay(500, 'w', 'PATIENT_WRITE_OFF')]);
    expect(b).toEqual({
      responsibilityCents: 3000,
      paymentsCents: 1000,
      writeOffCents: 500,
      balanceCents: 1500,
    });
  });
  it('accepts a payment up to the open balance and returns the balance after it', () => {
    expect(checkPatientEntry(ledger, [pay(1000)], pay(2000, 'k2')).balanceCents).toBe(0);
  });
  it('refuses a payment above the open balance (no credit balance)', () => {
    expect(() => checkPatientEntry(ledger, [pay(1000)], pay(2001, 'k2'))).toThrow(PatientPostingError);
    try {
      checkPatientEntry(ledger, [], pay(3001));
    } catch (e) {
      expect((e as PatientPostingError).code).toBe('EXCEEDS_BALANCE');
    }
  });
  it('refuses zero, negative and fractional amounts', () => {
    expect(() => checkPatientEntry(ledger, [], pay(0))).toThrow(/positive/);
    expect(() => checkPatientEntry(ledger, [], pay(-5))).toThrow(/positive/);
    expect(() => checkPatientEntry(ledger, [], pay(1.5))).toThrow(/integer cents/);
  });
  it('entry ids are deterministic per claim, kind and key', () => {
    expect(patientEntryId('C1', 'PATIENT_PAYMENT', 'a')).toBe(patientEntryId('C1', 'PATIENT_PAYMENT', 'a'));
    expect(patientEntryId('C1', 'PATIENT_PAYMENT', 'a')).not.toBe(
      patientEntryId('C2', 'PATIENT_PAYMENT', 'a'),
    );
    expect(patientEntryId('C1', 'PATIENT_WRITE_OFF', 'a')).toMatch(/^PW-[0-9a-f]{16}$/);
  });
});
