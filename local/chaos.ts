/**
 * `npm run chaos [-- --seed N --claims N]`: the whole local pipeline (intake -> submit -> 999/277CA ->
 * 835 -> routing) with faults injected at its boundaries, seeded:
 *   - every SQS message delivered 1-3 times (copies) and batches out of order;
 *   - queue consumers "crashing" after their writes, before the message is deleted;
 *   - DynamoDB writes and transactions failing (not applied), and some applied with the answer lost;
 *   - SendTaskSuccess/Failure throttled; state machine Lambda tasks crashing after their writes;
 *   - clearinghouse POSTs timing out after the clearinghouse received them;
 *   - webhooks re-sent, and 835 payments re-sent under a new envelope (new ISA13 and TRN02);
 *   - some 835s carrying provider-level adjustments (PLB).
 * When the pipeline has settled it turns the faults off, redrives every dead-letter queue with the
 * documented redrive (cli/redrive.ts), lets it settle again and checks the invariants
 * (local/chaos/invariants.ts). It exits non-zero on any breach. Its last line:
 *   chaos seed=S claims=N faults=F duplicates=D invariants=ok
 */
import { createHash } from 'node:crypto';
import { redrive } from '../cli/redrive';
import { RemitRepository } from '../shared/store';
import { auditSnapshot } from '../shared/store/audit';
import { DEFAULT_RATES, FAULT_KINDS, type FaultKind, FaultPlan } from './chaos/faults';
import { type Breach, checkInvariants, type PayerTruth } from './chaos/invariants';
import { type RuntimeFaults, startLocalRuntime } from './runtime';
import { generateDemoChargeCsv } from './sample-data/generate';

export interface ChaosOptions {
  seed: number;
  claims: number;
  log?: (line: string) => void;
  /** Override the fault rates (tests). */
  rates?: Record<FaultKind, number>;
  /** Show the handlers' logs. */
  verbose?: boolean;
}

export interface ChaosResult {
  seed: number;
  claims: number;
  faults: number;
  duplicates: number;
  byKind: Record<FaultKind, number>;
  redriven: number;
  breaches: Breach[];
  /** The harness's last line. */
  line: string;
}

const sha = (text: string | Buffer) => createHash('sha256').update(text).digest('hex').slice(0, 16);

