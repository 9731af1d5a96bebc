import { describe, expect, it } from 'vitest';
import type { ClaimEvent, ClaimStatus } from '../../../shared/claims/model';
import type { LedgerEntry } from '../../../shared/posting/ledger';
import {
  agingCsv,
  arAging,
  type BookClaim,
  chargeLag,
  cleanClaimRate,
  daysInAr,
  denialRates,
  firstPassResolutionRate,
  isDenial,
  kpis,
  kpisCsv,
  netCollectionRate,
} from '../../../shared/reports';
import type { PatientEntry } from '../../../shared/workbench/patient-ledger';

const ASOF = '2026-04-30';

let seq = 0;
const ev = (claimId: string, type: string, at: string, detail?: Record<string, unknown>): ClaimEvent => ({
  claimId,
  at: `${at}T10:00:00.000Z`,
  seq: ++seq,
  type,
  status: 'SUBMITTED',
  ...(detail ? { detail } : {}),
});
const remit = (claimId: string, at: string, paidCents: number, carcs: string[]) =>
  ev(claimId, 'REMIT_POSTED', at, { paidCents, carcs, route: 'X', traceNumber: 'T' });

function entry(
  claimId: string,
  n: number,
  kind: LedgerEntry['kind'],
  amountCents: number,
  extra: Partial<LedgerEntry> = {},
): LedgerEntry {
  return {
    entryId: `E-${n}`,
    claimId,
    kind,
    amountCents,
    source: {},
    at: '2026-04-01T00:00:00.000Z',
    ...extra,
  };
}

function claim(
  claimId: string,
  opts: {
    payerId?: string;
    dos: string;
    charge: number;
    status?: ClaimStatus;
    events?: ClaimEvent[];
    ledger?: Omit<LedgerEntry, 'claimId' | 'entryId'>[];
    patient?: PatientEntry[];
    chargedAt?: string;
  },
): BookClaim {
  const charge = entry(claimId, 0, 'CHARGE', opts.charge, {
    at: opts.chargedAt ?? `${opts.dos}T12:00:00.000Z`,
  });
  return {
    claim: {
      claimId,
      practiceId: 'PRAC1',
      payer: { payerId: opts.payerId ?? 'P1', name: 'Payer' },
      totalChargeCents: opts.charge,
      lines: [
        {
          lineId: '1',
          dateOfService: opts.dos,
          procedureCode: '99213',
          modifiers: [],
          units: 1,
          chargeCents: opts.charge,
          diagnosisPointers: [1],
        },
      ],
    },
    status: opts.status ?? 'SUBMITTED',
    events: opts.events ?? [],
    ledger: [charge, ...(opts.ledger ?? []).map((e, i) => ({ ...e, claimId, entryId: `E-${i + 1}` }))],
    ...(opts.patient ? { patient: opts.patient } : {}),
  };
}

const at = '2026-04-10T00:00:00.000Z';
// A: paid 60, CO-45 20, PR-1 20 (patient paid 5) — DOS 10 days ago; clean, first pass.
const A = claim('A', {
  dos: '2026-04-20',
  charge: 10000,
  events: [
    ev('A', 'SUBMITTED', '2026-04-22'),
    ev('A', 'ACK_999_ACCEPTED', '2026-04-22'),
    remit('A', '2026-04-28', 6000, ['CO-45', 'PR-1']),
  ],
  ledger: [
    { kind: 'PAYMENT', amountCents: 6000, source: {}, at },
    { kind: 'ADJUSTMENT', amountCents: 2000, group: 'CO', carc: '45', source: {}, at },
    { kind: 'PATIENT_RESPONSIBILITY', amountCents: 2000, group: 'PR', carc: '1', source: {}, at },
  ],
  patient: [{ entryId: 'P-1', claimId: 'A', kind: 'PATIENT_PAYMENT', amountCents: 500, at, by: 'u' }],
});
// B: denied CO-50 by P2, DOS 45 days ago; rejected once by 999 then resubmitted.
const B = claim('B', {
  payerId: 'P2',
  dos: '2026-03-16',
  charge: 20000,
  events: [
    ev('B', 'SUBMITTED', '2026-03-20'),
    ev('B', 'ACK_999_REJECTED', '2026-03-21'),
    ev('B', 'SUBMITTED', '2026-03-25'),
    remit('B', '2026-04-05', 0, ['CO-50']),
  ],
  ledger: [{ kind: 'ADJUSTMENT', amountCents: 20000, group: 'CO', carc: '50', source: {}, at }],
});
// C: submitted, no remit yet: whole charge open with insurance, DOS 130 days ago (120+).
const C = claim('C', {
  payerId: 'P2',
  dos: '2025-12-21',
  charge: 5000,
  events: [ev('C', 'SCRUB_FAILED', '2025-12-22'), ev('C', 'SUBMITTED', '2026-01-10')],
});
// D: received, never submitted, DOS 2 days ago.
const D = claim('D', { dos: '2026-04-28', charge: 3000, status: 'RECEIVED' });
// E: zero paid, all deductible (PR-1): not a denial.
const E = claim('E', {
  dos: '2026-04-01',
  charge: 4000,
  events: [ev('E', 'SUBMITTED', '2026-04-02'), remit('E', '2026-04-15', 0, ['PR-1'])],
  ledger: [{ kind: 'PATIENT_RESPONSIBILITY', amountCents: 4000, group: 'PR', carc: '1', source: {}, at }],
});
const BOOK = [A, B, C, D, E];

