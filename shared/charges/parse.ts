/**
 * Charge file intake: CSV (one row per service line) -> validated rows -> claims grouped by
 * encounter. Streams the input through csv-parse. A bad row is reported (physical line number, column,
 * rule) and skipped; it never stops the other rows. An encounter whose rows disagree on claim-level
 * data is refused whole: a partial claim must not be billed.
 */
import { parse } from 'csv-parse';
import { claimIdFor } from '../claims/ids';
import {
  type Claim,
  type ClaimIndicators,
  DEFAULT_CLAIM_INDICATORS,
  type ServiceLine,
  type Subscriber,
} from '../claims/model';
import { sumCents } from '../money';
import { MAX_LINES } from '../scrub/rules';
import { type ChargeEncoding, decodeChunks, InvalidEncodingError } from './decode';
import { CHARGE_COLUMNS, type ChargeRow, chargeRowSchema, LINE_COLUMNS } from './row';

export interface RowError {
  line: number; // physical line in the file; the header is line 1
  encounterId?: string;
  field?: string;
  reason: string;
}

export interface ChargeFileResult {
  claims: Claim[];
  errors: RowError[];
  rowCount: number;
  /** Set when nothing in the file can be billed: why, as a code and a sentence (no values). */
  rejected?: { code: FileRejection; reason: string };
  /** The physical lines each claim was built from, by claim id (for later conflict reports). */
  sourceLines?: Record<string, number[]>;
}

export type FileRejection = 'EMPTY_FILE' | 'NO_ROWS' | 'BAD_HEADER' | 'NOT_UTF8' | 'UNSUPPORTED_CHARSET';

export interface ChargeFileContext {
  sourceFile: string;
  receivedAt: string;
  practiceId?: string;
  /** How the bytes are decoded (default UTF-8); see decode.ts. */
  encoding?: ChargeEncoding;
}

type Input = string | Uint8Array | AsyncIterable<string | Uint8Array>;

interface GoodRow {
  line: number;
  row: ChargeRow;
}

/** Claim-level columns: every row of an encounter must carry the same values. */
const CLAIM_LEVEL = CHARGE_COLUMNS.filter((c) => !(LINE_COLUMNS as readonly string[]).includes(c));

/** Columns a row cannot do without (the subscriber columns are checked per row, by relationship). */
const REQUIRED_COLUMNS = CHARGE_COLUMNS.filter((c) => !chargeRowSchema.shape[c].safeParse(undefined).success);

interface RecordInfo {
  lines: number; // the line the record ends on
  empty_lines: number;
  error?: { code?: string };
}

