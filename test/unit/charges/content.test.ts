/**
 * The optional 837P content columns of a charge file: read into the claim, each refused with a row
 * error naming the line, the column and the rule (never the value), and carried to the 837P.
 */

import { describe, expect, it } from 'vitest';
import { parseChargeFile } from '../../../shared/charges';
import { CHARGE_COLUMNS, CONTENT_COLUMNS, CORE_CHARGE_COLUMNS } from '../../../shared/charges/row';
import { scrubClaim } from '../../../shared/scrub';
import { write837P } from '../../../shared/x12/write837p';
import { CLAIM_COLUMNS_FIXTURE } from '../../support/charge-rows';
import { makeEnvelope } from '../x12/fixtures';

const ctx = {
  sourceFile: 'charges/PRAC1/today.csv',
  receivedAt: '2026-11-01T12:00:00.000Z',
  practiceId: 'PRAC1',
};

const BASE: Record<string, string> = {
  ...CLAIM_COLUMNS_FIXTURE,
  rendering_npi: '1987654328',
  rendering_last_name: 'TESTRENDER',
  rendering_first_name: 'RITA',
  date_of_service: '2026-10-20',
  procedure_code: '99213',
  units: '1',
  charge: '110.00',
  dx1: 'S93.401A',
  dx_pointers: '1',
  place_of_service: '11',
};

/** Every content column filled. */
const CONTENT: Record<string, string> = {
  rendering_taxonomy: '207q00000x',
  referring_npi: '1245319599',
  referring_last_name: 'TESTREFER',
  referring_first_name: 'ROY',
  supervising_npi: '1003000126',
  supervising_last_name: 'TESTSUPER',
  supervising_first_name: '',
  facility_name: 'TEST SURGERY CENTER',
  facility_npi: '1111111112',
  facility_address1: '9 FACILITY DR',
  facility_address2: 'SUITE 4',
  facility_city: 'TESTBURG',
  facility_state: 'NJ',
  facility_zip: '076011234',
  prior_authorization: 'AUTH-1',
  referral_number: 'REF-9',
  onset_date: '2026-10-01',
  accident_date: '2026-10-02',
  accident_causes: 'aa:oa',
  accident_state: 'IL',
  patient_death_date: '',
  attachment_report_type: '09',
  attachment_transmission: 'fx',
  attachment_control_number: 'ATT-1',
  provider_signature: 'Y',
  assignment: 'C',
  benefits_assignment: 'N',
  release_of_information: 'I',
  ndc: '0009-0047-01',
  ndc_unit: 'ml',
  ndc_quantity: '1.5',
  ndc_prescription_number: 'RX1',
};

const csv = (rows: Record<string, string>[]): string =>
  `${[CHARGE_COLUMNS.join(','), ...rows.map((r) => CHARGE_COLUMNS.map((c) => r[c] ?? '').join(','))].join('\n')}\n`;

const row = (over: Record<string, string> = {}) => ({ ...BASE, ...CONTENT, ...over });

