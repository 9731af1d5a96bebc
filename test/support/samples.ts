/**
 * The public X12 samples live beside the repository in ../shared/x12-samples (never copied into it).
 * A clone without them still runs `npm test`: tests that read them are skipped, with the reason in
 * their name, and tests built on claimflow's own writers (test/unit/x12/generated.test.ts) cover the
 * same behaviour.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';

export const SAMPLES_DIR = path.resolve(import.meta.dirname, '../..', '../shared/x12-samples');

export const hasSamples = existsSync(SAMPLES_DIR);

export const SKIP_REASON = '(skipped: ../shared/x12-samples not found)';

/** A test name, with the skip reason appended when the samples are absent. */
export const withSamples = (name: string): string => (hasSamples ? name : `${name} ${SKIP_REASON}`);

/** `it` for a test that reads the samples: skipped, saying why, when they are absent. */
export const itWithSamples = (name: string, fn: () => unknown, timeout?: number): void =>
  it.skipIf(!hasSamples)(withSamples(name), fn, timeout);

/** `describe` for a block whose tests all read the samples. */
export const describeWithSamples = (name: string, fn: () => void): void => {
  describe.skipIf(!hasSamples)(withSamples(name), fn);
};

export function readSample(name: string): string {
  if (!hasSamples) throw new Error(`${SKIP_REASON}: cannot read ${name}`);
  return readFileSync(path.join(SAMPLES_DIR, name), 'utf8');
}
