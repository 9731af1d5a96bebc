/** The simulated payer's adjudication: deterministic, the intended mix, and balanced 835s. */
import { describe, expect, it } from 'vitest';
import {
  type AdjudicableClaim,
  decide,
  decideVoid,
  OUTCOMES,
  type Outcome,
  outcomeFor,
  payerClaimNumber,
  submissionOutcome,
} from '../../../local/simulator/adjudicate';
import { checkBalance, read835Sync, write835 } from '../../../shared/x12';
import { remit835 } from '../../support/remit';
import { makePayerEnvelope } from '../../unit/x12/fixtures';

const SEED = 42;

/** A fake claim with 1..3 lines of awkward charges (odd cents, one zero line). */
function fakeClaim(i: number): AdjudicableClaim {
  const lines = Array.from({ length: 1 + (i % 3) }, (_, j) => ({
    procedureCode: j === 0 ? '99213' : '36415',
    modifiers: j === 1 ? ['25'] : [],
    chargeCents: j === 2 && i % 7 === 0 ? 0 : 1 + ((i * 7919 + j * 104_729) % 250_000),
    units: 1 + j,
    lineId: `L${j + 1}`,
    dateOfService: `2026-03-0${1 + j}`,
  }));
  return {
    claimId: `FAKE${String(i).padStart(5, '0')}`,
    chargeCents: lines.reduce((t, l) => t + l.chargeCents, 0),
    frequencyCode: '1',
    lines,
  };
}

function remitOf(claims: AdjudicableClaim[], seed = SEED) {
  const payments = claims.flatMap((c) => decide(seed, c).payment ?? []);
  const x12 = write835({
    envelope: makePayerEnvelope(),
    payer: {
      name: 'SIMULATED PAYER',
      identifier: '1999999999',
      address: { line1: '1 PAYER PLAZA', city: 'HARTFORD', state: 'CT', zip: '061030001' },
    },
    payee: { name: 'TEST CLINIC', npi: '1234567893' },
    traceNumber: 'TESTTRACE1',
    paymentMethod: 'ACH',
    paymentDate: '2026-03-10',
    claims: payments,
  }).x12;
  return { payments, remit: read835Sync(x12)[0] };
}

