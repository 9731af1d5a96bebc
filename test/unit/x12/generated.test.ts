/**
 * The behaviour the public samples in ../shared/x12-samples exercise, on files claimflow's own
 * writers generate here, so a clone without ../shared still tests it: 837P tokenizing, 835 read and
 * balance with PLB and an unbalanced 835, 999 and 277CA accepted and rejected, other component
 * separators, a file with no ISA, envelope mismatches read strictly and leniently.
 */
import { describe, expect, it } from 'vitest';
import { X12Error } from '../../../shared/x12/errors';
import { read277CA, read277CASync } from '../../../shared/x12/read277ca';
import { checkBalance, iterate835, read835, read835Strict, read835Sync } from '../../../shared/x12/read835';
import { read999, read999Sync } from '../../../shared/x12/read999';
import {
  components,
  detectTransaction,
  el,
  readDelimiters,
  type Segment,
  type TokenizeOptions,
  tokenize,
  tokenizeSync,
  type X12Input,
} from '../../../shared/x12/tokenizer';
import type { Remittance } from '../../../shared/x12/types';
import { write277CA } from '../../../shared/x12/write277ca';
import { type ClaimPayment835Input, type Write835Input, write835 } from '../../../shared/x12/write835';
import { write837P } from '../../../shared/x12/write837p';
import { write999 } from '../../../shared/x12/write999';
import {
  BILLING_NPI,
  chunked,
  makeClaim,
  makeDependentClaim,
  makeEnvelope,
  makeLine,
  makePayerEnvelope,
  OTHER_BILLING_NPI,
} from './fixtures';

async function collect(input: X12Input, opts?: TokenizeOptions): Promise<Segment[]> {
  const out: Segment[] = [];
  for await (const s of tokenize(input, opts)) out.push(s);
  return out;
}

async function failure(p: Promise<unknown>): Promise<X12Error> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(X12Error);
    return e as X12Error;
  }
  throw new Error('expected an X12Error');
}

/** Rewrites a claimflow interchange (component separator ':') to use another component separator. */
const withComponent = (x12: string, sep: string): string => {
  expect(x12).not.toContain(sep);
  return x12.replaceAll(':', sep);
};

const text837 = (): string =>
  write837P({
    claims: [
      makeClaim({
        claimId: 'G1',
        lines: [makeLine({ modifiers: ['25', 'GT'], diagnosisPointers: [1, 2] })],
        diagnoses: ['E119', 'I10'],
      }),
      makeDependentClaim({ claimId: 'G2' }),
      makeClaim({
        claimId: 'G3',
        billingProvider: { ...makeClaim().billingProvider, npi: OTHER_BILLING_NPI },
      }),
    ],
    envelope: makeEnvelope(),
    newlines: true,
  }).x12;

// A paid claim with two lines (CO-45 / PR adjustments), a denied claim (CO-16) and PLB adjustments.
function paid(): ClaimPayment835Input {
  return {
    patientControlNumber: 'CLM0001',
    statusCode: '1',
    chargeCents: 20000,
    paidCents: 12000,
    patientResponsibilityCents: 3000,
    filingIndicator: '12',
    payerClaimControlNumber: 'PCN0001',
    adjustments: [],
    remarkCodes: [],
    patient: { lastName: 'TESTPATIENT', firstName: 'ALPHA', memberId: 'MEMBER0001' },
    services: [
      {
        procedureQualifier: 'HC',
        procedureCode: '99213',
        modifiers: ['25'],
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
        units: 1,
        lineItemControlNumber: 'L2',
        dateOfService: '2026-01-15',
        adjustments: [
          { group: 'CO', reason: '45', amountCents: 2500 },
          { group: 'PR', reason: '1', amountCents: 1000 },
        ],
        remarkCodes: [],
      },
    ],
  };
}

function denied(): ClaimPayment835Input {
  return {
    patientControlNumber: 'CLM0002',
    statusCode: '4',
    chargeCents: 5000,
    paidCents: 0,
    patientResponsibilityCents: 0,
    filingIndicator: '12',
    payerClaimControlNumber: 'PCN0002',
    adjustments: [
      { group: 'CO', reason: '16', amountCents: 4000 },
      { group: 'OA', reason: 'A7', amountCents: 1000 },
    ],
    remarkCodes: ['M76'],
    services: [],
  };
}

