/**
 * The AWS cost model of `npm run cost`: pure functions from what a local run counted (Usage) and what
 * the synthesized template deploys (Deployment) to dollars per claim, by service. No AWS, no I/O.
 *
 * Prices are us-east-1 list prices (on-demand, no free tier), each with the page it comes from.
 * They were taken from those pages as published in 2025 and were NOT re-checked when this model was
 * written (2026-12-01, no network access): check them before quoting a figure.
 */

export interface Price {
  usd: number;
  per: string;
  source: string;
}

/** us-east-1 list prices (see the file comment for their date). */
export const PRICES = {
  stepFunctionsTransition: {
    usd: 0.000025,
    per: 'state transition (Standard workflows)',
    source: 'https://aws.amazon.com/step-functions/pricing/',
  },
  lambdaRequest: { usd: 0.2 / 1e6, per: 'request', source: 'https://aws.amazon.com/lambda/pricing/' },
  lambdaGbSecondArm: {
    usd: 0.0000133334,
    per: 'GB-second (Arm)',
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  lambdaGbSecondX86: {
    usd: 0.0000166667,
    per: 'GB-second (x86)',
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  dynamoWru: {
    usd: 0.625 / 1e6,
    per: 'write request unit (on-demand, Standard table class, since 2024-11-01)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  dynamoRru: {
    usd: 0.125 / 1e6,
    per: 'read request unit (on-demand, Standard table class, since 2024-11-01)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  sqsRequest: {
    usd: 0.4 / 1e6,
    per: 'request (standard queue; every 64 KB chunk of a payload is one request)',
    source: 'https://aws.amazon.com/sqs/pricing/',
  },
  s3Put: {
    usd: 0.005 / 1000,
    per: 'PUT, COPY, POST, LIST request (S3 Standard)',
    source: 'https://aws.amazon.com/s3/pricing/',
  },
  s3Get: {
    usd: 0.0004 / 1000,
    per: 'GET and other requests (S3 Standard)',
    source: 'https://aws.amazon.com/s3/pricing/',
  },
  kmsRequest: { usd: 0.03 / 10000, per: 'KMS API request', source: 'https://aws.amazon.com/kms/pricing/' },
  logsIngestedGb: {
    usd: 0.5,
    per: 'GB of CloudWatch Logs ingested (Standard class; vended logs are the same price in the first 10 TB)',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
  },
  httpApiRequest: {
    usd: 1.0 / 1e6,
    per: 'HTTP API request (first 300 million a month)',
    source: 'https://aws.amazon.com/api-gateway/pricing/',
  },
} as const satisfies Record<string, Price>;

// ---------------------------------------------------------------------------------------------
// DynamoDB request units, from the item sizes (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html)

/** An item in DynamoDB's JSON form ({ "S": "..." }, { "N": "1" }, { "M": {...} }, ...). */
export type DynamoItem = Record<string, Record<string, unknown>>;

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

function valueSize(value: Record<string, unknown>): number {
  const [type, v] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return utf8(String(v));
    case 'N': {
      // Up to 38 significant digits, about one byte per two digits, plus one.
      const digits = String(v).replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
      return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
    }
    case 'B':
      return Buffer.from(String(v), 'base64').length;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return (v as string[]).reduce((n, s) => n + utf8(s), 0);
    case 'NS':
      return (v as string[]).reduce((n, s) => n + valueSize({ N: s }), 0);
    case 'BS':
      return (v as string[]).reduce((n, s) => n + Buffer.from(s, 'base64').length, 0);
    case 'L':
      return 3 + (v as Record<string, unknown>[]).reduce((n, e) => n + 1 + valueSize(e), 0);
    case 'M':
      return (
        3 + Object.entries(v as DynamoItem).reduce((n, [name, e]) => n + 1 + utf8(name) + valueSize(e), 0)
      );
    default:
      return 0;
  }
}

/** Item size as DynamoDB bills it: attribute names plus values (UTF-8), maps and lists 3 bytes + 1 per element. */
export function itemSize(item: DynamoItem): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += utf8(name) + valueSize(value);
  return size;
}

export interface IndexSpec {
  name: string;
  /** Partition key, then sort key (if any). */
  keys: string[];
  projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  nonKeyAttributes: string[];
}

export interface TableSpec {
  tableName: string;
  keys: string[];
  indexes: IndexSpec[];
}

