import { describe, expect, it } from 'vitest';
import type { Claim } from '../../../shared/claims/model';
import { detectTransaction, el, type Segment, tokenizeSync } from '../../../shared/x12/tokenizer';
import { write837P } from '../../../shared/x12/write837p';
import {
  BILLING_NPI,
  makeClaim,
  makeDependentClaim,
  makeEnvelope,
  makeLine,
  OTHER_BILLING_NPI,
  RENDERING_NPI,
} from './fixtures';

function segments(
  claims: Claim[],
  envelope = makeEnvelope(),
): { segs: Segment[]; lines: string[]; x12: string } {
  const { x12 } = write837P({ claims, envelope });
  // the strict tokenizer checks every control number and count of the envelope
  const segs = [...tokenizeSync(x12)];
  return { segs, lines: x12.split('~').filter((s) => s !== ''), x12 };
}

function find(segs: Segment[], id: string, q?: string): Segment[] {
  return segs.filter((s) => s.id === id && (q === undefined || el(s, 1) === q));
}

describe('write837P envelope', () => {
  it('writes ISA/GS/ST/BHT/1000A/1000B with padded ids and control numbers', () => {
    const result = write837P({ claims: [makeClaim()], envelope: makeEnvelope() });
    expect(result.interchangeControlNumber).toBe('000000042');
    expect(result.groupControlNumber).toBe('7');
    expect(result.transactionSetControlNumber).toBe('0001');
    expect(result.claimIds).toEqual(['CLM0001']);
    const lines = result.x12.split('~');
    expect(lines.slice(0, 7)).toEqual([
      'ISA*00*          *00*          *ZZ*CLAIMFLOWTEST  *ZZ*TESTCLEARING   *260201*1345*^*00501*000000042*0*T*:',
      'GS*HC*CLAIMFLOWTEST*TESTCLEARING*20260201*1345*7*X*005010X222A1',
      'ST*837*0001*005010X222A1',
      'BHT*0019*00*000000042*20260201*1345*CH',
      'NM1*41*2*CLAIMFLOW TEST SUBMITTER*****46*SUBMIT01',
      'PER*IC*TEST CONTACT*EM*edi@example.com',
      'NM1*40*2*TEST CLEARINGHOUSE*****46*RECV01',
    ]);
    expect((lines[0] as string).length).toBe(105);
    expect(lines.slice(-4)).toEqual(['SE*24*0001', 'GE*1*7', 'IEA*1*000000042', '']);
    expect(detectTransaction(result.x12)).toMatchObject({
      transactionSetId: '837',
      version: '005010X222A1',
      usage: 'T',
    });
  });

  it('honours usage P and large control numbers', () => {
    const r = write837P({
      claims: [makeClaim()],
      envelope: makeEnvelope({
        usage: 'P',
        interchangeControlNumber: 999999999,
        transactionSetControlNumber: 123456,
      }),
    });
    expect(r.x12).toContain('*00501*999999999*0*P*:~');
    expect(r.transactionSetControlNumber).toBe('123456');
    expect(() =>
      write837P({ claims: [makeClaim()], envelope: makeEnvelope({ interchangeControlNumber: 0 }) }),
    ).toThrow(/INVALID_INPUT/);
  });
});

