/**
 * `npm run build:web`: bundles the console (web/src, preact + TypeScript) with esbuild into web/dist/
 * (index.html, app.js, app.css). No config.json: `npm start` serves it, and on AWS the web-console
 * construct writes it. `npm start` calls ensureWebBuilt() so a missing or stale bundle is rebuilt.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const WEB_DIR = import.meta.dirname;
export const DIST_DIR = path.join(WEB_DIR, 'dist');
const SOURCES = [path.join(WEB_DIR, 'src'), path.join(WEB_DIR, 'index.html'), path.join(WEB_DIR, 'build.ts')];
/** Written last, so a build that failed half-way counts as missing. */
const STAMP = path.join(DIST_DIR, 'index.html');

function newestMtime(p: string): number {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(p).map((f) => newestMtime(path.join(p, f))));
}

/** True when web/dist is missing or older than any source file. */
export function webBuildIsStale(): boolean {
  try {
    return statSync(STAMP).mtimeMs < Math.max(...SOURCES.map(newestMtime));
  } catch {
    return true;
  }
}

export async function buildWeb(opts: { minify?: boolean } = {}): Promise<void> {
  rmSync(DIST_DIR, { recursive: true, force: true });
  mkdirSync(DIST_DIR, { recursive: true });
  await build({
    entryPoints: { app: path.join(WEB_DIR, 'src/main.tsx') },
    outdir: DIST_DIR,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: opts.minify ?? true,
    sourcemap: false,
    legalComments: 'linked',
    tsconfig: path.join(WEB_DIR, 'tsconfig.json'),
    logLevel: 'warning',
  });
  copyFileSync(path.join(WEB_DIR, 'src/styles.css'), path.join(DIST_DIR, 'app.css'));
  copyFileSync(path.join(WEB_DIR, 'index.html'), STAMP);
}

/** Builds web/dist when it is missing or stale; says so on the console. */
export async function ensureWebBuilt(log: (line: string) => void = console.log): Promise<void> {
  if (!webBuildIsStale()) return;
  log('building the web console (web/dist)...');
  await buildWeb();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildWeb();
  console.log(`built ${path.relative(process.cwd(), DIST_DIR)}`);
}
