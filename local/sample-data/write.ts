/**
 * Regenerates the committed sample charge files under events/charges/ (run: npx tsx local/sample-data/write.ts).
 * test/unit/charges/demo-data.test.ts checks that the committed files equal this output.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type DemoOptions, generateDemoChargeCsv } from './generate';

export const SAMPLE_FILES: Record<string, DemoOptions> = {
  /** 60 claims; 6 built to fail the scrub and 3 extra rows that fail validation. */
  'demo-charges.csv': { seed: 42, practiceId: 'PRAC1', claims: 60, today: '2026-11-01' },
  /** 3 clean claims and 1 extra row that fails validation. */
  'small.csv': { seed: 7, practiceId: 'PRAC1', claims: 3, today: '2026-11-01', errorRate: 0, badRows: 1 },
};

export const SAMPLE_DIR = path.resolve(import.meta.dirname, '../../events/charges');

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  for (const [name, opts] of Object.entries(SAMPLE_FILES)) {
    const file = path.join(SAMPLE_DIR, name);
    writeFileSync(file, generateDemoChargeCsv(opts));
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  }
}