export async function parseChargeFile(input: Input, ctx: ChargeFileContext): Promise<ChargeFileResult> {
  const errors: RowError[] = [];
  const headerErrors: RowError[] = [];
  const good: GoodRow[] = [];
  let rowCount = 0;
  let headerLength = 0;
  // Where the previous record ended, to find the line a record starts on (a quoted field may span lines).
  let prevEnd = 1;
  let prevEmpty = 0;
  const parser = parse({
    columns: (header: string[]) => {
      const names = header.map((h) => h.trim().toLowerCase());
      headerLength = names.length;
      const known = new Set<string>(CHARGE_COLUMNS);
      const seen = new Set<string>();
      for (const name of names) {
        if (!known.has(name))
          headerErrors.push({ line: 1, field: name, reason: `header: unknown column ${name}` });
        else if (seen.has(name))
          headerErrors.push({ line: 1, field: name, reason: `header: column ${name} repeated` });
        seen.add(name);
      }
      for (const col of REQUIRED_COLUMNS) {
        if (!seen.has(col))
          headerErrors.push({ line: 1, field: col, reason: `header: required column ${col} missing` });
      }
      return names;
    },
    bom: true,
    skip_empty_lines: true,
    trim: true,
    relax_column_count: true,
    info: true,
  });
  const handle = ({ record, info }: { record: Record<string, string>; info: RecordInfo }) => {
    rowCount++;
    const line = prevEnd + 1 + (info.empty_lines - prevEmpty);
    prevEnd = info.lines;
    prevEmpty = info.empty_lines;
    // A file whose header is wrong is refused whole: its rows cannot be read safely.
    if (headerErrors.length > 0) return;
    const encounterId = typeof record.encounter_id === 'string' ? record.encounter_id.trim() : '';
    const at = { line, ...(encounterId ? { encounterId } : {}) };
    if (
      info.error?.code === 'CSV_RECORD_INCONSISTENT_COLUMNS' ||
      Object.keys(record).length !== headerLength
    ) {
      // Most likely an unquoted comma: the values are shifted, so none of them can be trusted.
      errors.push({
        ...at,
        reason: `row has a different number of fields than the header (${headerLength})`,
      });
      return;
    }
    const parsed = chargeRowSchema.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? '');
        errors.push({
          ...at,
          ...(field ? { field } : {}),
          reason: field
            ? `${field}: ${issue.code === 'invalid_type' ? 'is required' : issue.message}`
            : issue.message,
        });
      }
      return;
    }
    if (ctx.practiceId && parsed.data.practice_id !== ctx.practiceId) {
      errors.push({
        ...at,
        field: 'practice_id',
        reason: `practice_id: does not match the practice of the file's folder (${ctx.practiceId})`,
      });
      return;
    }
    good.push({ line, row: parsed.data });
  };
  // Records are handled as they are emitted ('data'), so rows before a syntax error are kept.
  const done = new Promise<void>((resolve) => {
    parser.on('data', handle);
    parser.on('end', resolve);
    parser.on('close', resolve);
    parser.on('error', (err: Error & { lines?: number; empty_lines?: number; code?: string }) => {
      // csv-parse cannot continue past a syntax error: report where it stopped and keep what was read.
      // An unclosed quote is found only at the end of the file; it opened on the record after the last good one.
      const line =
        err.code === 'CSV_QUOTE_NOT_CLOSED'
          ? prevEnd + 1 + ((err.empty_lines ?? prevEmpty) - prevEmpty)
          : (err.lines ?? prevEnd + 1);
      errors.push({
        line,
        reason: `CSV syntax error (${err.code ?? 'parse'}): ${SYNTAX_REASONS[err.code ?? ''] ?? 'unreadable CSV'}; reading stopped here`,
      });
      resolve();
    });
  });
  let rejected: ChargeFileResult['rejected'];
  const source = typeof input === 'string' || input instanceof Uint8Array ? once(input) : input;
  try {
    for await (const chunk of decodeChunks(source, ctx.encoding)) {
      if (parser.destroyed) break;
      if (!parser.write(chunk)) await drained(parser);
    }
  } catch (err) {
    if (!(err instanceof InvalidEncodingError)) throw err;
    // Refused whole: the rows after the bad byte cannot be read, and a guess would garble them.
    rejected = { code: 'NOT_UTF8', reason: err.message };
    errors.push({ line: err.line, reason: err.message });
    parser.destroy(); // the partial line before the bad byte must not be read as a row
  } finally {
    if (!parser.destroyed) parser.end();
  }
  await done;
  if (!rejected && headerLength === 0 && errors.length === 0) {
    const reason = 'header: the file is empty (a header row is required)';
    headerErrors.push({ line: 1, reason });
    rejected = { code: 'EMPTY_FILE', reason: 'the file is empty' };
  } else if (!rejected && headerErrors.length > 0) {
    rejected = { code: 'BAD_HEADER', reason: 'the header row is not valid (see the errors on line 1)' };
  } else if (!rejected && rowCount === 0 && errors.length === 0) {
    const reason = 'the file has a header row but no charge rows';
    headerErrors.push({ line: 1, reason });
    rejected = { code: 'NO_ROWS', reason };
  }
  const sourceLines: Record<string, number[]> = {};
  const claims = rejected ? [] : groupClaims(good, ctx, errors, sourceLines);
  errors.unshift(...headerErrors);
  errors.sort((a, b) => a.line - b.line);
  return {
    claims,
    errors,
    rowCount,
    ...(rejected ? { rejected } : {}),
    ...(claims.length > 0 ? { sourceLines } : {}),
  };
}

async function* once(input: string | Uint8Array): AsyncIterable<string | Uint8Array> {
  yield input;
}

const SYNTAX_REASONS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  CSV_INVALID_CLOSING_QUOTE: 'text follows a closing quote',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text follows a closing quote',
  CSV_QUOTE_NOT_CLOSED_IN_FIELD: 'a quote inside an unquoted field',
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field',
};

/** Waits for the parser to take more input (or to stop), without leaving listeners behind. */
function drained(parser: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      parser.off('drain', done);
      parser.off('close', done);
      parser.off('error', done);
      resolve();
    };
    parser.on('drain', done);
    parser.on('close', done);
    parser.on('error', done);
  });
}

