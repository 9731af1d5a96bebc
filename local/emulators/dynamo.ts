/**
 * Local DynamoDB: dynalite (in-memory, in-process) behind a small HTTP shim that adds what dynalite
 * lacks: TransactWriteItems, TransactGetItems and the TTL calls (UpdateTimeToLive answers OK and is
 * remembered; nothing ever expires). Every other operation is proxied to dynalite unchanged, so the
 * AWS SDK works against `endpoint` with any credentials.
 *
 * How transactions are made atomic (the approach, and why it is sound for our use):
 * - Every request goes through one readers-writer lock: reads (GetItem, Query, Scan, ...) share it,
 *   writes (PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems) are exclusive, and
 *   TransactGetItems reads all its items under one shared hold. So while a transaction runs no other
 *   write can interleave and no read sees it half-applied.
 * - Under the exclusive lock the shim first validates every action with dynalite's own validation
 *   modules (which also parse the ConditionExpression), rejects two actions on one item, reads every
 *   target item (consistent GetItem) and evaluates every condition with dynalite's own evaluator
 *   (db.checkConditional: the exact code dynalite uses for a conditional PutItem). If any condition
 *   fails, nothing is written and a TransactionCanceledException with one CancellationReason per
 *   action (ConditionalCheckFailed / None) is returned, as DynamoDB does.
 * - Only then are the writes applied, in order, as ordinary single-item requests to dynalite (with
 *   their conditions still attached; they hold, since nothing else can write meanwhile). Should one of
 *   them fail anyway (e.g. an update expression type error), the items already written are restored
 *   from the snapshot read in the check phase, so the transaction is all-or-nothing.
 * - ClientRequestToken is honoured like DynamoDB: a repeat of a committed token within 10 minutes
 *   succeeds without writing again (the SDK fills the token and reuses it on retries).
 * This relies on dynalite 4 internals (`dynalite/db`, `dynalite/validations/*`), pinned in package.json.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import * as dynamoExceptions from '@aws-sdk/client-dynamodb';
import {
  type AttributeValue as AttributeValueSdk,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  DynamoDBServiceException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createTableInput, type TableDefinition } from '../../shared/store/table';
import { cacheDynaliteParses } from './dynamo-parse-cache';
import { useFastStorage } from './dynamo-store';
import {
  inProcessHandler,
  isDocumentCommand,
  type LocalRequestHandler,
  type SdkContext,
  type ShortCircuitOptions,
} from './in-process';
import type { DynamoMeter, MeteredTable } from './meter';

type AttributeValue = Record<string, unknown>;
type Item = Record<string, AttributeValue>;
type Json = Record<string, unknown>;

interface DynaliteError {
  statusCode: number;
  body: Json;
}
interface ValidationModule {
  types: Json;
  custom?: (data: Json, store: unknown) => string | undefined;
}
interface DynaliteValidations {
  checkTypes(data: Json, types: Json): Json;
  checkValidations(data: Json, types: Json, custom: ValidationModule['custom'], store: unknown): void;
}
interface DynaliteDb {
  checkConditional(data: Json, existingItem: Item | undefined): DynaliteError | null | undefined;
  create(options: Json): DynaliteStore;
}
interface DynaliteStore {
  db: { close(cb: () => void): void };
}

const require = createRequire(import.meta.url);
const validations = require('dynalite/validations') as DynaliteValidations;
const db = require('dynalite/db') as DynaliteDb;
const ACTION_VALIDATIONS: Record<'Put' | 'Update' | 'Delete' | 'ConditionCheck', ValidationModule> = {
  Put: require('dynalite/validations/putItem') as ValidationModule,
  Update: require('dynalite/validations/updateItem') as ValidationModule,
  Delete: require('dynalite/validations/deleteItem') as ValidationModule,
  // A ConditionCheck has the shape of a conditional DeleteItem (Key, condition, names, values).
  ConditionCheck: require('dynalite/validations/deleteItem') as ValidationModule,
};
const FAKE_STORE = { options: { maxItemSize: 400 * 1024 } };
cacheDynaliteParses();

const JSON_TYPE = 'application/x-amz-json-1.0';
const PREFIX = 'DynamoDB_20120810.';
const WRITE_OPS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const TOKEN_TTL_MS = 10 * 60_000;

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: Json,
  ) {
    super(String(body.message ?? body.__type));
  }
}

const validationError = (message: string) =>
  new HttpError(400, { __type: 'com.amazon.coral.validate#ValidationException', message });

/** Readers-writer lock: many readers or one writer, FIFO so writers are not starved. */
class RwLock {
  private readers = 0;
  private writer = false;
  private readonly queue: { write: boolean; grant: () => void }[] = [];