describe('arAging', () => {
  it('sums open insurance and patient balances per payer and bucket from the first date of service', () => {
    const r = arAging(BOOK, ASOF);
    expect(r.rows).toEqual([
      { payerId: 'P1', bucket: '0-30', insuranceCents: 3000, patientCents: 1500 + 4000, claims: 3 },
      { payerId: 'P2', bucket: '120+', insuranceCents: 5000, patientCents: 0, claims: 1 },
    ]);
    expect(r.totals['0-30']).toEqual({ insuranceCents: 3000, patientCents: 5500, claims: 3 });
    expect(r.totals['31-60'].claims).toBe(0); // B is fully adjusted: nothing open
    expect(r.insuranceCents).toBe(8000);
    expect(r.patientCents).toBe(5500);
  });

  it('puts day 30 in 0-30, day 31 in 31-60 and day 121 in 120+', () => {
    const mk = (id: string, dos: string) => claim(id, { dos, charge: 100 });
    const r = arAging([mk('x', '2026-03-31'), mk('y', '2026-03-30'), mk('z', '2025-12-30')], ASOF);
    expect(r.rows.map((x) => x.bucket)).toEqual(['0-30', '31-60', '120+']);
  });
});

describe('daysInAr', () => {
  it('is open A/R over average daily charges of the window', () => {
    // open: A 1500 patient, C 5000, D 3000, E 4000 = 13500; charges in the 90 days up to 04-30:
    // A 10000 + B 20000 + D 3000 + E 4000 = 37000 (C was charged in December).
    const d = daysInAr(BOOK, ASOF, 90);
    expect(d.openCents).toBe(13500);
    expect(d.windowChargesCents).toBe(37000);
    expect(d.days).toBe(Math.round(((13500 * 90) / 37000) * 10) / 10);
  });
  it('is null without charges in the window', () => {
    expect(daysInAr([C], ASOF, 30).days).toBeNull();
  });
});

describe('rates', () => {
  it('clean-claim rate: submitted claims without scrub failure or rejection before their first remit', () => {
    expect(cleanClaimRate(BOOK)).toEqual({ numerator: 2, denominator: 4, rate: 0.5 }); // A, E clean; B, C not
  });
  it('first-pass resolution: first remit not a denial, one submission, no rejection', () => {
    expect(firstPassResolutionRate(BOOK)).toEqual({ numerator: 2, denominator: 3, rate: 2 / 3 }); // A, E
  });
  it('a zero payment of patient responsibility only is not a denial', () => {
    expect(isDenial(remit('E', '2026-04-15', 0, ['PR-1']))).toBe(false);
    expect(isDenial(remit('B', '2026-04-15', 0, ['CO-50', 'PR-1']))).toBe(true);
    expect(isDenial(remit('A', '2026-04-15', 100, ['CO-50']))).toBe(false);
  });
  it('denial rate overall, by CARC and by payer', () => {
    const d = denialRates(BOOK);
    expect(d.overall).toEqual({ numerator: 1, denominator: 3, rate: 1 / 3 });
    expect(d.byCarc).toEqual([{ carc: 'CO-50', rate: { numerator: 1, denominator: 3, rate: 1 / 3 } }]);
    expect(d.byPayer).toEqual([
      { payerId: 'P1', rate: { numerator: 0, denominator: 2, rate: 0 } },
      { payerId: 'P2', rate: { numerator: 1, denominator: 1, rate: 1 } },
    ]);
  });
  it('rates over nothing are null, not NaN', () => {
    expect(cleanClaimRate([]).rate).toBeNull();
    expect(denialRates([]).overall.rate).toBeNull();
  });
  it('net collection: (payments + patient payments) / (charges - CO adjustments)', () => {
    const n = netCollectionRate(BOOK);
    expect(n.paymentsCents).toBe(6000);
    expect(n.patientPaymentsCents).toBe(500);
    expect(n.chargesCents).toBe(42000);
    expect(n.contractualCents).toBe(22000);
    expect(n.rate).toEqual({ numerator: 6500, denominator: 20000, rate: 0.325 });
  });
  it('net collection counts a payer reversal against payments', () => {
    const R = claim('R', {
      dos: '2026-04-01',
      charge: 1000,
      ledger: [
        { kind: 'PAYMENT', amountCents: 1000, source: {}, at },
        { kind: 'REVERSAL', reverses: 'PAYMENT', amountCents: -1000, source: {}, at },
      ],
    });
    expect(netCollectionRate([R]).paymentsCents).toBe(0);
  });
  it('charge lag: days from first date of service to first submission', () => {
    // A 2, B 4, C 20, E 1 -> sorted 1 2 4 20
    expect(chargeLag(BOOK)).toEqual({ claims: 4, averageDays: 6.8, medianDays: 3, maxDays: 20 });
    expect(chargeLag([D]).averageDays).toBeNull();
  });
});

describe('CSV exports', () => {
  it('aging CSV has one row per cell with integer cents', () => {
    const csv = agingCsv(arAging(BOOK, ASOF));
    expect(csv.split('\r\n')).toEqual([
      'as_of,payer_id,bucket,insurance_cents,patient_cents,claims',
      '2026-04-30,P1,0-30,3000,5500,3',
      '2026-04-30,P2,120+,5000,0,1',
      '',
    ]);
  });
  it('KPI CSV lists every figure', () => {
    const csv = kpisCsv(kpis(BOOK, ASOF));
    expect(csv).toContain('2026-04-30,denial_rate_by_carc,CO-50,1,3,');
    expect(csv).toContain('2026-04-30,net_collection_rate,,6500,20000,0.325');
    expect(csv).toContain('2026-04-30,clean_claim_rate,,2,4,0.5');
  });
  it('neutralises a payer id that would start a formula', () => {
    const evil = claim('Z', { payerId: '=HYPERLINK("x")', dos: '2026-04-20', charge: 100 });
    expect(agingCsv(arAging([evil], ASOF))).toContain(`"'=HYPERLINK(""x"")"`);
  });
});