/** The item as the index stores it (undefined: the item is not in the index, a key attribute is missing). */
export function projected(
  table: TableSpec,
  index: IndexSpec,
  item: DynamoItem | undefined,
): DynamoItem | undefined {
  if (!item || index.keys.some((k) => item[k] === undefined)) return undefined;
  if (index.projection === 'ALL') return item;
  const keep = new Set([
    ...table.keys,
    ...index.keys,
    ...(index.projection === 'INCLUDE' ? index.nonKeyAttributes : []),
  ]);
  return Object.fromEntries(Object.entries(item).filter(([k]) => keep.has(k)));
}

const kb = (bytes: number, unit: number) => Math.max(1, Math.ceil(bytes / unit));
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Write request units of one item write (put, update or delete; before/after as stored): the table
 * is billed for the larger of the two versions per 1 KB (x2 in a transaction); each GSI whose
 * projection changed is billed one write per 1 KB of its projected item, two when its key changed
 * (delete of the old entry + put of the new one).
 */
export function writeUnits(
  table: TableSpec,
  before: DynamoItem | undefined,
  after: DynamoItem | undefined,
  transactional: boolean,
): { table: number; indexes: number } {
  const size = Math.max(before ? itemSize(before) : 0, after ? itemSize(after) : 0);
  let indexes = 0;
  for (const index of table.indexes) {
    const old = projected(table, index, before);
    const now = projected(table, index, after);
    if (!old && !now) continue;
    if (old && now && same(old, now)) continue;
    const keyChanged = !old || !now || index.keys.some((k) => !same(old[k], now[k]));
    if (old && keyChanged) indexes += kb(itemSize(old), 1024);
    if (now) indexes += kb(itemSize(now), 1024);
  }
  return { table: kb(size, 1024) * (transactional ? 2 : 1), indexes };
}

/**
 * Read request units of one read: single-item reads (GetItem, BatchGetItem, TransactGetItems,
 * ConditionCheck) per item and 4 KB, at least one unit even for a missing item; a Query or Scan on
 * the sum of the sizes it returned. Eventually consistent reads are half, transactional ones double.
 */
export function readUnits(
  sizes: number[],
  opts: { consistent: boolean; transactional: boolean; single: boolean },
): number {
  const units = opts.single
    ? sizes.length === 0
      ? 1
      : sizes.reduce((n, s) => n + kb(s, 4096), 0)
    : kb(
        sizes.reduce((n, s) => n + s, 0),
        4096,
      );
  if (opts.transactional) return units * 2;
  return opts.consistent ? units : units / 2;
}

// ---------------------------------------------------------------------------------------------
// Usage (counted by a local run) and deployment (read from the template) to dollars.

export interface Usage {
  /** Claims that went through the run (the divisor). */
  claims: number;
  stepFunctions: {
    executions: number;
    /** States entered plus retries: what Standard workflows bill. */
    transitions: number;
    /** History events a CloudWatch log group receives at each level (ALL / ERROR / FATAL). */
    logEvents: { all: number; error: number; fatal: number };
  };
  /** Per function: invocations and the billed milliseconds summed over them (each rounded up to 1 ms). */
  lambda: Record<string, { requests: number; billedMs: number }>;
  /** What the handlers logged at the deployed log level, all functions together, bytes. */
  lambdaLogBytes: number;
  dynamo: {
    requests: Record<string, number>;
    tableWru: number;
    indexWru: number;
    rru: number;
  };
  /** SQS requests, each counted in 64 KB chunks of its payload. */
  sqsRequests: number;
  s3: { put: number; get: number };
  httpApiRequests: number;
}

export interface Deployment {
  functions: Record<string, { memoryMb: number; arm: boolean; logLevel: string }>;
  stateMachineLogLevel: 'ALL' | 'ERROR' | 'FATAL' | 'OFF';
  /** Every KMS-encrypted bucket uses an S3 Bucket Key (no KMS call per object request). */
  bucketKeys: boolean;
  kmsKeys: number;
  indexes: IndexSpec[];
}

/** Bytes of one Step Functions history event in CloudWatch Logs without execution data (measured on AWS order of magnitude; an assumption). */
export const STATE_MACHINE_LOG_EVENT_BYTES = 400;
/** Lambda platform lines per invocation (START, END, REPORT), bytes. */
export const LAMBDA_PLATFORM_LOG_BYTES = 260;

export interface CostLine {
  service: string;
  item: string;
  quantity: number;
  usd: number;
}

export interface CostReport {
  claims: number;
  lines: CostLine[];
  /** Per claim, by service. */
  byService: Record<string, number>;
  perClaim: number;
}

