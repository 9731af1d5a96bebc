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
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { createTableInput, type TableDefinition } from '../../shared/store/table';

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
}

const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: Json) => Server;
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

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function post(
  port: number,
  target: string,
  body: string,
  headers?: IncomingMessage['headers'],
): Promise<RawResponse> {
  const date = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
  const sendHeaders: Record<string, string | string[] | undefined> = headers
    ? { ...headers, host: `127.0.0.1:${port}`, 'content-length': String(Buffer.byteLength(body)) }
    : {
        'content-type': JSON_TYPE,
        'x-amz-target': `${PREFIX}${target}`,
        'x-amz-date': date,
        // dynalite checks that an AWS4 Authorization header is present; it does not verify it.
        authorization: `AWS4-HMAC-SHA256 Credential=local/${date.slice(0, 8)}/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
        'content-length': String(Buffer.byteLength(body)),
      };
  delete sendHeaders['transfer-encoding'];
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/', headers: sendHeaders },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function call(port: number, target: string, input: Json): Promise<Json> {
  const res = await post(port, target, JSON.stringify(input));
  const json = JSON.parse(res.body.toString('utf8') || '{}') as Json;
  if (res.status !== 200) throw new HttpError(res.status, json);
  return json;
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

/** A response that goes nowhere (the answer of a write whose answer is "lost"). */
const DISCARD: Pick<ServerResponse, 'writeHead' | 'end'> = {
  writeHead() {
    return this as ServerResponse;
  },
  end() {
    return this as ServerResponse;
  },
};

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

class DynamoShim {
  private readonly lock = new RwLock();
  private readonly keySchemas = new Map<string, string[]>();
  private readonly ttl = new Map<string, Json>();
  private readonly tokens = new Map<string, number>();

  constructor(
    private readonly port: number,
    private readonly onWrite?: WriteFaultHook,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith(PREFIX) ? target.slice(PREFIX.length) : '';
    const fault = WRITE_OPS.has(op) ? this.onWrite?.(op, body) : undefined;
    if (fault) {
      // 'fail': nothing is applied. 'lose': applied, but the caller sees a 500 (a lost answer).
      if (fault === 'lose') await this.apply(op, body, req, DISCARD);
      return send(res, 500, {
        __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
        message: `injected fault (${fault === 'fail' ? 'not applied' : 'applied, answer lost'})`,
      });
    }
    return this.apply(op, body, req, res);
  }

  private async apply(
    op: string,
    body: Buffer,
    req: IncomingMessage,
    res: Pick<ServerResponse, 'writeHead' | 'end'>,
  ): Promise<void> {
    try {
      switch (op) {
        case 'TransactWriteItems':
          return send(res, 200, await this.lock.run(true, () => this.transactWrite(parse(body))));
        case 'TransactGetItems':
          return send(res, 200, await this.lock.run(false, () => this.transactGet(parse(body))));
        case 'UpdateTimeToLive': {
          const input = parse(body);
          const spec = (input.TimeToLiveSpecification ?? {}) as Json;
          this.ttl.set(String(input.TableName), spec);
          return send(res, 200, { TimeToLiveSpecification: spec });
        }
        case 'DescribeTimeToLive': {
          const spec = this.ttl.get(String(parse(body).TableName));
          if (spec) {
            return send(res, 200, {
              TimeToLiveDescription: {
                TimeToLiveStatus: spec.Enabled ? 'ENABLED' : 'DISABLED',
                AttributeName: spec.AttributeName,
              },
            });
          }
          break;
        }
      }
      if (op === 'CreateTable' || op === 'DeleteTable' || op === 'UpdateTable') this.keySchemas.clear();
      const proxied = await this.lock.run(WRITE_OPS.has(op), () =>
        post(this.port, op, body.toString('utf8'), req.headers),
      );
      const headers = { ...proxied.headers };
      delete headers.connection;
      delete headers['keep-alive'];
      res.writeHead(proxied.status, headers);
      res.end(proxied.body);
    } catch (err) {
      if (err instanceof HttpError) return send(res, err.statusCode, err.body);
      send(res, 500, {
        __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
        message: String(err),
      });
    }
  }

  private async keyNames(tableName: string): Promise<string[]> {
    let names = this.keySchemas.get(tableName);
    if (!names) {
      const out = await call(this.port, 'DescribeTable', { TableName: tableName });
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
      validated = validations.checkTypes(structuredClone(request), module.types);
      validations.checkValidations(validated, module.types, module.custom, FAKE_STORE);
    } catch (err) {
      const e = err as Partial<DynaliteError>;
      if (e.statusCode && e.body) throw new HttpError(e.statusCode, e.body);
      throw err;
    }
    const tableName = String(request.TableName);
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
    const out = await call(this.port, 'GetItem', { TableName: tableName, Key: key, ConsistentRead: true });
    return out.Item as Item | undefined;
  }

  private async transactWrite(input: Json): Promise<Json> {
    const items = input.TransactItems as Json[] | undefined;
    if (!Array.isArray(items) || items.length < 1 || items.length > 100) {
      throw validationError('TransactItems must have between 1 and 100 items');
    }
    const now = Date.now();
    for (const [t, expiry] of this.tokens) if (expiry < now) this.tokens.delete(t);
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
    if (failed) throw cancelled(reasons);

    // Phase 2: apply the writes in order; on any failure restore what was already written.
    const applied: number[] = [];
    try {
      for (const [i, a] of actions.entries()) {
        if (a.kind === 'ConditionCheck') continue;
        const op = a.kind === 'Put' ? 'PutItem' : a.kind === 'Update' ? 'UpdateItem' : 'DeleteItem';
        applied.push(i);
        await call(this.port, op, a.request);
      }
    } catch (err) {
      for (const i of applied.reverse()) {
        const a = actions[i];
        if (!a) continue;
        const old = before[i];
        if (old) await call(this.port, 'PutItem', { TableName: a.tableName, Item: old });
        else await call(this.port, 'DeleteItem', { TableName: a.tableName, Key: a.key });
      }
      if (err instanceof HttpError && String(err.body.__type).endsWith('ConditionalCheckFailedException')) {
        throw cancelled(actions.map(() => ({ Code: 'None' })));
      }
      throw err;
    }
    if (token) this.tokens.set(token, now + TOKEN_TTL_MS);
    return {};
  }

  private async transactGet(input: Json): Promise<Json> {
    const items = input.TransactItems as { Get?: Json }[] | undefined;
    if (!Array.isArray(items) || items.length < 1 || items.length > 100) {
      throw validationError('TransactItems must have between 1 and 100 items');
    }
    const responses: Json[] = [];
    for (const entry of items) {
      if (!entry.Get) throw validationError('TransactGetItems supports Get only');
      const out = await call(this.port, 'GetItem', { ...entry.Get, ConsistentRead: true });
      responses.push(out.Item ? { Item: out.Item } : {});
    }
    return { Responses: responses };
  }
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
  stop(): Promise<void>;
}

/**
 * Starts in-memory dynalite plus the transaction shim on random 127.0.0.1 ports. `onWrite` (the chaos
 * harness) may fail a write before or after applying it.
 */
export async function startDynamo(opts: { onWrite?: WriteFaultHook } = {}): Promise<LocalDynamo> {
  const inner = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const innerPort = await listen(inner);
  const shim = new DynamoShim(innerPort, opts.onWrite);
  const outer = createServer((req, res) => {
    shim.handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { __type: 'InternalServerError', message: String(err) });
    });
  });
  const port = await listen(outer);
  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      outer.closeAllConnections();
      await new Promise<void>((resolve) => outer.close(() => resolve()));
      inner.closeAllConnections();
      await new Promise<void>((resolve) => inner.close(() => resolve()));
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