describe('decide / outcomeFor', () => {
  const claims = Array.from({ length: 1000 }, (_, i) => fakeClaim(i));

  it('deals the intended mix over 1000 claim ids', () => {
    const count = new Map<Outcome, number>(OUTCOMES.map((o) => [o, 0]));
    for (const c of claims)
      count.set(outcomeFor(SEED, c.claimId), (count.get(outcomeFor(SEED, c.claimId)) ?? 0) + 1);
    const n = (o: Outcome) => count.get(o) ?? 0;
    for (const o of OUTCOMES) expect(n(o), o).toBeGreaterThan(0);
    expect(n('REJECTED')).toBeGreaterThanOrEqual(15);
    expect(n('REJECTED')).toBeLessThanOrEqual(70);
    expect(n('PAID')).toBeGreaterThanOrEqual(540);
    expect(n('PAID')).toBeLessThanOrEqual(660);
    expect(n('PATIENT_RESPONSIBILITY')).toBeGreaterThanOrEqual(150);
    expect(n('PATIENT_RESPONSIBILITY')).toBeLessThanOrEqual(250);
    const denied = n('DENIED_16') + n('DENIED_50') + n('DENIED_29') + n('DENIED_22');
    expect(denied).toBeGreaterThanOrEqual(110);
    expect(denied).toBeLessThanOrEqual(210);
    for (const o of ['DENIED_16', 'DENIED_50', 'DENIED_29', 'DENIED_22'] as const) {
      expect(n(o), o).toBeGreaterThanOrEqual(15);
    }
  });

  it('is a pure function of seed and claim id; another seed deals another hand', () => {
    for (const c of claims.slice(0, 50)) expect(decide(SEED, c)).toEqual(decide(SEED, structuredClone(c)));
    const ids = claims.map((c) => c.claimId);
    expect(ids.map((id) => outcomeFor(1, id))).not.toEqual(ids.map((id) => outcomeFor(2, id)));
  });

  it('settles each outcome with the intended codes, integer cents', () => {
    const seen = new Set<string>();
    for (const c of claims) {
      const d = decide(SEED, c);
      const outcome = outcomeFor(SEED, c.claimId);
      expect(d.outcome).toBe(outcome);
      if (d.ack === 'rejected') {
        expect(d).toMatchObject({ categoryCode: 'A7', statusCode: '562', entityCode: '85' });
        expect(d.payment).toBeUndefined();
        continue;
      }
      const p = d.payment;
      expect(d.payerClaimControlNumber).toBe(payerClaimNumber(c.claimId));
      expect(p.payerClaimControlNumber).toBe(`PCN${c.claimId}`);
      const adj = [...p.adjustments, ...p.services.flatMap((s) => s.adjustments)];
      for (const a of adj) expect(Number.isSafeInteger(a.amountCents)).toBe(true);
      const codes = new Set(adj.map((a) => `${a.group}-${a.reason}`));
      const pr = adj.filter((a) => a.group === 'PR').reduce((t, a) => t + a.amountCents, 0);
      expect(p.patientResponsibilityCents).toBe(pr);
      if (outcome === 'PAID') {
        expect(p).toMatchObject({ statusCode: '1', patientResponsibilityCents: 0 });
        expect([...codes].every((k) => k === 'CO-45')).toBe(true);
        for (const s of p.services) expect(s.paidCents).toBe(Math.floor((s.chargeCents * 80) / 100));
      } else if (outcome === 'PATIENT_RESPONSIBILITY') {
        expect(p.statusCode).toBe('1');
        expect(pr).toBeGreaterThan(0);
        expect([...codes].every((k) => /^(CO-45|PR-[123])$/.test(k))).toBe(true);
        for (const k of codes) seen.add(k);
      } else {
        const carc = outcome.slice('DENIED_'.length);
        expect(p).toMatchObject({ statusCode: '4', paidCents: 0, patientResponsibilityCents: 0 });
        expect(codes).toEqual(new Set([`CO-${carc}`]));
        const remarks = p.services.flatMap((s) => s.remarkCodes);
        if (carc === '16') expect(remarks.length).toBeGreaterThan(0);
        expect(remarks.every((r) => r === 'MA130')).toBe(true);
        if (carc !== '16') expect(remarks).toEqual([]);
      }
    }
    expect([...seen].sort()).toEqual(['CO-45', 'PR-1', 'PR-2', 'PR-3']);
  });

  it('writes 835s that pass every balancing rule', () => {
    const { payments, remit } = remitOf(claims);
    expect(remit).toBeDefined();
    if (!remit) return;
    expect(remit.claims).toHaveLength(payments.length);
    expect(checkBalance(remit)).toEqual([]);
    expect(remit.paymentCents).toBe(payments.reduce((t, p) => t + p.paidCents, 0));
    expect(remit.claims.every((c) => c.services.length > 0)).toBe(true);
  });

  it('settles a CLM02 that differs from its lines, or a claim without lines, at claim level', () => {
    const odd: AdjudicableClaim[] = [];
    for (let i = 0; odd.length < 40; i++) {
      const c = fakeClaim(i);
      if (outcomeFor(SEED, c.claimId) === 'REJECTED') continue;
      if (i % 2 === 0) odd.push({ ...c, chargeCents: c.chargeCents + 333 });
      else odd.push({ ...c, chargeCents: 10_001, lines: [] });
    }
    const { remit } = remitOf(odd);
    expect(remit && checkBalance(remit)).toEqual([]);
    expect(remit?.claims.some((c) => c.adjustments.length > 0)).toBe(true);
  });
});

