import { describe, expect, it } from 'vitest';
import type { Claim } from '../../../shared/claims/model';
import {
  assertBalanced,
  balances,
  chargeEntries,
  checkAgainstLedger,
  checkRemit,
  hasPosting,
  type LedgerEntry,
  LedgerError,
  postingKey,
  providerEntries,
  remitEntries,
  writeOffEntry,
} from '../../../shared/posting/ledger';
import { read835Sync } from '../../../shared/x12/read835';
import { adj, describeWithSamples, payment, readSample, service } from './helpers';

const AT = '2026-02-01T10:00:00.000Z';

function claim(lines: [string, number][]): Claim {
  return {
    claimId: 'CLM1',
    practiceId: 'P1',
    sourceFile: 'charges/P1/file.csv',
    receivedAt: '2026-01-20T00:00:00.000Z',
    totalChargeCents: lines.reduce((s, [, c]) => s + c, 0),
    lines: lines.map(([lineId, chargeCents]) => ({
      lineId,
      dateOfService: '2026-01-15',
      procedureCode: '99213',
      modifiers: [],
      units: 1,
      chargeCents,
      diagnosisPointers: [1],
    })),
  } as unknown as Claim;
}

const REMIT = { traceNumber: 'TRACE1' };

describe('chargeEntries', () => {
  it('posts one CHARGE per line with deterministic ids and the line id', () => {
    const entries = chargeEntries(
      claim([
        ['L1', 12500],
        ['L2', 7500],
      ]),
    );
    expect(entries.map((e) => [e.entryId, e.kind, e.amountCents, e.lineId])).toEqual([
      ['C-001', 'CHARGE', 12500, 'L1'],
      ['C-002', 'CHARGE', 7500, 'L2'],
    ]);
    expect(entries[0]?.source.fileKey).toBe('charges/P1/file.csv');
    expect(
      chargeEntries(
        claim([
          ['L1', 12500],
          ['L2', 7500],
        ]),
      ),
    ).toEqual(entries);
  });

  it('rejects non-integer charges', () => {
    expect(() => chargeEntries(claim([['L1', 12.5]]))).toThrow(/integer cents/);
  });
});

