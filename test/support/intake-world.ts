/**
 * In-memory fakes of S3, DynamoDB, SQS and Step Functions for charge intake, where every call waits
 * 10-20 ms (as a real AWS call would) and is counted: used by the intake service tests and by the
 * intake-at-AWS-latency benchmark (bench/intake.ts).
 */
import { errorReport, parseChargeFile } from '../../shared/charges';
import type { Claim, ClaimStatus } from '../../shared/claims/model';
import {
  type ChunkManifest,
  type ChunkRef,
  type FileSummary,
  type IngestChunkPorts,
  type IngestFilePorts,
  type IntakeConflict,
  type IntakeOutcome,
  ingestChargeFile,
  ingestChunk,
  type StoredClaim,
} from '../../shared/services/ingest';

export const BUCKET = 'charges';

/** One fake AWS account: objects, claims, executions, work items, file records, chunk markers, queue. */
export class World {
  objects = new Map<string, { body: Uint8Array; contentType?: string; version: string }>();
  claims = new Map<string, { claim: Claim; status: ClaimStatus }>();
  /** INTAKE records: content hash and source file of what each claim id was first received with. */
  intakes = new Map<string, { contentHash: string; sourceFile: string }>();
  executions: string[] = [];
  workItems: IntakeConflict[] = [];
  files = new Map<string, FileSummary & { chunksDone: number; done: Set<number>; finished: boolean }>();
  queue: ChunkRef[] = [];
  calls = 0;
  private clock = 0;
  /** Fails the n-th claim write from now on (once), to simulate a crash mid-chunk. */
  failPutAt?: number;
  failEnqueue = false;
  /** recordIntake writes a new claim with its intake record (shared/store recordIntake given the claim). */
  claimWithIntake = false;
  workflowReplaces = false;

  private async aws<T>(fn: () => T): Promise<T> {
    this.calls++;
    this.clock = (this.clock + 7) % 11;
    await new Promise((r) => setTimeout(r, 10 + this.clock)); // 10-20 ms per call
    return fn();
  }

  put(key: string, text: string | Uint8Array, contentType = 'text/csv'): void {
    const body = typeof text === 'string' ? Buffer.from(text) : text;
    this.objects.set(key, { body, contentType, version: `v${this.objects.size + 1}-${body.length}` });
  }

  filePorts(): IngestFilePorts {
    return {
      readObject: (_b, key) =>
        this.aws(() => {
          const o = this.objects.get(key);
          if (!o) throw new Error(`no object ${key}`);
          const body = o.body;
          async function* stream() {
            for (let i = 0; i < body.length; i += 4096) yield body.subarray(i, i + 4096);
          }
          return {
            body: stream(),
            version: o.version,
            ...(o.contentType ? { contentType: o.contentType } : {}),
          };
        }),
      writeObject: (_b, key, body) => this.aws(() => void this.put(key, body, 'application/json')),
      parse: (input, ctx) => parseChargeFile(input, ctx),
      errorReport,
      storedClaims: async (ids) => {
        const found = new Map<string, StoredClaim>();
        for (let i = 0; i < ids.length; i += 50)
          await this.aws(() => {
            for (const id of ids.slice(i, i + 50)) {
              const c = this.claims.get(id);
              const intake = this.intakes.get(id);
              if (c || intake) found.set(id, structuredClone({ ...c, ...intake }));
            }
          });
        return found;
      },
      beginFile: (key, version) =>
        this.aws(() => {
          const f = this.files.get(key);
          return f?.version === version && (f.status === 'DONE' || f.status === 'REJECTED')
            ? 'done'
            : 'started';
        }),
      recordFile: (s) =>
        this.aws(() => {
          const prev = this.files.get(s.key);
          const same = prev?.version === s.version;
          const rec = {
            ...s,
            chunksDone: same ? (prev?.chunksDone ?? 0) : 0,
            done: same ? (prev?.done ?? new Set<number>()) : new Set<number>(),
            finished: s.status !== 'PROCESSING',
          };
          if (rec.status === 'PROCESSING' && rec.chunksDone >= rec.chunks) rec.status = 'DONE';
          this.files.set(s.key, rec);
        }),
      enqueueChunks: async (refs) => {
        for (let i = 0; i < refs.length; i += 10)
          await this.aws(() => {
            if (this.failEnqueue && i > 0) throw new Error('crash while enqueuing');
            this.queue.push(...refs.slice(i, i + 10));
          });
      },
      now: () => new Date('2026-11-20T12:00:00.000Z'),
    };
  }

