/**
 * Corrections: a person edits a claim that waits for one (NEEDS_CORRECTION and the statuses leading
 * to it). Pure. The edit goes through exactly the intake path: the claim is written back out as
 * charge rows (one per line), the edited values replace the old ones, and the rows are read again by
 * `parseChargeFile` (same zod row schema, same grouping rules, same claim builder), then scrubbed by
 * the same rules as the pipeline's Scrub state. Nothing is saved unless both pass.
 *
 * The claim keeps its identity: claim id, practice, encounter, source file, received time, and its
 * frequency. A claim the payer adjudicated was made a replacement (frequency 7, REF*F8 = the payer's
 * claim control number) by the pipeline when its denial was routed to CORRECT; before adjudication
 * it stays an original (frequency 1). applyCorrection never changes either; a correction of a claim
 * whose execution ended sets them (replacementFrequency, correct-claim.ts).
 */

import { CHARGE_COLUMNS, type ChargeRow, LINE_COLUMNS, parseChargeFile } from '../charges';
import type { Claim, ClaimStatus } from '../claims/model';
import { EXPECTING_OUTCOME } from '../claims/state';
import { formatX12Amount } from '../money';
import { hasErrors, type ScrubFinding, scrubClaim } from '../scrub/rules';

/** Columns of a service line; every other column (but the claim's identity) is claim-level. */
export const LINE_FIELDS = LINE_COLUMNS;
export type LineField = (typeof LINE_FIELDS)[number];

/** The claim's identity: not editable (the claim id is derived from them). */
const IDENTITY = ['practice_id', 'encounter_id'] as const;

export const CLAIM_FIELDS = CHARGE_COLUMNS.filter(
  (c) => !(LINE_FIELDS as readonly string[]).includes(c) && !(IDENTITY as readonly string[]).includes(c),
) as Exclude<keyof ChargeRow, LineField | (typeof IDENTITY)[number]>[];
export type ClaimField = (typeof CLAIM_FIELDS)[number];

/**
 * An edit, in charge-file terms (the values as a charge file would spell them: "125.00", "99213",
 * modifiers "25:59", pointers "1:2"). `fields` changes claim-level columns; `lines`, when given,
 * replaces the claim's lines: an entry whose line_id exists keeps that line's values for the columns
 * it leaves out, a new line_id must give them all, a line left out is removed. place_of_service left
 * out of a line means the claim's.
 */
export interface CorrectionEdit {
  fields?: Partial<Record<ClaimField, string>>;
  lines?: (Partial<Record<LineField, string>> & { line_id: string })[];
}

/** Why an edit was refused: the line (by line id) and the column and rule, never the value. */
export interface CorrectionIssue {
  lineId?: string;
  field?: string;
  reason: string;
}

export interface Change {
  path: string;
  before?: unknown;
  after?: unknown;
}

export type CorrectionResult =
  | { ok: true; claim: Claim; findings: ScrubFinding[]; changes: Change[] }
  | { ok: false; code: 'INVALID'; issues: CorrectionIssue[] }
  | { ok: false; code: 'SCRUB_ERRORS'; findings: ScrubFinding[] }
  | { ok: false; code: 'NO_CHANGE' };

/** Statuses in which the running workflow takes a correction (waits for it, or is on its way to wait). */
export const CORRECTABLE = EXPECTING_OUTCOME.CORRECTION;

/** Statuses in which the claim's execution has ended: a correction starts a new one. */
export const ENDED: readonly ClaimStatus[] = ['CLOSED', 'SECONDARY', 'HUMAN_REVIEW'];

/**
 * How a correction reaches the workflow, by the claim's status:
 * - resume: the running execution waits (or is on its way to wait) in NeedsCorrection;
 * - appeal: the execution waits on the appeal; the correction replaces it (the AwaitAppeal wait is
 *   answered with route CORRECT, the correction waits, pending, for NeedsCorrection);
 * - restart: the execution ended; the claim becomes CORRECTED and a new execution resubmits it.
 * undefined: the claim is in flight (being scrubbed, submitted, adjudicated) or voided.
 */
export type CorrectionPath = 'resume' | 'appeal' | 'restart';

export function correctionPath(status: ClaimStatus): CorrectionPath | undefined {
  if ((CORRECTABLE as readonly string[]).includes(status)) return 'resume';
  if (status === 'APPEAL') return 'appeal';
  if (ENDED.includes(status)) return 'restart';
  return undefined;
}

export const isCorrectable = (status: ClaimStatus): boolean => correctionPath(status) !== undefined;

/**
 * How a claim resubmitted after its execution ended goes out: a replacement (frequency 7, REF*F8)
 * of the payer's claim when the payer has it on file (a claim control number from its 277CA or
 * 835), else an original.
 */
