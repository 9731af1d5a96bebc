/**
 * claimflow ncci load [--ptp FILE]... [--mue FILE]... [FILE]... --out TABLE.json: compiles the CMS
 * practitioner PTP and MUE files the deployer downloaded into the compact table the NCCI rules load
 * (docs/ncci.md). Files given without --ptp/--mue are recognised by their header lines.
 */
import { createHash } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  detectNcciFileKind,
  type NcciLoadError,
  type NcciSource,
  NcciTableBuilder,
  parseMueFile,
  parsePtpFile,
} from '../../shared/scrub/ncci';
import {
  EXIT_FINDINGS,
  EXIT_OK,
  type Io,
  inputFile,
  PROGRESS_BYTES,
  readChunks,
  readPrefix,
  UsageError,
} from '../io';

export const NCCI_USAGE = `usage: claimflow ncci load [--ptp FILE]... [--mue FILE]... [FILE]... --out TABLE.json [--progress]
  Compiles CMS practitioner PTP files (tab-delimited .txt) and MUE files (.csv) into one table.
  Files without --ptp/--mue are recognised by their header lines. Exit 1 (no table written) when a
  row breaks the layout.`;

export async function ncci(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'load') throw new UsageError(`unknown ncci command '${sub ?? ''}'\n${NCCI_USAGE}`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      ptp: { type: 'string', multiple: true },
      mue: { type: 'string', multiple: true },
      out: { type: 'string' },
      progress: { type: 'boolean' },
    },
  });
  if (!values.out) throw new UsageError(`ncci load needs --out TABLE.json\n${NCCI_USAGE}`);
  const files: { file: string; size: number; kind: 'ptp' | 'mue' }[] = [];
  for (const f of values.ptp ?? []) files.push({ ...inputFile(f, 'PTP file'), kind: 'ptp' });
  for (const f of values.mue ?? []) files.push({ ...inputFile(f, 'MUE file'), kind: 'mue' });
  for (const f of positionals) {
    const checked = inputFile(f, 'NCCI file');
    const kind = detectNcciFileKind(await readPrefix(f, 8192));
    if (!kind)
      throw new UsageError(`${f}: neither a CMS PTP nor an MUE file (say which with --ptp or --mue)`);
    files.push({ ...checked, kind });
  }
  if (files.length === 0) throw new UsageError(`ncci load needs PTP and/or MUE files\n${NCCI_USAGE}`);

  const builder = new NcciTableBuilder();
  const errors: NcciLoadError[] = [];
  const sources: NcciSource[] = [];
  for (const { file, size, kind } of files) {
    const name = path.basename(file);
    const progress = values.progress ?? size > PROGRESS_BYTES;
    const hash = createHash('sha256');
    async function* hashed() {
      for await (const chunk of readChunks(file, size, io, progress, name)) {
        hash.update(chunk);
        yield chunk;
      }
    }
    const onProgress = progress ? { onProgress: (n: number) => io.err(`${name}: ${n} edits`) } : {};
    const r =
      kind === 'ptp'
        ? await parsePtpFile(hashed(), name, { ...onProgress, onRow: (e) => builder.addPtp(e) })
        : await parseMueFile(hashed(), name, {
            ...onProgress,
            onRow: (e, line) => builder.addMue(e, name, line),
          });
    errors.push(...r.errors);
    if (r.count === 0 && r.errors.length === 0)
      errors.push({
        source: name,
        line: 0,
        rule: 'NO_EDITS',
        message: `no ${kind.toUpperCase()} rows found: is this the right file?`,
      });
    sources.push({ file: name, kind, sha256: hash.digest('hex'), rows: r.count });
  }
  const compiled = builder.build(sources, new Date().toISOString());
  errors.push(...compiled.errors);
  if (!compiled.table || errors.length > 0) {
    for (const e of errors) io.err(`${e.source}:${e.line}: ${e.rule}: ${e.message}`);
    io.err(`no table written: ${errors.length} error(s)`);
    return EXIT_FINDINGS;
  }
  const tmp = `${values.out}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(compiled.table));
  renameSync(tmp, values.out);
  const c = compiled.table.counts;
  io.out(
    `wrote ${values.out}: ${c.ptpPairs} PTP pairs under ${c.ptpColumn1Codes} column 1 codes, ${c.mueCodes} MUE codes, from ${sources.length} files`,
  );
  return EXIT_OK;
}
