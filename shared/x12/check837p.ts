/**
 * What an 837P needs from a claim's text and identifiers so that the writer can put every element
 * in unaltered: required text that is still there once cleaned, text that fits, USPS state codes,
 * ZIPs, identifiers written exactly as given. Pure. The scrubber reports these as findings; the
 * 837P writer refuses a claim that has any (its last line of defence).
 *
 * Problems name the rule, the field and the X12 element, never the value (values are PHI).
 */
import type { Address, Claim } from '../claims/model';
import { isUspsStateCode } from '../scrub/codesets/states';
import { isWritableId, textProblem } from './writer';

export interface ElementProblem {
  rule:
    | 'TEXT_EMPTY'
    | 'TEXT_TOO_LONG'
    | 'STATE_CODE'
    | 'ZIP_FORMAT'
    | 'MEMBER_ID'
    | 'LINE_ID'
    | 'ID_CHARACTERS'
    | 'RENDERING_NAME'
    | 'UNITS_PRECISION';
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
} as const;

const ID_RULE = 'without spaces, control or non-ASCII characters and the delimiters * : ^ ~ | > \\';

export function check837PClaim(claim: Claim): ElementProblem[] {
  const out: ElementProblem[] = [];
  const add = (p: ElementProblem) => out.push(p);

  const text = (
    value: string | undefined,
    max: number,
    required: boolean,
    field: string,
    element: string,
    label: string,
  ) => {
    const problem = textProblem(value, max, required);
    if (problem === 'empty') {
      add({
        rule: 'TEXT_EMPTY',
        field,
        element,
        message: `${label} is empty once delimiter, control and non-ASCII characters are removed (${element})`,
      });
    } else if (problem === 'too long') {
      add({
        rule: 'TEXT_TOO_LONG',
        field,
        element,
        message: `${label} is longer than ${max} characters (${element})`,
      });
    }
  };

  const id = (value: string | undefined, max: number, field: string, element: string, label: string) => {
    if (isWritableId(value, max)) return;
    add({
      rule: 'ID_CHARACTERS',
      field,
      element,
      message: `${label} must be 1..${max} printable ASCII characters ${ID_RULE}; cleaning would alter it (${element})`,
    });
  };

  const address = (a: Address, prefix: string, loop: string, who: string, billing: boolean) => {
    text(a.line1, MAX.addressLine, true, `${prefix}_address1`, `${loop} N301`, `${who} address line 1`);
    text(a.line2, MAX.addressLine, false, `${prefix}_address2`, `${loop} N302`, `${who} address line 2`);
    text(a.city, MAX.city, true, `${prefix}_city`, `${loop} N401`, `${who} city`);
    if (!isUspsStateCode(a.state)) {
      add({
        rule: 'STATE_CODE',
        field: `${prefix}_state`,
        element: `${loop} N402`,
        message: `${who} state is not a USPS state, territory or military code (${loop} N402)`,
      });
    }
    // The billing provider's 9-digit ZIP is the scrubber's BILLING_ZIP rule.
    if (!billing && !/^\d{5}(\d{4})?$/.test(a.zip)) {
      add({
        rule: 'ZIP_FORMAT',
        field: `${prefix}_zip`,
        element: `${loop} N403`,
        message: `${who} ZIP must be 5 or 9 digits (${loop} N403)`,
      });
    }
  };

  const names = (
    p: { lastName: string; firstName: string; middleName?: string },
    prefix: string,
    loop: string,
    who: string,
  ) => {
    text(p.lastName, MAX.lastName, true, `${prefix}_last_name`, `${loop} NM103`, `${who} last name`);
    text(p.firstName, MAX.firstName, false, `${prefix}_first_name`, `${loop} NM104`, `${who} first name`);
    text(p.middleName, MAX.middleName, false, `${prefix}_middle_name`, `${loop} NM105`, `${who} middle name`);
  };

  // 2010AA billing provider
  const bp = claim.billingProvider;
  text(bp.name, MAX.orgName, true, 'billing_name', '2010AA NM103', 'billing provider name');
  address(bp.address, 'billing', '2010AA', 'billing provider', true);

  // 2000B / 2010BA subscriber
  const sub = claim.subscriber;
  if (sub.groupNumber !== undefined && sub.groupNumber !== '')
    id(sub.groupNumber, MAX.groupNumber, 'group_number', '2000B SBR03', 'group number');
  names(sub, 'subscriber', '2010BA', 'subscriber');
  address(sub.address, 'subscriber', '2010BA', 'subscriber', false);
  if (!sub.memberId.trim()) {
    add({
      rule: 'MEMBER_ID',
      field: 'member_id',
      element: '2010BA NM109',
      message: 'subscriber member id is empty (2010BA NM109)',
    });
  } else id(sub.memberId, MAX.memberId, 'member_id', '2010BA NM109', 'subscriber member id');

  // 2010BB payer
  text(claim.payer.name, MAX.orgName, true, 'payer_name', '2010BB NM103', 'payer name');
  id(claim.payer.payerId, MAX.payerId, 'payer_id', '2010BB NM109', 'payer id');

  // 2010CA patient, when not the subscriber
  if (claim.relationship !== '18') {
    names(claim.patient, 'patient', '2010CA', 'patient');
    address(claim.patient.address, 'patient', '2010CA', 'patient', false);
  }

  // 2300 REF*F8 for a replacement or void
  if (claim.frequencyCode !== '1' && claim.originalPayerClaimNumber) {
    id(
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
      add({
        rule: 'RENDERING_NAME',
        field: 'rendering_last_name',
        element: '2310B NM103',
        message: 'rendering provider has an NPI but no last name (2310B NM103)',
      });
    } else if (last === 'too long') {
      text(
        rp.lastName,
        MAX.lastName,
        true,
        'rendering_last_name',
        '2310B NM103',
        'rendering provider last name',
      );
    }
    text(
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
  claim.lines.forEach((line, i) => {
    const where = `line ${i + 1}: line item control number`;
    if (!line.lineId) {
      add({
        rule: 'LINE_ID',
        field: 'line_id',
        element: '2400 REF02',
        message: `${where} is missing (2400 REF02 6R)`,
      });
    } else if (!isWritableId(line.lineId, MAX.lineId)) {
      add({
        rule: 'ID_CHARACTERS',
        field: 'line_id',
        element: '2400 REF02',
        message: `${where} must be 1..${MAX.lineId} printable ASCII characters ${ID_RULE}; cleaning would alter it (2400 REF02 6R)`,
      });
    }
    // SV104 is written with at most 3 decimals: more would be rounded.
    if (Number.isFinite(line.units) && Math.round(line.units * 1000) / 1000 !== line.units) {
      add({
        rule: 'UNITS_PRECISION',
        field: 'units',
        element: '2400 SV104',
        message: `line ${i + 1}: units have more than 3 decimals (2400 SV104)`,
      });
    }
  });
  return out;
}
