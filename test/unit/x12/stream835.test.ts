/**
 * stream835 (claims handed out as they complete, balancing on running counters) says what
 * read835 + checkBalance say, on generated files and on the public samples.
 */
import { describe, expect, it } from 'vitest';
import { X12Error } from '../../../shared/x12/errors';
import {
  type BalanceIssue,
  checkBalance,
  type Remit835Item,
  read835,
  read835Strict,
  stream835,
} from '../../../shared/x12/read835';
import type { X12Input } from '../../../shared/x12/tokenizer';
import type { ClaimPayment, ProviderAdjustment, Remittance } from '../../../shared/x12/types';
import { type ClaimPayment835Input, write835 } from '../../../shared/x12/write835';
import { BILLING_NPI, chunked, describeWithSamples, makePayerEnvelope, readSample } from './fixtures';

function claim(k: number): ClaimPayment835Input {
  const lines = 1 + (k % 3);
  const services: ClaimPayment835Input['services'] = [];
  let charge = 0;
  let paid = 0;
  for (let i = 0; i < lines; i++) {
    const lineCharge = 5000 + k * 10 + i * 101;
    const co = Math.floor(lineCharge / 5);
    const pr = 1000;
    charge += lineCharge;
    paid += lineCharge - co - pr;
    services.push({
      procedureQualifier: 'HC',
      procedureCode: '99213',
      modifiers: i === 0 ? ['25'] : [],
      chargeCents: lineCharge,
      paidCents: lineCharge - co - pr,
      units: 1,
      lineItemControlNumber: `L${k}-${i}`,
      dateOfService: '2026-01-15',
      adjustments: [
        { group: 'CO', reason: '45', amountCents: co },
        { group: 'PR', reason: '2', amountCents: pr },
      ],
      remarkCodes: k % 2 === 0 ? ['N130'] : [],
    });
  }
  return {
    patientControlNumber: `CLM${k}`,
    statusCode: '1',
    chargeCents: charge,
    paidCents: paid,
    patientResponsibilityCents: 1000 * lines,
    payerClaimControlNumber: `PCN${k}`,
    adjustments: [],
    remarkCodes: k % 3 === 0 ? ['MA01'] : [],
    patient: { lastName: 'TESTPATIENT', firstName: 'STREAM', memberId: `MEMBER${k}` },
    services,
  };
}

function remit835(claims: number, set = 1): string {
  return remit835Of(
    Array.from({ length: claims }, (_, k) => claim(k)),
    set,
    [{ providerId: BILLING_NPI, fiscalPeriodDate: '2026-12-31', reason: 'L6', amountCents: -250 }],
  );
}

function remit835Of(
  claims: ClaimPayment835Input[],
  set: number,
  providerAdjustments: ProviderAdjustment[],
): string {
  return write835({
    envelope: makePayerEnvelope({ transactionSetControlNumber: set }),
    payer: {
      name: 'TEST PAYER',
      identifier: '1999999999',
      address: { line1: '1 PAYER WAY', city: 'TESTCITY', state: 'NY', zip: '12345' },
    },
    payee: { name: 'TEST BILLING CLINIC', npi: BILLING_NPI },
    traceNumber: `TRACE${set}`,
    paymentMethod: 'CHK',
    paymentDate: '2026-02-10',
    claims,
    providerAdjustments,
  }).x12;
}

interface Streamed {
  claims: ClaimPayment[][];
  sets: { remittance: Remittance; claimCount: number; issues: BalanceIssue[] }[];
  order: string[];
}

async function streamed(input: X12Input, opts = {}): Promise<Streamed> {
  const out: Streamed = { claims: [[]], sets: [], order: [] };
  for await (const item of stream835(input, opts)) {
    out.order.push(item.type);
    if (item.type === 'claim') (out.claims[out.sets.length] as ClaimPayment[]).push(item.claim);
    else {
      const { type: _, ...set } = item;
      out.sets.push(set);
      out.claims.push([]);
    }
  }
  out.claims.pop();
  return out;
}

/** What read835 + checkBalance say, in the shape stream835 gives it. */
async function expected(input: X12Input): Promise<Streamed> {
  const remits = await read835(input, { envelope: 'lenient' });
  return {
    claims: remits.map((r) => r.claims),
    sets: remits.map((r) => ({
      remittance: { ...r, claims: [] },
      claimCount: r.claims.length,
      issues: checkBalance(r),
    })),
    order: remits.flatMap((r) => [...r.claims.map(() => 'claim'), 'transactionSet']),
  };
}

async function rejection(p: Promise<unknown>): Promise<X12Error> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(X12Error);
    return e as X12Error;
  }
  throw new Error('expected an X12Error');
}

