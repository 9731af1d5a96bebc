/**
 * Charge intake in two bounded steps, so a file of any size finishes:
 *
 * 1. ingestChargeFile (one S3 object): streams and validates the rows, groups them into claims, looks
 *    the claims up (batches of 100), writes the error report, writes one chunk manifest of at most
 *    `claimsPerChunk` claims per chunk under a deterministic key (same object version -> same keys,
 *    same chunk membership: claims in file order) and enqueues one message per chunk. It writes no
 *    claim and starts no execution.
 * 2. ingestChunk (one chunk message): writes each claim idempotently and starts its execution
 *    (name = claim id). A chunk already marked done is skipped (a redelivery is a no-op); a chunk
 *    that crashed half-way is redone from the start, which is safe since every step is idempotent.
 *
 * A claim that was received before with the same content is not written again and gets no second
 * execution. One received before with DIFFERENT content is a conflict: reported on its rows in the
 * error report and as an INTAKE_CONFLICT work item (ids only); the stored claim is left as it is.
 */

import {
  type ChargeEncoding,
  type ChargeFileResult,
  chargeContentHash,
  encodingOf,
  type RowError,
  sameCharges,
} from '../charges';
import type { Claim, ClaimStatus } from '../claims/model';

export const CLAIMS_PER_CHUNK = 100;

/**
 * What is stored for a claim id: its status and current claim (META) and the hash of the content it
 * was received with plus the file it came from (INTAKE; absent for claims received before it existed).
 */
export interface StoredClaim {
  status?: ClaimStatus;
  claim?: Claim;
  contentHash?: string;
  sourceFile?: string;
}

/** The result of recording what a claim is received with (see shared/store/intake.ts). */
export type IntakeOutcome =
  /** claimWritten: the claim was written with its intake record (putClaim is not needed). */
  | { kind: 'recorded'; claimWritten?: true }
  | { kind: 'same' }
  | { kind: 'conflict'; storedSourceFile?: string }
  | { kind: 'legacy' };

/** Same content as what was received for this claim id (or, for older claims, as the claim now). */
function sameAsStored(before: StoredClaim, claim: Claim): boolean {
  if (before.contentHash) return before.contentHash === chargeContentHash(claim);
  return before.claim ? sameCharges(before.claim, claim) : true;
}

/** What the file step needs; the AWS adapters live in functions/ingest-charges. */
export interface IngestFilePorts {
  /** `version` identifies the object's content (its ETag). */
  readObject(
    bucket: string,
    key: string,
  ): Promise<{ body: AsyncIterable<Uint8Array>; contentType?: string; version: string }>;
  writeObject(bucket: string, key: string, body: string, contentType: string): Promise<void>;
  parse(
    input: AsyncIterable<Uint8Array>,
    ctx: { sourceFile: string; receivedAt: string; practiceId: string; encoding: ChargeEncoding },
  ): Promise<ChargeFileResult>;
  errorReport(
    result: ChargeFileResult,
    sourceFile: string,
  ): { key: string; body: string; contentType: string };
  /** The stored claims among `claimIds` (the adapter asks in batches of at most 100). */
  storedClaims(claimIds: string[]): Promise<Map<string, StoredClaim>>;
  /** 'done' when this version of the file was already processed to the end (nothing to do). */
  beginFile(key: string, version: string, at: string, practiceId?: string): Promise<'started' | 'done'>;
  recordFile(rec: FileSummary): Promise<void>;
  /** One message per chunk (the adapter sends them in batches of 10). */
  enqueueChunks(chunks: ChunkRef[]): Promise<void>;
  now(): Date;
}

export interface FileSummary {
  bucket: string;
  key: string;
  version?: string;
  practiceId?: string;
  receivedAt: string;
  rows: number;
  rowErrors: number;
  claims: number;
  /** Claims received before with other content: reported, not written. */
  conflicts: number;
  /** Claims received before with the same content and already under way: nothing to do. */
  unchanged: number;
  chunks: number;
  errorReportKey?: string;
  /** PROCESSING: the chunks are queued (DONE when the last one finishes); REJECTED: nothing billable. */
  status: 'PROCESSING' | 'DONE' | 'REJECTED' | 'SKIPPED';
  /** Why the file was rejected (a code and a sentence, no values). */
  reason?: string;
}

