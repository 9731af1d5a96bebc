/**
 * Charge intake in bounded steps, against in-memory fakes of S3, DynamoDB, SQS and Step Functions
 * where every call waits 10-20 ms (as a real AWS call would). Each invocation's number of calls is
 * counted: the file step's grows only with the number of chunks, a chunk step's only with its size.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { generateDemoChargeCsv } from '../../../local/sample-data/generate';
import { CHARGE_COLUMNS, chargeContentHash } from '../../../shared/charges';
import type { Claim } from '../../../shared/claims/model';
import {
  type ChunkRef,
  type IntakeConflict,
  ingestChunk,
  manifestKey,
} from '../../../shared/services/ingest';
import { World } from '../../support/intake-world';

const TODAY = '2026-11-20';
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

  /** One chunk of 20 claims that crashes at the 13th claim write, then is redelivered; its calls. */
  async function crashAt12ThenRedeliver(): Promise<number> {
    w.put('charges/PRAC1/a.csv', demo(20));
    await w.ingestFile('charges/PRAC1/a.csv', 20);
    const ref = w.queue[0] as ChunkRef;
    w.failPutAt = 12;
    await expect(w.drain()).rejects.toThrow('crash mid-chunk');
    expect(w.claims.size).toBe(12);
    expect(w.files.get('charges/PRAC1/a.csv')?.status).toBe('PROCESSING');
    w.queue.push(ref); // SQS redelivers after the visibility timeout
    const [calls] = await w.drain();
    return calls ?? 0;
  }

  it('resumes a chunk that crashed half-way: every claim once, every execution once', async () => {
    await crashAt12ThenRedeliver();
    expect(w.claims.size).toBe(20);
    expect(w.executions).toHaveLength(20);
    expect(new Set(w.executions).size).toBe(20);
    expect(w.files.get('charges/PRAC1/a.csv')?.status).toBe('DONE');
  });

  it('writes a new claim with its intake record in one call when the adapter can: crash-safe, nothing doubled', async () => {
    w.claimWithIntake = true;
    const calls = await crashAt12ThenRedeliver();
    expect(w.claims.size).toBe(20);
    expect(w.intakes.size).toBe(20);
    expect(w.executions).toHaveLength(20);
    expect(new Set(w.executions).size).toBe(20);
    // isDone + manifest + the 12 stored (intake: same, put: exists, start) + 8 new (intake with claim, start) + marker
    expect(calls).toBe(3 + 12 * 3 + 8 * 2);
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