  chunkPorts(): IngestChunkPorts {
    return {
      isChunkDone: (ref) => this.aws(() => Boolean(this.files.get(ref.fileKey)?.done.has(ref.chunk))),
      readManifest: (_b, key) =>
        this.aws(
          () => JSON.parse(Buffer.from(this.objects.get(key)?.body ?? []).toString()) as ChunkManifest,
        ),
      recordIntake: (claim, contentHash) =>
        this.aws((): IntakeOutcome => {
          const intake = this.intakes.get(claim.claimId);
          if (!intake && !this.claims.has(claim.claimId)) {
            if (this.claimWithIntake) {
              // One transaction: a crash writes neither.
              if (this.failPutAt !== undefined && this.failPutAt-- === 0) throw new Error('crash mid-chunk');
              this.claims.set(claim.claimId, { claim: structuredClone(claim), status: 'RECEIVED' });
            }
            this.intakes.set(claim.claimId, { contentHash, sourceFile: claim.sourceFile });
            return this.claimWithIntake ? { kind: 'recorded', claimWritten: true } : { kind: 'recorded' };
          }
          if (!intake) return { kind: 'legacy' };
          return intake.contentHash === contentHash
            ? { kind: 'same' }
            : { kind: 'conflict', storedSourceFile: intake.sourceFile };
        }),
      putClaim: (claim) =>
        this.aws(() => {
          if (this.failPutAt !== undefined && this.failPutAt-- === 0) throw new Error('crash mid-chunk');
          if (this.claims.has(claim.claimId)) return 'exists' as const;
          this.claims.set(claim.claimId, { claim: structuredClone(claim), status: 'RECEIVED' });
          return 'created' as const;
        }),
      getClaim: (id) => this.aws(() => structuredClone(this.claims.get(id))),
      startExecution: (name) =>
        this.aws(() => {
          if (this.executions.includes(name)) return 'exists' as const;
          this.executions.push(name);
          const c = this.claims.get(name);
          if (c) c.status = 'SCRUBBED'; // the workflow moves the claim on
          if (c && this.workflowReplaces) {
            // A replacement after adjudication changes the stored claim; intake must not care.
            c.claim.frequencyCode = '7';
            c.claim.originalPayerClaimNumber = 'PCN1';
            c.claim.diagnoses = [...c.claim.diagnoses, 'Z0001'];
          }
          return 'started' as const;
        }),
      reportConflict: (c) => this.aws(() => void this.workItems.push(c)),
      markChunkDone: (ref) =>
        this.aws(() => {
          const f = this.files.get(ref.fileKey);
          if (!f || f.version !== ref.version || f.done.has(ref.chunk)) return;
          f.done.add(ref.chunk);
          f.chunksDone++;
          if (f.chunksDone >= f.chunks) f.status = 'DONE';
        }),
    };
  }

  /** Runs one file invocation; returns its summary and how many AWS calls it made. */
  async ingestFile(key: string, claimsPerChunk = 25) {
    const before = this.calls;
    const summary = await ingestChargeFile(
      { bucket: BUCKET, key, errorsBucket: BUCKET, claimsPerChunk },
      this.filePorts(),
    );
    return { summary, calls: this.calls - before };
  }

  /** Delivers every queued chunk message (like the SQS poller); returns the calls of each invocation. */
  async drain(): Promise<number[]> {
    const calls: number[] = [];
    while (this.queue.length > 0) {
      const ref = this.queue.shift() as ChunkRef;
      const before = this.calls;
      await ingestChunk(ref, this.chunkPorts());
      calls.push(this.calls - before);
    }
    return calls;
  }

  report(key: string) {
    const o = this.objects.get(`errors/${key.replace(/^charges\//, '')}.errors.json`);
    return o ? JSON.parse(Buffer.from(o.body).toString()) : undefined;
  }
}