  async run<T>(write: boolean, fn: () => Promise<T>): Promise<T> {
    await new Promise<void>((grant) => {
      this.queue.push({ write, grant });
      this.pump();
    });
    try {
      return await fn();
    } finally {
      if (write) this.writer = false;
      else this.readers--;
      this.pump();
    }
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.writer) {
      const next = this.queue[0];
      if (!next) return;
      if (next.write) {
        if (this.readers > 0) return;
        this.queue.shift();
        this.writer = true;
        next.grant();
        return;
      }
      this.queue.shift();
      this.readers++;
      next.grant();
    }
  }
}

const VALID_OPS = new Set([
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DeleteTable',
  'DescribeTable',
  'DescribeTimeToLive',
  'GetItem',
  'ListTables',
  'PutItem',
  'Query',
  'Scan',
  'TagResource',
  'UntagResource',
  'ListTagsOfResource',
  'UpdateItem',
  'UpdateTable',
]);
type DynaliteAction = (store: unknown, data: Json, cb: (err: unknown, out?: Json) => void) => void;
const operations = new Map<string, { action: DynaliteAction; validation: ValidationModule }>();

/** dynalite's action for `op` and its validation, loaded once (what its HTTP handler does per request). */
function operation(op: string) {
  let found = operations.get(op);
  if (!found) {
    const name = op.charAt(0).toLowerCase() + op.slice(1);
    found = {
      action: require(`dynalite/actions/${name}`) as DynaliteAction,
      validation: require(`dynalite/validations/${name}`) as ValidationModule,
    };
    operations.set(op, found);
  }
  return found;
}

/**
 * One request to dynalite's store, in-process: the validation and action its HTTP handler would run
 * (dynalite/index.js httpHandler), without the HTTP hop. Errors are thrown as HttpError.
 */
function dispatch(store: unknown, op: string, input: Json): Promise<Json> {
  if (!VALID_OPS.has(op)) {
    return Promise.reject(
      new HttpError(400, { __type: 'com.amazon.coral.service#UnknownOperationException' }),
    );
  }
  const { validation } = operation(op);
  let data: Json;
  try {
    data = validations.checkTypes(input, validation.types);
    validations.checkValidations(data, validation.types, validation.custom, store);
  } catch (err) {
    const e = err as Partial<DynaliteError>;
    if (e.statusCode && e.body) return Promise.reject(new HttpError(e.statusCode, e.body));
    return Promise.reject(err);
  }
  return act(store, op, data);
}

/** dynalite's action for an already validated request. */
function act(store: unknown, op: string, data: Json): Promise<Json> {
  return new Promise((resolve, reject) => {
    operation(op).action(store, data, (err, out) => {
      const e = err as Partial<DynaliteError> | null | undefined;
      if (e?.statusCode && e.body) reject(new HttpError(e.statusCode, e.body));
      else if (err) reject(err);
      else resolve(out ?? {});
    });
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Decides a fault for a write request: 'fail' (not applied), 'lose' (applied, answer lost), or none. */
export type WriteFaultHook = (op: string, body: Buffer) => 'fail' | 'lose' | undefined;

function send(res: Pick<ServerResponse, 'writeHead' | 'end'>, status: number, body: Json): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amz-crc32': String(crc32(text)),
    'x-amzn-requestid': randomBytes(26).toString('hex').toUpperCase(),
  });
  res.end(text);
}

type ActionKind = keyof typeof ACTION_VALIDATIONS;

interface PreparedAction {
  kind: ActionKind;
  tableName: string;
  key: Item;
  request: Json; // the single-item request as the client wrote it
  validated: Json; // after dynalite validation: carries the parsed _condition
  returnOld: boolean;
}

/** An answer of the emulator: HTTP status and JSON body, as DynamoDB sends them. */
export interface DynamoAnswer {
  status: number;
  body: Json;
}