describe('a corrected CO-16 claim', () => {
  const denied16 = Array.from({ length: 400 }, (_, i) => fakeClaim(i)).filter(
    (c) => outcomeFor(SEED, c.claimId) === 'DENIED_16',
  );

  it('is paid when resubmitted as a replacement (frequency 7), and denied again as an original', () => {
    expect(denied16.length).toBeGreaterThan(0);
    for (const c of denied16) {
      expect(decide(SEED, c).outcome).toBe('DENIED_16');
      const replacement = decide(SEED, { ...c, frequencyCode: '7' });
      expect(replacement.outcome).toBe('PAID');
      expect(replacement.payment?.statusCode).toBe('1');
      expect(replacement.payment?.paidCents).toBeGreaterThan(0);
      expect(replacement.payment?.frequencyCode).toBe('7');
      // A new adjudication: its own claim control number, not the replaced one (REF*F8).
      expect(replacement.payment?.payerClaimControlNumber).toBe(`PCN${c.claimId}R`);
      expect(replacement.payment?.payerClaimControlNumber).not.toBe(
        decide(SEED, c).payment?.payerClaimControlNumber,
      );
    }
  });

  it('changes no other outcome: a frequency-7 claim of any other kind keeps its outcome', () => {
    for (const c of Array.from({ length: 400 }, (_, i) => fakeClaim(i))) {
      const first = outcomeFor(SEED, c.claimId);
      if (first !== 'DENIED_16') expect(submissionOutcome(SEED, { ...c, frequencyCode: '7' })).toBe(first);
    }
  });
});

describe('decideVoid', () => {
  const claims = Array.from({ length: 300 }, (_, i) => fakeClaim(i));

  it("takes back a replacement's payment under the replacement's claim number when the void follows a correction", () => {
    const c = claims.find((x) => outcomeFor(SEED, x.claimId) === 'DENIED_16');
    if (!c) throw new Error('no CO-16 claim in the sample');
    // The original was denied (nothing to take back); its replacement (frequency 7) was paid.
    expect(decideVoid(SEED, { ...c, frequencyCode: '8' }).payment).toBeUndefined();
    const replacement = decide(SEED, { ...c, frequencyCode: '7' }).payment;
    const v = decideVoid(SEED, { ...c, frequencyCode: '8' }, '7');
    expect(v.payerClaimControlNumber).toBe(`PCN${c.claimId}R`);
    expect(v.payment).toMatchObject({
      statusCode: '22',
      payerClaimControlNumber: replacement?.payerClaimControlNumber,
      paidCents: -(replacement?.paidCents ?? 0),
    });
  });

  it('takes back exactly what the original paid (CLP02 22, same CLP07), in a balanced 835', () => {
    const reversals = claims.flatMap((c) => {
      const v = decideVoid(SEED, { ...c, frequencyCode: '8' });
      expect(v.payerClaimControlNumber).toBe(payerClaimNumber(c.claimId));
      const original = decide(SEED, c).payment;
      if (!original || original.paidCents <= 0) {
        expect(v.payment).toBeUndefined();
        return [];
      }
      const p = v.payment;
      if (!p) throw new Error(`no reversal for paid ${c.claimId}`);
      expect(p).toMatchObject({
        statusCode: '22',
        payerClaimControlNumber: original.payerClaimControlNumber,
        chargeCents: -original.chargeCents,
        paidCents: -original.paidCents,
        patientResponsibilityCents: -original.patientResponsibilityCents,
      });
      const sum = (x: typeof p) =>
        [...x.adjustments, ...x.services.flatMap((s) => s.adjustments)].reduce(
          (t, a) => t + a.amountCents,
          0,
        );
      expect(sum(p)).toBe(-sum(original));
      return [p];
    });
    expect(reversals.length).toBeGreaterThan(100);
    const x12 = remit835(reversals, { traceNumber: 'TESTVOID1' });
    const remit = read835Sync(x12)[0];
    expect(remit && checkBalance(remit)).toEqual([]);
    expect(remit?.paymentCents).toBe(reversals.reduce((t, p) => t + p.paidCents, 0));
  });
});
