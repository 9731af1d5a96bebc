import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DATA_FILES } from '../../../shared/scrub/codesets/compile';
import {
  DEFAULT_OUT_DIR,
  DEFAULT_SOURCE_DIR,
  generate,
  sourcesPresent,
} from '../../../shared/scrub/codesets/generate';

// ../shared/codesets is not part of a clean clone: without it the committed tables cannot be compared.
const present = sourcesPresent(DEFAULT_SOURCE_DIR);
const title = present
  ? `the committed tables are what npm run codesets makes from ${DEFAULT_SOURCE_DIR}`
  : `SKIPPED: code-set sources not found at ${DEFAULT_SOURCE_DIR} (not part of a clean clone), so the committed tables are not re-derived`;

// the default reporter hides skipped titles: say why on stderr too
if (!present) console.warn(title);

describe.skipIf(!present)(title, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'codesets-regen-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('regenerates byte for byte', () => {
    generate(DEFAULT_SOURCE_DIR, tmp);
    for (const file of DATA_FILES) {
      const committed = readFileSync(join(DEFAULT_OUT_DIR, file), 'utf8');
      const fresh = readFileSync(join(tmp, file), 'utf8');
      expect(fresh === committed, `${file} differs from the committed copy: run npm run codesets`).toBe(true);
    }
  });
});