export function runtimeFaults(plan: FaultPlan): RuntimeFaults {
  return {
    dynamo: (op, body) => {
      const key = `${op}:${sha(body)}`;
      if (plan.should('dynamo.writeFails', key)) return 'fail';
      if (plan.should('dynamo.answerLost', key)) return 'lose';
      return undefined;
    },
    stepFunctions: {
      sendTask: (action, token) => plan.should('sfn.sendTaskFails', `${action}:${sha(token)}`),
      crashAfter: (name, payload) =>
        plan.should('lambda.crashAfterWrites', `${name}:${sha(JSON.stringify(payload))}`),
    },
    queues: (fn) => ({
      duplicate: (m) => plan.should('sqs.duplicate', `${fn}:${sha(m.Body ?? '')}`),
      crashBeforeDelete: (m) => plan.should('sqs.crashBeforeDelete', `${fn}:${sha(m.Body ?? '')}`),
      reorder: (messages) =>
        [...messages].sort(
          (a, b) => plan.random(`${fn}:${sha(a.Body ?? '')}`) - plan.random(`${fn}:${sha(b.Body ?? '')}`),
        ),
    }),
    simulator: {
      dropResponse: (icn) => plan.should('clearinghouse.timeout', icn),
      resend: (kind, body) => plan.should('webhook.resend', `${kind}:${sha(body)}`),
      reenvelope: (trace) => plan.should('webhook.reenvelope', trace),
      providerAdjustments: (trace, npi) => {
        const r = plan.random(`plb:${trace}`);
        if (r >= 0.4) return [];
        // Interest paid with the claims (PLB L6, negative: it adds to the payment).
        return [
          {
            providerId: npi,
            fiscalPeriodDate: '2026-12-31',
            reason: 'L6',
            amountCents: -(100 + Math.floor(r * 1000)),
          },
        ];
      },
    },
  };
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosResult> {
  const log = opts.log ?? (() => undefined);
  const plan = new FaultPlan(opts.seed, opts.rates);
  const runtime = await startLocalRuntime({
    seed: opts.seed,
    faults: runtimeFaults(plan),
    verbose: opts.verbose ?? false,
  });
  try {
    const today = new Date().toISOString().slice(0, 10);
    const first = Math.ceil(opts.claims / 2);
    const files: [string, string, string][] = [
      [
        'PRAC1',
        'chaos-1.csv',
        generateDemoChargeCsv({ seed: opts.seed, practiceId: 'PRAC1', claims: first, today }),
      ],
      [
        'PRAC2',
        'chaos-2.csv',
        generateDemoChargeCsv({
          seed: opts.seed + 1,
          practiceId: 'PRAC2',
          claims: opts.claims - first,
          today,
        }),
      ],
    ];
    for (const [practice, name, body] of files) await runtime.uploadChargeFile(practice, name, body);
    log(
      `chaos: uploaded ${opts.claims} claims in ${files.length} files; injecting faults (seed ${opts.seed})`,
    );
    await runtime.settle(600_000);

    // Faults off; the documented redrive for whatever was dead-lettered; settle again.
    plan.enabled = false;
    let redriven = 0;
    for (const [name, url] of Object.entries(runtime.queueUrls)) {
      if (!name.endsWith('-dlq')) continue;
      const source = runtime.queueUrls[name.slice(0, -'-dlq'.length) as keyof typeof runtime.queueUrls];
      const { moved } = await redrive(runtime.sqs, { from: url, to: source });
      if (moved > 0) log(`chaos: redrove ${moved} message(s) from ${name}`);
      redriven += moved;
    }
    await runtime.settle(600_000);

    const deadLetters: Record<string, number> = {};
    for (const [name, url] of Object.entries(runtime.queueUrls)) {
      if (name.endsWith('-dlq')) deadLetters[name] = await runtime.queueDepth(url);
    }
    const truth = new Map<string, PayerTruth>();
    for (const [id, a] of runtime.simulator.adjudications()) truth.set(id, a);
    const snapshot = await auditSnapshot(runtime.doc, runtime.tableName);
    const failedExecutions = runtime.sfn
      .executions()
      .filter((e) => e.status !== 'RUNNING' && e.status !== 'SUCCEEDED')
      .map((e) => e.name);
    const remits = new RemitRepository(runtime.doc, runtime.tableName);
    const plb = new Map<string, number>();
    for (const r of snapshot.remits) plb.set(r.traceNumber, (await remits.reconcile(r.traceNumber)).plbCents);
    const breaches = checkInvariants({
      snapshot,
      truth,
      deadLetters,
      failedExecutions,
      providerAdjustmentsCents: (trace) => plb.get(trace) ?? 0,
    });
    const { faults, duplicates } = plan.totals();
    const line = `chaos seed=${opts.seed} claims=${opts.claims} faults=${faults} duplicates=${duplicates} invariants=${
      breaches.length === 0 ? 'ok' : `BREACHED(${breaches.length})`
    }`;
    return {
      seed: opts.seed,
      claims: opts.claims,
      faults,
      duplicates,
      byKind: plan.byKind(),
      redriven,
      breaches,
      line,
    };
  } finally {
    await runtime.stop();
  }
}

function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} takes a whole number`);
    process.exit(2);
  }
  return value;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const seed = numberArg('seed', 1);
  const claims = numberArg('claims', 40);
  // --only kind,kind: inject just these kinds of fault (to narrow down a breach).
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt >= 0 ? (process.argv[onlyAt + 1] ?? '').split(',') : undefined;
  const unknown = only?.filter((k) => !(FAULT_KINDS as readonly string[]).includes(k)) ?? [];
  if (unknown.length > 0) {
    console.error(`unknown fault kind(s): ${unknown.join(', ')}; known: ${FAULT_KINDS.join(', ')}`);
    process.exit(2);
  }
  const rates = only
    ? (Object.fromEntries(FAULT_KINDS.map((k) => [k, only.includes(k) ? DEFAULT_RATES[k] : 0])) as Record<
        FaultKind,
        number
      >)
    : undefined;
  const verbose = process.argv.includes('--verbose');
  runChaos({ seed, claims, verbose, log: (l) => console.log(l), ...(rates ? { rates } : {}) })
    .then((r) => {
      console.log('faults injected by kind:');
      for (const [kind, n] of Object.entries(r.byKind)) console.log(`  ${kind.padEnd(26)} ${n}`);
      if (r.redriven > 0) console.log(`dead-lettered and redriven: ${r.redriven}`);
      for (const b of r.breaches) console.log(`BREACH ${b.invariant} ${b.subject}: ${b.detail}`);
      console.log(r.line);
      process.exit(r.breaches.length === 0 ? 0 : 1);
    })
    .catch((err: unknown) => {
      console.error('chaos failed:', err);
      console.log(`chaos seed=${seed} claims=${claims} invariants=error`);
      process.exit(1);
    });
}