class DynamoShim {
  private readonly lock = new RwLock();
  private readonly keySchemas = new Map<string, string[]>();
  private readonly ttl = new Map<string, Json>();
  private readonly tokens = new Map<string, number>();

  constructor(
    private readonly store: unknown,
    /** Forgets the storage's cached table descriptions (after any table operation). */
    private readonly forgetTables: () => void,
    private readonly onWrite?: WriteFaultHook,
    private readonly meter?: DynamoMeter,
  ) {}

  /** One request (operation name without the `DynamoDB_20120810.` prefix, JSON body). */
  async handle(op: string, body: Buffer): Promise<DynamoAnswer> {
    const fault = WRITE_OPS.has(op) ? this.onWrite?.(op, body) : undefined;
    if (fault) {
      // 'fail': nothing is applied. 'lose': applied, but the caller sees a 500 (a lost answer).
      if (fault === 'lose') await this.apply(op, body);
      return {
        status: 500,
        body: {
          __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
          message: `injected fault (${fault === 'fail' ? 'not applied' : 'applied, answer lost'})`,
        },
      };
    }
    return this.apply(op, body);
  }

  /** One request whose body is already parsed (the in-process short-circuit); no fault hook. */
  async handleInput(op: string, input: Json): Promise<DynamoAnswer> {
    try {
      return { status: 200, body: await this.run(op, input) };
    } catch (err) {
      return errorAnswer(err);
    }
  }

  private async apply(op: string, body: Buffer): Promise<DynamoAnswer> {
    try {
      return { status: 200, body: await this.run(op, parse(body)) };
    } catch (err) {
      return errorAnswer(err);
    }
  }

  private async run(op: string, input: Json): Promise<Json> {
    this.meter?.request(op);
    switch (op) {
      case 'TransactWriteItems':
        return this.lock.run(true, () => this.transactWrite(input));
      case 'TransactGetItems':
        return this.lock.run(false, () => this.transactGet(input));
      case 'UpdateTimeToLive': {
        const spec = (input.TimeToLiveSpecification ?? {}) as Json;
        this.ttl.set(String(input.TableName), spec);
        return { TimeToLiveSpecification: spec };
      }
      case 'DescribeTimeToLive': {
        const spec = this.ttl.get(String(input.TableName));
        if (spec) {
          return {
            TimeToLiveDescription: {
              TimeToLiveStatus: spec.Enabled ? 'ENABLED' : 'DISABLED',
              AttributeName: spec.AttributeName,
            },
          };
        }
        break;
      }
    }
    if (op === 'CreateTable' || op === 'DeleteTable' || op === 'UpdateTable') {
      this.keySchemas.clear();
      this.infos.clear();
      this.forgetTables();
      try {
        return await this.lock.run(true, () => dispatch(this.store, op, input));
      } finally {
        this.forgetTables();
      }
    }
    if (!this.meter) return this.lock.run(WRITE_OPS.has(op), () => dispatch(this.store, op, input));
    return this.lock.run(WRITE_OPS.has(op), () => this.metered(op, input));
  }

  /** A single-item or batch request, its read and written items reported to the meter. */
  private async metered(op: string, input: Json): Promise<Json> {
    const meter = this.meter as DynamoMeter;
    const tableName = String(input.TableName);
    switch (op) {
      case 'PutItem':
      case 'UpdateItem':
      case 'DeleteItem': {
        const key = await this.keyOf(tableName, (op === 'PutItem' ? input.Item : input.Key) as Item);
        const before = await this.getItem(tableName, key);
        try {
          return await dispatch(this.store, op, input);
        } finally {
          meter.write(await this.tableInfo(tableName), before, await this.getItem(tableName, key), false);
        }
      }
      case 'BatchWriteItem': {
        const requests = Object.entries((input.RequestItems ?? {}) as Record<string, Json[]>).flatMap(
          ([table, reqs]) =>
            reqs.map((r) => ({
              table,
              item: ((r.PutRequest as Json)?.Item ?? (r.DeleteRequest as Json)?.Key) as Item,
            })),
        );
        const befores: { table: string; key: Item; before: Item | undefined }[] = [];
        for (const r of requests) {
          const key = await this.keyOf(r.table, r.item);
          befores.push({ table: r.table, key, before: await this.getItem(r.table, key) });
        }
        try {
          return await dispatch(this.store, op, input);
        } finally {
          for (const b of befores) {
            meter.write(await this.tableInfo(b.table), b.before, await this.getItem(b.table, b.key), false);
          }
        }
      }
      case 'GetItem': {
        const out = await dispatch(this.store, op, input);
        meter.read(tableName, out.Item ? [out.Item as Item] : [], {
          consistent: input.ConsistentRead === true,
          transactional: false,
          single: true,
        });
        return out;
      }
      case 'BatchGetItem': {
        const out = await dispatch(this.store, op, input);
        for (const [table, items] of Object.entries((out.Responses ?? {}) as Record<string, Item[]>)) {
          const consistent = (input.RequestItems as Record<string, Json>)[table]?.ConsistentRead === true;
          for (const item of items)
            meter.read(table, [item], { consistent, transactional: false, single: true });
        }
        return out;
      }
      case 'Query':
      case 'Scan': {
        const out = await dispatch(this.store, op, input);
        meter.read(tableName, (out.Items ?? []) as Item[], {
          consistent: input.ConsistentRead === true,
          transactional: false,
          single: false,
        });
        return out;
      }
      default:
        return dispatch(this.store, op, input);
    }
  }