describe('stream835', () => {
  it('hands out every claim and then its set, as read835 and checkBalance read them', async () => {
    const text = remit835(40);
    const got = await streamed(chunked(text, true));
    expect(got).toEqual(await expected(text));
    expect(got.sets[0]?.claimCount).toBe(40);
    expect(got.sets[0]?.issues).toEqual([]);
    expect(got.sets[0]?.remittance.providerAdjustments).toHaveLength(1);
  });

  it('balances checks whose sums pass 2^30 cents ($10.7M), as checkBalance does', async () => {
    // the reader's running sums start as doubles (see Reader835): this checks they add up the same
    const big = (k: number): ClaimPayment835Input => {
      const c = claim(k);
      const cents = 400_000_000 + k; // $4M a claim: three claims pass 2^30 cents
      const service = { ...(c.services[0] as ClaimPayment835Input['services'][number]) };
      service.chargeCents = cents;
      service.paidCents = cents;
      service.adjustments = [];
      return {
        ...c,
        chargeCents: cents,
        paidCents: cents,
        patientResponsibilityCents: 0,
        services: [service],
      };
    };
    const text = remit835Of([big(0), big(1), big(2), big(3)], 1, []);
    const got = await streamed(text);
    expect(got).toEqual(await expected(text));
    expect(got.sets[0]?.remittance.paymentCents).toBe(1_600_000_006);
    expect(got.sets[0]?.issues).toEqual([]);
    const off = text.replace('BPR*I*16000000.06*', 'BPR*I*16000000.07*');
    const unbalanced = await streamed(off);
    expect(unbalanced).toEqual(await expected(off));
    expect(unbalanced.sets[0]?.issues.map((i) => [i.rule, i.expectedCents])).toEqual([
      ['TRANSACTION', 1_600_000_006],
    ]);
  });

  it('reports the same balancing issues, in the same order, as checkBalance', async () => {
    const text = remit835(6)
      .replace('CAS*CO*45*10~', 'CAS*CO*45*10.01~') // claim 0 line 1: service line and claim rules
      .replace('CLP*CLM3*1*', 'CLP*CLM3*1*1'); // claim 3 charge: claim rule
    const got = await streamed(text);
    const want = await expected(text);
    expect(got).toEqual(want);
    expect(got.sets[0]?.issues.map((i) => [i.rule, i.claimId, i.serviceIndex])).toEqual([
      ['SERVICE_LINE', 'CLM0', 0],
      ['CLAIM', 'CLM0', undefined],
      ['CLAIM', 'CLM3', undefined],
    ]);
    const err = await rejection(streamed(text, { requireBalanced: true }));
    expect(err.code).toBe('UNBALANCED');
    expect(err.details).toEqual((await rejection(read835Strict(text))).details);
  });

  it('checks the transaction rule with the PLB, per set', async () => {
    const a = remit835(3, 1);
    const b = remit835(2, 2).replace(/BPR\*I\*[0-9.]+/, 'BPR*I*1');
    // two interchanges in one input: the second set's BPR02 does not balance
    const got = await streamed(`${a}\n${b}`);
    expect(got.sets.map((s) => s.issues.map((i) => i.rule))).toEqual([[], ['TRANSACTION']]);
    expect(got).toEqual(await expected(`${a}\n${b}`));
  });

  it('hands out claims before the rest of the check has been read', async () => {
    const text = remit835(300);
    const bytes = new TextEncoder().encode(text);
    let read = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < bytes.length; i += 4096) {
        read = i + 4096;
        yield bytes.subarray(i, i + 4096);
      }
    }
    let readAtFirstClaim = -1;
    for await (const item of stream835(source())) {
      if (item.type === 'claim' && readAtFirstClaim < 0) readAtFirstClaim = read;
    }
    expect(readAtFirstClaim).toBeGreaterThan(0);
    expect(readAtFirstClaim).toBeLessThan(bytes.length / 4);
  });

  it('never hands out a set whose trailer is wrong, and names the segment of a bad value', async () => {
    const text = remit835(3);
    const items: Remit835Item[] = [];
    const err = await rejection(
      (async () => {
        for await (const item of stream835(text.replace(/SE\*(\d+)\*/, 'SE*1*'))) items.push(item);
      })(),
    );
    expect(err.code).toBe('SEGMENT_COUNT_MISMATCH');
    expect(items.filter((i) => i.type === 'transactionSet')).toEqual([]);
    const bad = await rejection(streamed(text.replace('CLP*CLM1*1*', 'CLP*CLM1*1*X')));
    expect(bad).toMatchObject({ code: 'INVALID_VALUE', segmentId: 'CLP' });
    expect(bad).toEqual(await rejection(read835(text.replace('CLP*CLM1*1*', 'CLP*CLM1*1*X'))));
  });
});

describe('read835 procedure composites (SVC01)', () => {
  it.each([
    ['HC:99213', 'HC', '99213', []],
    ['HC:99213:25:GT', 'HC', '99213', ['25', 'GT']],
    ['HC:99213::59', 'HC', '99213', ['59']],
    ['HC:99213:A1:A2:A3:A4:A5', 'HC', '99213', ['A1', 'A2', 'A3', 'A4']],
    ['HC', 'HC', '', []],
  ])('%s', async (composite, qualifier, code, modifiers) => {
    const text = remit835(1).replace(/SVC\*HC:99213(:25)?\*/, `SVC*${composite}*`);
    const [r] = await read835(text);
    expect(r?.claims[0]?.services[0]).toMatchObject({
      procedureQualifier: qualifier,
      procedureCode: code,
      modifiers,
    });
  });
});

describeWithSamples('stream835 on public samples', () => {
  it.each([
    '835_pyx12_mult_loops.txt',
    '835_edi835parser_emedny_sample.txt',
    '835_edi835parser_united_healthcare_legacy_sample.txt',
    '835_databricks_plb_sample.txt',
  ])('%s: same claims, sets and issues as read835 + checkBalance', async (name) => {
    const text = readSample(name);
    expect(await streamed(chunked(text, true), { envelope: 'lenient' })).toEqual(await expected(text));
  });
});