function remit(overrides: Partial<Write835Input> = {}): Write835Input {
  return {
    envelope: makePayerEnvelope(),
    payer: {
      name: 'TEST PAYER',
      identifier: '1999999999',
      address: { line1: '1 PAYER WAY', city: 'TESTCITY', state: 'NY', zip: '12345' },
    },
    payee: { name: 'TEST BILLING CLINIC', npi: BILLING_NPI },
    traceNumber: 'TRACE0001',
    paymentMethod: 'ACH',
    paymentDate: '2026-02-10',
    claims: [paid(), denied()],
    providerAdjustments: [
      { providerId: BILLING_NPI, fiscalPeriodDate: '2026-12-31', reason: 'L6', amountCents: 300 },
      {
        providerId: BILLING_NPI,
        fiscalPeriodDate: '2026-12-31',
        reason: 'WO',
        reference: 'R1',
        amountCents: -100,
      },
    ],
    ...overrides,
  };
}

describe('837P tokenizing (generated)', () => {
  it('tokenizes a written 837P the same from a string, text chunks and byte chunks', async () => {
    const text = text837();
    const whole = await collect(text);
    expect(whole[0]?.id).toBe('ISA');
    expect(whole.at(-1)?.id).toBe('IEA');
    expect(whole.filter((s) => s.id === 'CLM').map((s) => el(s, 1))).toEqual(['G1', 'G2', 'G3']);
    const sv1 = whole.find((s) => s.id === 'SV1') as Segment;
    expect(components(sv1, 1)).toEqual(['HC', '99213', '25', 'GT']);
    expect(components(sv1, 7)).toEqual(['1', '2']);
    const elements = whole.map((s) => s.elements);
    expect((await collect(chunked(text))).map((s) => s.elements)).toEqual(elements);
    expect((await collect(chunked(text, true))).map((s) => s.elements)).toEqual(elements);
    expect([...tokenizeSync(text)].map((s) => s.elements)).toEqual(elements);
  });

  it('reads the delimiters and the transaction of every generated kind from the first 400 characters', () => {
    expect(readDelimiters(text837())).toEqual({
      element: '*',
      component: ':',
      repetition: '^',
      segment: '~',
    });
    const kinds: [string, string, string][] = [
      [text837(), '837', '005010X222A1'],
      [write835(remit()).x12, '835', '005010X221A1'],
      [
        write999({
          envelope: makePayerEnvelope(),
          groupControlNumber: '7',
          transactions: [{ transactionSetId: '837', controlNumber: '0001', code: 'A' }],
        }).x12,
        '999',
        '005010X231A1',
      ],
      [write277CA(ack277()).x12, '277', '005010X214'],
    ];
    for (const [text, id, version] of kinds) {
      expect(detectTransaction(text.slice(0, 400))).toMatchObject({ transactionSetId: id, version });
    }
    const t = write835(remit()).x12;
    expect(detectTransaction(t.slice(0, t.indexOf('~ST*') + 1))).toMatchObject({
      transactionSetId: '835',
      functionalIdentifier: 'HP',
      interchangeControlNumber: '900000001',
    });
  });
});

describe('a file with no ISA (generated)', () => {
  // An 835 body without its interchange and group headers, as some payers hand out.
  const body = (): string => {
    const x12 = write835(remit()).x12;
    return x12.slice(x12.indexOf('ST*'));
  };

  it('is refused as NO_ISA by the tokenizer, the readers and detectTransaction, with no PHI in the message', async () => {
    const err = await failure(collect(body()));
    expect(err.code).toBe('NO_ISA');
    expect(err.segmentIndex).toBe(1);
    expect(err.message).not.toContain('MEMBER0001');
    expect(err.message).not.toContain('TESTPATIENT');
    expect((await failure(read835(body()))).code).toBe('NO_ISA');
    expect((await failure(read999(body()))).code).toBe('NO_ISA');
    expect(() => detectTransaction(body())).toThrow(/NO_ISA/);
  });
});

