/**
 * `npm run demo`: the whole pipeline, end to end, on the local runtime.
 * Drops generated charge files (with some scrub errors and malformed rows) into the charges bucket,
 * lets the simulator answer with 999, 277CA and 835 through the webhook, replays an 835 to show it
 * posts nothing twice, prints a summary, and exits 0 when every claim reached a resting state.
 */
import { parseArgs } from 'node:util';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { type ClaimStatus, RESTING_STATUSES } from '../shared/claims/model';
import { ClaimRepository } from '../shared/store';
import { boundHeapGrowth, type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from './runtime';
import { generateDemoChargeCsv } from './sample-data/generate';
import {
  type ClaimsFingerprint,
  type DemoSummary,
  fingerprint835,
  formatSummary,
  summarize,
} from './summary';

export interface DemoResult {
  /** The whole book once everything settled, the replayed 835 included. */
  summary: DemoSummary;
  /** The claims of the replayed 835, before and after the replay. */
  replay: { before: ClaimsFingerprint; after: ClaimsFingerprint };
  replayStatus: number;
  rowErrors: number;
  ok: boolean;
}

/** The demo's practices: PRAC1 gets 60 % of the claims, PRAC2 the rest. */
export const DEMO_PRACTICES = ['PRAC1', 'PRAC2'];

/** Uploads the demo's generated charge files (also used by `npm start`); returns their keys. */
export async function uploadDemoFiles(
  runtime: LocalRuntime,
  opts: { seed: number; claims: number; today: string },
): Promise<string[]> {
  const first = Math.ceil(opts.claims * 0.6);
  return [
    await runtime.uploadChargeFile(
      'PRAC1',
      'demo-1.csv',
      generateDemoChargeCsv({ seed: opts.seed, practiceId: 'PRAC1', claims: first, today: opts.today }),
    ),
    await runtime.uploadChargeFile(
      'PRAC2',
      'demo-2.csv',
      generateDemoChargeCsv({
        seed: opts.seed + 1,
        practiceId: 'PRAC2',
        claims: opts.claims - first,
        today: opts.today,
      }),
    ),
  ];
}

/**
 * Every `everyMs`, one line: claims stored, claims in each status, claims at rest per second since the
 * start, and the process's RSS. Returns the function that stops it. The counts are one query per
 * status, not a snapshot: a claim changing status meanwhile may be counted twice or not at all.
 */
export function startProgress(
  runtime: LocalRuntime,
  log: (line: string) => void,
  everyMs = 5000,
): () => void {
  const claims = new ClaimRepository(runtime.doc, runtime.tableName);
  const started = Date.now();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    (async () => {
      const byStatus: Partial<Record<ClaimStatus, number>> = {};
      for (const practiceId of DEMO_PRACTICES) {
        for (const [status, n] of Object.entries(await claims.countByStatus(practiceId))) {
          byStatus[status as ClaimStatus] = (byStatus[status as ClaimStatus] ?? 0) + n;
        }
      }
      const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
      const resting = Object.entries(byStatus)
        .filter(([s]) => RESTING_STATUSES.has(s as ClaimStatus))
        .reduce((a, [, n]) => a + n, 0);
      const seconds = (Date.now() - started) / 1000;
      const dynamoHeap = await runtime.dynamoHeapUsed();
      const statuses = Object.entries(byStatus)
        .map(([s, n]) => `${s} ${n}`)
        .join(', ');
      log(
        `[${seconds.toFixed(0)} s] claims ${total} (${statuses || 'none yet'}); at rest ${resting}, ` +
          `${(resting / seconds).toFixed(1)} claims/s; RSS ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MB, ` +
          `heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB` +
          (dynamoHeap ? ` + ${(dynamoHeap / 2 ** 20).toFixed(0)} MB (DynamoDB thread)` : ''),
      );
    })()
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The process's resident memory now (all threads). */
const rss = () => ` (RSS ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MB)`;

export async function runDemo(
  opts: {
    seed?: number;
    claims?: number;
    log?: (line: string) => void;
    progress?: boolean;
    /** Runtime options of `npm run cost` (metering hook, handlers' log level). */
    runtime?: Pick<LocalRuntimeOptions, 'meter' | 'handlerLogLevel' | 'deployedConcurrency'>;
  } = {},
): Promise<DemoResult> {
  const log = opts.log ?? (() => undefined);
  const seed = opts.seed ?? 42;
  const total = opts.claims ?? 64;
  const today = new Date().toISOString().slice(0, 10);
  // Past a few hundred claims the consumers run with their deployed concurrency.
  const booting = performance.now();
  const runtime = await startLocalRuntime({ deployedConcurrency: total > 500, ...opts.runtime, seed });
  try {
    log(
      `local runtime up in ${((performance.now() - booting) / 1000).toFixed(1)} s: dynalite, fauxqs (SQS+S3), ` +
        'Step Functions emulator, HTTP API, simulator',
    );
    const practices = DEMO_PRACTICES;
    const files = await uploadDemoFiles(runtime, { seed, claims: total, today });
    log(`uploaded ${files.join(', ')}`);
    const stopProgress = opts.progress ? startProgress(runtime, log) : () => undefined;
    try {
      // Settling waits until nothing moves; a big run moves for minutes.
      const started = performance.now();
      await runtime.settle(Math.max(180_000, total * 1000));
      log(`settled in ${((performance.now() - started) / 1000).toFixed(1)} s${rss()}`);
    } finally {
      stopProgress();
    }

    let rowErrors = 0;
    for (const key of files) {
      const reportKey = `errors/${key.replace(/^charges\//, '')}.errors.json`;
      try {
        const out = await runtime.s3.send(
          new GetObjectCommand({ Bucket: runtime.chargesBucket, Key: reportKey }),
        );
        const report = JSON.parse(
          await (out.Body as { transformToString(): Promise<string> }).transformToString(),
        );
        rowErrors += (report.errors as unknown[]).length;
        log(`error report ${reportKey}: ${(report.errors as unknown[]).length} rows refused`);
      } catch {
        // no report: no row errors in that file
      }
    }

    const phase = (name: string, since: number) =>
      log(`${name} in ${((performance.now() - since) / 1000).toFixed(1)} s${rss()}`);
    let since = performance.now();
    // What the replay could change: the ledgers and statuses of the claims its 835 names.
    const last835 = runtime.simulator.sent835().at(-1) ?? '';
    const before = await fingerprint835(runtime.doc, runtime.tableName, last835);
    log('replaying the last 835 webhook (a clearinghouse retry)...');
    const replayStatus = await runtime.simulator.replayLast835();
    await runtime.settle(Math.max(180_000, total * 1000));
    const after = await fingerprint835(runtime.doc, runtime.tableName, last835);
    phase('replayed and settled', since);
    since = performance.now();
    const summary = await summarize(runtime.doc, runtime.tableName, practices);
    phase('summarized', since);
    const replaySafe = before.claims > 0 && JSON.stringify(after) === JSON.stringify(before);
    log(
      `replay answered HTTP ${replayStatus}; the ${before.claims} claims of that 835: ledgers and statuses ` +
        `${replaySafe ? 'unchanged: nothing posted twice' : 'CHANGED'}`,
    );
    const ok =
      summary.claims > 0 &&
      summary.notResting.length === 0 &&
      summary.unbalancedClaims.length === 0 &&
      replaySafe;
    return { summary, replay: { before, after }, replayStatus, rowErrors, ok };
  } finally {
    await runtime.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  const { values } = parseArgs({ options: { claims: { type: 'string' }, seed: { type: 'string' } } });
  const claims = values.claims === undefined ? undefined : Number(values.claims);
  if (claims !== undefined && !(Number.isInteger(claims) && claims >= 1 && claims <= 10_000)) {
    console.error('--claims takes a whole number from 1 to 10000');
    process.exit(2);
  }
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  boundHeapGrowth();
  runDemo({
    log: (l) => console.log(l),
    ...(claims !== undefined ? { claims, progress: true } : {}),
    ...(seed !== undefined ? { seed } : {}),
  })
    .then((r) => {
      console.log('');
      console.log('=== claimflow demo summary ===');
      console.log(`charge rows refused (see error reports): ${r.rowErrors}`);
      console.log(formatSummary(r.summary));
      console.log(`finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      process.exit(r.ok ? 0 : 1);
    })
    .catch((err) => {
      console.error('demo failed:', err);
      process.exit(1);
    });
}
