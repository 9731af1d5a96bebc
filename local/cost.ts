/**
 * `npm run cost [-- --claims N --seed S]`: the AWS cost per claim, modelled from the synthesized
 * templates (local/cost/deployment.ts) and the calls counted while the demo's claims go through the
 * whole local lifecycle (the emulators' metering hook, local/emulators/meter.ts). See docs/cost.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from '../infra/create-app';
import { deploymentFromTemplates, type Template } from './cost/deployment';
import { costModel, formatCostReport } from './cost/model';
import { runDemo } from './demo';
import { Meter } from './emulators/meter';

const { values } = parseArgs({
  options: {
    claims: { type: 'string', default: '200' },
    seed: { type: 'string', default: '42' },
    json: { type: 'boolean' },
  },
});
const claims = Number(values.claims);
if (!Number.isInteger(claims) || claims < 1 || claims > 10_000) {
  console.error('--claims takes a whole number from 1 to 10000');
  process.exit(2);
}

// The cloud assembly in a temporary directory, removed once the templates are read (or synth failed).
const outdir = mkdtempSync(path.join(tmpdir(), 'claimflow-cost-'));
let templates: Template[];
try {
  const { app, dataStack, appStack } = createApp({ skipBundling: true, outdir });
  const assembly = app.synth();
  templates = [dataStack, appStack].map((s) => assembly.getStackByName(s.stackName).template as Template);
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
const deployment = deploymentFromTemplates(templates);
const levels = new Set(Object.values(deployment.functions).map((f) => f.logLevel));
const handlerLogLevel = levels.size === 1 ? [...levels][0] : 'INFO';

// The handlers log at the deployed level; their JSON lines are counted (CloudWatch ingestion), not shown.
const meter = new Meter();
const write = process.stdout.write.bind(process.stdout);
const print = (line: string) => write(`${line}\n`);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  if (text.startsWith('{') && text.includes('"level"')) {
    meter.lambdaLog(Buffer.byteLength(text));
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }
  return write(chunk as never, ...(rest as []));
}) as typeof process.stdout.write;

print(`running ${claims} claims through the local lifecycle, metered...`);
const result = await runDemo({
  claims,
  seed: Number(values.seed),
  runtime: { meter, ...(handlerLogLevel ? { handlerLogLevel } : {}) },
});
meter.usage.claims = result.summary.claims;
const report = costModel(meter.usage, deployment);
if (values.json) {
  print(JSON.stringify({ usage: meter.usage, deployment, report }, null, 2));
} else {
  print('');
  print(
    `deployment: state machine logs ${deployment.stateMachineLogLevel}; handlers log ${handlerLogLevel}; ` +
      `GSIs ${deployment.indexes.map((i) => `${i.name} ${i.projection}`).join(', ') || 'none'}; ` +
      `bucket keys ${deployment.bucketKeys ? 'on' : 'off'}; KMS keys ${deployment.kmsKeys} (monthly, not per claim)`,
  );
  const perClaim = (n: number) => (n / Math.max(1, meter.usage.claims)).toFixed(2);
  print(
    `DynamoDB requests per claim: ${Object.entries(meter.usage.dynamo.requests)
      .sort((a, b) => b[1] - a[1])
      .map(([op, n]) => `${op} ${perClaim(n)}`)
      .join(', ')}`,
  );
  print(
    `DynamoDB table writes per claim by item (writes, WRU, average item size): ${Object.entries(
      meter.writesByEntity,
    )
      .sort((a, b) => b[1].wru - a[1].wru)
      .map(
        ([entity, e]) =>
          `${entity} ${perClaim(e.writes)} / ${perClaim(e.wru)} WRU / ${Math.round(e.bytes / e.writes)} B`,
      )
      .join(', ')}`,
  );
  print(
    `Lambda invocations per claim: ${Object.entries(meter.usage.lambda)
      .map(([fn, u]) => `${fn} ${perClaim(u.requests)}`)
      .join(', ')}`,
  );
  print(formatCostReport(report));
}
process.exit(result.ok ? 0 : 1);
