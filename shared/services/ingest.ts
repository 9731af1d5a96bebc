/**
 * Charge intake: one charge file in S3 -> validated rows -> claims written idempotently -> one
 * workflow execution per claim (execution name = claim id, so a retry or a re-upload starts nothing
 * new). Bad rows go to an error report next to the file; they never stop the good rows.
 */

import type { ChargeFileResult } from '../charges';
import type { Claim } from '../claims/model';

export interface IngestPorts {
  readObject(bucket: string, key: string): Promise<AsyncIterable<Uint8Array>>;
  writeObject(bucket: string, key: string, body: string, contentType: string): Promise<void>;
  parse(
    input: AsyncIterable<Uint8Array>,
    ctx: { sourceFile: string; receivedAt: string; practiceId: string },
  ): Promise<ChargeFileResult>;
  errorReport(
    result: ChargeFileResult,
    sourceFile: string,
  ): { key: string; body: string; contentType: string };
  /** Creates the claim (status RECEIVED, event, charge ledger entries); 'exists' when already there. */
  putClaim(claim: Claim): Promise<'created' | 'exists'>;
  startExecution(name: string, input: { claimId: string }): Promise<'started' | 'exists'>;
  recordFile(rec: FileSummary): Promise<void>;
  now(): Date;
}

export interface FileSummary {
  bucket: string;
  key: string;
  practiceId?: string;
  receivedAt: string;
  rows: number;
  rowErrors: number;
  claims: number;
  claimsCreated: number;
  executionsStarted: number;
  errorReportKey?: string;
  status: 'PROCESSED' | 'REJECTED';
  reason?: string;
}

const CHARGE_KEY = /^charges\/([A-Za-z0-9][A-Za-z0-9_-]{0,63})\/[^/].*$/;

/** The practice id from `charges/{practiceId}/...`, or undefined when the key is not a charge file. */
export function practiceOf(key: string): string | undefined {
  return CHARGE_KEY.exec(key)?.[1];
}

export async function ingestChargeFile(
  ref: { bucket: string; key: string; errorsBucket: string },
  ports: IngestPorts,
): Promise<FileSummary> {
  const receivedAt = ports.now().toISOString();
  const practiceId = practiceOf(ref.key);
  const base = {
    bucket: ref.bucket,
    key: ref.key,
    receivedAt,
    rows: 0,
    rowErrors: 0,
    claims: 0,
    claimsCreated: 0,
    executionsStarted: 0,
  };
  if (!practiceId) {
    const summary: FileSummary = {
      ...base,
      status: 'REJECTED',
      reason: 'key is not charges/{practiceId}/<file>',
    };
    await ports.recordFile(summary);
    return summary;
  }
  const result = await ports.parse(await ports.readObject(ref.bucket, ref.key), {
    sourceFile: ref.key,
    receivedAt,
    practiceId,
  });
  let errorReportKey: string | undefined;
  if (result.errors.length > 0) {
    const report = ports.errorReport(result, ref.key);
    await ports.writeObject(ref.errorsBucket, report.key, report.body, report.contentType);
    errorReportKey = report.key;
  }
  let claimsCreated = 0;
  let executionsStarted = 0;
  for (const claim of result.claims) {
    if ((await ports.putClaim(claim)) === 'created') claimsCreated++;
    // Started even when the claim existed: an earlier attempt may have stopped between the two.
    if ((await ports.startExecution(claim.claimId, { claimId: claim.claimId })) === 'started')
      executionsStarted++;
  }
  const summary: FileSummary = {
    ...base,
    practiceId,
    rows: result.rowCount,
    rowErrors: result.errors.length,
    claims: result.claims.length,
    claimsCreated,
    executionsStarted,
    status: 'PROCESSED',
    ...(errorReportKey ? { errorReportKey } : {}),
  };
  await ports.recordFile(summary);
  return summary;
}
