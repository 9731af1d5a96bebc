import { describe, expect, it } from 'vitest';
import { type Breach, checkInvariants, type PayerTruth } from '../../../local/chaos/invariants';
import type { Claim, ClaimStatus } from '../../../shared/claims/model';
import type { LedgerEntry, LedgerKind } from '../../../shared/posting/ledger';
import type { AuditSnapshot } from '../../../shared/store/audit';
import type { ClaimRecord } from '../../../shared/store/claim-items';

const AT = '2026-11-01T00:00:00.000Z';

function claim(claimId: string, status: ClaimStatus, totalChargeCents = 10_000): ClaimRecord {
  return {
    claimId,
    status,
    version: 3,
    seq: 3,
    followUps: 0,
    pending: {},
    updatedAt: AT,
    practiceId: 'PRAC1',
    createdAt: AT,
    claim: { claimId, totalChargeCents } as Claim,
  };
}

let n = 0;
function entry(claimId: string, kind: LedgerKind, amountCents: number, traceNumber?: string): LedgerEntry {
  n++;
  return {
    entryId: `E${n}`,
    claimId,
    kind,
    amountCents,
    source: traceNumber ? { traceNumber } : {},
    at: AT,
  };
}

/** A paid claim: $100 charged, $80 paid under TRN1, $20 contractual adjustment. */
function paidSnapshot(): AuditSnapshot {
  return {
    claims: [claim('C1', 'CLOSED')],
    ledger: new Map([
      [
        'C1',
        [
          entry('C1', 'CHARGE', 10_000),
          entry('C1', 'PAYMENT', 8_000, 'TRN1'),
          entry('C1', 'ADJUSTMENT', 2_000, 'TRN1'),
        ],
      ],
    ]),
    interchangesByClaim: new Map([['C1', ['101']]]),
    interchanges: new Map([['101', { payerId: 'P1', sentAt: AT, claimIds: ['C1'] }]]),
    remits: [
      {
        traceNumber: 'TRN1',
        fileKey: 'inbound/835/x',
        paymentCents: 8_000,
        claimCount: 1,
        status: 'POSTED',
        postedClaims: 1,
        duplicateClaims: 0,
        unmatchedClaimIds: [],
        receivedAt: AT,
        updatedAt: AT,
      },
    ],
    workItems: [],
    other: {},
  };
}

const truth = (paidCents = 8_000, times = 1) =>
  new Map<string, PayerTruth>([['C1', { claimId: 'C1', paidCents, times }]]);

const kinds = (breaches: Breach[]) => breaches.map((b) => b.invariant);

describe('chaos invariants', () => {
  it('finds nothing wrong with a claim that was billed once, paid once and closed', () => {
    expect(
      checkInvariants({ snapshot: paidSnapshot(), truth: truth(), deadLetters: { 'remit-dlq': 0 } }),
    ).toEqual([]);
  });

  it('flags a claim that is not at rest, unless a work item names it', () => {
    const snapshot = paidSnapshot();
    snapshot.claims = [claim('C1', 'SUBMITTED')];
    expect(kinds(checkInvariants({ snapshot, truth: truth(), deadLetters: {} }))).toEqual([
      'claim-not-at-rest',
    ]);
    snapshot.workItems = [
      { kind: 'HUMAN_REVIEW', reference: 'TRN1/C1', detail: {}, firstSeen: AT, lastSeen: AT, occurrences: 1 },
    ];
    expect(checkInvariants({ snapshot, truth: truth(), deadLetters: {} })).toEqual([]);
  });

  it('flags a claim that is a member of two interchanges, and a claim the payer adjudicated twice', () => {
    const snapshot = paidSnapshot();
    snapshot.interchangesByClaim.set('C1', ['101', '102']);
    expect(kinds(checkInvariants({ snapshot, truth: truth(8_000, 2), deadLetters: {} }))).toEqual([
      'claim-in-two-interchanges',
      'billed-twice',
    ]);
  });

  it('flags a payment posted twice (more posted than the payer paid)', () => {
    const snapshot = paidSnapshot();
    snapshot.ledger
      .get('C1')
      ?.push(entry('C1', 'PAYMENT', 8_000, 'TRN2'), entry('C1', 'ADJUSTMENT', -8_000, 'TRN2'));
    expect(kinds(checkInvariants({ snapshot, truth: truth(), deadLetters: {} }))).toContain(
      'payment-posted-twice',
    );
  });

  it('flags a closed claim whose payment never posted', () => {
    const snapshot = paidSnapshot();
    snapshot.ledger.set('C1', [entry('C1', 'CHARGE', 10_000), entry('C1', 'ADJUSTMENT', 10_000)]);
    snapshot.remits = [];
    expect(kinds(checkInvariants({ snapshot, truth: truth(), deadLetters: {} }))).toEqual([
      'payment-missing',
    ]);
  });

  it('flags a ledger whose charges differ from the claim, and a credit balance nobody is told of', () => {
    const snapshot = paidSnapshot();
    snapshot.claims = [claim('C1', 'CLOSED', 12_000)];
    expect(kinds(checkInvariants({ snapshot, truth: truth(), deadLetters: {} }))).toEqual([
      'ledger-unbalanced',
    ]);
    const credit = paidSnapshot();
    credit.ledger.get('C1')?.push(entry('C1', 'ADJUSTMENT', 500, 'TRN1'));
    const breaches = checkInvariants({ snapshot: credit, truth: truth(), deadLetters: {} });
    expect(breaches).toHaveLength(1);
    expect(breaches[0]?.detail).toMatch(/credit balance -500/);
  });

  it('reconciles each posted 835: claim payments less PLB equal BPR02', () => {
    const snapshot = paidSnapshot();
    const remit = snapshot.remits[0];
    if (!remit) throw new Error('fixture');
    remit.paymentCents = 8_150; // interest of $1.50 paid with the claim (PLB L6 -150)
    expect(kinds(checkInvariants({ snapshot, truth: truth(), deadLetters: {} }))).toEqual([
      'remit-does-not-reconcile',
    ]);
    expect(
      checkInvariants({ snapshot, truth: truth(), deadLetters: {}, providerAdjustmentsCents: () => -150 }),
    ).toEqual([]);
  });

  it('flags a claim execution that failed', () => {
    const breaches = checkInvariants({
      snapshot: paidSnapshot(),
      truth: truth(),
      deadLetters: {},
      failedExecutions: ['C1'],
    });
    expect(kinds(breaches)).toEqual(['execution-failed']);
  });

  it('flags messages left in a dead-letter queue', () => {
    const breaches = checkInvariants({
      snapshot: paidSnapshot(),
      truth: truth(),
      deadLetters: { 'submission-dlq': 2 },
    });
    expect(breaches).toEqual([
      {
        invariant: 'dead-letter-left',
        subject: 'submission-dlq',
        detail: expect.stringMatching(/^2 message/),
      },
    ]);
  });
});
