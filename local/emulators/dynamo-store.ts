/**
 * A faster storage layer under dynalite's actions, for the local runtime. dynalite keeps every item
 * JSON-encoded in one memory-level (LevelDB API over a persistent red-black tree) and decodes the
 * table's description from it on every request; at thousands of claims that storage, not the
 * DynamoDB semantics, is most of its cost. This keeps dynalite's actions, validation, expression
 * evaluation and index maintenance unchanged and gives them, through the same sub-database API they
 * call (get / put / del / batch / lock / createKeyStream / createValueStream), in-memory maps:
 *
 * - items and index entries by key, as JSON text (as dynalite stores them: a string is several times
 *   smaller than the attribute-value objects it encodes, which matters at 10,000 claims), parsed
 *   on every read, so no reader ever shares an object with the store;
 * - keys grouped by partition: dynalite's keys are `<hash prefix>/<hash hex>/<range>/...`, so one
 *   partition's keys share everything up to the second `/`, and a Query's range (gte/gt .. lte/lt) always
 *   lies within one partition. Each partition keeps its keys sorted (binary search, small arrays);
 *   a Scan walks the partitions in key order;
 * - the table descriptions: cached while ACTIVE, forgotten on CreateTable / UpdateTable / DeleteTable.
 */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';

const require = createRequire(import.meta.url);
const lockModule = require('lock') as { Lock(): LockFn };
type LockFn = (key: string, fn: (release: (cb: Callback) => Callback) => void) => void;
type Callback = (err?: unknown, value?: unknown) => void;

interface RangeOptions {
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
  reverse?: boolean;
  limit?: number;
}

interface Partition {
  keys: string[];
  /** JSON text of each value. */
  values: Map<string, string>;
}

/**
 * What a LevelDB get answers for a missing key. One object for every miss: dynalite only reads its
 * name, and building an Error (its stack trace) per miss was a visible share of the emulator's time.
 */
const NOT_FOUND = Object.freeze(
  Object.assign(new Error('NotFound'), {
    name: 'NotFoundError',
    code: 'LEVEL_NOT_FOUND',
    notFound: true,
    status: 404,
  }),
);

/** The partition of a key: everything up to and including its second `/` (the whole key if fewer). */
function partitionOf(key: string): string {
  const first = key.indexOf('/');
  if (first < 0) return key;
  const second = key.indexOf('/', first + 1);
  return second < 0 ? key : key.slice(0, second + 1);
}

