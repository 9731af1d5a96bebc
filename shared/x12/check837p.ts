/**
 * What an 837P needs from a claim's text and identifiers so that the writer can put every element
 * in unaltered: required text that is still there once cleaned, text that fits, USPS state codes,
 * ZIPs, identifiers written exactly as given. Pure. The scrubber reports these as findings; the
 * 837P writer refuses a claim that has any (its last line of defence).
 *
 * Problems name the rule, the field and the X12 element, never the value (values are PHI).
 */
import type { Address, Claim, NamedProvider, ServiceLine } from '../claims/model';
import { isUspsStateCode } from '../scrub/codesets/states';
import { contentFindings } from '../scrub/content-rules';
import {
  ASSIGNMENT_CODES,
  ATTACHMENT_REPORT_TYPES,
  ATTACHMENT_TRANSMISSION_CODES,
  BENEFITS_ASSIGNMENT_CODES,
  CLAIM_FILING_INDICATORS,
  DRUG_UNIT_CODES,
  isIsoDate,
  NDC_PATTERN,
  PROVIDER_SIGNATURE_CODES,
  RELATED_CAUSES,
  RELEASE_OF_INFORMATION_CODES,
  TAXONOMY_PATTERN,
} from './values';
import { cleanText, isWritableId, textProblem } from './writer';

export interface ElementProblem {
  rule:
    | 'TEXT_EMPTY'
    | 'TEXT_TOO_LONG'
    | 'TEXT_TOO_SHORT'
    | 'STATE_CODE'
    | 'ZIP_FORMAT'
    | 'MEMBER_ID'
    | 'LINE_ID'
    | 'ID_CHARACTERS'
    | 'RENDERING_NAME'
    | 'UNITS_PRECISION'
    | 'CODE_VALUE'
    | 'DATE_FORMAT'
    | 'NPI_FORMAT'
    | 'FACILITY_ZIP'
    | 'TAXONOMY_WITHOUT_2310B'
    | 'ACCIDENT_CAUSES'
    | 'ACCIDENT_STATE_REQUIRED'
    | 'ATTACHMENT_CONTROL_NUMBER'
    | 'ATTACHMENT_COUNT'
    | 'NDC_QUANTITY'
    // shared/scrub/content-rules.ts
    | 'NPI_CHECK_DIGIT'
    | 'DATE_ORDER'
    | 'ACCIDENT_STATE_WITHOUT_AUTO'
    | 'FACILITY_IS_BILLING_ADDRESS';
  /** Charge-file style field name, e.g. member_id, billing_state. */
  field: string;
  /** Loop and element, e.g. 2010BA NM109. */
  element: string;
  message: string;
}

/** Max lengths of the 837P (005010X222A1) elements claimflow writes from claim data. */
export const MAX = {
  orgName: 60, // NM103 (2010AA, 2010BB)
  lastName: 60, // NM103 (2010BA, 2010CA, 2310B)
  firstName: 35, // NM104
  middleName: 25, // NM105
  addressLine: 55, // N301, N302
  city: 30, // N401
  memberId: 80, // NM109 (2010BA)
  payerId: 80, // NM109 (2010BB)
  groupNumber: 50, // SBR03
  payerClaimNumber: 50, // REF02 (2300 REF*F8)
  lineId: 50, // REF02 (2400 REF*6R)
  authorization: 50, // REF02 (2300 REF*G1, REF*9F)
  attachmentControlNumber: 80, // PWK06
  prescriptionNumber: 50, // REF02 (2410 REF*XZ)
  attachments: 10, // 2300 PWK repeats
} as const;

const ID_RULE = 'without spaces, control or non-ASCII characters and the delimiters * : ^ ~ | > \\';

type Problems = ElementProblem[];

// The checks below are plain functions over the problem list (no closures made per claim: the 837P
// writer runs check837PClaim on every claim it writes).

function text(
  out: Problems,
  value: string | undefined,
  max: number,
  required: boolean,
  field: string,
  element: string,
  label: string,
): void {
  const problem = textProblem(value, max, required);
  if (problem === 'empty') {
    out.push({
      rule: 'TEXT_EMPTY',
      field,
      element,
      message: `${label} is empty once delimiter, control and non-ASCII characters are removed (${element})`,
    });
  } else if (problem === 'too long') {
    out.push({
      rule: 'TEXT_TOO_LONG',
      field,
      element,
      message: `${label} is longer than ${max} characters (${element})`,
    });
  }
}

