/** Charge intake records: file versions, chunk markers, the bulk lookup of stored claims (dynalite). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaimRepository, FileRepository, recordIntake, storedClaims } from '../../../shared/store';
import { type Harness, makeClaim, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.stop());

const AT = '2026-03-01T00:00:00.000Z';

describe('FileRepository: chunked intake', () => {
  const split = (version: string, chunks: number) => ({
    version,
    practiceId: 'PRAC1',
    status: 'PROCESSING' as const,
    rowCount: 9,
    claimCount: 5,
    errorCount: 0,
    chunks,
    conflicts: 0,
    unchanged: 0,
  });
  const counts = { claimsCreated: 2, executionsStarted: 2, lateConflicts: 0 };

  it('counts each chunk once and is DONE with the last one; a finished version is not begun again', async () => {
    const repo = new FileRepository(h.doc, h.tableName);
    const key = 'charges/PRAC1/chunked.csv';
    expect(await repo.begin(key, 'v1', AT, 'PRAC1')).toBe('started');
    await repo.split(key, split('v1', 2), AT);
    expect(await repo.isChunkDone(key, 'v1', 1)).toBe(false);
    await repo.chunkDone(key, 'v1', 1, counts, 'T2');
    await repo.chunkDone(key, 'v1', 1, counts, 'T3'); // redelivered: counted once
    expect(await repo.isChunkDone(key, 'v1', 1)).toBe(true);
    expect(await repo.get(key)).toMatchObject({ status: 'PROCESSING', chunksDone: 1, claimsCreated: 2 });
    // A retried split of the same version keeps what the chunks counted.
    expect(await repo.begin(key, 'v1', 'T4', 'PRAC1')).toBe('started');
    await repo.split(key, split('v1', 2), 'T4');
    expect(await repo.get(key)).toMatchObject({ status: 'PROCESSING', chunksDone: 1, attempts: 2 });
    await repo.chunkDone(key, 'v1', 2, { ...counts, claimsCreated: 3 }, 'T5');
    expect(await repo.get(key)).toMatchObject({
      status: 'DONE',
      chunks: 2,
      chunksDone: 2,
      claimsCreated: 5,
      executionsStarted: 4,
      version: 'v1',
    });
    expect(await repo.begin(key, 'v1', 'T6')).toBe('done');
    // A new version of the object starts afresh; a late chunk of the old one leaves it alone.
    expect(await repo.begin(key, 'v2', 'T7', 'PRAC1')).toBe('started');
    await repo.split(key, split('v2', 1), 'T7');
    await repo.chunkDone(key, 'v1', 3, counts, 'T8');
    expect(await repo.isChunkDone(key, 'v1', 3)).toBe(true);
    expect(await repo.get(key)).toMatchObject({ status: 'PROCESSING', version: 'v2', chunksDone: 0 });
  });

  it('becomes DONE at split when every chunk finished before (a retried split)', async () => {
    const repo = new FileRepository(h.doc, h.tableName);
    const key = 'charges/PRAC1/late-split.csv';
    await repo.begin(key, 'v1', AT);
    await repo.split(key, split('v1', 1), AT);
    await repo.chunkDone(key, 'v1', 1, counts, 'T2');
    expect((await repo.get(key))?.status).toBe('DONE');
  });

  it('records why a file is rejected', async () => {
    const repo = new FileRepository(h.doc, h.tableName);
    const key = 'charges/PRAC1/empty.csv';
    await repo.begin(key, 'v1', AT, 'PRAC1');
    await repo.split(
      key,
      { ...split('v1', 0), status: 'REJECTED', reason: 'EMPTY_FILE: the file is empty', rowCount: 0 },
      AT,
    );
    expect(await repo.get(key)).toMatchObject({
      status: 'REJECTED',
      reason: 'EMPTY_FILE: the file is empty',
    });
    expect(await repo.begin(key, 'v1', 'T2')).toBe('done');
  });
});

describe('storedClaims and recordIntake', () => {
  it('records what a claim is received with once, and tells same content from a conflict', async () => {
    const claims = new ClaimRepository(h.doc, h.tableName);
    const intake = (claimId: string, contentHash: string, sourceFile = 'charges/PRAC1/a.csv') =>
      recordIntake(h.doc, h.tableName, { claimId, contentHash, sourceFile, at: AT });
    expect(await intake('CLMINTAKE1', 'h1')).toEqual({ kind: 'recorded' });
    expect(await intake('CLMINTAKE1', 'h1', 'charges/PRAC1/b.csv')).toEqual({ kind: 'same' });
    expect(await intake('CLMINTAKE1', 'h2', 'charges/PRAC1/c.csv')).toEqual({
      kind: 'conflict',
      storedSourceFile: 'charges/PRAC1/a.csv',
    });
    await claims.putIfAbsent(makeClaim('CLMINTAKE1'));
    expect(await intake('CLMINTAKE1', 'h1')).toEqual({ kind: 'same' });
    // A claim stored before INTAKE records existed: no record is added, the caller compares the claim.
    await claims.putIfAbsent(makeClaim('CLMLEGACY1'));
    expect(await intake('CLMLEGACY1', 'h1')).toEqual({ kind: 'legacy' });
    expect(await intake('CLMLEGACY1', 'h1')).toEqual({ kind: 'legacy' });

    const found = await storedClaims(h.doc, h.tableName, [
      'CLMINTAKE1',
      'CLMLEGACY1',
      ...Array.from({ length: 120 }, (_, i) => `CLMABSENT${i}`),
    ]);
    expect([...found.keys()].sort()).toEqual(['CLMINTAKE1', 'CLMLEGACY1']);
    // With an INTAKE record the content hash decides: the claim's content is not read.
    expect(found.get('CLMINTAKE1')).toEqual({
      status: 'RECEIVED',
      contentHash: 'h1',
      sourceFile: 'charges/PRAC1/a.csv',
    });
    expect(found.get('CLMLEGACY1')).toEqual({ claim: makeClaim('CLMLEGACY1'), status: 'RECEIVED' });
  });

  it('finds an INTAKE record whose claim is not written yet (a chunk that stopped in between)', async () => {
    await recordIntake(h.doc, h.tableName, {
      claimId: 'CLMHALF1',
      contentHash: 'h9',
      sourceFile: 'f',
      at: AT,
    });
    const found = await storedClaims(h.doc, h.tableName, ['CLMHALF1']);
    expect(found.get('CLMHALF1')).toEqual({ contentHash: 'h9', sourceFile: 'f' });
  });

  it('writes a claim with its INTAKE record in one transaction; otherwise answers as without it, writing nothing', async () => {
    const claims = new ClaimRepository(h.doc, h.tableName);
    const claim = makeClaim('CLMWITH1');
    const intake = (claimId: string, contentHash: string, sourceFile = 'charges/PRAC1/w.csv') => ({
      claimId,
      contentHash,
      sourceFile,
      at: AT,
    });
    expect(await recordIntake(h.doc, h.tableName, intake('CLMWITH1', 'h1'), claim)).toEqual({
      kind: 'recorded',
      claimWritten: true,
    });
    expect(await claims.get('CLMWITH1')).toMatchObject({ status: 'RECEIVED', version: 1, claim });
    expect((await storedClaims(h.doc, h.tableName, ['CLMWITH1'])).get('CLMWITH1')).toEqual({
      status: 'RECEIVED',
      contentHash: 'h1',
      sourceFile: 'charges/PRAC1/w.csv',
    });
    // Again (a redelivered chunk), or with other content: the stored claim is left as it is.
    expect(await recordIntake(h.doc, h.tableName, intake('CLMWITH1', 'h1', 'b.csv'), claim)).toEqual({
      kind: 'same',
    });
    const changed = { ...claim, totalChargeCents: 1 };
    expect(await recordIntake(h.doc, h.tableName, intake('CLMWITH1', 'h2', 'c.csv'), changed)).toEqual({
      kind: 'conflict',
      storedSourceFile: 'charges/PRAC1/w.csv',
    });
    expect((await claims.get('CLMWITH1'))?.claim).toEqual(claim);
    expect((await claims.get('CLMWITH1'))?.version).toBe(1);
    // A claim stored without an INTAKE record: none is added (legacy); one recorded without its claim: same.
    await claims.putIfAbsent(makeClaim('CLMWITH2'));
    expect(await recordIntake(h.doc, h.tableName, intake('CLMWITH2', 'h1'), makeClaim('CLMWITH2'))).toEqual({
      kind: 'legacy',
    });
    await recordIntake(h.doc, h.tableName, intake('CLMWITH3', 'h3'));
    expect(await recordIntake(h.doc, h.tableName, intake('CLMWITH3', 'h3'), makeClaim('CLMWITH3'))).toEqual({
      kind: 'same',
    });
    expect(await claims.get('CLMWITH3')).toBeUndefined();
  });
});
