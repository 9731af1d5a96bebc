import { describe, expect, it } from 'vitest';
import { checkBalance, read835, read835Strict } from '../../../shared/x12/read835';
import { tokenizeSync } from '../../../shared/x12/tokenizer';
import type { Remittance } from '../../../shared/x12/types';
import { type ClaimPayment835Input, type Write835Input, write835 } from '../../../shared/x12/write835';
import { BILLING_NPI, makePayerEnvelope } from './fixtures';

function paidClaim(): ClaimPayment835Input {
  return {
    patientControlNumber: 'CLM0001',
    statusCode: '1',
    chargeCents: 20000,
    paidCents: 12000,
    patientResponsibilityCents: 3000,
    filingIndicator: '12',
    payerClaimControlNumber: 'PCN0001',
    frequencyCode: '1',
    adjustments: [],
    remarkCodes: ['MA01'],
    patient: { lastName: 'TESTPATIENT', firstName: 'ALPHA', memberId: 'MEMBER0001' },
    services: [
      {
        procedureQualifier: 'HC',
        procedureCode: '99213',
        modifiers: ['25', '59'],
        chargeCents: 12500,
        paidCents: 8000,
        units: 1,
        lineItemControlNumber: 'L1',
        dateOfService: '2026-01-15',
        adjustments: [
          { group: 'CO', reason: '45', amountCents: 2500 },
          { group: 'PR', reason: '2', amountCents: 2000 },
        ],
        remarkCodes: ['N130'],
      },
      {
        procedureQualifier: 'HC',
        procedureCode: '36415',
        modifiers: [],
        chargeCents: 7500,
        paidCents: 4000,
        units: 2,
        lineItemControlNumber: 'L2',
        dateOfService: '2026-01-15',
        dateOfServiceEnd: '2026-01-16',
        adjustments: [
          { group: 'CO', reason: '45', amountCents: 2500 },
          { group: 'PR', reason: '1', amountCents: 1000 },
        ],
        remarkCodes: [],
      },
    ],
  };
}

function deniedClaim(): ClaimPayment835Input {
  return {
    patientControlNumber: 'CLM0002',
    statusCode: '4',
    chargeCents: 5000,
    paidCents: 0,
    patientResponsibilityCents: 0,
    filingIndicator: '12',
    payerClaimControlNumber: 'PCN0002',
    adjustments: [{ group: 'CO', reason: '16', amountCents: 5000 }],
    remarkCodes: [],
    services: [],
  };
}

function input(overrides: Partial<Write835Input> = {}): Write835Input {
  return {
    envelope: makePayerEnvelope(),
    payer: {
      name: 'TEST PAYER',
      identifier: '1999999999',
      address: { line1: '1 PAYER WAY', city: 'TESTCITY', state: 'NY', zip: '12345' },
    },
    payee: { name: 'TEST BILLING CLINIC', npi: BILLING_NPI, taxId: '999999999' },
    traceNumber: 'TRACE0001',
    paymentMethod: 'ACH',
    paymentDate: '2026-02-10',
    claims: [paidClaim(), deniedClaim()],
    providerAdjustments: [
      {
        providerId: BILLING_NPI,
        fiscalPeriodDate: '2026-12-31',
        reason: 'WO',
        reference: 'REF123',
        amountCents: 500,
      },
      { providerId: BILLING_NPI, fiscalPeriodDate: '2026-12-31', reason: 'L6', amountCents: -200 },
    ],
    ...overrides,
  };
}

function expected(i: Write835Input, paymentCents: number, handlingCode = 'I'): Remittance {
  return {
    interchangeControlNumber: '900000001',
    transactionSetControlNumber: '0001',
    traceNumber: i.traceNumber,
    payerIdentifier: i.payer.identifier,
    payerName: 'TEST PAYER',
    payeeName: 'TEST BILLING CLINIC',
    payeeNpi: BILLING_NPI,
    paymentCents,
    paymentMethod: handlingCode === 'H' ? 'NON' : i.paymentMethod,
    handlingCode,
    paymentDate: i.paymentDate,
    claims: i.claims.map(({ patient: _patient, ...c }) => c),
    providerAdjustments: i.providerAdjustments ?? [],
  };
}