export function replacementFrequency(claim: Claim, payerClaimControlNumber: string | undefined): Claim {
  const { originalPayerClaimNumber: _o, reprocessedPayerClaimNumber: _r, ...rest } = claim;
  return payerClaimControlNumber
    ? { ...rest, frequencyCode: '7', originalPayerClaimNumber: payerClaimControlNumber }
    : { ...rest, frequencyCode: '1' };
}

/** The claim as charge rows (one per line), every value a string as in a charge file. */
export function claimToRows(claim: Claim): Record<keyof ChargeRow, string>[] {
  const p = claim.patient;
  const s = claim.subscriber;
  const self = claim.relationship === '18';
  const b = claim.billingProvider;
  const r = claim.renderingProvider;
  const dx = (i: number) => claim.diagnoses[i] ?? '';
  const claimLevel = {
    practice_id: claim.practiceId,
    encounter_id: claim.encounterId,
    patient_last_name: p.lastName,
    patient_first_name: p.firstName,
    patient_middle_name: p.middleName ?? '',
    patient_dob: p.dob,
    patient_gender: p.gender,
    patient_address1: p.address.line1,
    patient_address2: p.address.line2 ?? '',
    patient_city: p.address.city,
    patient_state: p.address.state,
    patient_zip: p.address.zip,
    relationship: claim.relationship,
    member_id: s.memberId,
    group_number: s.groupNumber ?? '',
    subscriber_last_name: self ? '' : s.lastName,
    subscriber_first_name: self ? '' : s.firstName,
    subscriber_dob: self ? '' : s.dob,
    subscriber_gender: self ? '' : s.gender,
    subscriber_address1: self ? '' : s.address.line1,
    subscriber_city: self ? '' : s.address.city,
    subscriber_state: self ? '' : s.address.state,
    subscriber_zip: self ? '' : s.address.zip,
    payer_id: claim.payer.payerId,
    payer_name: claim.payer.name,
    billing_npi: b.npi,
    billing_name: b.name,
    billing_tax_id: b.taxId,
    billing_address1: b.address.line1,
    billing_city: b.address.city,
    billing_state: b.address.state,
    billing_zip: b.address.zip,
    rendering_npi: r?.npi ?? '',
    rendering_last_name: r?.lastName ?? '',
    rendering_first_name: r?.firstName ?? '',
    dx1: dx(0),
    dx2: dx(1),
    dx3: dx(2),
    dx4: dx(3),
    dx5: dx(4),
    dx6: dx(5),
    dx7: dx(6),
    dx8: dx(7),
    dx9: dx(8),
    dx10: dx(9),
    dx11: dx(10),
    dx12: dx(11),
    ...contentColumns(claim),
  };
  return claim.lines.map((l) => ({
    ...claimLevel,
    ndc: l.drug?.ndc ?? '',
    ndc_unit: l.drug?.unit ?? '',
    ndc_quantity: l.drug ? String(l.drug.quantity) : '',
    ndc_prescription_number: l.drug?.prescriptionNumber ?? '',
    line_id: l.lineId,
    date_of_service: l.dateOfService,
    procedure_code: l.procedureCode,
    modifiers: l.modifiers.join(':'),
    units: String(l.units),
    charge: formatX12Amount(l.chargeCents),
    dx_pointers: l.diagnosisPointers.join(':'),
    place_of_service: l.placeOfService ?? claim.placeOfService,
  }));
}

/**
 * The optional 837P content columns of a claim (docs/charge-file-format.md), as intake reads them
 * back (shared/charges/parse.ts claimContent): a correction must carry every one of them through.
 */
function contentColumns(claim: Claim) {
  const ref = claim.referringProvider;
  const sup = claim.supervisingProvider;
  const fac = claim.serviceFacility;
  const acc = claim.accident;
  const atts = claim.attachments ?? [];
  // A charge file carries one attachment; a claim with more did not come from one and cannot be
  // edited this way without losing some.
  if (atts.length > 1)
    throw new Error(`claim ${claim.claimId} has ${atts.length} attachments; a correction carries one`);
  const att = atts[0];
  const ind = claim.indicators;
  return {
    rendering_taxonomy: claim.renderingProvider?.taxonomy ?? '',
    referring_npi: ref?.npi ?? '',
    referring_last_name: ref?.lastName ?? '',
    referring_first_name: ref?.firstName ?? '',
    supervising_npi: sup?.npi ?? '',
    supervising_last_name: sup?.lastName ?? '',
    supervising_first_name: sup?.firstName ?? '',
    facility_name: fac?.name ?? '',
    facility_npi: fac?.npi ?? '',
    facility_address1: fac?.address.line1 ?? '',
    facility_address2: fac?.address.line2 ?? '',
    facility_city: fac?.address.city ?? '',
    facility_state: fac?.address.state ?? '',
    facility_zip: fac?.address.zip ?? '',
    prior_authorization: claim.priorAuthorization ?? '',
    referral_number: claim.referralNumber ?? '',
    onset_date: claim.onsetDate ?? '',
    accident_date: acc?.date ?? '',
    accident_causes: acc?.causes.join(':') ?? '',
    accident_state: acc?.state ?? '',
    patient_death_date: claim.patientDeathDate ?? '',
    attachment_report_type: att?.reportType ?? '',
    attachment_transmission: att?.transmission ?? '',
    attachment_control_number: att?.controlNumber ?? '',
    provider_signature: ind?.providerSignature ?? '',
    assignment: ind?.assignment ?? '',
    benefits_assignment: ind?.benefitsAssignment ?? '',
    release_of_information: ind?.releaseOfInformation ?? '',
  };
}

