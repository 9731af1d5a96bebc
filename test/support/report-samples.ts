/**
 * Vitest global setup: says once, at the start of the run, when the public X12 samples beside the
 * repository (../shared/x12-samples) are absent, so the tests that read them are skipped.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export default function setup(): void {
  const dir = path.resolve(import.meta.dirname, '../..', '../shared/x12-samples');
  if (!existsSync(dir)) {
    console.log(
      `\n../shared/x12-samples not found: tests that read the public X12 samples are SKIPPED ` +
        `(their names end in "(skipped: ../shared/x12-samples not found)"); ` +
        `test/unit/x12/generated.test.ts covers the same behaviour with claimflow's own files.\n`,
    );
  }
}