function groupClaims(
  rows: GoodRow[],
  ctx: ChargeFileContext,
  errors: RowError[],
  sourceLines: Record<string, number[]>,
): Claim[] {
  const encounters = new Map<string, GoodRow[]>();
  for (const r of rows) {
    const key = `${r.row.practice_id}\u0000${r.row.encounter_id}`;
    const list = encounters.get(key) ?? [];
    list.push(r);
    encounters.set(key, list);
  }
  const claims: Claim[] = [];
  for (const group of encounters.values()) {
    const first = group[0] as GoodRow;
    if (group.length > MAX_LINES) {
      // Refused here, not at submission: the claim could not be billed, and an encounter this large
      // would not fit one DynamoDB transaction either (it would fail the whole file).
      for (const r of group)
        errors.push({
          line: r.line,
          encounterId: r.row.encounter_id,
          reason: `encounter refused (TOO_MANY_LINES): it has ${group.length} service lines; an 837P claim holds at most ${MAX_LINES}`,
        });
      continue;
    }
    const problems: RowError[] = [];
    const seen = new Set<string>();
    for (const r of group) {
      for (const col of CLAIM_LEVEL) {
        if (JSON.stringify(r.row[col]) !== JSON.stringify(first.row[col])) {
          problems.push({
            line: r.line,
            encounterId: r.row.encounter_id,
            field: col,
            reason: `${col}: differs from line ${first.line} of the same encounter`,
          });
        }
      }
      if (seen.has(r.row.line_id)) {
        problems.push({
          line: r.line,
          encounterId: r.row.encounter_id,
          field: 'line_id',
          reason: 'line_id: repeated within the encounter',
        });
      }
      seen.add(r.row.line_id);
    }
    if (problems.length > 0) {
      errors.push(...problems);
      // The whole encounter is refused: say so on every row that was otherwise fine.
      for (const r of group) {
        if (!problems.some((p) => p.line === r.line)) {
          errors.push({
            line: r.line,
            encounterId: r.row.encounter_id,
            reason: 'encounter refused: its rows disagree (see the other errors)',
          });
        }
      }
      continue;
    }
    const claim = toClaim(group, ctx);
    sourceLines[claim.claimId] = group.map((r) => r.line);
    claims.push(claim);
  }
  return claims;
}

function toClaim(group: GoodRow[], ctx: ChargeFileContext): Claim {
  const r = (group[0] as GoodRow).row;
  const patient = {
    lastName: r.patient_last_name,
    firstName: r.patient_first_name,
    ...(r.patient_middle_name ? { middleName: r.patient_middle_name } : {}),
    dob: r.patient_dob,
    gender: r.patient_gender,
    address: {
      line1: r.patient_address1,
      ...(r.patient_address2 ? { line2: r.patient_address2 } : {}),
      city: r.patient_city,
      state: r.patient_state,
      zip: r.patient_zip,
    },
  };
  const subscriber: Subscriber =
    r.relationship === '18'
      ? { ...patient, memberId: r.member_id, ...(r.group_number ? { groupNumber: r.group_number } : {}) }
      : {
          lastName: r.subscriber_last_name as string,
          firstName: r.subscriber_first_name as string,
          dob: r.subscriber_dob as string,
          gender: r.subscriber_gender as 'M' | 'F' | 'U',
          address: {
            line1: r.subscriber_address1 as string,
            city: r.subscriber_city as string,
            state: r.subscriber_state as string,
            zip: r.subscriber_zip as string,
          },
          memberId: r.member_id,
          ...(r.group_number ? { groupNumber: r.group_number } : {}),
        };
  const diagnoses = [
    r.dx1,
    r.dx2,
    r.dx3,
    r.dx4,
    r.dx5,
    r.dx6,
    r.dx7,
    r.dx8,
    r.dx9,
    r.dx10,
    r.dx11,
    r.dx12,
  ].filter((d): d is string => Boolean(d));
  const lines: ServiceLine[] = group.map(({ row }) => ({
    lineId: row.line_id,
    dateOfService: row.date_of_service,
    procedureCode: row.procedure_code,
    modifiers: row.modifiers,
    units: row.units,
    chargeCents: row.charge,
    diagnosisPointers: row.dx_pointers,
    ...(row.place_of_service !== r.place_of_service ? { placeOfService: row.place_of_service } : {}),
    // the schema has checked that unit and quantity come with an NDC
    ...(row.ndc && row.ndc_unit && row.ndc_quantity !== undefined
      ? {
          drug: {
            ndc: row.ndc,
            unit: row.ndc_unit,
            quantity: row.ndc_quantity,
            ...(row.ndc_prescription_number ? { prescriptionNumber: row.ndc_prescription_number } : {}),
          },
        }
      : {}),
  }));
  return {
    claimId: claimIdFor(r.practice_id, r.encounter_id),
    practiceId: r.practice_id,
    encounterId: r.encounter_id,
    frequencyCode: '1',
    patient,
    relationship: r.relationship,
    subscriber,
    payer: { payerId: r.payer_id, name: r.payer_name },
    billingProvider: {
      npi: r.billing_npi,
      name: r.billing_name,
      taxId: r.billing_tax_id,
      address: {
        line1: r.billing_address1,
        city: r.billing_city,
        state: r.billing_state,
        zip: r.billing_zip,
      },
    },
    ...(r.rendering_npi
      ? {
          renderingProvider: {
            npi: r.rendering_npi,
            lastName: r.rendering_last_name ?? '',
            firstName: r.rendering_first_name ?? '',
            ...(r.rendering_taxonomy ? { taxonomy: r.rendering_taxonomy } : {}),
          },
        }
      : {}),
    ...claimContent(r),
    placeOfService: r.place_of_service,
    diagnoses,
    lines,
    totalChargeCents: sumCents(lines.map((l) => l.chargeCents)),
    sourceFile: ctx.sourceFile,
    receivedAt: ctx.receivedAt,
  };
}