/** RFC 4180: every field quoted, quotes doubled. */
const csvLine = (values: readonly string[]) => values.map((v) => `"${v.replaceAll('"', '""')}"`).join(',');

/** Flattens JSON values into dotted paths (arrays by index) for a before/after comparison. */
function flatten(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined) {
    out.set(prefix, value);
  }
}

/** The fields that differ between two claims, with their values before and after. */
export function diffClaims(before: Claim, after: Claim): Change[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  flatten(before, '', a);
  flatten(after, '', b);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const changes: Change[] = [];
  for (const path of paths) {
    if (a.get(path) === b.get(path)) continue;
    changes.push({
      path,
      ...(a.has(path) ? { before: a.get(path) } : {}),
      ...(b.has(path) ? { after: b.get(path) } : {}),
    });
  }
  return changes;
}

/**
 * Applies an edit to a claim: intake validation, then the scrub rules. `today` and
 * `timelyFilingDays` are the scrub context (as the scrub-claim Lambda has them).
 */
export async function applyCorrection(
  claim: Claim,
  edit: CorrectionEdit,
  ctx: { today: string; timelyFilingDays: number },
): Promise<CorrectionResult> {
  const rows = claimToRows(claim);
  const first = rows[0];
  if (!first) return { ok: false, code: 'INVALID', issues: [{ reason: 'the claim has no lines' }] };
  const claimLevel: Record<string, string> = { ...first, ...(edit.fields ?? {}) };
  const byId = new Map(rows.map((r) => [r.line_id, r]));
  const lines: Record<string, string>[] = edit.lines
    ? edit.lines.map((l) => {
        const old = byId.get(l.line_id);
        const base: Record<string, string> = {};
        for (const f of LINE_FIELDS) base[f] = old?.[f] ?? '';
        if (!old) base.place_of_service = claimLevel.place_of_service ?? '';
        return { ...base, ...l };
      })
    : rows.map((r) => Object.fromEntries(LINE_FIELDS.map((f) => [f, r[f]])));
  if (lines.length === 0) {
    return {
      ok: false,
      code: 'INVALID',
      issues: [{ field: 'lines', reason: 'lines: a claim needs a line' }],
    };
  }
  // A line's place of service is written on each row; the claim's is the first line's (as at intake).
  const header = CHARGE_COLUMNS;
  const csv = [
    csvLine(header),
    ...lines.map((l) => {
      const row: Record<string, string> = { ...claimLevel, ...l };
      return csvLine(header.map((c) => row[c] ?? ''));
    }),
  ].join('\n');
  const parsed = await parseChargeFile(csv, {
    sourceFile: claim.sourceFile,
    receivedAt: claim.receivedAt,
    practiceId: claim.practiceId,
  });
  const built = parsed.claims[0];
  if (parsed.errors.length > 0 || !built) {
    // File line 2 is the first line of the claim.
    const issues = parsed.errors.map((e) => {
      const lineId = lines[e.line - 2]?.line_id;
      return {
        ...(lineId ? { lineId } : {}),
        ...(e.field ? { field: e.field } : {}),
        reason: e.reason,
      };
    });
    return { ok: false, code: 'INVALID', issues };
  }
  const corrected: Claim = {
    ...built,
    claimId: claim.claimId,
    frequencyCode: claim.frequencyCode,
    ...(claim.originalPayerClaimNumber ? { originalPayerClaimNumber: claim.originalPayerClaimNumber } : {}),
  };
  const changes = diffClaims(claim, corrected);
  if (changes.length === 0) return { ok: false, code: 'NO_CHANGE' };
  const findings = scrubClaim(corrected, ctx);
  if (hasErrors(findings)) return { ok: false, code: 'SCRUB_ERRORS', findings };
  return { ok: true, claim: corrected, findings, changes };
}
