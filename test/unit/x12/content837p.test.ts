/**
 * The optional 837P content of issue 7: what the writer puts where (005010X222A1 order, checked
 * against pyx12 when this was written, see docs/charge-file-format.md), and that the scrubber and the
 * writer refuse alike what could not be carried: every claim the scrubber passes is one the writer
 * writes.
 */
import { describe, expect, it } from 'vitest';
import { read837 } from '../../../local/simulator/read837';
import type { Claim } from '../../../shared/claims/model';
import { contentFindings, scrubClaim } from '../../../shared/scrub';
import { check837PClaim } from '../../../shared/x12/check837p';
import { tokenizeSync } from '../../../shared/x12/tokenizer';
import { toNdc11 } from '../../../shared/x12/values';
import { write837P } from '../../../shared/x12/write837p';
import {
  BILLING_NPI,
  FACILITY_NPI,
  makeClaim,
  makeEnvelope,
  makeFullContentClaim,
  makeLine,
  REFERRING_NPI,
  RENDERING_NPI,
  SUPERVISING_NPI,
} from './fixtures';

const ctx = { today: '2026-02-01', timelyFilingDays: 365 };

function lines(claims: Claim[], envelope = makeEnvelope()): string[] {
  const { x12 } = write837P({ claims, envelope });
  [...tokenizeSync(x12)]; // the strict tokenizer checks the envelope's counts and control numbers
  return x12.split('~').filter((s) => s !== '');
}

/** The segments of one claim, from its CLM to the next HL (or SE). */
function claimSegments(all: string[], claimId: string): string[] {
  const start = all.findIndex((s) => s.startsWith(`CLM*${claimId}*`));
  expect(start).toBeGreaterThan(0);
  const end = all.findIndex((s, i) => i > start && (s.startsWith('HL*') || s.startsWith('SE*')));
  return all.slice(start, end);
}

describe('837P full content', () => {
  it('writes every new field in its loop, in TR3 order', () => {
    expect(scrubClaim(makeFullContentClaim(), ctx)).toEqual([]);
    const all = lines([makeFullContentClaim()]);
    expect(all).toContain('SBR*P**GRP002******MB');
    expect(claimSegments(all, 'CLMFULL1')).toEqual([
      'CLM*CLMFULL1*150***11:B:1*N*C*W*I**AA:OA::NY',
      'DTP*431*D8*20260102',
      'DTP*439*D8*20260103',
      'PWK*09*FX***AC*ATT0001',
      'PWK*OZ*AA',
      'REF*9F*REF9876',
      'REF*G1*AUTH-12345',
      'HI*ABK:E119',
      `NM1*DN*1*TESTREFER*ROY****XX*${REFERRING_NPI}`,
      `NM1*82*1*TESTRENDER*RITA****XX*${RENDERING_NPI}`,
      'PRV*PE*PXC*207Q00000X',
      `NM1*77*2*TEST SURGERY CENTER*****XX*${FACILITY_NPI}`,
      'N3*9 FACILITY DRIVE*SUITE 4',
      'N4*TESTBURG*NJ*076011234',
      `NM1*DQ*1*TESTSUPER*****XX*${SUPERVISING_NPI}`,
      'LX*1',
      'SV1*HC:99213*125*UN*1***1',
      'DTP*472*D8*20260115',
      'REF*6R*L1',
      'LX*2',
      'SV1*HC:J1100*25*UN*2***1',
      'DTP*472*D8*20260115',
      'REF*6R*L2',
      'LIN**N4*00009004701',
      'CTP****1.5*ML',
      'REF*XZ*RX123',
    ]);
  });

  it('keeps the defaults when the data says nothing: CLM06-09 Y A Y Y, SBR09 CI or the envelope default', () => {
    const plain = makeClaim();
    expect(claimSegments(lines([plain]), plain.claimId)[0]).toBe('CLM*CLM0001*125***11:B:1*Y*A*Y*Y');
    expect(lines([plain])).toContain('SBR*P*18*GRP001******CI');
    expect(lines([plain], makeEnvelope({ claimFilingIndicator: 'BL' }))).toContain('SBR*P*18*GRP001******BL');
    // the payer's own indicator (from the payer registry) wins over the envelope default
    const medicare = makeClaim({ payer: { ...plain.payer, claimFilingIndicator: 'MB' } });
    expect(lines([medicare], makeEnvelope({ claimFilingIndicator: 'BL' }))).toContain(
      'SBR*P*18*GRP001******MB',
    );
  });

  it('writes the optional parts of a part only when given', () => {
    const full = makeFullContentClaim();
    const slim = makeFullContentClaim({
      accident: { causes: ['EM'], date: '2026-01-03' },
      attachments: [{ reportType: 'OZ', transmission: 'AA' }],
      referringProvider: { npi: REFERRING_NPI, lastName: 'TESTREFER' },
      serviceFacility: { ...(full.serviceFacility as NonNullable<Claim['serviceFacility']>), npi: undefined },
      lines: [makeLine({ drug: { ndc: '00009004701', unit: 'UN', quantity: 2 } })],
    });
    const segs = claimSegments(lines([slim]), slim.claimId);
    expect(segs[0]).toBe('CLM*CLMFULL1*125***11:B:1*N*C*W*I**EM');
    expect(segs).toContain('PWK*OZ*AA');
    expect(segs).toContain(`NM1*DN*1*TESTREFER*****XX*${REFERRING_NPI}`);
    expect(segs).toContain('NM1*77*2*TEST SURGERY CENTER');
    expect(segs.slice(-2)).toEqual(['LIN**N4*00009004701', 'CTP****2*UN']);
  });

  it('the simulator still reads the claim and its lines (the new segments do not disturb it)', () => {
    const { x12 } = write837P({ claims: [makeClaim(), makeFullContentClaim()], envelope: makeEnvelope() });
    const claims = read837(x12).claims;
    expect(claims.map((c) => [c.claimId, c.chargeCents, c.lines.map((l) => l.lineId)])).toEqual([
      ['CLM0001', 12500, ['L1']],
      ['CLMFULL1', 15000, ['L1', 'L2']],
    ]);
    expect(claims[1]?.billingNpi).toBe(BILLING_NPI);
    expect(claims[1]?.lines[1]).toMatchObject({
      procedureCode: 'J1100',
      units: 2,
      dateOfService: '2026-01-15',
    });
  });

  it('converts printed 10-digit NDCs to the 11-digit 5-4-2 form and refuses other shapes', () => {
    expect(toNdc11('0009-0047-01')).toBe('00009004701');
    expect(toNdc11('12345-678-90')).toBe('12345067890');
    expect(toNdc11('12345-6789-1')).toBe('12345678901');
    expect(toNdc11('12345-6789-01')).toBe('12345678901');
    expect(toNdc11('00009004701')).toBe('00009004701');
    for (const bad of ['0009004701', '1234-567-89', '123456-789-0', '12345-6789-012', 'ABCDE-1234-56'])
      expect(toNdc11(bad), bad).toBeUndefined();
  });
});