/** The message for one chunk. */
export interface ChunkRef {
  bucket: string;
  fileKey: string;
  version: string;
  chunk: number; // 1-based
  chunks: number;
  manifestKey: string;
}

/** A claim that conflicts with the stored one: ids and line numbers only. */
export interface IntakeConflict {
  claimId: string;
  practiceId: string;
  fileKey: string;
  lines: number[];
  storedSourceFile?: string;
}

export interface ChunkManifest {
  fileKey: string;
  version: string;
  chunk: number;
  chunks: number;
  /** Claims to write (or, already stored and still RECEIVED, whose execution to start). */
  claims: Claim[];
  /** The file lines of each claim, by claim id (for conflict reports). */
  lines?: Record<string, number[]>;
  conflicts: IntakeConflict[];
}

const CHARGE_KEY = /^charges\/([A-Za-z0-9][A-Za-z0-9_-]{0,63})\/[^/].*$/;

/** The practice id from `charges/{practiceId}/...`, or undefined when the key is not a charge file. */
export function practiceOf(key: string): string | undefined {
  return CHARGE_KEY.exec(key)?.[1];
}

export const MANIFEST_PREFIX = 'intake/';

/** Where chunk `chunk` of this version of the file is kept (same inputs, same key). */
export function manifestKey(fileKey: string, version: string, chunk: number): string {
  const safeVersion = version.replace(/[^A-Za-z0-9-]/g, '');
  return `${MANIFEST_PREFIX}${fileKey.replace(/^charges\//, '')}/${safeVersion}/chunk-${String(chunk).padStart(5, '0')}.json`;
}

const storedFrom = (before: StoredClaim) => {
  const file = before.sourceFile ?? before.claim?.sourceFile;
  return file ? { storedSourceFile: file } : {};
};

const conflictReason = (claimId: string) =>
  `encounter conflicts with claim ${claimId} received earlier with different content (INTAKE_CONFLICT): the stored claim is unchanged; send a correction instead of a new upload`;

