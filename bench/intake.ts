/**
 * `npm run bench:intake [-- --rows 100000 --concurrency 5]`: charge intake at AWS latency. Every
 * call to S3, DynamoDB, SQS or Step Functions waits 10-20 ms (test/support/intake-world.ts, the
 * fakes the intake tests use), as a real call from a Lambda would. One file invocation parses the
 * file and writes its chunk manifests; then chunk invocations (100 claims each, as deployed) run
 * `--concurrency` at a time (default 5, the ingest-claims function's reserved concurrency on AWS).
 * Prints each step's calls and duration against the functions' deployed timeouts (infra/constructs/
 * intake.ts: 5 min for the file, 2 min for a chunk; Lambda's own limit is 15 min) and the claims/s.
 */
import { parseArgs } from 'node:util';
import { generateDemoChargeCsv } from '../local/sample-data/generate';
import { type ChunkRef, CLAIMS_PER_CHUNK, ingestChunk } from '../shared/services/ingest';
import { World } from '../test/support/intake-world';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '100000' }, concurrency: { type: 'string', default: '5' } },
});
const ROWS = Number(values.rows);
const CONCURRENCY = Math.max(1, Number(values.concurrency));

// The demo generator writes about 2.5 rows per claim; aim at the requested number of rows.
const claims = Math.max(1, Math.round(ROWS / 2.5));
const csv = generateDemoChargeCsv({
  seed: 3,
  practiceId: 'PRAC1',
  claims,
  today: '2026-11-20',
  errorRate: 0,
  badRows: 0,
});
const rows = csv.split('\n').length - 2;
const world = new World();
const key = 'charges/PRAC1/bench.csv';
world.put(key, csv);

const started = performance.now();
const file = await world.ingestFile(key, CLAIMS_PER_CHUNK);
const fileMs = performance.now() - started;

const chunkCalls: number[] = [];
const chunkMs: number[] = [];
const queue: ChunkRef[] = [...world.queue];
world.queue.length = 0;
const worker = async () => {
  for (let ref = queue.shift(); ref; ref = queue.shift()) {
    const t = performance.now();
    let calls = 0;
    // Count this invocation's calls only (the world's counter is shared by the concurrent workers).
    const ports = Object.fromEntries(
      Object.entries(world.chunkPorts()).map(([name, fn]) => [
        name,
        (...args: unknown[]) => {
          calls++;
          return (fn as (...a: unknown[]) => unknown)(...args);
        },
      ]),
    ) as unknown as ReturnType<World['chunkPorts']>;
    await ingestChunk(ref, ports);
    chunkCalls.push(calls);
    chunkMs.push(performance.now() - t);
  }
};
const chunksStarted = performance.now();
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
const chunksMs = performance.now() - chunksStarted;
const totalMs = performance.now() - started;

const max = (xs: number[]) => xs.reduce((m, x) => Math.max(m, x), 0);
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
console.log(
  `| step | invocations | AWS calls (max per invocation) | duration (max per invocation) | deployed timeout |`,
);
console.log(`|---|---|---|---|---|`);
console.log(
  `| file: parse, error report, ${chunkMs.length} chunk manifests | 1 | ${file.calls} | ${s(fileMs)} | 300 s (ingest-charges) |`,
);
console.log(
  `| chunks: ${CLAIMS_PER_CHUNK} claims each, ${CONCURRENCY} at a time | ${chunkMs.length} | <= ${max(chunkCalls)} | ${s(max(chunkMs))} | 120 s (ingest-claims) |`,
);
console.log('');
console.log(
  `${rows} rows, ${world.claims.size} claims, ${world.executions.length} executions started in ${s(totalMs)} ` +
    `(file step ${s(fileMs)}, chunks ${s(chunksMs)}): ${Math.round(world.claims.size / (totalMs / 1000))} claims/s`,
);
if (world.claims.size !== claims || world.executions.length !== claims) {
  console.error(`incomplete: expected ${claims} claims and executions`);
  process.exit(1);
}
