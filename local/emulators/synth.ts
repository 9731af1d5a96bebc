/**
 * The app stack's synthesized CloudFormation template, for the local runtime's state machine.
 * Synthesis (aws-cdk-lib with its template validation) costs seconds of CPU and leaves a few hundred
 * MB in the heap of the process that ran it, so it runs in a child process of its own: the runtime's
 * process keeps only the template. Once per process: later runtimes reuse the first one's template.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Template {
  Resources: Record<string, unknown>;
}

const ROOT = path.resolve(import.meta.dirname, '../..');
let cached: Promise<Template> | undefined;

export function synthesizedAppTemplate(): Promise<Template> {
  cached ??= synthInChild().catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

function synthInChild(): Promise<Template> {
  const dir = mkdtempSync(path.join(tmpdir(), 'claimflow-synth-'));
  const out = path.join(dir, 'app.template.json');
  return new Promise<Template>((resolve, reject) => {
    // `--import tsx` resolves from the repository root (cwd), as `npm run demo` does.
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'local/emulators/synth.ts'), out],
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
async function main(out: string): Promise<void> {
  const { createApp } = await import('../../infra/create-app');
  const { app, appStack } = createApp({ skipBundling: true });
  const template = app.synth().getStackByName(appStack.stackName).template as Template;
  writeFileSync(out, JSON.stringify(template));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2];
  if (!out) throw new Error('usage: synth.ts <output file>');
  await main(out);
}