describe('write837P claim loops', () => {
  it('patient = subscriber: one 2000B with SBR*P*18, DMG, no 2000C', () => {
    const { lines } = segments([makeClaim()]);
    const from = lines.indexOf('HL*1**20*1');
    expect(lines.slice(from, from + 20)).toEqual([
      'HL*1**20*1',
      `NM1*85*2*TEST BILLING CLINIC*****XX*${BILLING_NPI}`,
      'N3*100 TEST AVENUE',
      'N4*TESTTOWN*NY*123451234',
      'REF*EI*999999999',
      'HL*2*1*22*0',
      'SBR*P*18*GRP001******CI',
      'NM1*IL*1*TESTPATIENT*ALPHA****MI*MEMBER0001',
      'N3*1 TEST STREET',
      'N4*TESTVILLE*NY*12345',
      'DMG*D8*19800203*F',
      'NM1*PR*2*TEST PAYER*****PI*TESTPAYER1',
      'CLM*CLM0001*125***11:B:1*Y*A*Y*Y',
      'HI*ABK:E119',
      'LX*1',
      'SV1*HC:99213*125*UN*1***1',
      'DTP*472*D8*20260115',
      'REF*6R*L1',
      'SE*24*0001',
      'GE*1*7',
    ]);
  });

  it('patient != subscriber: HL04=1, SBR02 empty, 2000C with PAT, NM1*QC and DMG', () => {
    const { lines } = segments([makeDependentClaim()]);
    const from = lines.indexOf('HL*2*1*22*1');
    expect(from).toBeGreaterThan(0);
    expect(lines.slice(from, from + 14)).toEqual([
      'HL*2*1*22*1',
      'SBR*P**GRP002******CI',
      'NM1*IL*1*TESTSUBSCRIBER*PARENT*Q***MI*MEMBER0002',
      'N3*2 TEST ROAD*APT 3',
      'N4*TESTVILLE*NY*123459876',
      'DMG*D8*19790405*F',
      'NM1*PR*2*TEST PAYER*****PI*TESTPAYER1',
      'HL*3*2*23*0',
      'PAT*19',
      'NM1*QC*1*TESTPATIENT*JUNIOR',
      'N3*1 TEST STREET',
      'N4*TESTVILLE*NY*12345',
      'DMG*D8*20150607*M',
      'CLM*CLM0001*125***11:B:1*Y*A*Y*Y',
    ]);
  });

  it('replacement claim: frequency 7 with REF*F8 before HI', () => {
    const { lines } = segments([makeClaim({ frequencyCode: '7', originalPayerClaimNumber: 'PAYER12345' })]);
    const clm = lines.findIndex((l) => l.startsWith('CLM*'));
    expect(lines.slice(clm, clm + 3)).toEqual([
      'CLM*CLM0001*125***11:B:7*Y*A*Y*Y',
      'REF*F8*PAYER12345',
      'HI*ABK:E119',
    ]);
    expect(() =>
      write837P({ claims: [makeClaim({ frequencyCode: '8' })], envelope: makeEnvelope() }),
    ).toThrow(/frequency 8 needs originalPayerClaimNumber/);
  });

  it('several claims and billing providers: sequential HLs with correct parents', () => {
    const other = makeClaim().billingProvider;
    const claims = [
      makeClaim({ claimId: 'A1' }),
      makeClaim({
        claimId: 'B1',
        billingProvider: { ...other, npi: OTHER_BILLING_NPI, name: 'Other*Clinic~:^' },
      }),
      makeDependentClaim({ claimId: 'A2' }),
    ];
    const { segs, x12 } = segments(claims);
    const hls = find(segs, 'HL').map((s) => s.elements.slice(1));
    expect(hls).toEqual([
      ['1', '', '20', '1'],
      ['2', '1', '22', '0'],
      ['3', '1', '22', '1'],
      ['4', '3', '23', '0'],
      ['5', '', '20', '1'],
      ['6', '5', '22', '0'],
    ]);
    expect(find(segs, 'CLM').map((s) => el(s, 1))).toEqual(['A1', 'A2', 'B1']);
    expect(write837P({ claims, envelope: makeEnvelope() }).claimIds).toEqual(['A1', 'A2', 'B1']);
    expect(x12).toContain(`NM1*85*2*OTHER CLINIC*****XX*${OTHER_BILLING_NPI}~`);
  });

  it('writes 2310B only when the rendering NPI differs from the billing NPI', () => {
    const differs = segments([
      makeClaim({ renderingProvider: { npi: RENDERING_NPI, lastName: 'Testdoctor', firstName: 'Ren' } }),
    ]);
    expect(differs.lines).toContain(`NM1*82*1*TESTDOCTOR*REN****XX*${RENDERING_NPI}`);
    const hi = differs.lines.findIndex((l) => l.startsWith('HI*'));
    expect(differs.lines[hi + 1]).toMatch(/^NM1\*82\*/);
    const same = segments([
      makeClaim({ renderingProvider: { npi: BILLING_NPI, lastName: 'Same', firstName: 'Npi' } }),
    ]);
    expect(find(same.segs, 'NM1', '82')).toEqual([]);
  });

  it('12 diagnoses (ABK then ABF), 4 modifiers, pointer lists, line POS and decimal units', () => {
    const dx = [
      'E119',
      'I10',
      'J069',
      'M545',
      'R51',
      'Z0000',
      'E785',
      'K219',
      'F419',
      'N390',
      'R05',
      'G47.00',
    ];
    const claim = makeClaim({
      diagnoses: dx,
      lines: [
        makeLine({
          modifiers: ['25', '59', 'GT', 'RT'],
          diagnosisPointers: [1, 2, 3, 4],
          units: 1.5,
          chargeCents: 12345,
        }),
        makeLine({ lineId: 'L2', procedureCode: '36415', diagnosisPointers: [12], placeOfService: '22' }),
        makeLine({ lineId: 'L3', procedureCode: '36415', diagnosisPointers: [2], placeOfService: '11' }),
      ],
    });
    const { lines } = segments([claim]);
    expect(lines).toContain(
      'HI*ABK:E119*ABF:I10*ABF:J069*ABF:M545*ABF:R51*ABF:Z0000*ABF:E785*ABF:K219*ABF:F419*ABF:N390*ABF:R05*ABF:G4700',
    );
    expect(lines).toContain('CLM*CLM0001*373.45***11:B:1*Y*A*Y*Y');
    expect(lines.filter((l) => /^(LX|SV1)/.test(l))).toEqual([
      'LX*1',
      'SV1*HC:99213:25:59:GT:RT*123.45*UN*1.5***1:2:3:4',
      'LX*2',
      'SV1*HC:36415*125*UN*1*22**12',
      'LX*3',
      'SV1*HC:36415*125*UN*1***2',
    ]);
  });

  it('strips delimiters from free text and uppercases names', () => {
    const claim = makeDependentClaim();
    claim.patient = { ...claim.patient, lastName: "o'test*pa~tient:", firstName: 'Zoë^' };
    claim.subscriber = {
      ...claim.subscriber,
      address: { ...claim.subscriber.address, line1: '1*2~3 Main St.' },
    };
    const { lines } = segments([claim]);
    expect(lines).toContain("NM1*QC*1*O'TEST PA TIENT*ZOE");
    expect(lines).toContain('N3*1 2 3 MAIN ST.*APT 3');
  });

  it('refuses claims it cannot write validly, naming the claim id only', () => {
    const bad: [Partial<Claim>, RegExp][] = [
      [{ diagnoses: [] }, /1\.\.12 diagnosis/],
      [{ diagnoses: Array.from({ length: 13 }, () => 'E119') }, /1\.\.12 diagnosis/],
      [{ lines: [makeLine({ modifiers: ['1', '2', '3', '4', '5'] })] }, /at most 4 modifiers/],
      [{ lines: [makeLine({ diagnosisPointers: [2] })] }, /pointer out of range/],
      [{ lines: [makeLine({ diagnosisPointers: [1, 1, 1, 1, 1] })] }, /1\.\.4 diagnosis pointers/],
      [{ claimId: 'TOO-LONG-CLAIM-ID-1' }, /claimId must be/],
      [{ subscriber: { ...makeClaim().subscriber, memberId: ' ' } }, /member id is empty/],
      [{ subscriber: { ...makeClaim().subscriber, lastName: '**' } }, /subscriber last name is empty/],
      [
        {
          billingProvider: {
            ...makeClaim().billingProvider,
            address: { ...makeClaim().billingProvider.address, zip: '12345' },
          },
        },
        /ZIP must be 9 digits/,
      ],
    ];
    for (const [overrides, message] of bad) {
      expect(() => write837P({ claims: [makeClaim(overrides)], envelope: makeEnvelope() })).toThrow(message);
    }
    const wrongTotal = { ...makeClaim(), totalChargeCents: 1 };
    expect(() => write837P({ claims: [wrongTotal], envelope: makeEnvelope() })).toThrow(/not the sum/);
    const otherPayer = makeClaim({ claimId: 'X2', payer: { payerId: 'OTHER', name: 'OTHER' } });
    expect(() => write837P({ claims: [makeClaim(), otherPayer], envelope: makeEnvelope() })).toThrow(
      /one payer/,
    );
    expect(() => write837P({ claims: [makeClaim(), makeClaim()], envelope: makeEnvelope() })).toThrow(
      /duplicate/,
    );
    expect(() => write837P({ claims: [], envelope: makeEnvelope() })).toThrow(/at least one claim/);
    try {
      write837P({ claims: [makeClaim({ diagnoses: [] })], envelope: makeEnvelope() });
    } catch (e) {
      expect((e as Error).message).not.toMatch(/TESTPATIENT|MEMBER0001|1980/);
    }
  });

  it('writes a 1000-claim batch whose envelope counts check out', () => {
    const claims = Array.from({ length: 1000 }, (_, k) =>
      k % 3 === 0 ? makeDependentClaim({ claimId: `C${k}` }) : makeClaim({ claimId: `C${k}` }),
    );
    const { segs } = segments(claims);
    expect(find(segs, 'CLM')).toHaveLength(1000);
    expect(find(segs, 'HL').at(-1)?.elements[1]).toBe(String(1 + 1000 + 334));
  });
});