export async function ingestChargeFile(
  ref: { bucket: string; key: string; errorsBucket: string; claimsPerChunk?: number },
  ports: IngestFilePorts,
): Promise<FileSummary> {
  const perChunk = ref.claimsPerChunk ?? CLAIMS_PER_CHUNK;
  const receivedAt = ports.now().toISOString();
  const practiceId = practiceOf(ref.key);
  const base = {
    bucket: ref.bucket,
    key: ref.key,
    receivedAt,
    rows: 0,
    rowErrors: 0,
    claims: 0,
    conflicts: 0,
    unchanged: 0,
    chunks: 0,
  };
  if (!practiceId) {
    const summary: FileSummary = {
      ...base,
      status: 'REJECTED',
      reason: 'BAD_KEY: key is not charges/{practiceId}/<file>',
    };
    await ports.recordFile(summary);
    return summary;
  }
  const object = await ports.readObject(ref.bucket, ref.key);
  const version = object.version;
  if ((await ports.beginFile(ref.key, version, receivedAt, practiceId)) === 'done')
    return { ...base, practiceId, version, status: 'SKIPPED' };

  const declared = encodingOf(object.contentType);
  const result: ChargeFileResult =
    'error' in declared
      ? {
          claims: [],
          rowCount: 0,
          errors: [{ line: 1, reason: declared.error }],
          rejected: { code: 'UNSUPPORTED_CHARSET', reason: declared.error },
        }
      : await ports.parse(object.body, {
          sourceFile: ref.key,
          receivedAt,
          practiceId,
          encoding: declared.encoding,
        });

  // What is already stored decides what each claim needs: write, start only, nothing, or conflict.
  const stored = result.claims.length
    ? await ports.storedClaims(result.claims.map((c) => c.claimId))
    : new Map<string, StoredClaim>();
  const conflictErrors: RowError[] = [];
  let conflicts = 0;
  let unchanged = 0;
  const plan: { claim: Claim; action: 'write' | 'skip' | IntakeConflict }[] = result.claims.map((claim) => {
    const before = stored.get(claim.claimId);
    if (!before) return { claim, action: 'write' };
    if (sameAsStored(before, claim)) {
      // Not yet under way: an earlier attempt stopped before the claim or its execution.
      if (!before.status || before.status === 'RECEIVED') return { claim, action: 'write' };
      unchanged++;
      return { claim, action: 'skip' };
    }
    conflicts++;
    const lines = result.sourceLines?.[claim.claimId] ?? [];
    for (const line of lines)
      conflictErrors.push({ line, encounterId: claim.encounterId, reason: conflictReason(claim.claimId) });
    return {
      claim,
      action: {
        claimId: claim.claimId,
        practiceId: claim.practiceId,
        fileKey: ref.key,
        lines,
        ...storedFrom(before),
      },
    };
  });
  const errors = [...result.errors, ...conflictErrors].sort((a, b) => a.line - b.line);
  const reported: ChargeFileResult = {
    ...result,
    errors,
    claims: plan.filter((p) => p.action === 'write' || p.action === 'skip').map((p) => p.claim),
  };

  let errorReportKey: string | undefined;
  if (errors.length > 0) {
    const report = ports.errorReport(reported, ref.key);
    await ports.writeObject(ref.errorsBucket, report.key, report.body, report.contentType);
    errorReportKey = report.key;
  }
  const counted = {
    ...base,
    practiceId,
    version,
    rows: result.rowCount,
    rowErrors: errors.length,
    claims: result.claims.length,
    conflicts,
    unchanged,
    ...(errorReportKey ? { errorReportKey } : {}),
  };
  if (result.rejected) {
    const summary: FileSummary = {
      ...counted,
      status: 'REJECTED',
      reason: `${result.rejected.code}: ${result.rejected.reason}`,
    };
    await ports.recordFile(summary);
    return summary;
  }

  // Chunk membership depends only on the file (claims in file order), never on what is stored:
  // a retried file invocation rebuilds the same chunks, so a chunk marked done stays right.
  const refs: ChunkRef[] = [];
  const manifests: ChunkManifest[] = [];
  const total = Math.ceil(plan.length / perChunk);
  for (let i = 0; i < total; i++) {
    const slice = plan.slice(i * perChunk, (i + 1) * perChunk);
    const manifest: ChunkManifest = {
      fileKey: ref.key,
      version,
      chunk: i + 1,
      chunks: total,
      claims: slice.filter((p) => p.action === 'write').map((p) => p.claim),
      lines: Object.fromEntries(
        slice
          .filter((p) => p.action === 'write')
          .map((p) => [p.claim.claimId, result.sourceLines?.[p.claim.claimId] ?? []]),
      ),
      conflicts: slice.flatMap((p) => (typeof p.action === 'object' ? [p.action] : [])),
    };
    manifests.push(manifest);
  }
  // An unchanged re-upload has nothing to do at all. Otherwise every chunk is sent, even one with
  // nothing left to do: chunk numbers must not depend on what is stored (see above).
  if (manifests.every((m) => m.claims.length === 0 && m.conflicts.length === 0)) manifests.length = 0;
  for (const m of manifests) {
    const key = manifestKey(ref.key, version, m.chunk);
    await ports.writeObject(ref.errorsBucket, key, JSON.stringify(m), 'application/json');
    refs.push({
      bucket: ref.errorsBucket,
      fileKey: ref.key,
      version,
      chunk: m.chunk,
      chunks: m.chunks,
      manifestKey: key,
    });
  }
  const summary: FileSummary = {
    ...counted,
    chunks: refs.length,
    status: refs.length === 0 ? 'DONE' : 'PROCESSING',
  };
  // Recorded before the messages go out, so every chunk finds the file's chunk count.
  await ports.recordFile(summary);
  if (refs.length > 0) await ports.enqueueChunks(refs);
  return summary;
}

