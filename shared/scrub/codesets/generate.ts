/**
 * `npm run codesets [-- --source DIR] [-- --out DIR]`: regenerates shared/scrub/codesets/data from
 * the public code-set files in ../shared/codesets (next to the project checkout). The committed
 * output is what the application uses; this script is only needed to update it. Deterministic: the
 * same sources give byte-identical output.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodeSetSourceError, compileCodeSets, DATA_FILES, type SourceFile } from './compile';

const HERE = dirname(fileURLToPath(import.meta.url));
/**
 * The sources: $CODESETS_SOURCE_DIR, else ../shared/codesets beside the project root (which is
 * three levels above shared/scrub/codesets).
 */
export const DEFAULT_SOURCE_DIR = resolve(
  process.env.CODESETS_SOURCE_DIR || join(HERE, '..', '..', '..', '..', 'shared', 'codesets'),
);
export const DEFAULT_OUT_DIR = join(HERE, 'data');

export class CodeSetSourcesMissing extends Error {
  constructor(readonly dir: string) {
    super(
      `code-set sources not found: ${dir} does not exist or has no README.md. ` +
        'Regeneration reads the public files of ../shared/codesets (see docs/codesets.md); ' +
        'pass another directory with --source DIR. The committed tables in ' +
        'shared/scrub/codesets/data are what the application uses, so a clean clone needs nothing here.',
    );
    this.name = 'CodeSetSourcesMissing';
  }
}

export const sourcesPresent = (dir: string = DEFAULT_SOURCE_DIR): boolean =>
  existsSync(join(dir, 'README.md')) && statSync(dir).isDirectory();

function readSources(dir: string): SourceFile[] {
  if (!sourcesPresent(dir)) throw new CodeSetSourcesMissing(dir);
  const names = [
    ...readdirSync(dir).filter((n) => n === 'README.md' || n.endsWith('.tsv')),
    ...(existsSync(join(dir, 'sources')) ? ['sources/hcpcs-data-2026-jan.json'] : []),
  ].sort();
  return names.map((name) => {
    const bytes = readFileSync(join(dir, name));
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { name, text, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
}

/** Compile the sources of `sourceDir` into `outDir`; returns the files written with their sizes. */
export function generate(
  sourceDir: string = DEFAULT_SOURCE_DIR,
  outDir: string = DEFAULT_OUT_DIR,
): { file: string; bytes: number }[] {
  const out = compileCodeSets(readSources(sourceDir));
  mkdirSync(outDir, { recursive: true });
  return DATA_FILES.map((file) => {
    writeFileSync(join(outDir, file), out[file]);
    return { file: join(outDir, file), bytes: Buffer.byteLength(out[file]) };
  });
}

function main(argv: string[]): number {
  const arg = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  try {
    const written = generate(
      resolve(arg('--source') ?? DEFAULT_SOURCE_DIR),
      resolve(arg('--out') ?? DEFAULT_OUT_DIR),
    );
    for (const w of written) console.log(`wrote ${w.file} (${w.bytes} bytes)`);
    return 0;
  } catch (err) {
    if (err instanceof CodeSetSourcesMissing || err instanceof CodeSetSourceError) {
      console.error(`codesets: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