describe('charge file: optional 837P content columns', () => {
  it('are all optional and listed after the core columns', () => {
    expect([...CORE_CHARGE_COLUMNS, ...CONTENT_COLUMNS]).toEqual(CHARGE_COLUMNS);
    expect(CONTENT_COLUMNS).toEqual(Object.keys(CONTENT));
  });

  it('a file without them still reads (core header only), and gives no content fields', async () => {
    const text = `${CORE_CHARGE_COLUMNS.join(',')}\n${CORE_CHARGE_COLUMNS.map((c) => BASE[c] ?? '').join(',')}\n`;
    const r = await parseChargeFile(text, ctx);
    expect(r.errors).toEqual([]);
    const claim = r.claims[0];
    for (const k of [
      'referringProvider',
      'serviceFacility',
      'accident',
      'attachments',
      'indicators',
      'onsetDate',
    ])
      expect(claim).not.toHaveProperty(k);
    expect(claim?.lines[0]).not.toHaveProperty('drug');
  });

  it('reads every column into the claim, normalised (upper case codes, 11-digit NDC)', async () => {
    const r = await parseChargeFile(
      csv([
        row(),
        row({ line_id: 'L2', ndc: '', ndc_unit: '', ndc_quantity: '', ndc_prescription_number: '' }),
      ]),
      ctx,
    );
    expect(r.errors).toEqual([]);
    const c = r.claims[0];
    expect(c).toMatchObject({
      renderingProvider: { npi: '1987654328', taxonomy: '207Q00000X' },
      referringProvider: { npi: '1245319599', lastName: 'TESTREFER', firstName: 'ROY' },
      supervisingProvider: { npi: '1003000126', lastName: 'TESTSUPER' },
      serviceFacility: {
        name: 'TEST SURGERY CENTER',
        npi: '1111111112',
        address: {
          line1: '9 FACILITY DR',
          line2: 'SUITE 4',
          city: 'TESTBURG',
          state: 'NJ',
          zip: '076011234',
        },
      },
      priorAuthorization: 'AUTH-1',
      referralNumber: 'REF-9',
      onsetDate: '2026-10-01',
      accident: { causes: ['AA', 'OA'], date: '2026-10-02', state: 'IL' },
      attachments: [{ reportType: '09', transmission: 'FX', controlNumber: 'ATT-1' }],
      indicators: {
        providerSignature: 'Y',
        assignment: 'C',
        benefitsAssignment: 'N',
        releaseOfInformation: 'I',
      },
    });
    expect(c?.supervisingProvider).not.toHaveProperty('firstName');
    expect(c?.lines[0]?.drug).toEqual({
      ndc: '00009004701',
      unit: 'ML',
      quantity: 1.5,
      prescriptionNumber: 'RX1',
    });
    expect(c?.lines[1]).not.toHaveProperty('drug');
  });

  it('fills the CLM06-09 a file leaves empty with the defaults Y A Y Y', async () => {
    const r = await parseChargeFile(
      csv([
        row({ provider_signature: '', assignment: 'B', benefits_assignment: '', release_of_information: '' }),
      ]),
      ctx,
    );
    expect(r.claims[0]?.indicators).toEqual({
      providerSignature: 'Y',
      assignment: 'B',
      benefitsAssignment: 'Y',
      releaseOfInformation: 'Y',
    });
  });

  it('a claim read from them passes the scrubber and its 837P carries every field', async () => {
    const r = await parseChargeFile(csv([row()]), ctx);
    const claim = r.claims[0];
    if (!claim) throw new Error('no claim');
    expect(scrubClaim(claim, { today: '2026-11-01', timelyFilingDays: 365 })).toEqual([]);
    const { x12 } = write837P({ claims: [claim], envelope: makeEnvelope() });
    for (const seg of [
      'CLM*',
      '*Y*C*N*I**AA:OA::IL~',
      'DTP*431*D8*20261001~',
      'DTP*439*D8*20261002~',
      'PWK*09*FX***AC*ATT-1~',
      'REF*9F*REF-9~',
      'REF*G1*AUTH-1~',
      'NM1*DN*1*TESTREFER*ROY****XX*1245319599~',
      'PRV*PE*PXC*207Q00000X~',
      'NM1*77*2*TEST SURGERY CENTER*****XX*1111111112~',
      'N3*9 FACILITY DR*SUITE 4~',
      'NM1*DQ*1*TESTSUPER*****XX*1003000126~',
      'LIN**N4*00009004701~CTP****1.5*ML~REF*XZ*RX1~',
    ])
      expect(x12).toContain(seg);
  });

  // [what, row changes, [column, reason pattern] expected on the row]
  const refused: [string, Record<string, string>, [string, RegExp][]][] = [
    ['referring NPI not 10 digits', { referring_npi: '12345' }, [['referring_npi', /is not 10 digits/]]],
    [
      'referring NPI without a name',
      { referring_last_name: '' },
      [['referring_last_name', /required when referring_npi/]],
    ],
    [
      'referring name without an NPI',
      { referring_npi: '' },
      [['referring_npi', /required when a referring provider name/]],
    ],
    [
      'supervising name without an NPI',
      { supervising_npi: '' },
      [['supervising_npi', /required when a supervising provider name/]],
    ],
    [
      'taxonomy of the wrong shape',
      { rendering_taxonomy: '207Q0000' },
      [['rendering_taxonomy', /taxonomy code/]],
    ],
    [
      'taxonomy without a rendering provider',
      { rendering_npi: '', rendering_last_name: '', rendering_first_name: '' },
      [['rendering_npi', /required when rendering_taxonomy/]],
    ],
    [
      'facility without its address',
      { facility_address1: '', facility_zip: '' },
      [
        ['facility_address1', /required when a service facility column/],
        ['facility_zip', /required when a service facility column/],
      ],
    ],
    ['facility ZIP of 5 digits', { facility_zip: '07601' }, [['facility_zip', /9 digit ZIP\+4/]]],
    ['onset not a date', { onset_date: '2026-13-01' }, [['onset_date', /is not a valid calendar date/]]],
    [
      'accident causes without a date',
      { accident_date: '' },
      [['accident_date', /required when accident_causes/]],
    ],
    [
      'accident date without causes',
      { accident_causes: '', accident_state: '' },
      [['accident_causes', /required when accident_date/]],
    ],
    ['an unknown cause', { accident_causes: 'AA:XX' }, [['accident_causes', /not AA, EM or OA/]]],
    ['three causes', { accident_causes: 'AA:EM:OA' }, [['accident_causes', /more than 2/]]],
    ['a repeated cause', { accident_causes: 'OA:OA', accident_state: '' }, [['accident_causes', /repeats/]]],
    [
      'auto accident without a state',
      { accident_state: '' },
      [['accident_state', /required when accident_causes has AA/]],
    ],
    ['a state without AA', { accident_causes: 'EM' }, [['accident_state', /only sent for an auto accident/]]],
    ['an unknown report type', { attachment_report_type: 'ZZ' }, [['attachment_report_type', /PWK01/]]],
    ['an unknown transmission', { attachment_transmission: 'XX' }, [['attachment_transmission', /PWK02/]]],
    [
      'a sent attachment without its control number',
      { attachment_control_number: '' },
      [['attachment_control_number', /required when attachment_transmission is not AA/]],
    ],
    [
      'a control number without a report type',
      { attachment_report_type: '', attachment_transmission: '' },
      [
        ['attachment_report_type', /required when an attachment column/],
        ['attachment_transmission', /required when an attachment column/],
      ],
    ],
    [
      'CLM06 not Y/N',
      { provider_signature: 'X' },
      [['provider_signature', /provider signature indicator \(Y, N\)/]],
    ],
    ['CLM07 not A/B/C', { assignment: 'Y' }, [['assignment', /assignment/]]],
    ['CLM08 not Y/N/W', { benefits_assignment: 'A' }, [['benefits_assignment', /\(Y, N, W\)/]]],
    ['CLM09 not I/Y', { release_of_information: 'N' }, [['release_of_information', /\(I, Y\)/]]],
    ['an NDC of 10 digits without dashes', { ndc: '0009004701' }, [['ndc', /is not an NDC/]]],
    [
      'an NDC without unit and quantity',
      { ndc_unit: '', ndc_quantity: '' },
      [
        ['ndc_unit', /required when ndc is given/],
        ['ndc_quantity', /required when ndc is given/],
      ],
    ],
    [
      'a unit without an NDC',
      { ndc: '', ndc_quantity: '', ndc_prescription_number: '' },
      [['ndc', /required when ndc_unit/]],
    ],
    ['an unknown unit', { ndc_unit: 'MG' }, [['ndc_unit', /NDC unit of measure \(F2, GR, ME, ML, UN\)/]]],
    ['a zero quantity', { ndc_quantity: '0' }, [['ndc_quantity', /more than 0/]]],
    ['a quantity with 4 decimals', { ndc_quantity: '1.0005' }, [['ndc_quantity', /up to 3 decimals/]]],
    [
      'a prior authorization too long',
      { prior_authorization: 'A'.repeat(51) },
      [['prior_authorization', /longer than 50/]],
    ],
  ];

  it.each(refused)('refuses %s with a row error naming line and column', async (_what, over, expected) => {
    const r = await parseChargeFile(csv([row({ encounter_id: 'E0' }), row(over)]), ctx);
    expect(r.claims.map((c) => c.encounterId)).toEqual(['E0']);
    const errors = r.errors.map((e) => [e.line, e.encounterId, e.field, e.reason]);
    expect(errors).toHaveLength(expected.length);
    expected.forEach(([field, reason], i) => {
      expect(errors[i]?.slice(0, 3)).toEqual([3, 'E1', field]);
      expect(errors[i]?.[3]).toMatch(new RegExp(`^${field}: `));
      expect(errors[i]?.[3]).toMatch(reason);
    });
    for (const e of r.errors)
      for (const v of Object.values(over)) if (v.length > 3) expect(e.reason).not.toContain(v);
  });

  it('NDC columns are per line; the other content columns must agree across an encounter', async () => {
    const perLine = await parseChargeFile(
      csv([row(), row({ line_id: 'L2', ndc: '00009004702', ndc_quantity: '3' })]),
      ctx,
    );
    expect(perLine.errors).toEqual([]);
    expect(perLine.claims[0]?.lines.map((l) => l.drug?.ndc)).toEqual(['00009004701', '00009004702']);

    const disagree = await parseChargeFile(
      csv([row(), row({ line_id: 'L2', prior_authorization: 'AUTH-2' })]),
      ctx,
    );
    expect(disagree.claims).toEqual([]);
    expect(disagree.errors).toContainEqual(
      expect.objectContaining({
        line: 3,
        field: 'prior_authorization',
        reason: 'prior_authorization: differs from line 2 of the same encounter',
      }),
    );
  });
});
