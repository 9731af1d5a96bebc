import { describe, expect, it } from 'vitest';
import { read277CA, read277CASync } from '../../../shared/x12/read277ca';
import { read999, read999Sync } from '../../../shared/x12/read999';
import { type Write277CAInput, write277CA } from '../../../shared/x12/write277ca';
import { write999 } from '../../../shared/x12/write999';
import {
  BILLING_NPI,
  describeWithSamples,
  makePayerEnvelope,
  OTHER_BILLING_NPI,
  readSample,
} from './fixtures';

describeWithSamples('read999', () => {
  it('reads the rejected sample with | component separator', async () => {
    expect(await read999(readSample('999_imsweb_rejected.txt'))).toEqual([
      {
        interchangeControlNumber: '095832987',
        groupControlNumber: '28',
        groupAccepted: false,
        transactions: [
          {
            transactionSetId: '837',
            controlNumber: '0028',
            accepted: false,
            code: 'R',
            errors: [
              'segment NM at position 17: 1 Unrecognized segment ID',
              'transaction set: 5 One or more segments in error',
            ],
          },
        ],
      },
    ]);
  });

  it('reads the accepted sample (its IEA02 is wrong: strict rejects, lenient reads)', async () => {
    const text = readSample('999_imsweb_accepted.txt');
    await expect(read999(text)).rejects.toMatchObject({ code: 'CONTROL_NUMBER_MISMATCH' });
    const [ack] = await read999(text, { envelope: 'lenient' });
    expect(ack).toEqual({
      interchangeControlNumber: '000000286',
      groupControlNumber: '17456',
      groupAccepted: true,
      transactions: [
        { transactionSetId: '837', controlNumber: '0001', accepted: true, code: 'A', errors: [] },
      ],
    });
  });

  it('rejects a non-999', async () => {
    await expect(read999(readSample('277CA_imsweb_accepted.txt'))).rejects.toMatchObject({
      code: 'WRONG_TRANSACTION',
    });
  });
});

describeWithSamples('read277CA', () => {
  it('reads the accepted sample: only the 2200D claim, not the 2200B batch status', async () => {
    expect(await read277CA(readSample('277CA_imsweb_accepted.txt'))).toEqual([
      {
        interchangeControlNumber: '000014420',
        claims: [
          {
            patientControlNumber: '5781',
            accepted: true,
            categoryCode: 'A2',
            statusCode: '20',
            statusCodes: ['A2:20'],
            chargeCents: 12500,
            payerClaimControlNumber: '1107000000014420',
          },
        ],
      },
    ]);
  });

  it('reads the rejected sample (A7:562:85 with | separator) as rejected despite STC03=WQ', async () => {
    const [ack] = await read277CA(readSample('277CA_imsweb_rejected.txt'));
    expect(ack?.claims).toEqual([
      {
        patientControlNumber: '3920394930203',
        accepted: false,
        categoryCode: 'A7',
        statusCode: '562',
        statusCodes: ['A7:562:85'],
        chargeCents: 19914,
        payerClaimControlNumber: '1107000000001120',
      },
    ]);
  });
});

describe('write999 round trip', () => {
  it('writes an accepted 999 that reads back', () => {
    const out = write999({
      envelope: makePayerEnvelope({
        interchangeControlNumber: 5,
        groupControlNumber: 6,
        transactionSetControlNumber: 7,
      }),
      groupControlNumber: '7',
      transactions: [{ transactionSetId: '837', controlNumber: '0001', code: 'A' }],
    });
    expect(out.interchangeControlNumber).toBe('000000005');
    expect(out.transactionSetControlNumber).toBe('0007');
    expect(out.x12).toContain(
      '~AK1*HC*7*005010X222A1~AK2*837*0001*005010X222A1~IK5*A~AK9*A*1*1*1~SE*6*0007~',
    );
    expect(read999Sync(out.x12)).toEqual([
      {
        interchangeControlNumber: '000000005',
        groupControlNumber: '7',
        groupAccepted: true,
        transactions: [
          { transactionSetId: '837', controlNumber: '0001', accepted: true, code: 'A', errors: [] },
        ],
      },
    ]);
  });

  it('writes segment and element errors and a partial group', () => {
    const out = write999({
      envelope: makePayerEnvelope(),
      groupControlNumber: '8',
      transactions: [
        { transactionSetId: '837', controlNumber: '0001', code: 'A' },
        {
          transactionSetId: '837',
          controlNumber: '0002',
          code: 'R',
          segmentErrors: [
            {
              segmentId: 'NM1',
              position: 17,
              loopId: 'L1',
              code: '8',
              elementErrors: [{ position: 9, reference: '67', code: '7', badValue: 'X*1' }],
            },
          ],
        },
      ],
    });
    expect(out.x12).toContain('IK3*NM1*17*L1*8~IK4*9*67*7*X1~IK5*R*5~AK9*P*2*2*1~');
    const [ack] = read999Sync(out.x12);
    expect(ack?.groupAccepted).toBe(true);
    expect(ack?.transactions.map((t) => [t.controlNumber, t.accepted, t.code])).toEqual([
      ['0001', true, 'A'],
      ['0002', false, 'R'],
    ]);
    expect(ack?.transactions[1]?.errors).toEqual([
      'segment NM1 at position 17 loop L1: 8 Segment has data element errors',
      'segment NM1 at position 17 loop L1, element 9 (ref 67): 7 Invalid code value',
      'transaction set: 5 One or more segments in error',
    ]);
  });
});

describe('write277CA round trip', () => {
  const input: Write277CAInput = {
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
        billingProviderNpi: OTHER_BILLING_NPI,
        billingProviderName: 'Other Test Clinic',
        patient: { lastName: 'TESTPATIENT', firstName: 'BETA', memberId: 'MEMBER0002' },
        categoryCode: 'A7',
        statusCode: '562',
        entityCode: '85',
        chargeCents: 5050,
        serviceDateFrom: '2026-01-15',
        serviceDateTo: '2026-01-17',
        message: 'Invalid billing NPI',
      },
      {
        patientControlNumber: 'CLM0003',
        billingProviderNpi: BILLING_NPI,
        billingProviderName: 'Test Billing Clinic',
        patient: { lastName: 'TESTPATIENT', memberId: 'MEMBER0003' },
        categoryCode: 'A1',
        statusCode: '19',
        chargeCents: 100,
        serviceDateFrom: '2026-01-16',
      },
    ],
  };

  it('writes per-claim statuses that read back, grouped under their billing providers', async () => {
    const out = write277CA(input);
    expect(out.x12).toContain('STC*A7:562:85*20260202*U*50.5********INVALID BILLING NPI~');
    expect(out.x12).toContain('QTY*90*2~QTY*AA*1~AMT*YU*126~AMT*YY*50.5~');
    expect(out.x12.match(/HL\*\d+\*2\*19\*1/g)).toHaveLength(2);
    const acks = await read277CA(out.x12);
    expect(acks).toEqual(read277CASync(out.x12));
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
            patientControlNumber: 'CLM0003',
            accepted: true,
            categoryCode: 'A1',
            statusCode: '19',
            statusCodes: ['A1:19'],
            chargeCents: 100,
          },
          {
            patientControlNumber: 'CLM0002',
            accepted: false,
            categoryCode: 'A7',
            statusCode: '562',
            statusCodes: ['A7:562:85'],
            chargeCents: 5050,
            message: 'INVALID BILLING NPI',
          },
        ],
      },
    ]);
  });
});