/** What the chunk step needs; the AWS adapters live in functions/ingest-claims. */
export interface IngestChunkPorts {
  isChunkDone(ref: ChunkRef): Promise<boolean>;
  readManifest(bucket: string, key: string): Promise<ChunkManifest>;
  /**
   * Records the content hash a claim is received with, once, before or with the claim (an adapter
   * may write the claim in the same write: 'recorded' with claimWritten); says whether the one
   * already recorded is the same.
   */
  recordIntake(claim: Claim, contentHash: string): Promise<IntakeOutcome>;
  /** Creates the claim (status RECEIVED, event, charge ledger entries); 'exists' when already there. */
  putClaim(claim: Claim): Promise<'created' | 'exists'>;
  getClaim(claimId: string): Promise<StoredClaim | undefined>;
  startExecution(name: string, input: { claimId: string }): Promise<'started' | 'exists'>;
  /** INTAKE_CONFLICT work item (ids and line numbers only). */
  reportConflict(conflict: IntakeConflict): Promise<void>;
  /** Marks the chunk done and adds its counts to the file (once, even when called again). */
  markChunkDone(ref: ChunkRef, counts: ChunkCounts): Promise<void>;
}

export interface ChunkCounts {
  claimsCreated: number;
  executionsStarted: number;
  /** Conflicts found only when writing (the claim was stored after the file step looked). */
  lateConflicts: number;
}

export interface ChunkSummary extends ChunkCounts {
  fileKey: string;
  chunk: number;
  chunks: number;
  status: 'DONE' | 'SKIPPED';
}

export async function ingestChunk(ref: ChunkRef, ports: IngestChunkPorts): Promise<ChunkSummary> {
  const at = { fileKey: ref.fileKey, chunk: ref.chunk, chunks: ref.chunks };
  if (await ports.isChunkDone(ref))
    return { ...at, claimsCreated: 0, executionsStarted: 0, lateConflicts: 0, status: 'SKIPPED' };
  const manifest = await ports.readManifest(ref.bucket, ref.manifestKey);
  if (manifest.fileKey !== ref.fileKey || manifest.chunk !== ref.chunk || manifest.version !== ref.version)
    throw new Error(`manifest ${ref.manifestKey} does not belong to chunk ${ref.chunk} of its file`);
  const counts: ChunkCounts = { claimsCreated: 0, executionsStarted: 0, lateConflicts: 0 };
  for (const conflict of manifest.conflicts) await ports.reportConflict(conflict);
  for (const claim of manifest.claims) {
    const conflict = async (storedSourceFile?: string) => {
      await ports.reportConflict({
        claimId: claim.claimId,
        practiceId: claim.practiceId,
        fileKey: ref.fileKey,
        lines: manifest.lines?.[claim.claimId] ?? [],
        ...(storedSourceFile ? { storedSourceFile } : {}),
      });
      counts.lateConflicts++;
    };
    // The INTAKE record decides: written once, before the claim, it keeps what was received first.
    const intake = await ports.recordIntake(claim, chargeContentHash(claim));
    if (intake.kind === 'conflict') {
      await conflict(intake.storedSourceFile); // stored after the file step looked
      continue;
    }
    let before: StoredClaim | undefined;
    if (intake.kind === 'legacy') {
      before = await ports.getClaim(claim.claimId);
      if (before?.claim && !sameCharges(before.claim, claim)) {
        await conflict(before.claim.sourceFile);
        continue;
      }
    }
    if (intake.kind === 'recorded' && intake.claimWritten) counts.claimsCreated++;
    else if ((await ports.putClaim(claim)) === 'created') counts.claimsCreated++;
    else {
      // Stored by this chunk's earlier attempt or by an identical upload: start only if not under way.
      before ??= await ports.getClaim(claim.claimId);
      if (before?.status && before.status !== 'RECEIVED') continue;
    }
    // Started even when the claim existed: an earlier attempt may have stopped between the two.
    if ((await ports.startExecution(claim.claimId, { claimId: claim.claimId })) === 'started')
      counts.executionsStarted++;
  }
  await ports.markChunkDone(ref, counts);
  return { ...at, ...counts, status: 'DONE' };
}