/** The optional 837P content of a claim's first row; only what the file sets (absent keys stay absent). */
function claimContent(r: ChargeRow): Partial<Claim> {
  const out: Partial<Claim> = {};
  if (r.referring_npi && r.referring_last_name)
    out.referringProvider = {
      npi: r.referring_npi,
      lastName: r.referring_last_name,
      ...(r.referring_first_name ? { firstName: r.referring_first_name } : {}),
    };
  if (r.facility_name && r.facility_address1 && r.facility_city && r.facility_state && r.facility_zip)
    out.serviceFacility = {
      name: r.facility_name,
      ...(r.facility_npi ? { npi: r.facility_npi } : {}),
      address: {
        line1: r.facility_address1,
        ...(r.facility_address2 ? { line2: r.facility_address2 } : {}),
        city: r.facility_city,
        state: r.facility_state,
        zip: r.facility_zip,
      },
    };
  if (r.supervising_npi && r.supervising_last_name)
    out.supervisingProvider = {
      npi: r.supervising_npi,
      lastName: r.supervising_last_name,
      ...(r.supervising_first_name ? { firstName: r.supervising_first_name } : {}),
    };
  if (r.prior_authorization) out.priorAuthorization = r.prior_authorization;
  if (r.referral_number) out.referralNumber = r.referral_number;
  if (r.onset_date) out.onsetDate = r.onset_date;
  if (r.patient_death_date) out.patientDeathDate = r.patient_death_date;
  if (r.accident_date && r.accident_causes.length > 0)
    out.accident = {
      causes: r.accident_causes,
      date: r.accident_date,
      ...(r.accident_state ? { state: r.accident_state } : {}),
    };
  if (r.attachment_report_type && r.attachment_transmission)
    out.attachments = [
      {
        reportType: r.attachment_report_type,
        transmission: r.attachment_transmission,
        ...(r.attachment_control_number ? { controlNumber: r.attachment_control_number } : {}),
      },
    ];
  if (r.provider_signature || r.assignment || r.benefits_assignment || r.release_of_information) {
    const d: ClaimIndicators = DEFAULT_CLAIM_INDICATORS;
    out.indicators = {
      providerSignature: r.provider_signature ?? d.providerSignature,
      assignment: r.assignment ?? d.assignment,
      benefitsAssignment: r.benefits_assignment ?? d.benefitsAssignment,
      releaseOfInformation: r.release_of_information ?? d.releaseOfInformation,
    };
  }
  return out;
}

/** The error report written next to a charge file: errors/<path under charges/>.errors.json. */
export function errorReport(
  result: ChargeFileResult,
  sourceFile: string,
): { key: string; body: string; contentType: string } {
  return {
    key: `errors/${sourceFile.replace(/^charges\//, '')}.errors.json`,
    body: JSON.stringify(
      {
        sourceFile,
        rows: result.rowCount,
        claims: result.claims.length,
        ...(result.rejected ? { rejected: result.rejected } : {}),
        errors: result.errors,
      },
      null,
      2,
    ),
    contentType: 'application/json',
  };
}
