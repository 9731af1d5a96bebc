import { describe, expect, it } from 'vitest';
import { WORK_ITEM_KINDS } from '../../../functions/api/app';
import { WORK_KINDS } from '../../../web/src/lib/work';

describe('the console work queue', () => {
  // It once lagged behind the API: intake conflicts and expired appeals could not be filtered.
  it('filters by exactly the work-item kinds the API lists', () => {
    expect([...WORK_KINDS]).toEqual([...WORK_ITEM_KINDS]);
  });
});
