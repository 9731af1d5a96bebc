/**
 * Intake + scrub of a charge file, offline: the same shared/ modules the pipeline runs (charge file
 * parser, scrubber; with an NCCI table, the NCCI rules too). No AWS.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type ChargeFileResult, parseChargeFile } from '../../shared/charges';
import type { Claim } from '../../shared/claims/model';
import { hasErrors, type ScrubFinding, scrubClaim } from '../../shared/scrub';
import { loadNcciTable, type NcciTable } from '../../shared/scrub/ncci';
import { type Io, inputFile, PROGRESS_BYTES, readChunks, UsageError } from '../io';

/** One problem, located: the physical line in the file (header = 1), the claim, the rule. */
export interface LocatedFinding {
  stage: 'intake' | 'scrub';
  line?: number;
  claimId?: string;
  encounterId?: string;
  lineId?: string;
  rule: string;
  severity: 'error' | 'warning';
  field?: string;
  message: string;
}

export interface OfflineResult {
  file: string;
  rowCount: number;
  rejected?: ChargeFileResult['rejected'];
  claims: { claim: Claim; findings: ScrubFinding[]; goesOut: boolean }[];
  findings: LocatedFinding[];
  /** Rows that are not in any claim (their encounter was refused or the row was invalid). */
  rowErrors: number;
}

export interface OfflineOptions {
  today: string;
  timelyFilingDays: number;
  ncciTable?: string;
  progress?: boolean;
}

export function readNcciTable(file: string): NcciTable {
  inputFile(file, 'NCCI table');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new UsageError(`${file}: not JSON (build the table with: claimflow ncci load ... --out ${file})`);
  }
  try {
    return loadNcciTable(json);
  } catch (err) {
    throw new UsageError(`${file}: ${(err as Error).message}`);
  }
}

export async function checkChargeFile(file: string, opts: OfflineOptions, io: Io): Promise<OfflineResult> {
  const { size } = inputFile(file, 'charge file (CSV)');
  const ncci = opts.ncciTable ? readNcciTable(opts.ncciTable) : undefined;
  const progress = opts.progress ?? size > PROGRESS_BYTES;
  const parsed = await parseChargeFile(readChunks(file, size, io, progress, path.basename(file)), {
    sourceFile: path.basename(file),
    receivedAt: new Date().toISOString(),
  });
  const findings: LocatedFinding[] = parsed.errors.map((e) => ({
    stage: 'intake',
    line: e.line,
    ...(e.encounterId ? { encounterId: e.encounterId } : {}),
    rule: 'CHARGE_ROW',
    severity: 'error',
    ...(e.field ? { field: e.field } : {}),
    message: e.reason,
  }));
  const claims: OfflineResult['claims'] = [];
  parsed.claims.forEach((claim, i) => {
    if (progress && i > 0 && i % 10_000 === 0) io.err(`scrubbed ${i} of ${parsed.claims.length} claims`);
    const all = scrubClaim(claim, {
      today: opts.today,
      timelyFilingDays: opts.timelyFilingDays,
      ...(ncci ? { ncci } : {}),
    });
    claims.push({ claim, findings: all, goesOut: !hasErrors(all) });
    const lines = parsed.sourceLines?.[claim.claimId] ?? [];
    const lineOf = new Map(claim.lines.map((l, j) => [l.lineId, lines[j]]));
    for (const f of all) {
      const line = (f.lineId ? lineOf.get(f.lineId) : undefined) ?? lines[0];
      findings.push({
        stage: 'scrub',
        ...(line !== undefined ? { line } : {}),
        claimId: claim.claimId,
        encounterId: claim.encounterId,
        ...(f.lineId ? { lineId: f.lineId } : {}),
        rule: f.rule,
        severity: f.severity,
        ...(f.field ? { field: f.field } : {}),
        message: f.message,
      });
    }
  });
  findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return {
    file,
    rowCount: parsed.rowCount,
    ...(parsed.rejected ? { rejected: parsed.rejected } : {}),
    claims,
    findings,
    rowErrors: new Set(parsed.errors.map((e) => e.line)).size,
  };
}