describe('835 read and balance (generated)', () => {
  it('reads a balanced 835 with PLB and a > component separator, from a string and from byte chunks', async () => {
    const text = withComponent(write835(remit()).x12, '>');
    expect(readDelimiters(text).component).toBe('>');
    const [r, ...rest] = await read835Strict(text);
    expect(rest).toEqual([]);
    const remittance = r as Remittance;
    expect(remittance.paymentCents).toBe(12000 - 200);
    expect(remittance.claims.map((c) => [c.patientControlNumber, c.statusCode, c.paidCents])).toEqual([
      ['CLM0001', '1', 12000],
      ['CLM0002', '4', 0],
    ]);
    expect(remittance.claims[0]?.services[0]).toMatchObject({ procedureCode: '99213', modifiers: ['25'] });
    expect(remittance.claims[1]?.adjustments).toEqual([
      { group: 'CO', reason: '16', amountCents: 4000 },
      { group: 'OA', reason: 'A7', amountCents: 1000 },
    ]);
    expect(remittance.providerAdjustments.map((p) => [p.reason, p.reference, p.amountCents])).toEqual([
      ['L6', undefined, 300],
      ['WO', 'R1', -100],
    ]);
    expect(checkBalance(remittance)).toEqual([]);
    const fromChunks: Remittance[] = [];
    for await (const x of iterate835(chunked(text, true))) fromChunks.push(x);
    expect(fromChunks).toEqual([remittance]);
    expect(read835Sync(text)).toEqual([remittance]);
  });

  it('holds an unbalanced 835 with PLB: strict reading refuses it, checkBalance names the rule', async () => {
    const text = write835(remit({ paymentCentsOverride: 12000 })).x12;
    const err = await failure(read835Strict(text));
    expect(err.code).toBe('UNBALANCED');
    expect(err.details).toEqual([
      'transaction set 0001: sum(CLP04) - sum(PLB) = 11800 cents but BPR02 = 12000 cents',
    ]);
    const [r] = await read835(text);
    expect(checkBalance(r as Remittance)).toEqual([
      {
        rule: 'TRANSACTION',
        expectedCents: 11800,
        actualCents: 12000,
        message: 'transaction set 0001: sum(CLP04) - sum(PLB) = 11800 cents but BPR02 = 12000 cents',
      },
    ]);
  });

  it('names the claim and the line of a service-line imbalance', async () => {
    const text = write835(remit()).x12.replace('CAS*PR*1*10~', 'CAS*PR*1*9~');
    const [r] = await read835(text);
    const issues = checkBalance(r as Remittance);
    expect(issues.map((i) => [i.rule, i.claimId, i.serviceIndex])).toEqual([
      ['SERVICE_LINE', 'CLM0001', 1],
      ['CLAIM', 'CLM0001', undefined],
    ]);
    expect((await failure(read835Strict(text))).code).toBe('UNBALANCED');
  });

  it('hands out nothing from a transaction set whose trailer is wrong', async () => {
    const x12 = write835(remit()).x12;
    const count = /~SE\*(\d+)\*0001~/.exec(x12)?.[1] as string;
    const wrongCount = x12.replace(`SE*${count}*0001`, `SE*${Number(count) - 1}*0001`);
    const seen: Remittance[] = [];
    const err = await failure(
      (async () => {
        for await (const r of iterate835(wrongCount)) seen.push(r);
      })(),
    );
    expect(err.code).toBe('SEGMENT_COUNT_MISMATCH');
    expect(seen).toEqual([]);
    const wrongNumber = x12.replace(`SE*${count}*0001`, `SE*${count}*0003`);
    const mismatch = await failure(read835(wrongNumber));
    expect(mismatch.code).toBe('CONTROL_NUMBER_MISMATCH');
    expect(mismatch.message).toContain('SE02 0003 does not match ST02 0001');
  });

  it('refuses a non-835 and a bad amount', async () => {
    expect((await failure(read835(text837()))).code).toBe('WRONG_TRANSACTION');
    const bad = write835(remit()).x12.replace('CLP*CLM0002*4*50*', 'CLP*CLM0002*4*5O*');
    expect(await failure(read835(bad))).toMatchObject({ code: 'INVALID_VALUE', segmentId: 'CLP' });
  });
});