export function costModel(usage: Usage, deployment: Deployment): CostReport {
  const lines: CostLine[] = [];
  const add = (service: string, item: string, quantity: number, price: Price) =>
    lines.push({ service, item, quantity, usd: quantity * price.usd });

  add('Step Functions', 'state transitions', usage.stepFunctions.transitions, PRICES.stepFunctionsTransition);

  let gbSecondsArm = 0;
  let gbSecondsX86 = 0;
  let requests = 0;
  let lambdaLogBytes = usage.lambdaLogBytes;
  for (const [name, u] of Object.entries(usage.lambda)) {
    const fn = deployment.functions[name];
    if (!fn) continue; // not deployed as a function (e.g. a local stand-in)
    const gbs = (fn.memoryMb / 1024) * (u.billedMs / 1000);
    if (fn.arm) gbSecondsArm += gbs;
    else gbSecondsX86 += gbs;
    requests += u.requests;
    lambdaLogBytes += u.requests * LAMBDA_PLATFORM_LOG_BYTES;
  }
  add('Lambda', 'requests', requests, PRICES.lambdaRequest);
  if (gbSecondsArm > 0) add('Lambda', 'GB-seconds (Arm)', gbSecondsArm, PRICES.lambdaGbSecondArm);
  if (gbSecondsX86 > 0) add('Lambda', 'GB-seconds (x86)', gbSecondsX86, PRICES.lambdaGbSecondX86);

  add('DynamoDB', 'write request units (table)', usage.dynamo.tableWru, PRICES.dynamoWru);
  add('DynamoDB', 'write request units (indexes)', usage.dynamo.indexWru, PRICES.dynamoWru);
  add('DynamoDB', 'read request units', usage.dynamo.rru, PRICES.dynamoRru);

  add('SQS', 'requests (64 KB chunks)', usage.sqsRequests, PRICES.sqsRequest);
  add('S3', 'PUT requests', usage.s3.put, PRICES.s3Put);
  add('S3', 'GET requests', usage.s3.get, PRICES.s3Get);
  // Without a Bucket Key every object PUT asks KMS for a data key and every GET asks it to decrypt one.
  // DynamoDB, SQS and Step Functions cache their data keys (minutes): a few calls per key and hour.
  const kmsRequests = deployment.bucketKeys ? 0 : usage.s3.put + usage.s3.get;
  add('KMS', 'requests', kmsRequests, PRICES.kmsRequest);
  add('API Gateway', 'HTTP API requests', usage.httpApiRequests, PRICES.httpApiRequest);

  const sfnEvents =
    deployment.stateMachineLogLevel === 'ALL'
      ? usage.stepFunctions.logEvents.all
      : deployment.stateMachineLogLevel === 'ERROR'
        ? usage.stepFunctions.logEvents.error
        : deployment.stateMachineLogLevel === 'FATAL'
          ? usage.stepFunctions.logEvents.fatal
          : 0;
  add(
    'CloudWatch Logs',
    `state machine log GB (level ${deployment.stateMachineLogLevel})`,
    (sfnEvents * STATE_MACHINE_LOG_EVENT_BYTES) / 1e9,
    PRICES.logsIngestedGb,
  );
  add('CloudWatch Logs', 'Lambda log GB', lambdaLogBytes / 1e9, PRICES.logsIngestedGb);

  const claims = Math.max(1, usage.claims);
  const byService: Record<string, number> = {};
  for (const l of lines) byService[l.service] = (byService[l.service] ?? 0) + l.usd / claims;
  const perClaim = Object.values(byService).reduce((n, v) => n + v, 0);
  return { claims: usage.claims, lines, byService, perClaim };
}

/** The report as text: total per claim, then each service's share and its lines. */
export function formatCostReport(report: CostReport): string {
  const usd = (n: number) => `$${n.toFixed(7)}`;
  const out = [`claims: ${report.claims}`, `AWS cost per claim: ${usd(report.perClaim)}`, ''];
  const services = Object.entries(report.byService).sort((a, b) => b[1] - a[1]);
  for (const [service, perClaim] of services) {
    const share = report.perClaim > 0 ? (perClaim / report.perClaim) * 100 : 0;
    out.push(`${service.padEnd(16)} ${usd(perClaim)}  ${share.toFixed(1).padStart(5)} %`);
    for (const l of report.lines.filter((x) => x.service === service)) {
      const perClaimQty = l.quantity / Math.max(1, report.claims);
      out.push(`    ${l.item.padEnd(52)} ${perClaimQty.toPrecision(4).padStart(10)} per claim`);
    }
  }
  return out.join('\n');
}