  /** Key schema and GSIs of a table (for the meter), from DescribeTable, cached. */
  private readonly infos = new Map<string, MeteredTable>();
  private async tableInfo(tableName: string): Promise<MeteredTable> {
    let info = this.infos.get(tableName);
    if (!info) {
      const table = (await dispatch(this.store, 'DescribeTable', { TableName: tableName })).Table as Json;
      const keyNames = (schema: unknown) =>
        ((schema ?? []) as { AttributeName: string }[]).map((k) => k.AttributeName);
      info = {
        tableName,
        keys: keyNames(table.KeySchema),
        indexes: ((table.GlobalSecondaryIndexes ?? []) as Json[]).map((g) => {
          const projection = (g.Projection ?? {}) as { ProjectionType?: string; NonKeyAttributes?: string[] };
          return {
            name: String(g.IndexName),
            keys: keyNames(g.KeySchema),
            projection: (projection.ProjectionType ?? 'ALL') as 'ALL' | 'KEYS_ONLY' | 'INCLUDE',
            nonKeyAttributes: projection.NonKeyAttributes ?? [],
          };
        }),
      };
      this.infos.set(tableName, info);
    }
    return info;
  }

  private async keyOf(tableName: string, source: Item | undefined): Promise<Item> {
    const key: Item = {};
    for (const n of await this.keyNames(tableName)) {
      const v = source?.[n];
      if (!v) throw validationError('The provided key element does not match the schema');
      key[n] = v;
    }
    return key;
  }

  private async keyNames(tableName: string): Promise<string[]> {
    let names = this.keySchemas.get(tableName);
    if (!names) {
      const out = await dispatch(this.store, 'DescribeTable', { TableName: tableName });
      const schema = ((out.Table as Json).KeySchema ?? []) as { AttributeName: string }[];
      names = schema.map((k) => k.AttributeName);
      this.keySchemas.set(tableName, names);
    }
    return names;
  }

  private async prepare(entry: Json, index: number): Promise<PreparedAction> {
    const kinds = (Object.keys(entry) as ActionKind[]).filter((k) => k in ACTION_VALIDATIONS);
    const kind = kinds[0];
    if (kinds.length !== 1 || !kind) {
      throw validationError(
        `TransactItems[${index}] must have exactly one of ConditionCheck, Put, Update, Delete`,
      );
    }
    const request = { ...(entry[kind] as Json) };
    const returnOld = request.ReturnValuesOnConditionCheckFailure === 'ALL_OLD';
    delete request.ReturnValuesOnConditionCheckFailure;
    if (kind === 'ConditionCheck' && !request.ConditionExpression) {
      throw validationError('ConditionCheck requires a ConditionExpression');
    }
    const module = ACTION_VALIDATIONS[kind];
    let validated: Json;
    try {
      // `request` is this shim's own copy (parsed from the body, or copied by the short-circuit).
      validated = validations.checkTypes(request, module.types);
      validations.checkValidations(validated, module.types, module.custom, FAKE_STORE);
    } catch (err) {
      const e = err as Partial<DynaliteError>;
      if (e.statusCode && e.body) throw new HttpError(e.statusCode, e.body);
      throw err;
    }
    const tableName = String(request.TableName);
    if (this.meter) await this.tableInfo(tableName);
    const names = await this.keyNames(tableName);
    const source = (kind === 'Put' ? request.Item : request.Key) as Item | undefined;
    const key: Item = {};
    for (const n of names) {
      const v = source?.[n];
      if (!v) throw validationError('The provided key element does not match the schema');
      key[n] = v;
    }
    return { kind, tableName, key, request, validated, returnOld };
  }

