/** What every claimflow command shares: exit codes, usage errors, input files, progress on stderr. */
import { createReadStream, statSync } from 'node:fs';

export const EXIT_OK = 0;
/** Some claim would not go out, a table failed to load, an 835 does not balance. */
export const EXIT_FINDINGS = 1;
/** Bad command line or unreadable input (missing file, not a CSV, not X12). */
export const EXIT_USAGE = 2;

/** A mistake in how the command was called or what it was given: message on stderr, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/** Files above this size get progress lines on stderr (or any size with --progress). */
export const PROGRESS_BYTES = 8 * 1024 * 1024;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Checks that `file` is a readable regular file and returns its size. */
export function inputFile(file: string | undefined, what: string): { file: string; size: number } {
  if (!file) throw new UsageError(`missing ${what}`);
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new UsageError(`${file}: not a file`);
    size = st.size;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})`}`,
    );
  }
  return { file, size };
}

/**
 * Streams a file's bytes; with `progress`, writes "<label>: read X MB of Y MB" to stderr about every
 * 10 % (the file's contents are never written there).
 */
export async function* readChunks(
  file: string,
  size: number,
  io: Io,
  progress: boolean,
  label: string,
): AsyncGenerator<Uint8Array> {
  let read = 0;
  let next = size / 10;
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
    const bytes = chunk as Uint8Array;
    read += bytes.length;
    if (progress && read >= next) {
      io.err(`${label}: read ${mb(read)} of ${mb(size)}`);
      next = read + size / 10;
    }
    yield bytes;
  }
}

/** Reads the first bytes of a file as text (for type detection). */
export async function readPrefix(file: string, bytes = 4096): Promise<string> {
  const { open } = await import('node:fs/promises');
  const handle = await open(file, 'r');
  try {
    const buf = new Uint8Array(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return new TextDecoder().decode(buf.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** YYYY-MM-DD, checked. */
export function isoDate(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new UsageError(`${flag} must be a date YYYY-MM-DD`);
  return value;
}

/** A whole number within bounds, checked. */
export function wholeNumber(
  value: string | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}`);
  return n;
}