/**
 * text() for a field, element and label made of two parts each (prefix + '_address1', loop +
 * ' N301', who + ' address line 1'): the strings are only built for a value with a problem.
 */
function textOf(
  out: Problems,
  value: string | undefined,
  max: number,
  required: boolean,
  prefix: string,
  fieldName: string,
  loop: string,
  elementName: string,
  who: string,
  labelName: string,
): void {
  if (textProblem(value, max, required) === undefined) return;
  text(out, value, max, required, prefix + fieldName, loop + elementName, who + labelName);
}

function id(
  out: Problems,
  value: string | undefined,
  max: number,
  field: string,
  element: string,
  label: string,
): void {
  if (isWritableId(value, max)) return;
  out.push({
    rule: 'ID_CHARACTERS',
    field,
    element,
    message: `${label} must be 1..${max} printable ASCII characters ${ID_RULE}; cleaning would alter it (${element})`,
  });
}

function address(
  out: Problems,
  a: Address,
  prefix: string,
  loop: string,
  who: string,
  billing: boolean,
): void {
  textOf(out, a.line1, MAX.addressLine, true, prefix, '_address1', loop, ' N301', who, ' address line 1');
  textOf(out, a.line2, MAX.addressLine, false, prefix, '_address2', loop, ' N302', who, ' address line 2');
  textOf(out, a.city, MAX.city, true, prefix, '_city', loop, ' N401', who, ' city');
  // N401 is AN 2/30: a one-letter city is refused by TR3 validators.
  if (cleanText(a.city, MAX.city).length === 1) {
    out.push({
      rule: 'TEXT_TOO_SHORT',
      field: `${prefix}_city`,
      element: `${loop} N401`,
      message: `${who} city is shorter than 2 characters (${loop} N401)`,
    });
  }
  if (!isUspsStateCode(a.state)) {
    out.push({
      rule: 'STATE_CODE',
      field: `${prefix}_state`,
      element: `${loop} N402`,
      message: `${who} state is not a USPS state, territory or military code (${loop} N402)`,
    });
  }
  // The billing provider's 9-digit ZIP is the scrubber's BILLING_ZIP rule.
  if (!billing && !/^\d{5}(\d{4})?$/.test(a.zip)) {
    out.push({
      rule: 'ZIP_FORMAT',
      field: `${prefix}_zip`,
      element: `${loop} N403`,
      message: `${who} ZIP must be 5 or 9 digits (${loop} N403)`,
    });
  }
}

function names(
  out: Problems,
  p: { lastName: string; firstName: string; middleName?: string },
  prefix: string,
  loop: string,
  who: string,
): void {
  textOf(out, p.lastName, MAX.lastName, true, prefix, '_last_name', loop, ' NM103', who, ' last name');
  textOf(out, p.firstName, MAX.firstName, false, prefix, '_first_name', loop, ' NM104', who, ' first name');
  textOf(
    out,
    p.middleName,
    MAX.middleName,
    false,
    prefix,
    '_middle_name',
    loop,
    ' NM105',
    who,
    ' middle name',
  );
}

