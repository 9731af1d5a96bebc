/**
 * Charge intake in bounded steps, against in-memory fakes of S3, DynamoDB, SQS and Step Functions
 * where every call waits 10-20 ms (as a real AWS call would). Each invocation's number of calls is
 * counted: the file step's grows only with the number of chunks, a chunk step's only with its size.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { generateDemoChargeCsv } from '../../../local/sample-data/generate';
import { CHARGE_COLUMNS, chargeContentHash, errorReport, parseChargeFile } from '../../../shared/charges';
import type { Claim, ClaimStatus } from '../../../shared/claims/model';
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
  manifestKey,
  type StoredClaim,
} from '../../../shared/services/ingest';

const BUCKET = 'charges';
const TODAY = '2026-11-20';

/** One fake AWS account: objects, claims, executions, work items, file records, chunk markers, queue. */
class World {
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
            this.intakes.set(claim.claimId, { contentHash, sourceFile: claim.sourceFile });
            return { kind: 'recorded' };
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

const demo = (claims: number, seed = 11) =>
  generateDemoChargeCsv({ seed, practiceId: 'PRAC1', claims, today: TODAY, errorRate: 0, badRows: 0 });

let w: World;
beforeEach(() => {
  w = new World();
});

describe('charge intake in bounded steps (10-20 ms per AWS call)', () => {
  it('finishes a file of several chunks, each invocation making a bounded number of calls', async () => {
    const CLAIMS = 110;
    const PER_CHUNK = 25;
    w.put('charges/PRAC1/big.csv', demo(CLAIMS));
    const { summary, calls } = await w.ingestFile('charges/PRAC1/big.csv', PER_CHUNK);
    const chunks = Math.ceil(CLAIMS / PER_CHUNK);
    expect(summary).toMatchObject({
      status: 'PROCESSING',
      claims: CLAIMS,
      chunks,
      rowErrors: 0,
      conflicts: 0,
    });
    expect(w.executions).toEqual([]); // the file step writes no claim and starts nothing
    // read + begin + lookups (50 claims each) + one manifest per chunk + record + sends (10 per batch)
    expect(calls).toBeLessThanOrEqual(3 + Math.ceil(CLAIMS / 50) + chunks + Math.ceil(chunks / 10));
    expect(w.queue.map((r) => r.manifestKey)).toEqual(
      Array.from({ length: chunks }, (_, i) =>
        manifestKey('charges/PRAC1/big.csv', summary.version ?? '', i + 1),
      ),
    );

    const perChunk = await w.drain();
    expect(perChunk).toHaveLength(chunks);
    // isDone + manifest + (intake record + put + start) per claim + marker
    for (const c of perChunk) expect(c).toBeLessThanOrEqual(3 + 3 * PER_CHUNK);
    expect(w.claims.size).toBe(CLAIMS);
    expect(new Set(w.executions).size).toBe(CLAIMS);
    expect(w.executions).toHaveLength(CLAIMS);
    expect(w.files.get('charges/PRAC1/big.csv')?.status).toBe('DONE');
  });

  it('treats a redelivered chunk as a no-op (one call, nothing written)', async () => {
    w.put('charges/PRAC1/a.csv', demo(30));
    await w.ingestFile('charges/PRAC1/a.csv', 10);
    const first = w.queue[0] as ChunkRef;
    await w.drain();
    const claims = structuredClone([...w.claims.entries()]);
    const before = w.calls;
    const out = await ingestChunk(first, w.chunkPorts());
    expect(out.status).toBe('SKIPPED');
    expect(w.calls - before).toBe(1);
    expect([...w.claims.entries()]).toEqual(claims);
    expect(w.executions).toHaveLength(30);
  });

  it('resumes a chunk that crashed half-way: every claim once, every execution once', async () => {
    w.put('charges/PRAC1/a.csv', demo(20));
    await w.ingestFile('charges/PRAC1/a.csv', 20);
    const ref = w.queue[0] as ChunkRef;
    w.failPutAt = 12;
    await expect(w.drain()).rejects.toThrow('crash mid-chunk');
    expect(w.claims.size).toBe(12);
    expect(w.files.get('charges/PRAC1/a.csv')?.status).toBe('PROCESSING');
    w.queue.push(ref); // SQS redelivers after the visibility timeout
    await w.drain();
    expect(w.claims.size).toBe(20);
    expect(w.executions).toHaveLength(20);
    expect(new Set(w.executions).size).toBe(20);
    expect(w.files.get('charges/PRAC1/a.csv')?.status).toBe('DONE');
  });

  it('resumes a file step that crashed while queueing: same chunks, no claim lost or doubled', async () => {
    w.put('charges/PRAC1/a.csv', demo(60));
    w.failEnqueue = true; // the first 10 chunk messages go out, then the invocation dies
    await expect(w.ingestFile('charges/PRAC1/a.csv', 3)).rejects.toThrow('crash while enqueuing');
    const sentFirst = w.queue.map((r) => r.manifestKey);
    expect(sentFirst).toHaveLength(10);
    await w.drain(); // those chunks are written, their claims move on
    w.failEnqueue = false;
    const { summary } = await w.ingestFile('charges/PRAC1/a.csv', 3); // the S3 message is redelivered
    expect(summary.chunks).toBe(20);
    expect(w.queue.slice(0, 10).map((r) => r.manifestKey)).toEqual(sentFirst);
    await w.drain();
    expect(w.claims.size).toBe(60);
    expect(w.executions).toHaveLength(60);
    expect(w.files.get('charges/PRAC1/a.csv')?.status).toBe('DONE');
  });

  it('creates nothing for an identical re-upload, under the same key or another, even after the workflow changed the claims', async () => {
    w.workflowReplaces = true;
    w.put('charges/PRAC1/a.csv', demo(12));
    await w.ingestFile('charges/PRAC1/a.csv', 5);
    await w.drain();
    const claims = structuredClone([...w.claims.entries()]);
    w.put('charges/PRAC1/a.csv', demo(12)); // same content, new object version
    w.put('charges/PRAC1/copy.csv', demo(12));
    for (const key of ['charges/PRAC1/a.csv', 'charges/PRAC1/copy.csv']) {
      const { summary } = await w.ingestFile(key, 5);
      expect(summary).toMatchObject({ status: 'DONE', chunks: 0, unchanged: 12, conflicts: 0, rowErrors: 0 });
      expect(w.report(key)).toBeUndefined();
    }
    expect(w.queue).toEqual([]);
    expect([...w.claims.entries()]).toEqual(claims);
    expect(w.executions).toHaveLength(12);
    expect(w.workItems).toEqual([]);
  });

  it('reports a re-upload that changes an encounter as a conflict, leaving the stored claim alone', async () => {
    const original = demo(4);
    w.put('charges/PRAC1/day1.csv', original);
    await w.ingestFile('charges/PRAC1/day1.csv', 10);
    await w.drain();
    const stored = structuredClone([...w.claims.entries()]);
    // Encounter 0002 comes again with another charge on its first line.
    const lines = original.trimEnd().split('\n');
    const charge = CHARGE_COLUMNS.indexOf('charge');
    const idx = lines.findIndex((l) => l.includes('ENC-PRAC1-0002'));
    const fields = (lines[idx] as string).split(',');
    fields[charge] = '999.99';
    lines[idx] = fields.join(',');
    w.put('charges/PRAC1/day2.csv', `${lines.join('\n')}\n`);
    const { summary } = await w.ingestFile('charges/PRAC1/day2.csv', 10);
    expect(summary).toMatchObject({ conflicts: 1, unchanged: 3 });
    const report = w.report('charges/PRAC1/day2.csv');
    const conflictLines = lines
      .map((l, i) => (l.includes('ENC-PRAC1-0002') ? i + 1 : 0))
      .filter((n) => n > 0);
    expect(report.errors.map((e: { line: number }) => e.line)).toEqual(conflictLines);
    for (const e of report.errors) {
      expect(e.encounterId).toBe('ENC-PRAC1-0002');
      expect(e.reason).toMatch(/^encounter conflicts with claim C[A-Z2-7]{16} .*\(INTAKE_CONFLICT\)/);
    }
    await w.drain();
    expect(w.workItems).toHaveLength(1);
    const item = w.workItems[0] as IntakeConflict;
    expect(Object.keys(item).sort()).toEqual([
      'claimId',
      'fileKey',
      'lines',
      'practiceId',
      'storedSourceFile',
    ]);
    expect(item).toMatchObject({
      practiceId: 'PRAC1',
      fileKey: 'charges/PRAC1/day2.csv',
      storedSourceFile: 'charges/PRAC1/day1.csv',
      lines: conflictLines,
    });
    expect(JSON.stringify(item)).not.toMatch(/TESTPATIENT|SIMMBR|STREET/);
    expect([...w.claims.entries()]).toEqual(stored);
    expect(w.executions).toHaveLength(4);
  });

  it('catches a conflict stored between the file step and its chunk', async () => {
    w.put('charges/PRAC1/a.csv', demo(3));
    await w.ingestFile('charges/PRAC1/a.csv', 10);
    const manifest = JSON.parse(
      Buffer.from(w.objects.get(w.queue[0]?.manifestKey ?? '')?.body ?? []).toString(),
    );
    const racer = structuredClone(manifest.claims[1]) as Claim;
    racer.totalChargeCents += 1;
    racer.sourceFile = 'charges/PRAC1/other.csv';
    w.claims.set(racer.claimId, { claim: racer, status: 'RECEIVED' });
    w.intakes.set(racer.claimId, { contentHash: chargeContentHash(racer), sourceFile: racer.sourceFile });
    await w.drain();
    expect(w.claims.get(racer.claimId)?.claim).toEqual(racer);
    expect(w.executions).not.toContain(racer.claimId);
    expect(w.executions).toHaveLength(2);
    expect(w.workItems.map((i) => [i.claimId, i.storedSourceFile])).toEqual([
      [racer.claimId, 'charges/PRAC1/other.csv'],
    ]);
    expect(w.workItems[0]?.lines.length).toBeGreaterThan(0);
  });

  it('compares claims stored before INTAKE records existed with the stored claim itself', async () => {
    w.put('charges/PRAC1/a.csv', demo(3));
    await w.ingestFile('charges/PRAC1/a.csv', 10);
    const manifest = JSON.parse(
      Buffer.from(w.objects.get(w.queue[0]?.manifestKey ?? '')?.body ?? []).toString(),
    );
    const [same, changed] = [
      structuredClone(manifest.claims[0]),
      structuredClone(manifest.claims[1]),
    ] as Claim[];
    (changed as Claim).totalChargeCents += 1;
    w.claims.set((same as Claim).claimId, { claim: same as Claim, status: 'RECEIVED' }); // no INTAKE record
    w.claims.set((changed as Claim).claimId, { claim: changed as Claim, status: 'RECEIVED' });
    await w.drain();
    expect(w.workItems.map((i) => i.claimId)).toEqual([(changed as Claim).claimId]);
    expect(w.executions.sort()).toEqual([(same as Claim).claimId, manifest.claims[2].claimId].sort());
    expect(w.claims.get((changed as Claim).claimId)?.claim).toEqual(changed);
  });

  it('refuses empty, header-only and undeclared-charset files, saying why in the record and report', async () => {
    w.put('charges/PRAC1/empty.csv', '');
    w.put('charges/PRAC1/header.csv', `${CHARGE_COLUMNS.join(',')}\n`);
    w.put('charges/PRAC1/utf16.csv', demo(1), 'text/csv; charset=utf-16');
    const expected = {
      'charges/PRAC1/empty.csv': 'EMPTY_FILE',
      'charges/PRAC1/header.csv': 'NO_ROWS',
      'charges/PRAC1/utf16.csv': 'UNSUPPORTED_CHARSET',
    };
    for (const [key, code] of Object.entries(expected)) {
      const { summary } = await w.ingestFile(key);
      expect(summary.status).toBe('REJECTED');
      expect(summary.reason).toMatch(new RegExp(`^${code}: `));
      expect(w.files.get(key)?.reason).toBe(summary.reason);
      expect(w.report(key).rejected.code).toBe(code);
      expect(w.report(key).errors.length).toBeGreaterThan(0);
    }
    expect(w.queue).toEqual([]);
    expect(w.claims.size).toBe(0);
  });

  it('reads a file declared as Windows-1252 and refuses the same bytes undeclared', async () => {
    const text = demo(2).replaceAll('TESTPATIENT0001', 'TESTPATIENTÉ');
    w.put('charges/PRAC1/cp.csv', Buffer.from(text, 'latin1'), 'text/csv; charset=windows-1252');
    w.put('charges/PRAC1/raw.csv', Buffer.from(text, 'latin1'), 'text/csv');
    expect((await w.ingestFile('charges/PRAC1/cp.csv')).summary.status).toBe('PROCESSING');
    await w.drain();
    expect([...w.claims.values()].map((c) => c.claim.patient.lastName)).toContain('TESTPATIENTÉ');
    const { summary } = await w.ingestFile('charges/PRAC1/raw.csv');
    expect(summary).toMatchObject({ status: 'REJECTED' });
    expect(summary.reason).toMatch(/^NOT_UTF8: not valid UTF-8 at line 2 /);
  });
});
