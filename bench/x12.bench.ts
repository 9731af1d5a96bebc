/** X12 throughput: 835 parsing (10k claims) and 837P writing (1000 claims). No timing assertions. */
import { describe, test } from 'vitest';
import { checkBalance, read835 } from '../shared/x12/read835';
import { tokenizeSync } from '../shared/x12/tokenizer';
import { type ClaimPayment835Input, write835 } from '../shared/x12/write835';
import { write837P } from '../shared/x12/write837p';
import {
  BILLING_NPI,
  makeClaim,
  makeDependentClaim,
  makeEnvelope,
  makeLine,
  makePayerEnvelope,
} from '../test/unit/x12/fixtures';

function remitClaim(k: number): ClaimPayment835Input {
  return {
    patientControlNumber: `CLM${k}`,
    statusCode: '1',
    chargeCents: 20000,
    paidCents: 12000,
    patientResponsibilityCents: 3000,
    filingIndicator: '12',
    payerClaimControlNumber: `PCN${k}`,
    adjustments: [],
    remarkCodes: [],
    patient: { lastName: 'TESTPATIENT', firstName: 'BENCH', memberId: `MEMBER${k}` },
    services: [
      {
        procedureQualifier: 'HC',
        procedureCode: '99213',
        modifiers: ['25'],
        chargeCents: 12500,
        paidCents: 8000,
        units: 1,
        lineItemControlNumber: `L${k}A`,
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
        lineItemControlNumber: `L${k}B`,
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

const big835 = write835({
  envelope: makePayerEnvelope(),
  payer: {
    name: 'TEST PAYER',
    identifier: '1999999999',
    address: { line1: '1 PAYER WAY', city: 'TESTCITY', state: 'NY', zip: '12345' },
  },
  payee: { name: 'TEST BILLING CLINIC', npi: BILLING_NPI },
  traceNumber: 'BENCH0001',
  paymentMethod: 'ACH',
  paymentDate: '2026-02-10',
  claims: Array.from({ length: 10_000 }, (_, k) => remitClaim(k)),
}).x12;

async function* chunks(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const claims837 = Array.from({ length: 1000 }, (_, k) =>
  k % 4 === 0
    ? makeDependentClaim({ claimId: `C${k}` })
    : makeClaim({
        claimId: `C${k}`,
        lines: [makeLine(), makeLine({ lineId: 'L2', procedureCode: '36415' })],
      }),
);

describe('x12', () => {
  test(`835 with 10k claims (${(big835.length / 1e6).toFixed(1)} MB)`, async ({ bench }) => {
    await bench.compare(
      bench('tokenizeSync only', () => {
        let n = 0;
        for (const _ of tokenizeSync(big835)) n++;
        if (n === 0) throw new Error('no segments');
      }),
      bench('read835 (string) + checkBalance', async () => {
        const [r] = await read835(big835);
        if (!r || checkBalance(r).length > 0) throw new Error('unexpected result');
      }),
      bench('read835 (64 KiB byte chunks)', async () => {
        const [r] = await read835(chunks(big835, 65_536));
        if (r?.claims.length !== 10_000) throw new Error('unexpected result');
      }),
      { iterations: 5 },
    );
  });

  test('837P with 1000 claims', async ({ bench }) => {
    await bench('write837P 1000 claims', () => {
      write837P({ claims: claims837, envelope: makeEnvelope() });
    }).run();
  });
});