export function check837PClaim(claim: Claim): ElementProblem[] {
  const out: ElementProblem[] = [];

  // 2010AA billing provider
  const bp = claim.billingProvider;
  text(out, bp.name, MAX.orgName, true, 'billing_name', '2010AA NM103', 'billing provider name');
  address(out, bp.address, 'billing', '2010AA', 'billing provider', true);

  // 2000B / 2010BA subscriber
  const sub = claim.subscriber;
  if (sub.groupNumber !== undefined && sub.groupNumber !== '')
    id(out, sub.groupNumber, MAX.groupNumber, 'group_number', '2000B SBR03', 'group number');
  names(out, sub, 'subscriber', '2010BA', 'subscriber');
  address(out, sub.address, 'subscriber', '2010BA', 'subscriber', false);
  if (!sub.memberId.trim()) {
    out.push({
      rule: 'MEMBER_ID',
      field: 'member_id',
      element: '2010BA NM109',
      message: 'subscriber member id is empty (2010BA NM109)',
    });
  } else id(out, sub.memberId, MAX.memberId, 'member_id', '2010BA NM109', 'subscriber member id');

  // 2010BB payer
  text(out, claim.payer.name, MAX.orgName, true, 'payer_name', '2010BB NM103', 'payer name');
  id(out, claim.payer.payerId, MAX.payerId, 'payer_id', '2010BB NM109', 'payer id');

  // 2010CA patient, when not the subscriber
  if (claim.relationship !== '18') {
    names(out, claim.patient, 'patient', '2010CA', 'patient');
    address(out, claim.patient.address, 'patient', '2010CA', 'patient', false);
  }

  // 2300 REF*F8 for a replacement or void
  if (claim.frequencyCode !== '1' && claim.originalPayerClaimNumber) {
    id(
      out,
      claim.originalPayerClaimNumber,
      MAX.payerClaimNumber,
      'original_payer_claim_number',
      '2300 REF02 (F8)',
      'payer claim control number',
    );
  }

  // 2310B rendering provider, written when its NPI differs from the billing NPI
  const rp = claim.renderingProvider;
  if (rp && rp.npi !== bp.npi) {
    const last = textProblem(rp.lastName, MAX.lastName, true);
    if (last === 'empty') {
      out.push({
        rule: 'RENDERING_NAME',
        field: 'rendering_last_name',
        element: '2310B NM103',
        message: 'rendering provider has an NPI but no last name (2310B NM103)',
      });
    } else if (last === 'too long') {
      text(
        out,
        rp.lastName,
        MAX.lastName,
        true,
        'rendering_last_name',
        '2310B NM103',
        'rendering provider last name',
      );
    }
    text(
      out,
      rp.firstName,
      MAX.firstName,
      false,
      'rendering_first_name',
      '2310B NM104',
      'rendering provider first name',
    );
  }

  // 2400 REF*6R line item control numbers: the 835 answers with them, so they must go out exactly.
  // The line is named by its position: a line id that cannot be written is not repeated back.
  const lines = claim.lines;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as ServiceLine;
    if (!line.lineId) {
      out.push({
        rule: 'LINE_ID',
        field: 'line_id',
        element: '2400 REF02',
        message: `line ${i + 1}: line item control number is missing (2400 REF02 6R)`,
      });
    } else if (!isWritableId(line.lineId, MAX.lineId)) {
      out.push({
        rule: 'ID_CHARACTERS',
        field: 'line_id',
        element: '2400 REF02',
        message: `line ${i + 1}: line item control number must be 1..${MAX.lineId} printable ASCII characters ${ID_RULE}; cleaning would alter it (2400 REF02 6R)`,
      });
    }
    // SV104 is written with at most 3 decimals: more would be rounded.
    if (Number.isFinite(line.units) && Math.round(line.units * 1000) / 1000 !== line.units) {
      out.push({
        rule: 'UNITS_PRECISION',
        field: 'units',
        element: '2400 SV104',
        message: `line ${i + 1}: units have more than 3 decimals (2400 SV104)`,
      });
    }
  }

  contentProblems(claim, out, bp.npi);
  out.push(...contentFindings(claim));
  return out;
}

const oneOf = (list: readonly string[], v: string | undefined): boolean =>
  v !== undefined && list.includes(v);

function code(out: Problems, ok: boolean, field: string, element: string, message: string): void {
  if (!ok) out.push({ rule: 'CODE_VALUE', field, element, message: `${message} (${element})` });
}

function date(out: Problems, v: string | undefined, field: string, element: string, label: string): void {
  if (v !== undefined && !isIsoDate(v))
    out.push({
      rule: 'DATE_FORMAT',
      field,
      element,
      message: `${label} is not a YYYY-MM-DD date (${element})`,
    });
}

function person(
  out: Problems,
  p: NamedProvider | undefined,
  prefix: string,
  loop: string,
  who: string,
): void {
  if (!p) return;
  if (!/^\d{10}$/.test(p.npi))
    out.push({
      rule: 'NPI_FORMAT',
      field: `${prefix}_npi`,
      element: `${loop} NM109`,
      message: `${who} NPI must be 10 digits (${loop} NM109)`,
    });
  textOf(out, p.lastName, MAX.lastName, true, prefix, '_last_name', loop, ' NM103', who, ' last name');
  textOf(out, p.firstName, MAX.firstName, false, prefix, '_first_name', loop, ' NM104', who, ' first name');
}

