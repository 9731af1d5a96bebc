/**
 * One 835 parse in this process (run by bench/run.ts in a child process per parser, so each peak
 * RSS is its own): prints one JSON line with wall and CPU time, peak RSS and what was read.
 *
 *   npx tsx bench/parse835.ts <claimflow|claimflow-batches|claimflow-iterate|node-x12|x12-parser|baseline> <file> [repeats]
 *
 * With repeats > 1 the file is parsed that many times in this process: the first parse's times
 * (cold: JIT warm-up, heap growth) and the best one's are both printed.
 */
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { X12Parser } from 'node-x12';
import { X12parser } from 'x12-parser';
import { iterate835, stream835, stream835Batches } from '../shared/x12/read835';

export interface ParseResult {
  parser: string;
  bytes: number;
  /** the best of the repeats (see main) */
  wallMs: number;
  cpuMs: number;
  /** the first parse in the process: JIT warm-up and heap growth included */
  firstWallMs: number;
  firstCpuMs: number;
  repeats: number;
  peakRssMb: number;
  /** claims (claimflow) or segments (peers) read */
  items: number;
  unbalanced: number;
}

const CHUNK = 1 << 16;

/** Counts the objects a Transform stream emits for the file. */
function countStream(file: string, parser: NodeJS.ReadWriteStream & Readable): Promise<number> {
  return new Promise((resolve, reject) => {
    let n = 0;
    const src = createReadStream(file, { highWaterMark: CHUNK });
    src.on('error', reject);
    parser.on('error', reject);
    parser.on('data', () => {
      n++;
    });
    parser.on('end', () => resolve(n));
    src.pipe(parser);
  });
}

async function parse(parser: string, file: string): Promise<{ items: number; unbalanced: number }> {
  switch (parser) {
    case 'claimflow': {
      // parse + every balancing rule, flat memory: claims are counted and dropped as they come
      let claims = 0;
      let unbalanced = 0;
      for await (const item of stream835(createReadStream(file, { highWaterMark: CHUNK }))) {
        if (item.type === 'claim') claims++;
        else unbalanced += item.issues.length;
      }
      return { items: claims, unbalanced };
    }
    case 'claimflow-batches': {
      // the same, the claims of each input chunk handed out in one array (what posting uses)
      let claims = 0;
      let unbalanced = 0;
      for await (const batch of stream835Batches(createReadStream(file, { highWaterMark: CHUNK }))) {
        for (const item of batch) {
          if (item.type === 'claim') claims++;
          else unbalanced += item.issues.length;
        }
      }
      return { items: claims, unbalanced };
    }
    case 'claimflow-iterate': {
      // iterate835 (what posting uses today): one whole check at a time, then checkBalance-equivalent
      let claims = 0;
      for await (const r of iterate835(createReadStream(file, { highWaterMark: CHUNK }), {
        requireBalanced: true,
      })) {
        claims += r.claims.length;
      }
      return { items: claims, unbalanced: 0 };
    }
    case 'node-x12':
      // strict mode cannot stream: node-x12 1.7.1 checks every chunk's first 106 characters as an
      // ISA header (it only marks the ISA parsed in its non-streaming path)
      return { items: await countStream(file, new X12Parser(false) as never), unbalanced: 0 };
    case 'x12-parser':
      return { items: await countStream(file, new X12parser() as never), unbalanced: 0 };
    case 'baseline':
      // the same process reading nothing: what node + tsx + the imports take before any parse
      return { items: 0, unbalanced: 0 };
    default:
      throw new Error(`unknown parser ${parser}`);
  }
}

async function main(): Promise<void> {
  const [parser = '', file = '', repeatArg = '1'] = process.argv.slice(2);
  const repeats = Math.max(1, Number(repeatArg));
  const bytes = statSync(file).size;
  let best: { wallMs: number; cpuMs: number } | undefined;
  let first: { wallMs: number; cpuMs: number } | undefined;
  let read = { items: 0, unbalanced: 0 };
  for (let i = 0; i < repeats; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    read = await parse(parser, file);
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const run = { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
    first ??= run;
    if (!best || run.cpuMs < best.cpuMs) best = run;
  }
  const result: ParseResult = {
    parser,
    bytes,
    wallMs: (best as { wallMs: number }).wallMs,
    cpuMs: (best as { cpuMs: number }).cpuMs,
    firstWallMs: (first as { wallMs: number }).wallMs,
    firstCpuMs: (first as { cpuMs: number }).cpuMs,
    repeats,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    items: read.items,
    unbalanced: read.unbalanced,
  };
  console.log(JSON.stringify(result));
}

await main();
