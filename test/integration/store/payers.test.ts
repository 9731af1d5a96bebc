import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PayerRegistryError } from '../../../shared/payers';
import { PayerRepository } from '../../../shared/store';
import { type Harness, startHarness } from './harness';

let h: Harness;
let payers: PayerRepository;
beforeAll(async () => {
  h = await startHarness();
  payers = new PayerRepository(h.doc, h.tableName);
});
afterAll(async () => h?.stop());

describe('PayerRepository', () => {
  it('puts, gets, lists (sorted by id) and removes payers', async () => {
    expect(await payers.get('P1')).toBeUndefined();
    const stored = await payers.put({ payerId: 'P2', name: 'PAYER TWO', claimFilingIndicator: 'MB' });
    expect(stored.timelyFilingDays).toBe(365);
    await payers.put({ payerId: 'P1', name: 'PAYER ONE', timelyFilingDays: 90 });
    expect(await payers.get('P2')).toEqual(stored);
    expect((await payers.list()).map((p) => [p.payerId, p.claimFilingIndicator, p.timelyFilingDays])).toEqual(
      [
        ['P1', 'CI', 90],
        ['P2', 'MB', 365],
      ],
    );
    await payers.put({ payerId: 'P1', name: 'PAYER ONE', timelyFilingDays: 120 });
    expect((await payers.get('P1'))?.timelyFilingDays).toBe(120);
    expect(await payers.remove('P1')).toBe(true);
    expect(await payers.remove('P1')).toBe(false);
    expect((await payers.list()).map((p) => p.payerId)).toEqual(['P2']);
  });

  it('refuses an invalid record and stores nothing', async () => {
    await expect(
      payers.put({ payerId: 'BAD', name: 'BAD', claimFilingIndicator: 'XX' as never }),
    ).rejects.toThrow(PayerRegistryError);
    expect(await payers.get('BAD')).toBeUndefined();
  });

  it('seeds only payers that are not there, keeping edits made since', async () => {
    await payers.put({ payerId: 'S1', name: 'EDITED', timelyFilingDays: 30 });
    const added = await payers.seed([
      { payerId: 'S1', name: 'SEEDED' },
      { payerId: 'S2', name: 'SEEDED TOO' },
    ]);
    expect(added).toEqual(['S2']);
    expect((await payers.get('S1'))?.name).toBe('EDITED');
    expect((await payers.get('S2'))?.name).toBe('SEEDED TOO');
    expect(await payers.seed([{ payerId: 'S2', name: 'AGAIN' }])).toEqual([]);
  });

  it('lists past one page', async () => {
    const before = (await payers.list()).length;
    for (let i = 0; i < 5; i++) await payers.put({ payerId: `BULK${i}`, name: 'BULK PAYER' });
    const all = await payers.list(2);
    expect(all).toHaveLength(before + 5);
    expect(all.filter((p) => p.payerId.startsWith('BULK')).map((p) => p.payerId)).toEqual([
      'BULK0',
      'BULK1',
      'BULK2',
      'BULK3',
      'BULK4',
    ]);
  });
});
