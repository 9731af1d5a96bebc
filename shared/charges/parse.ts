/**
 * Charge file intake: CSV (one row per service line) -> validated rows -> claims grouped by
 * encounter. Streams the input through csv-parse. A bad row is reported (physical line number, column,
 * rule) and skipped; it never stops the other rows. An encounter whose rows disagree on claim-level
 * data is refused whole: a partial claim must not be billed.
 */
import { parse } from 'csv-parse';
import { claimIdFor } from '../claims/ids';
import type { Claim, ServiceLine, Subscriber } from '../claims/model';
import { sumCents } from '../money';
import { CHARGE_COLUMNS, type ChargeRow, chargeRowSchema } from './row';

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
}

export interface ChargeFileContext {
  sourceFile: string;
  receivedAt: string;
  practiceId?: string;
}

type Input = string | Uint8Array | AsyncIterable<string | Uint8Array>;

interface GoodRow {
  line: number;
  row: ChargeRow;
}

/** Claim-level columns: every row of an encounter must carry the same values. */
const CLAIM_LEVEL = CHARGE_COLUMNS.filter(
  (c) =>
    ![
      'line_id',
      'date_of_service',
      'procedure_code',
      'modifiers',
      'units',
      'charge',
      'dx_pointers',
      'place_of_service',
    ].includes(c),
);

export async function parseChargeFile(input: Input, ctx: ChargeFileContext): Promise<ChargeFileResult> {
  const errors: RowError[] = [];
  const good: GoodRow[] = [];
  let rowCount = 0;
  const parser = parse({
    columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    info: true,
  });
  const handle = (record: { record: Record<string, string>; info: { lines: number } }) => {
    rowCount++;
    // info.lines is the line the record ends on; a record spans one line unless a field has newlines.
    const line = record.info.lines;
    const parsed = chargeRowSchema.safeParse(record.record);
    if (!parsed.success) {
      const encounterId =
        typeof record.record.encounter_id === 'string' ? record.record.encounter_id.trim() : undefined;
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? '');
        errors.push({
          line,
          ...(encounterId ? { encounterId } : {}),
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
        line,
        encounterId: parsed.data.encounter_id,
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
    parser.on('error', (err: Error & { lines?: number; code?: string }) => {
      // csv-parse cannot continue past a syntax error (e.g. an unclosed quote): report where it stopped.
      errors.push({
        line: err.lines ?? rowCount + 1,
        reason: `CSV syntax error (${err.code ?? 'parse'}): ${err.message.split(':')[0]}`,
      });
      resolve();
    });
  });
  try {
    if (typeof input === 'string' || input instanceof Uint8Array) parser.write(input);
    else
      for await (const chunk of input) {
        if (parser.destroyed) break;
        if (!parser.write(chunk)) {
          await new Promise((r) => {
            parser.once('drain', r);
            parser.once('close', r);
          });
        }
      }
  } finally {
    if (!parser.destroyed) parser.end();
  }
  await done;
  const claims = groupClaims(good, ctx, errors);
  errors.sort((a, b) => a.line - b.line);
  return { claims, errors, rowCount };
}

function groupClaims(rows: GoodRow[], ctx: ChargeFileContext, errors: RowError[]): Claim[] {
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
    claims.push(toClaim(group, ctx));
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
          },
        }
      : {}),
    placeOfService: r.place_of_service,
    diagnoses,
    lines,
    totalChargeCents: sumCents(lines.map((l) => l.chargeCents)),
    sourceFile: ctx.sourceFile,
    receivedAt: ctx.receivedAt,
  };
}

/** The error report written next to a charge file: errors/<path under charges/>.errors.json. */
export function errorReport(
  result: ChargeFileResult,
  sourceFile: string,
): { key: string; body: string; contentType: string } {
  return {
    key: `errors/${sourceFile.replace(/^charges\//, '')}.errors.json`,
    body: JSON.stringify(
      { sourceFile, rows: result.rowCount, claims: result.claims.length, errors: result.errors },
      null,
      2,
    ),
    contentType: 'application/json',
  };
}
