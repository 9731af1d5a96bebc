/**
 * The app stack's synthesized CloudFormation template, for the local runtime's state machine.
 * Synthesis (aws-cdk-lib with its template validation) costs seconds of CPU and leaves a few hundred
 * MB in the heap of the process that ran it, so it runs in a child process of its own: the runtime's
 * process keeps only the template. Once per process: later runtimes reuse the first one's template;
 * and kept in node_modules/.cache/claimflow under the hash of everything it is made from (infra,
 * shared, functions, the lockfile), so a run whose sources did not change skips synthesis.
 * CLAIMFLOW_SYNTH_CACHE=off synthesizes every time.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Template {
  Resources: Record<string, unknown>;
}

const ROOT = path.resolve(import.meta.dirname, '../..');
let cached: Promise<Template> | undefined;

/** What the synthesized template is made from (paths from the repository root). */
export const TEMPLATE_SOURCES = [
  'infra',
  'shared',
  'functions',
  'package-lock.json',
  'cdk.json',
  'local/emulators/synth.ts',
];
/** Where templates are kept between runs: one file, named by the hash of their sources. */
export const TEMPLATE_CACHE_DIR = path.join(ROOT, 'node_modules/.cache/claimflow');

export function synthesizedAppTemplate(): Promise<Template> {
  cached ??= cachedTemplate(
    process.env.CLAIMFLOW_SYNTH_CACHE === 'off' ? undefined : TEMPLATE_CACHE_DIR,
    sourceHash(ROOT, TEMPLATE_SOURCES),
    synthInChild,
  ).catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

/**
 * The hash of every file under `sources` (paths and contents, in path order), and of the environment
 * synthesis reads: the same hash, the same template.
 */
export function sourceHash(root: string, sources: readonly string[]): string {
  const hash = createHash('sha256');
  const visit = (rel: string) => {
    const abs = path.join(root, rel);
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(abs);
    } catch {
      hash.update(`missing ${rel}\0`);
      return;
    }
    if (stat.isDirectory()) {
      for (const name of readdirSync(abs).sort()) {
        if (name !== 'node_modules') visit(path.join(rel, name));
      }
      return;
    }
    hash.update(`${rel}\0`);
    hash.update(readFileSync(abs));
    hash.update('\0');
  };
  for (const source of sources) visit(source);
  for (const name of ['CDK_DEFAULT_ACCOUNT', 'CDK_DEFAULT_REGION', 'CDK_CONTEXT_JSON']) {
    hash.update(`${name}=${process.env[name] ?? ''}\0`);
  }
  return hash.digest('hex').slice(0, 32);
}

/**
 * The template of `key` from `dir` if it is there; otherwise synthesized and kept there (written
 * whole, then renamed: a process reading it meanwhile sees the old file or the new one), in place of
 * the templates of other keys. No `dir`: always synthesized.
 */
export async function cachedTemplate(
  dir: string | undefined,
  key: string,
  synthesize: () => Promise<Template>,
): Promise<Template> {
  if (!dir) return synthesize();
  const file = path.join(dir, `app-template-${key}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Template;
  } catch {
    // not kept yet (or unreadable): synthesize
  }
  const template = await synthesize();
  try {
    mkdirSync(dir, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(template));
    renameSync(partial, file);
    for (const name of readdirSync(dir)) {
      if (name.startsWith('app-template-') && name.endsWith('.json') && path.join(dir, name) !== file) {
        rmSync(path.join(dir, name), { force: true });
      }
    }
  } catch {
    // a cache that cannot be written costs the next run a synthesis, nothing else
  }
  return template;
}

function synthInChild(): Promise<Template> {
  const dir = mkdtempSync(path.join(tmpdir(), 'claimflow-synth-'));
  const out = path.join(dir, 'app.template.json');
  return new Promise<Template>((resolve, reject) => {
    // `--import tsx` resolves from the repository root (cwd), as `npm run demo` does.
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'local/emulators/synth.ts'), out, path.join(dir, 'cdk.out')],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      (err, _stdout, stderr) => {
        try {
          if (err) {
            reject(new Error(`synthesizing the app stack failed: ${err.message}\n${stderr}`));
            return;
          }
          resolve(JSON.parse(readFileSync(out, 'utf8')) as Template);
        } catch (e) {
          reject(e);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  });
}

/** The child: synthesize and write the template to the path given. */
async function main(out: string, outdir: string): Promise<void> {
  const { createApp } = await import('../../infra/create-app');
  // The cloud assembly goes to the parent's temporary directory, removed with it.
  const { app, appStack } = createApp({ skipBundling: true, outdir });
  const template = app.synth().getStackByName(appStack.stackName).template as Template;
  writeFileSync(out, JSON.stringify(template));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [out, outdir] = process.argv.slice(2);
  if (!out || !outdir) throw new Error('usage: synth.ts <output file> <cloud assembly directory>');
  await main(out, outdir);
}
