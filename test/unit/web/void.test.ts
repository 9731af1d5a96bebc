import { describe, expect, it } from 'vitest';
import { ENDED } from '../../../shared/workbench/corrections';
import { VOID_REASONS as API_REASONS } from '../../../shared/workbench/void';
import { VOID_REASONS, VOIDABLE } from '../../../web/src/lib/void';

// The console keeps its own copies (its bundle cannot import these modules): they must not drift.
describe('the console void form', () => {
  it('offers exactly the reasons the API takes', () => {
    expect([...VOID_REASONS]).toEqual([...API_REASONS]);
  });

  it('is shown for the statuses the API voids (the execution has ended)', () => {
    expect([...VOIDABLE]).toEqual([...ENDED]);
  });
});