describe('write835', () => {
  it('computes BPR02 = sum(CLP04) - sum(PLB) and reads back to the same remittance', async () => {
    const i = input();
    const out = write835(i);
    expect(out.paymentCents).toBe(12000 - 300);
    expect(out.x12).toContain('~BPR*I*117*C*ACH*CCP*01*');
    expect(out.x12).toContain('~PLB*1234567893*20261231*WO:REF123*5*L6*-2~');
    expect(out.x12).toContain('~CAS*CO*45*25~CAS*PR*2*20~');
    const remits = await read835Strict(out.x12);
    expect(remits).toEqual([expected(i, 11700)]);
    expect(checkBalance(remits[0] as Remittance)).toEqual([]);
  });

  it('writes a zero payment as BPR*H ... NON and a check as CHK', async () => {
    const zero = input({ claims: [deniedClaim()], providerAdjustments: [] });
    const [r] = await read835Strict(write835(zero).x12);
    expect(r).toEqual(expected(zero, 0, 'H'));
    const check = input({ paymentMethod: 'CHK' });
    const [c] = await read835Strict(write835(check).x12);
    expect(c?.paymentMethod).toBe('CHK');
    expect(c?.paymentCents).toBe(11700);
  });

  it('writes a negative net payment as a debit that reads back negative', async () => {
    const i = input({
      claims: [deniedClaim()],
      providerAdjustments: [
        { providerId: BILLING_NPI, fiscalPeriodDate: '2026-12-31', reason: 'WO', amountCents: 900 },
      ],
    });
    const out = write835(i);
    expect(out.x12).toContain('~BPR*I*9*D*ACH*');
    const [r] = await read835Strict(out.x12);
    expect(r?.paymentCents).toBe(-900);
  });

  it('splits CAS after 6 triples and PLB after 6 adjustments', async () => {
    const claim = deniedClaim();
    claim.chargeCents = 7000;
    claim.adjustments = Array.from({ length: 7 }, (_, k) => ({
      group: 'CO' as const,
      reason: String(100 + k),
      amountCents: 1000,
    }));
    const plb = Array.from({ length: 7 }, (_, k) => ({
      providerId: BILLING_NPI,
      fiscalPeriodDate: '2026-12-31',
      reason: 'L6',
      reference: `R${k}`,
      amountCents: 100,
    }));
    const i = input({ claims: [claim], providerAdjustments: plb });
    const out = write835(i);
    const segs = [...tokenizeSync(out.x12)];
    expect(segs.filter((s) => s.id === 'CAS').map((s) => s.elements.length)).toEqual([19, 4]); // id, group, 6 triples without the empty last quantity
    expect(segs.filter((s) => s.id === 'PLB').map((s) => s.elements.length)).toEqual([15, 5]);
    const [r] = await read835Strict(out.x12);
    expect(r?.claims[0]?.adjustments).toHaveLength(7);
    expect(r?.providerAdjustments).toEqual(plb);
    expect(r?.paymentCents).toBe(-700);
  });

  it('can write a deliberately unbalanced file that the strict reader rejects', async () => {
    const out = write835(input({ paymentCentsOverride: 11800 }));
    await expect(read835Strict(out.x12)).rejects.toMatchObject({ code: 'UNBALANCED' });
    const [r] = await read835(out.x12);
    expect(checkBalance(r as Remittance).map((x) => x.rule)).toEqual(['TRANSACTION']);
  });

  it('refuses an invalid payee NPI or payer identifier', () => {
    expect(() => write835(input({ payee: { name: 'X', npi: '123' } }))).toThrow(/INVALID_INPUT/);
    expect(() => write835(input({ payer: { ...input().payer, identifier: '12' } }))).toThrow(/INVALID_INPUT/);
  });
});
