/**
 * The metering hook of the local emulators (`npm run cost`): counts what a run would be billed for on
 * AWS. Each emulator reports to it when given one; the cost model (local/cost/model.ts) prices it.
 */
import { type DynamoItem, itemSize, readUnits, type TableSpec, type Usage, writeUnits } from '../cost/model';

export type MeteredTable = TableSpec;

/** What the DynamoDB emulator reports. */
export interface DynamoMeter {
  request(op: string): void;
  read(
    tableName: string,
    items: DynamoItem[],
    opts: { consistent: boolean; transactional: boolean; single: boolean },
  ): void;
  write(
    table: TableSpec,
    before: DynamoItem | undefined,
    after: DynamoItem | undefined,
    transactional: boolean,
  ): void;
}

const SQS_CHUNK = 64 * 1024;

export class Meter implements DynamoMeter {
  readonly usage: Usage = {
    claims: 0,
    stepFunctions: { executions: 0, transitions: 0, logEvents: { all: 0, error: 0, fatal: 0 } },
    lambda: {},
    lambdaLogBytes: 0,
    dynamo: { requests: {}, tableWru: 0, indexWru: 0, rru: 0 },
    sqsRequests: 0,
    s3: { put: 0, get: 0 },
    httpApiRequests: 0,
  };

  /** Table write units and item writes by the items' `entity` attribute (CLAIM, EVENT, LEDGER, ...). */
  readonly writesByEntity: Record<string, { wru: number; writes: number; bytes: number }> = {};

  request(op: string): void {
    const r = this.usage.dynamo.requests;
    r[op] = (r[op] ?? 0) + 1;
  }

  read(
    _tableName: string,
    items: DynamoItem[],
    opts: { consistent: boolean; transactional: boolean; single: boolean },
  ): void {
    this.usage.dynamo.rru += readUnits(items.map(itemSize), opts);
  }

  write(
    table: TableSpec,
    before: DynamoItem | undefined,
    after: DynamoItem | undefined,
    transactional: boolean,
  ): void {
    const u = writeUnits(table, before, after, transactional);
    this.usage.dynamo.tableWru += u.table;
    this.usage.dynamo.indexWru += u.indexes;
    const item = after ?? before;
    // Claimflow items name their entity; the Powertools idempotency table's records do not.
    const entity = String(
      item?.entity?.S ?? (item?.id ? 'IDEMPOTENCY' : String(item?.SK?.S ?? '?').split('#')[0]),
    );
    const e = this.writesByEntity[entity] ?? { wru: 0, writes: 0, bytes: 0 };
    this.writesByEntity[entity] = e;
    e.wru += u.table;
    e.writes++;
    e.bytes += item ? itemSize(item) : 0;
  }

  /** One Lambda invocation of `name`, `ms` long. */
  lambda(name: string, ms: number): void {
    const l = this.usage.lambda[name] ?? { requests: 0, billedMs: 0 };
    this.usage.lambda[name] = l;
    l.requests++;
    l.billedMs += Math.max(1, Math.ceil(ms));
  }

  /** Handler log output (the cost run logs at the deployed level and counts instead of printing). */
  lambdaLog(bytes: number): void {
    this.usage.lambdaLogBytes += bytes;
  }

  /** One SQS request carrying `payloadBytes` (billed per 64 KB chunk, at least one). */
  sqs(payloadBytes = 0): void {
    this.usage.sqsRequests += Math.max(1, Math.ceil(payloadBytes / SQS_CHUNK));
  }

  s3(kind: 'put' | 'get'): void {
    this.usage.s3[kind]++;
  }

  httpApi(): void {
    this.usage.httpApiRequests++;
  }

  /** One Step Functions history event of an execution (the emulator's event log). */
  stateMachineEvent(type: string, stateType?: string): void {
    const sf = this.usage.stepFunctions;
    if (type === 'ExecutionStarted') sf.executions++;
    if (type === 'StateEntered' || type === 'StateRetried') sf.transitions++;
    // On AWS a Task state also logs TaskScheduled, TaskStarted and TaskSucceeded/Failed (+ TaskSubmitted
    // for .waitForTaskToken); the emulator logs only entered/exited: count three more per Task entered.
    const events = type === 'StateEntered' && stateType === 'Task' ? 4 : 1;
    sf.logEvents.all += events;
    if (/Failed|Timeout|Aborted|Terminated/.test(type)) {
      sf.logEvents.error += 1;
      if (type.startsWith('Execution')) sf.logEvents.fatal += 1;
    }
  }
}