  private async getItem(tableName: string, key: Item): Promise<Item | undefined> {
    const out = await dispatch(this.store, 'GetItem', {
      TableName: tableName,
      Key: key,
      ConsistentRead: true,
    });
    return out.Item as Item | undefined;
  }

  private async transactWrite(input: Json): Promise<Json> {
    const items = input.TransactItems as Json[] | undefined;
    if (!Array.isArray(items) || items.length < 1 || items.length > 100) {
      throw validationError('TransactItems must have between 1 and 100 items');
    }
    const now = Date.now();
    // Tokens are kept in insertion order with one TTL, so the expired ones are at the front.
    for (const [t, expiry] of this.tokens) {
      if (expiry >= now) break;
      this.tokens.delete(t);
    }
    const token = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : undefined;
    if (token && this.tokens.has(token)) return {};

    const actions: PreparedAction[] = [];
    for (const [i, entry] of items.entries()) actions.push(await this.prepare(entry, i));
    const seen = new Set<string>();
    for (const a of actions) {
      const id = `${a.tableName}\u0000${JSON.stringify(Object.entries(a.key).sort())}`;
      if (seen.has(id)) {
        throw validationError('Transaction request cannot include multiple operations on one item');
      }
      seen.add(id);
    }

    // Phase 1: read every item, evaluate every condition. Nothing is written yet.
    const before: (Item | undefined)[] = [];
    const reasons: Json[] = [];
    let failed = false;
    for (const a of actions) {
      const current = await this.getItem(a.tableName, a.key);
      before.push(current);
      if (db.checkConditional(a.validated, current)) {
        failed = true;
        reasons.push({
          Code: 'ConditionalCheckFailed',
          Message: 'The conditional request failed',
          ...(a.returnOld && current ? { Item: current } : {}),
        });
      } else {
        reasons.push({ Code: 'None' });
      }
    }
    if (failed) {
      // A cancelled transaction is still charged for the items it named.
      for (const [i, a] of actions.entries()) this.meterAction(a, before[i], before[i]);
      throw cancelled(reasons);
    }

    // Phase 2: apply the writes in order; on any failure restore what was already written.
    const applied: number[] = [];
    try {
      for (const [i, a] of actions.entries()) {
        if (a.kind === 'ConditionCheck') continue;
        const op = a.kind === 'Put' ? 'PutItem' : a.kind === 'Update' ? 'UpdateItem' : 'DeleteItem';
        applied.push(i);
        // Validated in prepare(): straight to dynalite's action (which checks the condition again).
        await act(this.store, op, a.validated);
      }
    } catch (err) {
      for (const i of applied.reverse()) {
        const a = actions[i];
        if (!a) continue;
        const old = before[i];
        if (old) await dispatch(this.store, 'PutItem', { TableName: a.tableName, Item: old });
        else await dispatch(this.store, 'DeleteItem', { TableName: a.tableName, Key: a.key });
      }
      if (err instanceof HttpError && String(err.body.__type).endsWith('ConditionalCheckFailedException')) {
        throw cancelled(actions.map(() => ({ Code: 'None' })));
      }
      throw err;
    }
    if (token) this.tokens.set(token, now + TOKEN_TTL_MS);
    if (this.meter) {
      for (const [i, a] of actions.entries()) {
        this.meterAction(
          a,
          before[i],
          a.kind === 'ConditionCheck' ? before[i] : await this.getItem(a.tableName, a.key),
        );
      }
    }
    return {};
  }

  private meterAction(a: PreparedAction, before: Item | undefined, after: Item | undefined): void {
    if (!this.meter) return;
    if (a.kind === 'ConditionCheck') {
      this.meter.read(a.tableName, before ? [before] : [], {
        consistent: true,
        transactional: true,
        single: true,
      });
      return;
    }
    const info = this.infos.get(a.tableName);
    if (info) this.meter.write(info, before, after, true);
  }