describe('write837P never writes an invalid or altered element', () => {
  const write = (claim: Claim, envelope = makeEnvelope()) => write837P({ claims: [claim], envelope });
  const refusal = (claim: Claim, envelope = makeEnvelope()): string => {
    try {
      write(claim, envelope);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('write837P wrote the claim');
  };
  const base = makeClaim();
  const dependent = makeDependentClaim();

  // [what, claim, element/field named in the error, the value that must not appear in it]
  const refused: [string, Claim, RegExp, string][] = [
    [
      'billing name empty once cleaned',
      makeClaim({ billingProvider: { ...base.billingProvider, name: '*~:^' } }),
      /billing_name: .*empty.*2010AA NM103/,
      '*~:^',
    ],
    [
      'payer name of non-ASCII only',
      makeClaim({ payer: { ...base.payer, name: '保险' } }),
      /payer_name: .*2010BB NM103/,
      '保险',
    ],
    [
      'subscriber city empty once cleaned',
      makeClaim({ subscriber: { ...base.subscriber, address: { ...base.subscriber.address, city: '||' } } }),
      /subscriber_city: .*2010BA N401/,
      '||',
    ],
    [
      'patient address line empty once cleaned',
      makeDependentClaim({
        patient: { ...dependent.patient, address: { ...dependent.patient.address, line1: '>' } },
      }),
      /patient_address1: .*2010CA N301/,
      '>',
    ],
    [
      'subscriber name that would be cut',
      makeClaim({ subscriber: { ...base.subscriber, lastName: `LONGNAME${'X'.repeat(60)}` } }),
      /subscriber_last_name: .*longer than 60.*2010BA NM103/,
      'LONGNAME',
    ],
    [
      'state spelled out (was cut to NE)',
      makeClaim({
        subscriber: { ...base.subscriber, address: { ...base.subscriber.address, state: 'New York' } },
      }),
      /subscriber_state: .*USPS.*2010BA N402/,
      'New York',
    ],
    [
      'state not on the USPS list',
      makeClaim({
        billingProvider: {
          ...base.billingProvider,
          address: { ...base.billingProvider.address, state: 'QQ' },
        },
      }),
      /billing_state: .*2010AA N402/,
      'QQ',
    ],
    [
      'rendering NPI without a name',
      makeClaim({ renderingProvider: { npi: RENDERING_NPI, lastName: ' ', firstName: 'REN' } }),
      /rendering_last_name: rendering provider has an NPI but no last name \(2310B NM103\)/,
      'REN',
    ],
    [
      'member id with a delimiter (was silently shortened)',
      makeClaim({ subscriber: { ...base.subscriber, memberId: 'MBR*0001' } }),
      /member_id: .*cleaning would alter it \(2010BA NM109\)/,
      'MBR*0001',
    ],
    [
      'member id with a space',
      makeClaim({ subscriber: { ...base.subscriber, memberId: 'MBR 0001' } }),
      /member_id: .*2010BA NM109/,
      'MBR 0001',
    ],
    [
      'line item control number with a delimiter',
      makeClaim({ lines: [makeLine({ lineId: 'LINE:1' })] }),
      /line_id: line 1: .*2400 REF02 6R/,
      'LINE:1',
    ],
    [
      'empty line item control number (REF*6R was dropped)',
      makeClaim({ lines: [makeLine(), makeLine({ lineId: '' })] }),
      /line_id: line 2: line item control number is missing/,
      'L1',
    ],
    [
      'payer claim control number with a delimiter',
      makeClaim({ frequencyCode: '7', originalPayerClaimNumber: 'ICN~9' }),
      /original_payer_claim_number: .*2300 REF02 \(F8\)/,
      'ICN~9',
    ],
    [
      'group number with a space',
      makeClaim({ subscriber: { ...base.subscriber, groupNumber: 'GRP 77' } }),
      /group_number: .*2000B SBR03/,
      'GRP 77',
    ],
    [
      'payer id with a delimiter',
      makeClaim({ payer: { payerId: 'PAY^ER', name: 'TEST PAYER' } }),
      /payer_id: .*2010BB NM109/,
      'PAY^ER',
    ],
    [
      'lowercase modifier (was uppercased)',
      makeClaim({ lines: [makeLine({ modifiers: ['gt'] })] }),
      /line 1: 2400 SV101-3\.\.6 modifiers/,
      'gt',
    ],
    [
      'procedure code with a delimiter',
      makeClaim({ lines: [makeLine({ procedureCode: '992:3' })] }),
      /line 1: 2400 SV101-2 procedure code/,
      '992:3',
    ],
    ['diagnosis with a delimiter', makeClaim({ diagnoses: ['E11*9'] }), /2300 HI diagnosis 1/, 'E11*9'],
    [
      'a first name that cleaning would drop',
      makeClaim({ subscriber: { ...base.subscriber, firstName: '~~~' } }),
      /subscriber_first_name: .*empty.*2010BA NM104/,
      '~~~',
    ],
    [
      'units with more than 3 decimals (were rounded)',
      makeClaim({ lines: [makeLine({ units: 1.0005 })] }),
      /units: line 1: units have more than 3 decimals \(2400 SV104\)/,
      '1.0005',
    ],
    [
      'date of birth that is not a date',
      makeClaim({ subscriber: { ...base.subscriber, dob: '1980-02-30' } }),
      /2010BA DMG02/,
      '1980-02-30',
    ],
  ];

  it.each(refused)(
    'refuses %s, naming the claim id and the element, never the value',
    (_, claim, named, value) => {
      const message = refusal(claim);
      expect(message).toMatch(/^INVALID_INPUT: claim CLM0001: /);
      expect(message).toMatch(named);
      expect(message).not.toContain(value);
    },
  );

  it('refuses an envelope it would have to alter', () => {
    const env = makeEnvelope();
    expect(() => write(makeClaim(), makeEnvelope({ submitter: { ...env.submitter, name: '***' } }))).toThrow(
      /envelope 1000A NM103 submitter name is empty/,
    );
    expect(() => write(makeClaim(), makeEnvelope({ receiver: { ...env.receiver, id: 'RECV 01' } }))).toThrow(
      /envelope 1000B NM109 receiver id cannot be written unaltered/,
    );
    expect(() => write(makeClaim(), makeEnvelope({ claimFilingIndicator: 'C~' }))).toThrow(/SBR09/);
  });

  it('writes identifiers exactly as given, lowercase and punctuation included', () => {
    const claim = makeDependentClaim({
      frequencyCode: '7',
      originalPayerClaimNumber: 'icn-2026/0001',
      subscriber: { ...dependent.subscriber, memberId: 'mbr-0001.a', groupNumber: 'grp#7' },
      lines: [makeLine({ lineId: 'enc12-l1' }), makeLine({ lineId: 'enc12-L1' })],
      diagnoses: ['E11.9'],
    });
    const { lines } = segments([claim]);
    expect(lines).toContain('SBR*P**grp#7******CI');
    expect(lines).toContain('NM1*IL*1*TESTSUBSCRIBER*PARENT*Q***MI*mbr-0001.a');
    expect(lines).toContain('REF*F8*icn-2026/0001');
    expect(lines).toContain('HI*ABK:E119');
    expect(lines.filter((l) => l.startsWith('REF*6R'))).toEqual(['REF*6R*enc12-l1', 'REF*6R*enc12-L1']);
    const states = [
      ...tokenizeSync(
        write(
          makeClaim({
            subscriber: { ...base.subscriber, address: { ...base.subscriber.address, state: 'AE' } },
          }),
        ).x12,
      ),
    ]
      .filter((s) => s.id === 'N4')
      .map((s) => el(s, 2));
    expect(states).toEqual(['NY', 'AE']);
  });

  it('keys billing provider loops by NPI, name, tax id and address, not NPI alone', () => {
    const bp = base.billingProvider;
    const claims = [
      makeClaim({ claimId: 'A1' }),
      makeClaim({ claimId: 'T1', billingProvider: { ...bp, taxId: '888888888' } }),
      makeClaim({
        claimId: 'D1',
        billingProvider: { ...bp, address: { ...bp.address, line1: '200 OTHER AVENUE' } },
      }),
      makeClaim({ claimId: 'A2' }),
      makeClaim({ claimId: 'Z1', billingProvider: { ...bp, address: { ...bp.address, zip: '123459999' } } }),
    ];
    const { segs } = segments(claims);
    const loops: { taxId: string; street: string; zip: string; claims: string[] }[] = [];
    for (const s of segs) {
      if (s.id === 'HL' && el(s, 3) === '20') loops.push({ taxId: '', street: '', zip: '', claims: [] });
      const loop = loops.at(-1);
      if (!loop) continue;
      if (s.id === 'N3' && loop.street === '') loop.street = el(s, 1);
      if (s.id === 'N4' && loop.zip === '') loop.zip = el(s, 3);
      if (s.id === 'REF' && el(s, 1) === 'EI') loop.taxId = el(s, 2);
      if (s.id === 'CLM') loop.claims.push(el(s, 1));
    }
    expect(loops).toEqual([
      { taxId: '999999999', street: '100 TEST AVENUE', zip: '123451234', claims: ['A1', 'A2'] },
      { taxId: '888888888', street: '100 TEST AVENUE', zip: '123451234', claims: ['T1'] },
      { taxId: '999999999', street: '200 OTHER AVENUE', zip: '123451234', claims: ['D1'] },
      { taxId: '999999999', street: '100 TEST AVENUE', zip: '123459999', claims: ['Z1'] },
    ]);
    expect(find(segs, 'NM1', '85').map((s) => el(s, 9))).toEqual(Array(4).fill(BILLING_NPI));
  });
});