describe('remitEntries and balances', () => {
  const c = claim([
    ['L1', 6000],
    ['L2', 4000],
  ]);
  const p = payment({
    paidCents: 7000,
    patientResponsibilityCents: 2000,
    adjustments: [adj('OA', '23', 0)],
    services: [
      service({
        lineItemControlNumber: 'L1',
        chargeCents: 6000,
        paidCents: 4000,
        adjustments: [adj('CO', '45', 1000), adj('PR', '1', 1000)],
      }),
      service({
        lineItemControlNumber: 'L2',
        chargeCents: 4000,
        paidCents: 3000,
        adjustments: [adj('PR', '2', 1000)],
      }),
    ],
  });

  it('maps CLP04 to PAYMENT and CAS by group (CO -> ADJUSTMENT, PR -> PATIENT_RESPONSIBILITY), skipping zeros', () => {
    const entries = remitEntries(c, p, REMIT, AT);
    expect(entries.map((e) => [e.kind, e.amountCents, e.group, e.carc, e.lineId])).toEqual([
      ['PAYMENT', 7000, undefined, undefined, undefined],
      ['ADJUSTMENT', 1000, 'CO', '45', 'L1'],
      ['PATIENT_RESPONSIBILITY', 1000, 'PR', '1', 'L1'],
      ['PATIENT_RESPONSIBILITY', 1000, 'PR', '2', 'L2'],
    ]);
    expect(entries[0]?.source).toEqual({ traceNumber: 'TRACE1', payerClaimControlNumber: 'PCN1' });
  });

  it('produces the same entry ids for a replay and different ids for another trace', () => {
    const a = remitEntries(c, p, REMIT, AT).map((e) => e.entryId);
    expect(remitEntries(c, p, REMIT, '2030-01-01T00:00:00.000Z').map((e) => e.entryId)).toEqual(a);
    const other = remitEntries(c, p, { traceNumber: 'TRACE2' }, AT).map((e) => e.entryId);
    expect(other.some((id) => a.includes(id))).toBe(false);
    expect(new Set(a).size).toBe(a.length);
  });

  it('balances a fully adjudicated claim to zero', () => {
    const entries = [...chargeEntries(c), ...remitEntries(c, p, REMIT, AT)];
    expect(assertBalanced(entries, { balanceCents: 0 })).toEqual({
      chargesCents: 10000,
      paymentsCents: 7000,
      adjustmentsCents: 1000,
      patientResponsibilityCents: 2000,
      writeOffCents: 0,
      balanceCents: 0,
    });
  });

  it('keeps the insurance balance open until a remit arrives, and write-offs close it', () => {
    const charges = chargeEntries(c);
    expect(balances(charges).balanceCents).toBe(10000);
    const w = writeOffEntry('CLM1', 10000, AT, '29');
    expect(assertBalanced([...charges, w], { balanceCents: 0 }).writeOffCents).toBe(10000);
  });

  it('reversal (CLP02 22) entries negate the original posting', () => {
    const original = remitEntries(c, p, REMIT, AT);
    const reversal = payment({
      statusCode: '22',
      chargeCents: -10000,
      paidCents: -7000,
      patientResponsibilityCents: -2000,
      services: [
        service({
          lineItemControlNumber: 'L1',
          adjustments: [adj('CO', '45', -1000), adj('PR', '1', -1000)],
        }),
        service({ lineItemControlNumber: 'L2', adjustments: [adj('PR', '2', -1000)] }),
      ],
    });
    const rev = remitEntries(c, reversal, REMIT, AT);
    expect(rev.every((e) => e.kind === 'REVERSAL')).toBe(true);
    expect(rev.map((e) => [e.reverses, e.amountCents])).toEqual([
      ['PAYMENT', -7000],
      ['ADJUSTMENT', -1000],
      ['PATIENT_RESPONSIBILITY', -1000],
      ['PATIENT_RESPONSIBILITY', -1000],
    ]);
    // Same trace, CLP01 and CLP07 as the original, but its own posting key and ids.
    expect(rev.some((e) => original.some((o) => o.entryId === e.entryId))).toBe(false);
    const b = assertBalanced([...chargeEntries(c), ...original, ...rev], { balanceCents: 10000 });
    expect(b).toMatchObject({ paymentsCents: 0, adjustmentsCents: 0, patientResponsibilityCents: 0 });
  });

  it('assertBalanced rejects duplicates, mixed claims, reversals without a bucket, unexpected balance', () => {
    const charges = chargeEntries(c);
    expect(() => assertBalanced([...charges, ...charges])).toThrow(LedgerError);
    const foreign: LedgerEntry = { ...(charges[0] as LedgerEntry), entryId: 'X', claimId: 'OTHER' };
    expect(() => assertBalanced([...charges, foreign])).toThrow(/mixes claims/);
    const bad: LedgerEntry = { ...(charges[0] as LedgerEntry), entryId: 'R', kind: 'REVERSAL' };
    expect(() => assertBalanced([...charges, bad])).toThrow(/does not name the bucket/);
    expect(() => assertBalanced(charges, { balanceCents: 0 })).toThrow(/open balance 10000 != expected 0/);
    const fractional: LedgerEntry = { ...(charges[0] as LedgerEntry), amountCents: 0.5 };
    expect(() => assertBalanced([fractional])).toThrow(/integer cents/);
  });
});

describe('postingKey', () => {
  it('is (TRN02, CLP01, CLP07), separator-safe, with a reversal suffix', () => {
    expect(postingKey('T1', 'CLM1', 'PCN1')).toBe('T1/CLM1/PCN1');
    expect(postingKey('T1', 'CLM1', 'PCN1', '1')).toBe('T1/CLM1/PCN1');
    expect(postingKey('T1', 'CLM1', 'PCN1', '22')).toBe('T1/CLM1/PCN1/R');
    expect(postingKey('T/1', 'CLM1', 'PCN1')).not.toBe(postingKey('T', '1/CLM1', 'PCN1'));
  });
});

