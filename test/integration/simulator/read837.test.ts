/** read837: what the simulated payer takes from an 837P (ours, and a public sample). */
import { describe, expect, it } from 'vitest';
import { read837 } from '../../../local/simulator/read837';
import { write837P, X12Error } from '../../../shared/x12';
import {
  BILLING_NPI,
  itWithSamples,
  makeClaim,
  makeDependentClaim,
  makeEnvelope,
  makeLine,
  OTHER_BILLING_NPI,
  readSample,
} from '../../unit/x12/fixtures';

describe('read837', () => {
  it('reads envelope and claims from an 837P written by write837P', () => {
    const claims = [
      makeClaim({
        claimId: 'RA0001',
        lines: [
          makeLine({ lineId: 'L1', chargeCents: 12_550, modifiers: ['25', '59'] }),
          makeLine({
            lineId: 'L2',
            procedureCode: '36415',
            chargeCents: 1_005,
            units: 2,
            dateOfService: '2026-01-16',
          }),
        ],
      }),
      makeDependentClaim({
        claimId: 'RA0002',
        frequencyCode: '7',
        originalPayerClaimNumber: 'PCNORIG1',
        lines: [makeLine({ chargeCents: 9_999 })],
      }),
      makeClaim({
        claimId: 'RA0003',
        billingProvider: { ...makeClaim().billingProvider, npi: OTHER_BILLING_NPI },
      }),
    ];
    const x12 = write837P({
      claims,
      envelope: makeEnvelope({
        interchangeControlNumber: 4242,
        groupControlNumber: 77,
        transactionSetControlNumber: 5,
      }),
    }).x12;
    const sub = read837(x12);
    expect(sub).toMatchObject({
      senderQualifier: 'ZZ',
      senderId: 'CLAIMFLOWTEST',
      receiverId: 'TESTCLEARING',
      interchangeControlNumber: '000004242',
      usage: 'T',
      groupControlNumber: '77',
    });
    expect(sub.transactionSetControlNumbers).toHaveLength(1);
    expect(Number(sub.transactionSetControlNumbers[0])).toBe(5);
    expect(sub.groups).toEqual([
      {
        groupControlNumber: '77',
        senderId: expect.any(String),
        receiverId: expect.any(String),
        transactionSetControlNumbers: sub.transactionSetControlNumbers,
      },
    ]);
    expect(sub.claims.map((c) => c.claimId)).toEqual(['RA0001', 'RA0002', 'RA0003']);
    const [a, b, c] = sub.claims;
    expect(a).toMatchObject({
      chargeCents: 13_555,
      frequencyCode: '1',
      payerId: 'TESTPAYER1',
      billingNpi: BILLING_NPI,
      groupControlNumber: '77',
    });
    expect(a?.lines).toEqual([
      {
        procedureCode: '99213',
        modifiers: ['25', '59'],
        chargeCents: 12_550,
        units: 1,
        lineId: 'L1',
        dateOfService: '2026-01-15',
      },
      {
        procedureCode: '36415',
        modifiers: [],
        chargeCents: 1_005,
        units: 2,
        lineId: 'L2',
        dateOfService: '2026-01-16',
      },
    ]);
    expect(b).toMatchObject({ chargeCents: 9_999, frequencyCode: '7', payerId: 'TESTPAYER1' });
    expect(b?.subscriber.memberId).toBe('MEMBER0002');
    expect(c).toMatchObject({ payerId: 'TESTPAYER1', billingNpi: OTHER_BILLING_NPI, chargeCents: 12_500 });
    // totals agree with the lines written
    for (const claim of sub.claims) {
      expect(claim.lines.reduce((t, l) => t + l.chargeCents, 0)).toBe(claim.chargeCents);
    }
  });

  itWithSamples('reads the public 837P sample (databricks)', () => {
    const sub = read837(readSample('837P_databricks_837p.txt'));
    expect(sub).toMatchObject({
      senderId: '1234567',
      receiverId: '11111',
      interchangeControlNumber: '000000101',
      usage: 'P',
      groupControlNumber: '101',
      transactionSetControlNumbers: ['1239'],
    });
    expect(sub.claims).toHaveLength(2);
    expect(sub.claims.map((c) => c.claimId)).toEqual(['1000A', '1001A']);
    for (const c of sub.claims) {
      expect(c).toMatchObject({
        chargeCents: 14_000,
        frequencyCode: '1',
        payerId: '12345',
        billingNpi: '1122334455',
        transactionSetControlNumber: '1239',
      });
      expect(c.lines).toEqual([
        { procedureCode: '99213', modifiers: [], chargeCents: 14_000, units: 1, dateOfService: '2015-11-24' },
      ]);
    }
  });

  it('throws X12Error on envelope defects unless lenient', () => {
    const x12 = write837P({ claims: [makeClaim()], envelope: makeEnvelope() }).x12;
    const broken = x12.replace(/SE\*(\d+)\*/, (_m, n: string) => `SE*${Number(n) + 1}*`);
    expect(() => read837(broken)).toThrow(X12Error);
    const warnings: X12Error[] = [];
    const sub = read837(broken, { envelope: 'lenient', onWarning: (w) => warnings.push(w) });
    expect(warnings.map((w) => w.code)).toContain('SEGMENT_COUNT_MISMATCH');
    expect(sub.claims.map((c) => c.claimId)).toEqual(['CLM0001']);
  });
});
