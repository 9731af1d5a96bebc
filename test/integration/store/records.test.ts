import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ControlNumbers,
  FileRepository,
  formatControlNumber,
  InterchangeRepository,
  RemitRepository,
} from '../../../shared/store';
import { type Harness, startHarness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.stop());

const AT = '2026-03-01T00:00:00.000Z';

describe('ControlNumbers', () => {
  it('increments atomically from 1, per counter, without duplicates under concurrency', async () => {
    const counters = new ControlNumbers(h.doc, h.tableName);
    expect(await counters.next()).toBe(1);
    expect(await counters.next()).toBe(2);
    expect(await counters.next('GCN')).toBe(1);
    const many = await Promise.all(Array.from({ length: 20 }, () => counters.next()));
    expect(new Set(many).size).toBe(20);
    expect(Math.max(...many)).toBe(22);
    expect(formatControlNumber(22)).toBe('000000022');
  });
});

describe('InterchangeRepository', () => {
  it('stores an interchange with its claims; control numbers match numerically', async () => {
    const repo = new InterchangeRepository(h.doc, h.tableName);
    const record = {
      interchangeControlNumber: '000000012',
      groupControlNumber: '12',
      transactionSetControlNumber: '0001',
      payerId: 'PAYER1',
      x12Key: 'x12/out/000000012.x12',
      claimIds: ['C1', 'C2'],
      createdAt: AT,
    };
    expect(await repo.put(record)).toBe('created');
    expect(await repo.put({ ...record, claimIds: ['C3'] })).toBe('exists');
    expect(await repo.get(12)).toEqual(record);
    expect(await repo.get('000000012')).toEqual(record);
    expect((await repo.claimIds('12')).sort()).toEqual(['C1', 'C2']);
    expect(await repo.get(13)).toBeUndefined();
    await expect(repo.get('12A')).rejects.toThrow(/control number/);
  });
});

describe('RemitRepository', () => {
  it('records a remit once and updates its status', async () => {
    const repo = new RemitRepository(h.doc, h.tableName);
    const record = {
      traceNumber: 'TRN-1',
      fileKey: 'x12/in/abc.835',
      paymentCents: 12345,
      claimCount: 2,
      status: 'RECEIVED' as const,
      postedClaims: 0,
      duplicateClaims: 0,
      unmatchedClaimIds: [],
      receivedAt: AT,
      updatedAt: AT,
    };
    expect(await repo.putIfAbsent(record)).toBe('created');
    expect(await repo.putIfAbsent({ ...record, paymentCents: 1 })).toBe('exists');
    const updated = await repo.update(
      'TRN-1',
      { status: 'PARTIAL', postedClaims: 1, unmatchedClaimIds: ['ZZ9'] },
      'later',
    );
    expect(updated).toEqual({
      ...record,
      status: 'PARTIAL',
      postedClaims: 1,
      unmatchedClaimIds: ['ZZ9'],
      updatedAt: 'later',
    });
    expect(await repo.get('TRN-1')).toEqual(updated);
    await expect(repo.update('TRN-404', { status: 'HELD' }, AT)).rejects.toThrow();
  });
});

describe('FileRepository', () => {
  it('starts, completes, and refuses to restart a finished file', async () => {
    const repo = new FileRepository(h.doc, h.tableName);
    const key = 'charges/PRAC1/2026-03-01.csv';
    expect(await repo.start(key, AT, 'PRAC1')).toBe('started');
    expect(await repo.get(key)).toMatchObject({
      fileKey: key,
      status: 'PROCESSING',
      attempts: 1,
      practiceId: 'PRAC1',
    });
    await repo.fail(key, 'READ_ERROR', 'T2');
    expect(await repo.start(key, 'T3')).toBe('started');
    expect(await repo.get(key)).toMatchObject({ status: 'PROCESSING', attempts: 2, failure: 'READ_ERROR' });
    await repo.complete(
      key,
      { rowCount: 10, claimCount: 4, errorCount: 1, errorReportKey: 'errors/x.json' },
      'T4',
    );
    expect(await repo.get(key)).toMatchObject({
      status: 'DONE',
      rowCount: 10,
      claimCount: 4,
      errorCount: 1,
      updatedAt: 'T4',
    });
    expect(await repo.start(key, 'T5')).toBe('done');
    expect(await repo.get(key)).toMatchObject({ status: 'DONE', attempts: 2 });
  });
});