describe('checkRemit', () => {
  const c = claim([['L1', 10000]]);

  it('accepts a balanced payment for our total', () => {
    const p = payment({
      paidCents: 8000,
      patientResponsibilityCents: 500,
      adjustments: [adj('CO', '45', 1500), adj('PR', '3', 500)],
    });
    expect(checkRemit(c, p)).toEqual([]);
  });

  it('flags a charge that differs from our claim total', () => {
    expect(checkRemit(c, payment({ chargeCents: 9000, paidCents: 9000 }))).toEqual([
      { code: 'CHARGE_MISMATCH', expectedCents: 10000, actualCents: 9000 },
    ]);
  });

  it('flags an unbalanced payment, a PR mismatch and a foreign claim', () => {
    const p = payment({
      patientControlNumber: 'OTHER',
      paidCents: 8000,
      patientResponsibilityCents: 700,
      adjustments: [adj('PR', '1', 500)],
    });
    expect(checkRemit(c, p).map((x) => x.code)).toEqual([
      'CLAIM_MISMATCH',
      'UNBALANCED',
      'PATIENT_RESPONSIBILITY_MISMATCH',
    ]);
  });

  it('compares a reversal by its negated charge', () => {
    const p = payment({ statusCode: '22', chargeCents: -10000, paidCents: -10000 });
    expect(checkRemit(c, p)).toEqual([]);
  });
});

describeWithSamples('on a public 835 sample', () => {
  it('eMedNY: every claim payment balances and posts to a zero open balance', () => {
    const [remit] = read835Sync(readSample('835_edi835parser_emedny_sample.txt'));
    if (!remit) throw new Error('sample did not parse');
    expect(remit.claims).toHaveLength(3);
    for (const p of remit.claims) {
      const c = claim([['L1', p.chargeCents]]);
      c.claimId = p.patientControlNumber;
      expect(checkRemit(c, p)).toEqual([]);
      const b = assertBalanced([...chargeEntries(c), ...remitEntries(c, p, remit, AT)], { balanceCents: 0 });
      expect(b.paymentsCents).toBe(p.paidCents);
    }
  });
});

