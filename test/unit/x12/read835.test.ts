import { expect, it } from 'vitest';
import { X12Error } from '../../../shared/x12/errors';
import { checkBalance, iterate835, read835, read835Strict, read835Sync } from '../../../shared/x12/read835';
import type { Remittance } from '../../../shared/x12/types';
import { chunked, describeWithSamples, hasSamples, readSample } from './fixtures';

async function rejection(p: Promise<unknown>): Promise<X12Error> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(X12Error);
    return e as X12Error;
  }
  throw new Error('expected an X12Error');
}

describeWithSamples('read835 on public samples', () => {
  it('reads the pyx12 denied claim with DTM*150/151, CAS CO-16 / OA-A7 and LQ*HE', async () => {
    const [remit, ...rest] = await read835Strict(readSample('835_pyx12_mult_loops.txt'));
    expect(rest).toEqual([]);
    const r = remit as Remittance;
    expect(r).toMatchObject({
      interchangeControlNumber: '000238388',
      transactionSetControlNumber: '0001',
      traceNumber: '000000000',
      payerIdentifier: '1386000134',
      payerName: 'PAYER',
      payeeName: 'UNKNOWN',
      paymentCents: 0,
      paymentMethod: 'NON',
      handlingCode: 'H',
      paymentDate: '2004-10-28',
      providerAdjustments: [],
    });
    expect(r.payeeNpi).toBeUndefined(); // N1*PE uses FI, not XX
    expect(r.claims).toHaveLength(1);
    const c = r.claims[0];
    expect(c).toMatchObject({
      patientControlNumber: '2005555A',
      statusCode: '4',
      chargeCents: 91539,
      paidCents: 0,
      patientResponsibilityCents: 0,
      filingIndicator: 'MC',
      payerClaimControlNumber: '4276512332',
      adjustments: [],
      remarkCodes: [],
    });
    expect(c?.services.map((s) => [s.procedureCode, s.chargeCents, s.paidCents, s.units])).toEqual([
      ['T1005', 50004, 0, 68],
      ['T1005', 12780, 0, 16],
      ['T1005', 28755, 0, 36],
    ]);
    expect(c?.services[0]).toMatchObject({
      procedureQualifier: 'HC',
      modifiers: [],
      dateOfService: '2003-11-29',
      dateOfServiceEnd: '2003-11-29',
      adjustments: [{ group: 'CO', reason: '16', amountCents: 50004 }],
      remarkCodes: ['N14'],
    });
    expect(c?.services[1]?.adjustments).toEqual([{ group: 'OA', reason: 'A7', amountCents: 12780 }]);
    expect(checkBalance(r)).toEqual([]);
  });

  it('reads the eMedNY Medicaid remit: 3 claims, modifiers, CO-29 / CO-251 and LQ*HE', async () => {
    const [r] = await read835Strict(readSample('835_edi835parser_emedny_sample.txt'));
    if (!r) throw new Error('no remittance');
    expect(r.paymentCents).toBe(4575);
    expect(r.paymentMethod).toBe('ACH');
    expect(r.paymentDate).toBe('2010-01-01');
    expect(r.traceNumber).toBe('10100000000');
    expect(r.payeeNpi).toBe('9999999995');
    expect(r.payerName).toBe('NYSDOH');
    expect(
      r.claims.map((c) => [c.statusCode, c.chargeCents, c.paidCents, c.payerClaimControlNumber]),
    ).toEqual([
      ['1', 3425, 3425, '1000210000000030'],
      ['2', 3400, 0, '1000220000000020'],
      ['2', 3425, 1150, '1000230000000020'],
    ]);
    expect(r.claims[0]?.patientControlNumber).toBe('PATIENT ACCOUNT NUMBER');
    expect(r.claims[0]?.frequencyCode).toBeUndefined(); // CLP08 = 11, CLP09 absent
    expect(r.claims[0]?.services[0]).toMatchObject({
      procedureCode: 'V2020',
      modifiers: ['RB'],
      chargeCents: 600,
    });
    expect(r.claims[1]?.services.flatMap((s) => s.adjustments)).toEqual([
      { group: 'CO', reason: '29', amountCents: 1200 },
      { group: 'CO', reason: '29', amountCents: 2200 },
    ]);
    const third = r.claims[2];
    expect(third?.services[1]?.dateOfService).toBe('2013-09-17');
    expect(third?.services[2]).toMatchObject({
      procedureCode: 'V2700',
      paidCents: 0,
      units: 0,
      adjustments: [{ group: 'CO', reason: '251', amountCents: 275 }],
      remarkCodes: ['N206'],
    });
    expect(checkBalance(r)).toEqual([]);
  });

  it("reads the UHC remit with '>' component separator and a multi-triple CAS", async () => {
    const [r] = await read835Strict(readSample('835_edi835parser_united_healthcare_legacy_sample.txt'));
    if (!r) throw new Error('no remittance');
    expect(r.paymentCents).toBe(34999);
    expect(r.payeeNpi).toBe('1922164458');
    expect(r.payerIdentifier).toBe('1234567890');
    expect(
      r.claims.map((c) => [c.patientControlNumber, c.chargeCents, c.paidCents, c.patientResponsibilityCents]),
    ).toEqual([
      ['001-18573-358', 34128, 8892, 10526],
      ['001-18604-358', 81624, 26107, 11513],
    ]);
    expect(r.claims[0]).toMatchObject({
      filingIndicator: '16',
      frequencyCode: '1',
      payerClaimControlNumber: 'ATL2819897200',
    });
    const last = r.claims[1]?.services[2];
    expect(last).toMatchObject({
      procedureQualifier: 'HC',
      procedureCode: 'B4154',
      chargeCents: 32850,
      paidCents: 2905,
      units: 178,
      lineItemControlNumber: '123456789014',
      dateOfService: '2021-01-01',
    });
    expect(last?.adjustments).toEqual([
      { group: 'PR', reason: '2', amountCents: 513 },
      { group: 'PR', reason: '1', amountCents: 11000 },
      { group: 'CO', reason: '45', amountCents: 18432 },
    ]);
    expect(checkBalance(r)).toEqual([]);
  });

  it('streams the same result from byte chunks split anywhere', async () => {
    const text = readSample('835_edi835parser_united_healthcare_legacy_sample.txt');
    const fromChunks: Remittance[] = [];
    for await (const r of iterate835(chunked(text, true))) fromChunks.push(r);
    expect(fromChunks).toEqual(await read835(text));
    expect(read835Sync(text)).toEqual(fromChunks);
  });
});

