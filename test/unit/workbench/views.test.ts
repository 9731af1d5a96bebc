import { describe, expect, it } from 'vitest';
import type { Claim } from '../../../shared/claims/model';
import {
  type ClaimRecordView,
  claimDetail,
  claimSummary,
  matchesFilter,
  namesClaim,
  serviceDates,
} from '../../../shared/workbench/views';

function record(claimId: string, dates: string[], extra: Partial<ClaimRecordView> = {}): ClaimRecordView {
  const claim = {
    claimId,
    practiceId: 'PRAC1',
    encounterId: `ENC-${claimId}`,
    frequencyCode: '1',
    payer: { payerId: 'PAYER1', name: 'TEST PAYER' },
    lines: dates.map((d, i) => ({
      lineId: `L${i + 1}`,
      dateOfService: d,
      procedureCode: '99213',
      modifiers: [],
      units: 1,
      chargeCents: 5000,
      diagnosisPointers: [1],
    })),
    diagnoses: ['E119'],
    totalChargeCents: 5000 * dates.length,
    receivedAt: '2026-01-20T00:00:00.000Z',
  } as unknown as Claim;
  return {
    claimId,
    practiceId: 'PRAC1',
    status: 'SUBMITTED',
    version: 3,
    createdAt: '2026-01-20T00:00:00.000Z',
    updatedAt: '2026-01-21T00:00:00.000Z',
    claim,
    ...extra,
  };
}

describe('claimSummary', () => {
  it('gives ids, payer, service period, money and A/R age from the first date of service', () => {
    const s = claimSummary(record('CLM1', ['2026-01-20', '2026-01-05']), '2026-03-10');
    expect(s).toEqual({
      claimId: 'CLM1',
      practiceId: 'PRAC1',
      encounterId: 'ENC-CLM1',
      status: 'SUBMITTED',
      payerId: 'PAYER1',
      payerName: 'TEST PAYER',
      frequencyCode: '1',
      serviceFrom: '2026-01-05',
      serviceTo: '2026-01-20',
      totalChargeCents: 10000,
      lineCount: 2,
      arAgeDays: 64,
      arBucket: '61-90',
      createdAt: '2026-01-20T00:00:00.000Z',
      updatedAt: '2026-01-21T00:00:00.000Z',
    });
    expect(s).not.toHaveProperty('patient');
  });

  it('falls back to the receipt date for a claim without lines', () => {
    expect(serviceDates({ lines: [], receivedAt: '2026-01-20T10:00:00.000Z' })).toEqual({
      from: '2026-01-20',
      to: '2026-01-20',
    });
  });
});

describe('matchesFilter', () => {
  const s = claimSummary(record('CLM1', ['2026-01-05']), '2026-01-20');
  it('combines filters with AND; date range is inclusive on the first date of service', () => {
    expect(matchesFilter(s, {})).toBe(true);
    expect(matchesFilter(s, { status: 'SUBMITTED', payerId: 'PAYER1', practiceId: 'PRAC1' })).toBe(true);
    expect(matchesFilter(s, { serviceFrom: '2026-01-05', serviceTo: '2026-01-05' })).toBe(true);
    expect(matchesFilter(s, { serviceFrom: '2026-01-06' })).toBe(false);
    expect(matchesFilter(s, { serviceTo: '2026-01-04' })).toBe(false);
    expect(matchesFilter(s, { arBucket: '0-30' })).toBe(true);
    expect(matchesFilter(s, { arBucket: '31-60' })).toBe(false);
    expect(matchesFilter(s, { status: 'PAID' })).toBe(false);
    expect(matchesFilter(s, { payerId: 'PAYER2' })).toBe(false);
    expect(matchesFilter(s, { status: 'SUBMITTED', payerId: 'PAYER2' })).toBe(false);
  });
});

describe('namesClaim', () => {
  it('matches the claim id as reference, as <trace>/<claimId>, or in the detail', () => {
    expect(namesClaim({ reference: 'CLM1', detail: {} }, 'CLM1')).toBe(true);
    expect(namesClaim({ reference: 'TRACE9/CLM1', detail: {} }, 'CLM1')).toBe(true);
    expect(namesClaim({ reference: 'ICN/12', detail: { claimId: 'CLM1' } }, 'CLM1')).toBe(true);
    expect(namesClaim({ reference: 'TRACE9/CLM10', detail: {} }, 'CLM1')).toBe(false);
    expect(namesClaim({ reference: 'XCLM1', detail: {} }, 'CLM1')).toBe(false);
  });
});

describe('claimDetail', () => {
  it('holds the claim, findings, the timeline in seq order, the running ledger and its work items', () => {
    const r = record('CLM1', ['2026-01-05'], {
      scrubFindings: [{ rule: 'R1', severity: 'warning', message: 'check modifier' }],
    });
    const d = claimDetail(
      r,
      {
        events: [
          { claimId: 'CLM1', at: '2026-01-21T00:00:00.000Z', seq: 2, type: 'SCRUBBED', status: 'SCRUBBED' },
          { claimId: 'CLM1', at: '2026-01-20T00:00:00.000Z', seq: 1, type: 'RECEIVED', status: 'RECEIVED' },
        ],
        ledger: [
          { entryId: 'C-001', claimId: 'CLM1', kind: 'CHARGE', amountCents: 5000, source: {}, at: 'A' },
        ],
        workItems: [
          {
            kind: 'REMIT_MISMATCH',
            reference: 'T/CLM1',
            detail: {},
            firstSeen: 'x',
            lastSeen: 'x',
            occurrences: 1,
          },
          {
            kind: 'REMIT_MISMATCH',
            reference: 'T/CLM2',
            detail: {},
            firstSeen: 'x',
            lastSeen: 'x',
            occurrences: 1,
          },
        ],
      },
      '2026-01-20',
    );
    expect(d.claim).toBe(r.claim);
    expect(d.scrubFindings).toHaveLength(1);
    expect(d.timeline.map((e) => e.seq)).toEqual([1, 2]);
    expect(d.ledger.rows[0]?.runningBalanceCents).toBe(5000);
    expect(d.workItems.map((w) => w.reference)).toEqual(['T/CLM1']);
  });
});