describe('999 accepted and rejected (generated)', () => {
  const accepted = () =>
    write999({
      envelope: makePayerEnvelope({ interchangeControlNumber: 286 }),
      groupControlNumber: '17456',
      transactions: [{ transactionSetId: '837', controlNumber: '0001', code: 'A' }],
    }).x12;

  it('reads an accepted 999; a wrong IEA02 is refused strictly and read leniently with a warning', async () => {
    const ack = {
      interchangeControlNumber: '000000286',
      groupControlNumber: '17456',
      groupAccepted: true,
      transactions: [
        { transactionSetId: '837', controlNumber: '0001', accepted: true, code: 'A', errors: [] },
      ],
    };
    expect(await read999(accepted())).toEqual([ack]);
    const wrongIea = accepted().replace('IEA*1*000000286', 'IEA*1*000000287');
    const err = await failure(read999(wrongIea));
    expect(err).toMatchObject({ code: 'CONTROL_NUMBER_MISMATCH', segmentId: 'IEA' });
    const warnings: X12Error[] = [];
    expect(await read999(wrongIea, { envelope: 'lenient', onWarning: (w) => warnings.push(w) })).toEqual([
      ack,
    ]);
    expect(warnings.map((w) => w.code)).toEqual(['CONTROL_NUMBER_MISMATCH']);
  });

  it('reads a rejected 999 with a | component separator, naming segment and element errors', () => {
    const text = withComponent(
      write999({
        envelope: makePayerEnvelope(),
        groupControlNumber: '28',
        transactions: [
          {
            transactionSetId: '837',
            controlNumber: '0028',
            code: 'R',
            segmentErrors: [
              {
                segmentId: 'NM1',
                position: 17,
                code: '8',
                elementErrors: [{ position: 9, componentPosition: 2, reference: '67', code: '7' }],
              },
            ],
          },
        ],
      }).x12,
      '|',
    );
    expect(readDelimiters(text).component).toBe('|');
    const [ack] = read999Sync(text);
    expect(ack?.groupAccepted).toBe(false);
    expect(ack?.transactions).toEqual([
      {
        transactionSetId: '837',
        controlNumber: '0028',
        accepted: false,
        code: 'R',
        errors: [
          'segment NM1 at position 17: 8 Segment has data element errors',
          expect.stringMatching(/^segment NM1 at position 17, element 9/),
          'transaction set: 5 One or more segments in error',
        ],
      },
    ]);
  });

  it('refuses a 277CA handed to the 999 reader', async () => {
    expect((await failure(read999(write277CA(ack277()).x12))).code).toBe('WRONG_TRANSACTION');
  });
});

function ack277() {
  return {
    envelope: makePayerEnvelope(),
    payer: { name: 'Test Payer', id: 'TESTPAYER1' },
    receiver: { name: 'Claimflow Test Submitter', id: 'SUBMIT01' },
    batchReference: '000000042',
    receiptDate: '2026-02-01',
    processDate: '2026-02-02',
    claims: [
      {
        patientControlNumber: 'CLM0001',
        billingProviderNpi: BILLING_NPI,
        billingProviderName: 'Test Billing Clinic',
        patient: { lastName: 'TESTPATIENT', firstName: 'ALPHA', memberId: 'MEMBER0001' },
        categoryCode: 'A2',
        statusCode: '20',
        chargeCents: 12500,
        payerClaimControlNumber: 'PCN0001',
        serviceDateFrom: '2026-01-15',
      },
      {
        patientControlNumber: 'CLM0002',
        billingProviderNpi: BILLING_NPI,
        billingProviderName: 'Test Billing Clinic',
        patient: { lastName: 'TESTPATIENT', firstName: 'BETA', memberId: 'MEMBER0002' },
        categoryCode: 'A7',
        statusCode: '562',
        entityCode: '85',
        chargeCents: 19914,
        payerClaimControlNumber: 'PCN0002',
        serviceDateFrom: '2026-01-15',
      },
    ],
  };
}

describe('277CA accepted and rejected (generated)', () => {
  it('reads claim statuses only (not the 2200B batch status), with a | component separator', async () => {
    const text = withComponent(write277CA(ack277()).x12, '|');
    expect(text).toContain('STC*A7|562|85*');
    const acks = await read277CA(text);
    expect(acks).toEqual(read277CASync(text));
    expect(acks).toEqual([
      {
        interchangeControlNumber: '900000001',
        claims: [
          {
            patientControlNumber: 'CLM0001',
            accepted: true,
            categoryCode: 'A2',
            statusCode: '20',
            statusCodes: ['A2:20'],
            chargeCents: 12500,
            payerClaimControlNumber: 'PCN0001',
          },
          {
            patientControlNumber: 'CLM0002',
            accepted: false,
            categoryCode: 'A7',
            statusCode: '562',
            statusCodes: ['A7:562:85'],
            chargeCents: 19914,
            payerClaimControlNumber: 'PCN0002',
          },
        ],
      },
    ]);
  });

  it('reads a rejection category as rejected even when STC03 says WQ', async () => {
    const text = write277CA(ack277()).x12.replace('STC*A7:562:85*20260202*U*', 'STC*A7:562:85*20260202*WQ*');
    expect(text).toContain('*WQ*199.14');
    const [ack] = await read277CA(text);
    expect(ack?.claims.map((c) => [c.patientControlNumber, c.accepted])).toEqual([
      ['CLM0001', true],
      ['CLM0002', false],
    ]);
  });
});