describe('837P content: the scrubber and the writer refuse alike', () => {
  type Mutate = (c: Claim) => void;
  const first = (c: Claim) => c.lines[1] as Claim['lines'][number];
  const drug = (c: Claim) => first(c).drug as NonNullable<Claim['lines'][number]['drug']>;
  const acc = (c: Claim) => c.accident as NonNullable<Claim['accident']>;
  const fac = (c: Claim) => c.serviceFacility as NonNullable<Claim['serviceFacility']>;
  const att = (c: Claim) =>
    (c.attachments as NonNullable<Claim['attachments']>)[0] as { controlNumber?: string };

  // [rule, column named, break it, the nearest claim that passes]
  const cases: [string, string, Mutate, Mutate][] = [
    [
      'CODE_VALUE',
      'claim_filing_indicator',
      (c) => (c.payer.claimFilingIndicator = 'XX'),
      (c) => (c.payer.claimFilingIndicator = 'ZZ'),
    ],
    [
      'CODE_VALUE',
      'assignment',
      (c) => ((c.indicators as { assignment: string }).assignment = 'D'),
      (c) => ((c.indicators as { assignment: string }).assignment = 'B'),
    ],
    [
      'CODE_VALUE',
      'release_of_information',
      (c) => ((c.indicators as { releaseOfInformation: string }).releaseOfInformation = 'N'),
      (c) => ((c.indicators as { releaseOfInformation: string }).releaseOfInformation = 'Y'),
    ],
    [
      'ACCIDENT_CAUSES',
      'accident_causes',
      (c) => (acc(c).causes = ['AA', 'AA']),
      (c) => (acc(c).causes = ['AA', 'EM']),
    ],
    [
      'ACCIDENT_CAUSES',
      'accident_causes',
      (c) => (acc(c).causes = ['AA', 'EM', 'OA']),
      (c) => (acc(c).causes = ['AA']),
    ],
    ['ACCIDENT_CAUSES', 'accident_causes', (c) => (acc(c).causes = []), (c) => (acc(c).causes = ['AA'])],
    [
      'ACCIDENT_STATE_REQUIRED',
      'accident_state',
      (c) => (c.accident = { causes: ['AA'], date: '2026-01-03' }),
      (c) => (c.accident = { causes: ['OA'], date: '2026-01-03' }),
    ],
    ['STATE_CODE', 'accident_state', (c) => (acc(c).state = 'XY'), (c) => (acc(c).state = 'PR')],
    [
      'ACCIDENT_STATE_WITHOUT_AUTO',
      'accident_state',
      (c) => (acc(c).causes = ['EM', 'OA']),
      (c) => (acc(c).causes = ['EM', 'AA']),
    ],
    [
      'DATE_FORMAT',
      'accident_date',
      (c) => (acc(c).date = '2026-02-30'),
      (c) => (acc(c).date = '2026-01-15'),
    ],
    ['DATE_ORDER', 'accident_date', (c) => (acc(c).date = '2026-01-16'), (c) => (acc(c).date = '2026-01-15')],
    ['DATE_ORDER', 'onset_date', (c) => (c.onsetDate = '2026-01-16'), (c) => (c.onsetDate = '2026-01-15')],
    ['DATE_ORDER', 'onset_date', (c) => (c.onsetDate = '2015-06-06'), (c) => (c.onsetDate = '2015-06-07')],
    ['DATE_FORMAT', 'onset_date', (c) => (c.onsetDate = '20260102'), (c) => (c.onsetDate = '2026-01-02')],
    [
      'ATTACHMENT_CONTROL_NUMBER',
      'attachment_control_number',
      (c) => (att(c).controlNumber = undefined),
      (c) => (att(c).controlNumber = 'A1'),
    ],
    [
      'ID_CHARACTERS',
      'attachment_control_number',
      (c) => (att(c).controlNumber = 'A'),
      (c) => (att(c).controlNumber = 'a~b'.replace('~', '-')),
    ],
    [
      'CODE_VALUE',
      'attachment_report_type',
      (c) => ((c.attachments?.[0] as { reportType: string }).reportType = '99'),
      (c) => ((c.attachments?.[0] as { reportType: string }).reportType = 'XP'),
    ],
    [
      'ATTACHMENT_COUNT',
      'attachment_report_type',
      (c) => (c.attachments = Array.from({ length: 11 }, () => ({ reportType: 'OZ', transmission: 'AA' }))),
      (c) => (c.attachments = Array.from({ length: 10 }, () => ({ reportType: 'OZ', transmission: 'AA' }))),
    ],
    [
      'ID_CHARACTERS',
      'prior_authorization',
      (c) => (c.priorAuthorization = 'AUTH 1'),
      (c) => (c.priorAuthorization = 'A'.repeat(50)),
    ],
    [
      'ID_CHARACTERS',
      'referral_number',
      (c) => (c.referralNumber = 'R'.repeat(51)),
      (c) => (c.referralNumber = 'r-1'),
    ],
    [
      'NPI_FORMAT',
      'referring_npi',
      (c) => (c.referringProvider = { npi: '12345', lastName: 'X' }),
      (c) => (c.referringProvider = { npi: REFERRING_NPI, lastName: 'X' }),
    ],
    [
      'NPI_CHECK_DIGIT',
      'referring_npi',
      (c) => (c.referringProvider = { npi: '1245319590', lastName: 'X' }),
      (c) => (c.referringProvider = { npi: REFERRING_NPI, lastName: 'X' }),
    ],
    [
      'TEXT_EMPTY',
      'referring_last_name',
      (c) => (c.referringProvider = { npi: REFERRING_NPI, lastName: '^^' }),
      (c) => (c.referringProvider = { npi: REFERRING_NPI, lastName: "O'NEIL-SMITH" }),
    ],
    [
      'NPI_CHECK_DIGIT',
      'supervising_npi',
      (c) => (c.supervisingProvider = { npi: '1003000125', lastName: 'X' }),
      (c) => (c.supervisingProvider = { npi: SUPERVISING_NPI, lastName: 'X' }),
    ],
    [
      'TEXT_TOO_LONG',
      'supervising_first_name',
      (c) => (c.supervisingProvider = { npi: SUPERVISING_NPI, lastName: 'X', firstName: 'F'.repeat(36) }),
      (c) => (c.supervisingProvider = { npi: SUPERVISING_NPI, lastName: 'X', firstName: 'F'.repeat(35) }),
    ],
    ['NPI_CHECK_DIGIT', 'facility_npi', (c) => (fac(c).npi = '1111111111'), (c) => (fac(c).npi = undefined)],
    [
      'FACILITY_ZIP',
      'facility_zip',
      (c) => (fac(c).address.zip = '07601'),
      (c) => (fac(c).address.zip = '076010000'),
    ],
    [
      'STATE_CODE',
      'facility_state',
      (c) => (fac(c).address.state = 'NJX'),
      (c) => (fac(c).address.state = 'GU'),
    ],
    [
      'TEXT_TOO_SHORT',
      'facility_city',
      (c) => (fac(c).address.city = 'B'),
      (c) => (fac(c).address.city = 'BX'),
    ],
    [
      'FACILITY_IS_BILLING_ADDRESS',
      'facility_address1',
      (c) => (fac(c).address = { ...c.billingProvider.address, city: ' testtown ' }),
      (c) => (fac(c).address = { ...c.billingProvider.address, line2: 'SUITE 2' }),
    ],
    ['TEXT_EMPTY', 'facility_name', (c) => (fac(c).name = '~~'), (c) => (fac(c).name = 'N')],
    [
      'CODE_VALUE',
      'rendering_taxonomy',
      (c) => ((c.renderingProvider as { taxonomy?: string }).taxonomy = '207Q00000'),
      (c) => ((c.renderingProvider as { taxonomy?: string }).taxonomy = '363LF0000X'),
    ],
    [
      'TAXONOMY_WITHOUT_2310B',
      'rendering_taxonomy',
      (c) => ((c.renderingProvider as { npi: string }).npi = BILLING_NPI),
      (c) => ((c.renderingProvider as { taxonomy?: string }).taxonomy = undefined),
    ],
    ['CODE_VALUE', 'ndc', (c) => (drug(c).ndc = '0009004701'), (c) => (drug(c).ndc = '99999999999')],
    [
      'CODE_VALUE',
      'ndc_unit',
      (c) => ((drug(c) as { unit: string }).unit = 'MG'),
      (c) => ((drug(c) as { unit: string }).unit = 'GR'),
    ],
    ['NDC_QUANTITY', 'ndc_quantity', (c) => (drug(c).quantity = 0), (c) => (drug(c).quantity = 0.001)],
    [
      'NDC_QUANTITY',
      'ndc_quantity',
      (c) => (drug(c).quantity = 1.0005),
      (c) => (drug(c).quantity = 999_999_999.999),
    ],
    [
      'ID_CHARACTERS',
      'ndc_prescription_number',
      (c) => (drug(c).prescriptionNumber = 'RX:1'),
      (c) => (drug(c).prescriptionNumber = 'RX#1'),
    ],
  ];

  const fresh = () => structuredClone(makeFullContentClaim());

  it.each(cases)(
    '%s (%s): refused by the scrubber and by the writer, the edge passes both',
    (rule, field, breakIt, stretch) => {
      const broken = fresh();
      breakIt(broken);
      const findings = scrubClaim(broken, ctx).filter((f) => f.rule === rule && f.field === field);
      expect(findings.length, JSON.stringify(scrubClaim(broken, ctx))).toBeGreaterThan(0);
      for (const f of findings) expect(f.severity).toBe('error');
      expect(() => write837P({ claims: [broken], envelope: makeEnvelope() })).toThrow(
        new RegExp(`^INVALID_INPUT: claim CLMFULL1: ${field}: `),
      );

      const edge = fresh();
      stretch(edge);
      expect(scrubClaim(edge, ctx)).toEqual([]);
      expect(() => write837P({ claims: [edge], envelope: makeEnvelope() })).not.toThrow();
    },
  );

  it('every check837p finding names the element and never the value', () => {
    for (const [, , breakIt] of cases) {
      const broken = fresh();
      breakIt(broken);
      for (const p of check837PClaim(broken)) {
        expect(p.message).toMatch(/\((2[0-9]{3}[A-Z]{0,2}) [A-Z0-9*\-/() ]+\)$/);
        for (const secret of ['AUTH 1', 'RX:1', '0009004701', 'TESTREFER', 'TESTSUPER'])
          expect(p.message).not.toContain(secret);
      }
    }
  });

  it('content rules alone: nothing to say about a claim without the optional content', () => {
    expect(contentFindings(makeClaim())).toEqual([]);
    expect(contentFindings(makeFullContentClaim())).toEqual([]);
  });
});