  private async transactGet(input: Json): Promise<Json> {
    const items = input.TransactItems as { Get?: Json }[] | undefined;
    if (!Array.isArray(items) || items.length < 1 || items.length > 100) {
      throw validationError('TransactItems must have between 1 and 100 items');
    }
    const responses: Json[] = [];
    for (const entry of items) {
      if (!entry.Get) throw validationError('TransactGetItems supports Get only');
      const out = await dispatch(this.store, 'GetItem', { ...entry.Get, ConsistentRead: true });
      responses.push(out.Item ? { Item: out.Item } : {});
      this.meter?.read(String(entry.Get.TableName), out.Item ? [out.Item as Item] : [], {
        consistent: true,
        transactional: true,
        single: true,
      });
    }
    return { Responses: responses };
  }
}

function errorAnswer(err: unknown): DynamoAnswer {
  if (err instanceof HttpError) return { status: err.statusCode, body: err.body };
  return {
    status: 500,
    body: { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: String(err) },
  };
}

function parse(body: Buffer): Json {
  try {
    return JSON.parse(body.toString('utf8')) as Json;
  } catch {
    throw new HttpError(400, { __type: 'com.amazon.coral.service#SerializationException' });
  }
}

function cancelled(reasons: Json[]): HttpError {
  const codes = reasons.map((r) => r.Code).join(', ');
  return new HttpError(400, {
    __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`,
    CancellationReasons: reasons,
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export interface LocalDynamo {
  /** http://127.0.0.1:<port>: give it to the SDK as `endpoint` (or AWS_ENDPOINT_URL_DYNAMODB). */
  endpoint: string;
  /**
   * The same emulator without HTTP: an SDK `requestHandler` for clients in this process (the local
   * runtime's own and the handlers'), answering exactly what `endpoint` answers.
   */
  requestHandler: LocalRequestHandler;
  /**
   * The faster in-process path for DynamoDB (document) clients (in-process.ts shortCircuit): the
   * command's input goes to the emulator without being serialized, signed or retried by the SDK. Not
   * for runs with injected write faults (they need the SDK's retries).
   */
  shortCircuit: ShortCircuitOptions;
  /** Heap in use by the emulator's own thread (dynamo-thread.ts), in bytes; absent in-process. */
  threadHeapUsed?(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * What lib-dynamodb's DocumentUnmarshall does to an output (the short-circuit skips the middlewares
 * after it): attribute-value maps become plain values, for the operations claimflow calls.
 */
/** Every byte array in a request, as the base64 text DynamoDB's JSON protocol carries. */
function blobsToBase64(value: unknown): unknown {
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map(blobsToBase64);
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) out[k] = blobsToBase64(v);
    return out;
  }
  return value;
}

/**
 * Every binary attribute value ({ B } / { BS }) of an answer turned into the SDK's bytes, in place:
 * the answer's objects are the emulator's own, made for this request, and only those values change.
 */
function base64ToBlobs(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (const v of value) base64ToBlobs(v);
    return value;
  }
  const o = value as Json;
  const keys = Object.keys(o);
  if (keys.length === 1 && typeof o.B === 'string') o.B = new Uint8Array(Buffer.from(o.B, 'base64'));
  else if (keys.length === 1 && Array.isArray(o.BS) && o.BS.every((x) => typeof x === 'string')) {
    o.BS = o.BS.map((x) => new Uint8Array(Buffer.from(x as string, 'base64')));
  } else for (const k of keys) base64ToBlobs(o[k]);
  return o;
}

export function documentOutput(op: string, body: Json, context: SdkContext): Json {
  // Commands sent through a plain DynamoDBClient keep attribute values, as the SDK gives them.
  if (!isDocumentCommand(context)) return body;
  const item = (v: unknown) => (v ? unmarshall(v as Record<string, AttributeValueSdk>) : v);
  const out: Json = { ...body };
  switch (op) {
    case 'GetItem':
      if (body.Item) out.Item = item(body.Item);
      break;
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
      if (body.Attributes) out.Attributes = item(body.Attributes);
      break;
    case 'Query':
    case 'Scan':
      if (body.Items) out.Items = (body.Items as unknown[]).map(item);
      if (body.LastEvaluatedKey) out.LastEvaluatedKey = item(body.LastEvaluatedKey);
      break;
    case 'BatchGetItem': {
      const responses = (body.Responses ?? {}) as Record<string, unknown[]>;
      out.Responses = Object.fromEntries(Object.entries(responses).map(([t, items]) => [t, items.map(item)]));
      const unprocessed = (body.UnprocessedKeys ?? {}) as Record<string, Json>;
      out.UnprocessedKeys = Object.fromEntries(
        Object.entries(unprocessed).map(([t, v]) => [
          t,
          { ...v, Keys: ((v.Keys ?? []) as unknown[]).map(item) },
        ]),
      );
      break;
    }
    case 'BatchWriteItem': {
      const unprocessed = (body.UnprocessedItems ?? {}) as Record<string, Json[]>;
      out.UnprocessedItems = Object.fromEntries(
        Object.entries(unprocessed).map(([t, reqs]) => [
          t,
          reqs.map((r) => {
            const put = r.PutRequest as Json | undefined;
            const del = r.DeleteRequest as Json | undefined;
            return put
              ? { PutRequest: { Item: item(put.Item) } }
              : { DeleteRequest: { Key: item(del?.Key) } };
          }),
        ]),
      );
      break;
    }
    case 'TransactGetItems':
      out.Responses = ((body.Responses ?? []) as Json[]).map((r) => (r.Item ? { Item: item(r.Item) } : {}));
      break;
    case 'TransactWriteItems':
      break;
    default:
      throw new Error(`local DynamoDB short-circuit: ${op} is not supported (use the request handler)`);
  }
  return out;
}

/**
 * Starts in-memory dynalite plus the transaction shim, in-process, with an HTTP endpoint on a random
 * 127.0.0.1 port. `onWrite` (the chaos harness) may fail a write before or after applying it; `meter`
 * (npm run cost) is told every request and the items it read and wrote.
 */
export async function startDynamo(
  opts: {
    onWrite?: WriteFaultHook;
    meter?: DynamoMeter;
    /** dynalite's own LevelDB storage instead of dynamo-store.ts (the tests compare the two). */
    levelStorage?: boolean;
  } = {},
): Promise<LocalDynamo> {
  const store = db.create({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as DynaliteStore;
  const forgetTables = opts.levelStorage
    ? () => undefined
    : useFastStorage(store as unknown as Parameters<typeof useFastStorage>[0]);
  const shim = new DynamoShim(store, forgetTables, opts.onWrite, opts.meter);
  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => {
        const target = String(req.headers['x-amz-target'] ?? '');
        return shim.handle(target.startsWith(PREFIX) ? target.slice(PREFIX.length) : '', body);
      })
      .then((answer) => send(res, answer.status, answer.body))
      .catch((err: unknown) => {
        if (!res.headersSent) send(res, 500, { __type: 'InternalServerError', message: String(err) });
      });
  });
  const port = await listen(server);
  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requestHandler: inProcessHandler(PREFIX, (op, body) => shim.handle(op, body)),
    shortCircuit: {
      // dynalite keeps (and may rewrite) what it is given: a caller's own object is copied first.
      // Binary values travel as base64 in DynamoDB's JSON (what dynalite stores): the SDK's bytes are
      // encoded here as its serializer would, and decoded back in the output and in errors.
      answer: async (op, input) => {
        // blobsToBase64 copies the request too: the emulator never holds the caller's objects.
        const out = await shim.handleInput(op, blobsToBase64(input) as Json);
        return { status: out.status, body: base64ToBlobs(out.body) as Json };
      },
      exceptions: dynamoExceptions as Record<string, unknown>,
      baseException: DynamoDBServiceException as never,
      output: documentOutput,
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => store.db.close(() => resolve()));
    },
  };
}

/** Creates the table from the shared definition, waits until ACTIVE, enables TTL (no-op locally). */
export async function createTable(
  client: DynamoDBClient,
  definition: TableDefinition,
  tableName: string,
): Promise<void> {
  await client.send(new CreateTableCommand(createTableInput(tableName, definition)));
  for (let i = 0; i < 200; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const gsisActive = (out.Table?.GlobalSecondaryIndexes ?? []).every((g) => g.IndexStatus === 'ACTIVE');
    if (out.Table?.TableStatus === 'ACTIVE' && gsisActive) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
    }),
  );
}
