/**
 * The synthesized template kept between runs (local/emulators/synth.ts): keyed by the hash of its
 * sources, so any change to them synthesizes again; a kept template is used as it is.
 */
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedTemplate, sourceHash } from '../../../local/emulators/synth';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'claimflow-synth-cache-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the kept synthesized template', () => {
  it('hashes every source file: a change, a new file or a renamed one gives another key', () => {
    const root = tempDir();
    const sources = ['infra', 'lock.json'];
    writeFileSync(path.join(root, 'lock.json'), '{}');
    const infra = path.join(root, 'infra');
    mkdirSync(infra);
    writeFileSync(path.join(infra, 'a.ts'), 'export const a = 1;');
    const first = sourceHash(root, sources);
    expect(sourceHash(root, sources)).toBe(first);
    // Files outside the sources change nothing.
    mkdirSync(path.join(root, 'web'));
    writeFileSync(path.join(root, 'web', 'x.ts'), 'x');
    expect(sourceHash(root, sources)).toBe(first);

    writeFileSync(path.join(infra, 'a.ts'), 'export const a = 2;');
    const changed = sourceHash(root, sources);
    expect(changed).not.toBe(first);
    writeFileSync(path.join(infra, 'b.ts'), '');
    const added = sourceHash(root, sources);
    expect(added).not.toBe(changed);
    renameSync(path.join(infra, 'b.ts'), path.join(infra, 'c.ts'));
    expect(sourceHash(root, sources)).not.toBe(added);
    writeFileSync(path.join(root, 'lock.json'), '{"v":2}');
    const lock = sourceHash(root, sources);
    rmSync(path.join(root, 'lock.json'));
    expect(sourceHash(root, sources)).not.toBe(lock);
  });

  it('synthesizes once per key, keeps only the latest key, and synthesizes every time without a directory', async () => {
    const dir = tempDir();
    let synths = 0;
    const synthesize = async () => ({ Resources: { N: { n: ++synths } } });
    expect(await cachedTemplate(dir, 'k1', synthesize)).toEqual({ Resources: { N: { n: 1 } } });
    expect(await cachedTemplate(dir, 'k1', synthesize)).toEqual({ Resources: { N: { n: 1 } } });
    expect(synths).toBe(1);
    expect(await cachedTemplate(dir, 'k2', synthesize)).toEqual({ Resources: { N: { n: 2 } } });
    expect(readdirSync(dir)).toEqual(['app-template-k2.json']);
    expect(await cachedTemplate(undefined, 'k2', synthesize)).toEqual({ Resources: { N: { n: 3 } } });
    // A damaged file is synthesized again and replaced.
    writeFileSync(path.join(dir, 'app-template-k2.json'), '{"Resou');
    expect(await cachedTemplate(dir, 'k2', synthesize)).toEqual({ Resources: { N: { n: 4 } } });
    expect(await cachedTemplate(dir, 'k2', synthesize)).toEqual({ Resources: { N: { n: 4 } } });
  });

  it('a failed synthesis keeps nothing', async () => {
    const dir = tempDir();
    await expect(
      cachedTemplate(dir, 'k1', async () => {
        throw new Error('synth failed');
      }),
    ).rejects.toThrow('synth failed');
    expect(readdirSync(dir)).toEqual([]);
  });
});