describe('checkAgainstLedger', () => {
  const c = claim([['L1', 10000]]);
  const charges = chargeEntries(c, AT);
  const pay = (trace: string, p = payment({ paidCents: 8000, adjustments: [adj('CO', '45', 2000)] })) => {
    const key = postingKey(trace, p.patientControlNumber, p.payerClaimControlNumber, p.statusCode);
    const entries = remitEntries(c, p, { traceNumber: trace }, AT);
    return { p, key, entries, ctx: { key, at: AT, traceNumber: trace } };
  };

  it('passes a first adjudication that accounts for the whole charge', () => {
    const a = pay('T1');
    expect(checkAgainstLedger(c, charges, a.p, a.entries, a.ctx)).toEqual({
      ok: true,
      entries: a.entries,
      supersedes: false,
    });
  });

  it('refuses the same adjudication under a new trace (DUPLICATE_REMIT), whatever the trace', () => {
    const a = pay('T1');
    const b = pay('T2');
    expect(b.key).not.toBe(a.key);
    expect(hasPosting([...charges, ...a.entries], b.key)).toBe(false);
    expect(hasPosting([...charges, ...a.entries], a.key)).toBe(true);
    expect(checkAgainstLedger(c, [...charges, ...a.entries], b.p, b.entries, b.ctx)).toMatchObject({
      ok: false,
      kind: 'DUPLICATE_REMIT',
      problem: 'SAME_ADJUDICATION',
      postedPaymentsCents: 8000,
      chargesCents: 10000,
    });
  });

  it('makes CREDIT_BALANCE of a different adjudication that would pay above the charges', () => {
    const a = pay('T1');
    const b = pay(
      'T2',
      payment({ payerClaimControlNumber: 'PCN9', paidCents: 5000, adjustments: [adj('CO', '45', 5000)] }),
    );
    expect(checkAgainstLedger(c, [...charges, ...a.entries], b.p, b.entries, b.ctx)).toMatchObject({
      ok: false,
      kind: 'CREDIT_BALANCE',
      problem: 'PAYMENTS_EXCEED_CHARGES',
    });
  });

  it('lets a reversal through only against a posted adjudication it fully undoes', () => {
    const a = pay('T1');
    const rev = payment({
      statusCode: '22',
      chargeCents: -10000,
      paidCents: -8000,
      adjustments: [adj('CO', '45', -2000)],
    });
    const r = pay('T2', rev);
    expect(checkAgainstLedger(c, [...charges, ...a.entries], r.p, r.entries, r.ctx)).toMatchObject({
      ok: true,
    });
    expect(checkAgainstLedger(c, charges, r.p, r.entries, r.ctx)).toMatchObject({
      ok: false,
      problem: 'NOTHING_TO_REVERSE',
    });
    const half = pay('T3', { ...rev, paidCents: -4000, adjustments: [adj('CO', '45', -6000)] });
    expect(checkAgainstLedger(c, [...charges, ...a.entries], half.p, half.entries, half.ctx)).toMatchObject({
      ok: false,
      problem: 'REVERSAL_DOES_NOT_MATCH_LEDGER',
    });
  });

  it('reverses the replaced adjudication first for a frequency-7 replacement', () => {
    const a = pay('T1');
    const replacement: Claim = { ...c, frequencyCode: '7', originalPayerClaimNumber: 'PCN1' };
    const b = pay(
      'T2',
      payment({ payerClaimControlNumber: 'PCN2', paidCents: 9000, adjustments: [adj('CO', '45', 1000)] }),
    );
    const out = checkAgainstLedger(replacement, [...charges, ...a.entries], b.p, b.entries, b.ctx);
    if (!out.ok) throw new Error(out.message);
    expect(out.supersedes).toBe(true);
    expect(out.entries.filter((e) => e.kind === 'REVERSAL').map((e) => [e.reverses, e.amountCents])).toEqual([
      ['PAYMENT', -8000],
      ['ADJUSTMENT', -2000],
    ]);
    expect(
      assertBalanced([...charges, ...a.entries, ...out.entries], { balanceCents: 0 }).paymentsCents,
    ).toBe(9000);
    expect(hasPosting(out.entries, b.key)).toBe(true);
  });

  it("an appeal won: the payer's reprocessed adjudication replaces the denial (and only after it was won)", () => {
    const denial = pay('T1', payment({ paidCents: 0, adjustments: [adj('CO', '50', 10000)] }));
    const ledger = [...charges, ...denial.entries];
    const paid = pay(
      'T2',
      payment({ payerClaimControlNumber: 'PCN2', paidCents: 9000, adjustments: [adj('CO', '45', 1000)] }),
    );
    expect(checkAgainstLedger(c, ledger, paid.p, paid.entries, paid.ctx)).toMatchObject({
      ok: false,
      kind: 'DUPLICATE_REMIT',
    });
    const won: Claim = { ...c, reprocessedPayerClaimNumber: 'PCN1' };
    const out = checkAgainstLedger(won, ledger, paid.p, paid.entries, paid.ctx);
    if (!out.ok) throw new Error(out.message);
    expect(out.entries.filter((e) => e.kind === 'REVERSAL').map((e) => [e.reverses, e.amountCents])).toEqual([
      ['ADJUSTMENT', -10000],
    ]);
    const after = assertBalanced([...ledger, ...out.entries], { balanceCents: 0 });
    expect([after.paymentsCents, after.adjustmentsCents]).toEqual([9000, 1000]);
  });
});

describe('providerEntries', () => {
  it('one entry per PLB adjustment with deterministic ids, amounts as the payer reports them', () => {
    const remit = {
      traceNumber: 'T1',
      payeeNpi: '1234567893',
      providerAdjustments: [
        { providerId: '', fiscalPeriodDate: '2026-12-31', reason: 'WO', amountCents: 1500 },
        { providerId: '999', fiscalPeriodDate: '2026-12-31', reason: 'L6', amountCents: -200 },
      ],
    };
    const first = providerEntries(remit, AT);
    expect(first.map((e) => [e.providerId, e.index, e.amountCents])).toEqual([
      ['1234567893', 0, 1500],
      ['999', 1, -200],
    ]);
    expect(providerEntries(remit, '2027-01-01T00:00:00.000Z').map((e) => e.entryId)).toEqual(
      first.map((e) => e.entryId),
    );
    expect(() => providerEntries({ ...remit, payeeNpi: undefined } as never, AT)).toThrow(LedgerError);
  });
});