describeWithSamples('unbalanced and invalid 835s', () => {
  const plb = hasSamples ? readSample('835_databricks_plb_sample.txt') : '';

  it('rejects the databricks PLB sample as unbalanced', async () => {
    const err = await rejection(read835Strict(plb));
    expect(err.code).toBe('UNBALANCED');
    expect(err.message).toContain('BPR02 = 0 cents');
    expect(err.details).toEqual([
      'transaction set 0001: sum(CLP04) - sum(PLB) = 1400 cents but BPR02 = 0 cents',
    ]);
  });

  it('parses it without the balance requirement only in lenient envelope mode, and checkBalance names the rule', async () => {
    expect((await rejection(read835(plb))).code).toBe('CONTROL_NUMBER_MISMATCH');
    const [r] = await read835(plb, { envelope: 'lenient' });
    if (!r) throw new Error('no remittance');
    expect(r.claims.map((c) => c.patientControlNumber)).toEqual(['77777777', '77777778', '77777779']);
    expect(r.claims[2]?.chargeCents).toBe(4123104);
    expect(r.claims[0]?.adjustments).toEqual([
      { group: 'OA', reason: '147', amountCents: 5001600, quantity: 0 },
      { group: 'CO', reason: '26', amountCents: 2221600, quantity: 0 },
    ]);
    expect(r.providerAdjustments).toEqual([
      {
        providerId: '15483NN082',
        fiscalPeriodDate: '2023-12-31',
        reason: '72',
        reference: '0202309NN08956B0X.5520NN142',
        amountCents: -1400,
      },
      {
        providerId: '15483NN082',
        fiscalPeriodDate: '2023-12-31',
        reason: 'WO',
        reference: '0202309NN08956B0X.5520NN142',
        amountCents: 1400,
      },
      {
        providerId: '15483NN082',
        fiscalPeriodDate: '2023-12-31',
        reason: 'B2',
        reference: '0202309NN08956B0X.5520NN142',
        amountCents: -1400,
      },
    ]);
    const issues = checkBalance(r);
    expect(issues).toEqual([
      {
        rule: 'TRANSACTION',
        expectedCents: 1400,
        actualCents: 0,
        message: 'transaction set 0001: sum(CLP04) - sum(PLB) = 1400 cents but BPR02 = 0 cents',
      },
    ]);
  });

  it('names the claim and line for service-line and claim rule violations', async () => {
    const text = readSample('835_edi835parser_emedny_sample.txt').replace('CAS*CO*29*12~', 'CAS*CO*29*11~');
    const [r] = await read835(text);
    if (!r) throw new Error('no remittance');
    const issues = checkBalance(r);
    expect(issues.map((i) => [i.rule, i.claimId, i.serviceIndex])).toEqual([
      ['SERVICE_LINE', 'PATIENT ACCOUNT NUMBER', 0],
      ['CLAIM', 'PATIENT ACCOUNT NUMBER', undefined],
    ]);
    expect(issues[0]?.message).toBe(
      'claim PATIENT ACCOUNT NUMBER service line 1: SVC02 - line CAS = 100 cents but SVC03 = 0 cents',
    );
    expect((await rejection(read835Strict(text))).code).toBe('UNBALANCED');
  });

  it('nothing is handed out from a transaction set whose trailer is wrong', async () => {
    const text = readSample('835_pyx12_mult_loops.txt').replace('SE*31*0001', 'SE*30*0001');
    const seen: Remittance[] = [];
    const err = await rejection(
      (async () => {
        for await (const r of iterate835(text)) seen.push(r);
      })(),
    );
    expect(err.code).toBe('SEGMENT_COUNT_MISMATCH');
    expect(seen).toEqual([]);
  });

  it('rejects an 835 without envelope, a non-835, bad amounts and bad CAS groups', async () => {
    expect((await rejection(read835(readSample('835_edi835parser_blue_cross_nc_sample.txt')))).code).toBe(
      'NO_ISA',
    );
    expect((await rejection(read835(readSample('837P_databricks_837p.txt')))).code).toBe('WRONG_TRANSACTION');
    const mult = readSample('835_pyx12_mult_loops.txt');
    const badAmount = await rejection(
      read835(mult.replace('CLP*2005555A*4*915.39', 'CLP*2005555A*4*9I5.39')),
    );
    expect(badAmount).toMatchObject({ code: 'INVALID_VALUE', segmentId: 'CLP', segmentIndex: 15 });
    expect((await rejection(read835(mult.replace('CAS*CO*16', 'CAS*XX*16')))).code).toBe('INVALID_VALUE');
  });
});