/** The optional 837P content (issue 7): providers, facility, references, dates, attachments, drugs. */
function contentProblems(claim: Claim, out: Problems, npi: string): void {
  // SBR09 from the payer registry
  const filing = claim.payer.claimFilingIndicator;
  if (filing !== undefined)
    code(
      out,
      oneOf(CLAIM_FILING_INDICATORS, filing),
      'claim_filing_indicator',
      '2000B SBR09',
      'claim filing indicator is not an X12 claim filing indicator code',
    );

  // CLM06..09
  const ind = claim.indicators;
  if (ind) {
    code(
      out,
      oneOf(PROVIDER_SIGNATURE_CODES, ind.providerSignature),
      'provider_signature',
      '2300 CLM06',
      'provider signature indicator must be Y or N',
    );
    code(
      out,
      oneOf(ASSIGNMENT_CODES, ind.assignment),
      'assignment',
      '2300 CLM07',
      'assignment code must be A, B or C',
    );
    code(
      out,
      oneOf(BENEFITS_ASSIGNMENT_CODES, ind.benefitsAssignment),
      'benefits_assignment',
      '2300 CLM08',
      'benefits assignment must be Y, N or W',
    );
    code(
      out,
      oneOf(RELEASE_OF_INFORMATION_CODES, ind.releaseOfInformation),
      'release_of_information',
      '2300 CLM09',
      'release of information must be I or Y',
    );
  }

  // CLM11 related causes, DTP*439 accident date (the TR3 requires the date with AA or OA; claimflow with any cause)
  const acc = claim.accident;
  if (acc) {
    const causes = acc.causes;
    if (
      causes.length < 1 ||
      causes.length > 2 ||
      new Set(causes).size !== causes.length ||
      !causes.every((c) => oneOf(RELATED_CAUSES, c))
    )
      out.push({
        rule: 'ACCIDENT_CAUSES',
        field: 'accident_causes',
        element: '2300 CLM11-1/2',
        message: 'related causes must be 1 or 2 distinct codes of AA, EM, OA (2300 CLM11-1/2)',
      });
    if (!isIsoDate(acc.date))
      out.push({
        rule: 'DATE_FORMAT',
        field: 'accident_date',
        element: '2300 DTP03 (439)',
        message: 'accident date is not a YYYY-MM-DD date (2300 DTP*439)',
      });
    if (causes.includes('AA') && !acc.state)
      out.push({
        rule: 'ACCIDENT_STATE_REQUIRED',
        field: 'accident_state',
        element: '2300 CLM11-4',
        message: 'an auto accident (AA) needs the state it happened in (2300 CLM11-4)',
      });
    if (acc.state !== undefined && !isUspsStateCode(acc.state))
      out.push({
        rule: 'STATE_CODE',
        field: 'accident_state',
        element: '2300 CLM11-4',
        message: 'accident state is not a USPS state, territory or military code (2300 CLM11-4)',
      });
  }
  date(out, claim.onsetDate, 'onset_date', '2300 DTP03 (431)', 'onset date');
  date(out, claim.patientDeathDate, 'patient_death_date', '2000B/2000C PAT06', 'patient date of death');

  // 2300 PWK
  const atts = claim.attachments ?? [];
  if (atts.length > MAX.attachments)
    out.push({
      rule: 'ATTACHMENT_COUNT',
      field: 'attachment_report_type',
      element: '2300 PWK',
      message: `at most ${MAX.attachments} attachments (2300 PWK)`,
    });
  for (const [i, a] of atts.entries()) {
    const n = `attachment ${i + 1}`;
    code(
      out,
      oneOf(ATTACHMENT_REPORT_TYPES, a.reportType),
      'attachment_report_type',
      '2300 PWK01',
      `${n}: report type is not a PWK01 code`,
    );
    code(
      out,
      oneOf(ATTACHMENT_TRANSMISSION_CODES, a.transmission),
      'attachment_transmission',
      '2300 PWK02',
      `${n}: transmission must be AA, BM, EL, EM, FT or FX`,
    );
    if (a.controlNumber !== undefined && a.controlNumber !== '') {
      if (a.controlNumber.length < 2 || !isWritableId(a.controlNumber, MAX.attachmentControlNumber))
        out.push({
          rule: 'ID_CHARACTERS',
          field: 'attachment_control_number',
          element: '2300 PWK06',
          message: `${n}: control number must be 2..${MAX.attachmentControlNumber} printable ASCII characters ${ID_RULE}; cleaning would alter it (2300 PWK06)`,
        });
    } else if (a.transmission !== 'AA') {
      out.push({
        rule: 'ATTACHMENT_CONTROL_NUMBER',
        field: 'attachment_control_number',
        element: '2300 PWK06',
        message: `${n}: an attachment that is sent (not AA, available on request) needs its control number (2300 PWK06)`,
      });
    }
  }

  // 2300 REF*9F, REF*G1
  if (claim.referralNumber !== undefined)
    id(out, claim.referralNumber, MAX.authorization, 'referral_number', '2300 REF02 (9F)', 'referral number');
  if (claim.priorAuthorization !== undefined)
    id(
      out,
      claim.priorAuthorization,
      MAX.authorization,
      'prior_authorization',
      '2300 REF02 (G1)',
      'prior authorization number',
    );

  // 2310A referring, 2310B taxonomy, 2310C facility, 2310D supervising
  person(out, claim.referringProvider, 'referring', '2310A', 'referring provider');
  const rp = claim.renderingProvider;
  if (rp?.taxonomy !== undefined) {
    if (!TAXONOMY_PATTERN.test(rp.taxonomy))
      out.push({
        rule: 'CODE_VALUE',
        field: 'rendering_taxonomy',
        element: '2310B PRV03',
        message: 'rendering provider taxonomy must be 10 characters: 9 letters/digits then X (2310B PRV03)',
      });
    if (rp.npi === npi)
      out.push({
        rule: 'TAXONOMY_WITHOUT_2310B',
        field: 'rendering_taxonomy',
        element: '2310B PRV03',
        message:
          'a rendering taxonomy is sent in 2310B, which is written only when the rendering NPI differs from the billing NPI (2310B PRV03)',
      });
  }
  const fac = claim.serviceFacility;
  if (fac) {
    text(out, fac.name, MAX.orgName, true, 'facility_name', '2310C NM103', 'service facility name');
    if (fac.npi !== undefined && !/^\d{10}$/.test(fac.npi))
      out.push({
        rule: 'NPI_FORMAT',
        field: 'facility_npi',
        element: '2310C NM109',
        message: 'service facility NPI must be 10 digits (2310C NM109)',
      });
    address(out, fac.address, 'facility', '2310C', 'service facility', true);
    if (!/^\d{9}$/.test(fac.address.zip))
      out.push({
        rule: 'FACILITY_ZIP',
        field: 'facility_zip',
        element: '2310C N403',
        message: 'service facility ZIP must be 9 digits (ZIP+4) in 5010 (2310C N403)',
      });
  }
  person(out, claim.supervisingProvider, 'supervising', '2310D', 'supervising provider');

  // 2410 drug identification
  const lines = claim.lines;
  for (let i = 0; i < lines.length; i++) {
    const d = (lines[i] as ServiceLine).drug;
    if (!d) continue;
    const n = `line ${i + 1}`;
    code(out, NDC_PATTERN.test(d.ndc), 'ndc', '2410 LIN03', `${n}: NDC must be 11 digits (5-4-2)`);
    code(
      out,
      oneOf(DRUG_UNIT_CODES, d.unit),
      'ndc_unit',
      '2410 CTP05-1',
      `${n}: NDC unit must be F2, GR, ME, ML or UN`,
    );
    if (
      !(Number.isFinite(d.quantity) && d.quantity > 0) ||
      Math.round(d.quantity * 1000) / 1000 !== d.quantity ||
      d.quantity >= 1e10
    )
      out.push({
        rule: 'NDC_QUANTITY',
        field: 'ndc_quantity',
        element: '2410 CTP04',
        message: `${n}: NDC quantity must be more than 0 with at most 3 decimals (2410 CTP04)`,
      });
    if (d.prescriptionNumber !== undefined)
      id(
        out,
        d.prescriptionNumber,
        MAX.prescriptionNumber,
        'ndc_prescription_number',
        '2410 REF02 (XZ)',
        `${n}: prescription number`,
      );
  }
}