function lowerIndex(keys: string[], key: string, inclusive: boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = keys[mid] as string;
    if (k < key || (!inclusive && k === key)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One of dynalite's sub-databases (a table's items, an index's entries), in memory. */
export class FastSubDb {
  readonly lock: LockFn = lockModule.Lock();
  private readonly partitions = new Map<string, Partition>();
  private sortedPartitions: string[] | undefined;

  get(key: string, cb: Callback): void {
    const p = this.partitions.get(partitionOf(key));
    const text = p?.values.get(key);
    if (text !== undefined) queueMicrotask(() => cb(null, JSON.parse(text)));
    else queueMicrotask(() => cb(NOT_FOUND));
  }

  put(key: string, value: unknown, cb?: Callback): void {
    this.putSync(key, value);
    if (cb) queueMicrotask(() => cb(null));
  }

  del(key: string, cb?: Callback): void {
    this.delSync(key);
    if (cb) queueMicrotask(() => cb(null));
  }

  batch(ops: { type: 'put' | 'del'; key: string; value?: unknown }[], cb?: Callback): void {
    for (const op of ops) {
      if (op.type === 'put') this.putSync(op.key, op.value);
      else this.delSync(op.key);
    }
    if (cb) queueMicrotask(() => cb(null));
  }

  createKeyStream(options: RangeOptions = {}): Readable {
    return Readable.from(this.range(options).map(([k]) => k));
  }

  createValueStream(options: RangeOptions = {}): Readable {
    return Readable.from(this.range(options).map(([, v]) => JSON.parse(v) as unknown));
  }

  private putSync(key: string, value: unknown): void {
    const name = partitionOf(key);
    let p = this.partitions.get(name);
    if (!p) {
      p = { keys: [], values: new Map() };
      this.partitions.set(name, p);
      this.sortedPartitions = undefined;
    }
    if (!p.values.has(key)) p.keys.splice(lowerIndex(p.keys, key, true), 0, key);
    p.values.set(key, JSON.stringify(value));
  }

  private delSync(key: string): void {
    const name = partitionOf(key);
    const p = this.partitions.get(name);
    if (!p?.values.has(key)) return;
    p.values.delete(key);
    p.keys.splice(lowerIndex(p.keys, key, true), 1);
    if (p.keys.length === 0) {
      this.partitions.delete(name);
      this.sortedPartitions = undefined;
    }
  }

  /** [key, value] pairs within the bounds, in key order (reversed if asked), at most `limit`. */
  private range(o: RangeOptions): [string, string][] {
    const lower = o.gte ?? o.gt;
    const upper = o.lte ?? o.lt;
    const within = (k: string) =>
      (o.gte === undefined || k >= o.gte) &&
      (o.gt === undefined || k > o.gt) &&
      (o.lte === undefined || k <= o.lte) &&
      (o.lt === undefined || k < o.lt);
    let names: string[];
    if (lower !== undefined && upper !== undefined && partitionOf(lower) === partitionOf(upper)) {
      // A Query: one partition (its bounds end in `~`, past every hex digit, inside the partition).
      names = this.partitions.has(partitionOf(lower)) ? [partitionOf(lower)] : [];
    } else {
      this.sortedPartitions ??= [...this.partitions.keys()].sort();
      names = this.sortedPartitions;
    }
    const out: [string, string][] = [];
    for (const name of names) {
      const p = this.partitions.get(name) as Partition;
      const start =
        o.gte !== undefined
          ? lowerIndex(p.keys, o.gte, true)
          : o.gt !== undefined
            ? lowerIndex(p.keys, o.gt, false)
            : 0;
      for (let i = start; i < p.keys.length; i++) {
        const k = p.keys[i] as string;
        if (!within(k)) {
          if ((o.lte !== undefined && k > o.lte) || (o.lt !== undefined && k >= o.lt)) break;
          continue;
        }
        out.push([k, p.values.get(k) as string]);
      }
    }
    if (o.reverse) out.reverse();
    return o.limit !== undefined && o.limit >= 0 ? out.slice(0, o.limit) : out;
  }
}

interface DynaliteStoreLike {
  getItemDb(name: string): unknown;
  getIndexDb(indexType: string, tableName: string, indexName: string): unknown;
  deleteItemDb(name: string, cb: Callback): void;
  deleteIndexDb(indexType: string, tableName: string, indexName: string, cb: Callback): void;
  getTable(name: string, checkStatus: boolean | Callback, cb?: Callback): void;
}

/**
 * Puts the faster storage under a store made by dynalite's `db.create`. Returns the function that
 * forgets the cached table descriptions (call it after any table operation).
 */
export function useFastStorage(store: DynaliteStoreLike): () => void {
  const dbs = new Map<string, FastSubDb>();
  const sub = (name: string) => {
    let found = dbs.get(name);
    if (!found) {
      found = new FastSubDb();
      dbs.set(name, found);
    }
    return found;
  };
  const indexName = (type: string, table: string, index: string) =>
    `index-${type.toLowerCase()}~${table}~${index}`;
  store.getItemDb = (name) => sub(`item-${name}`);
  store.getIndexDb = (type, table, index) => sub(indexName(type, table, index));
  store.deleteItemDb = (name, cb) => {
    dbs.delete(`item-${name}`);
    queueMicrotask(() => cb(null));
  };
  store.deleteIndexDb = (type, table, index, cb) => {
    dbs.delete(indexName(type, table, index));
    queueMicrotask(() => cb(null));
  };

  const tables = new Map<string, unknown>();
  const getTable = store.getTable.bind(store);
  store.getTable = (name, checkStatus, cb) => {
    const callback = (typeof checkStatus === 'function' ? checkStatus : cb) as Callback;
    const cached = tables.get(name);
    if (cached) {
      queueMicrotask(() => callback(null, cached));
      return;
    }
    // dynalite checks the status when called with (name, cb): its checkStatus is then the callback.
    getTable(name, typeof checkStatus === 'function' ? true : checkStatus, (err, table) => {
      const t = table as { TableStatus?: string; GlobalSecondaryIndexes?: { IndexStatus?: string }[] };
      const active =
        !err &&
        t?.TableStatus === 'ACTIVE' &&
        (t.GlobalSecondaryIndexes ?? []).every(
          (g) => g.IndexStatus === undefined || g.IndexStatus === 'ACTIVE',
        );
      if (active) tables.set(name, table);
      callback(err, table);
    });
  };
  return () => tables.clear();
}
