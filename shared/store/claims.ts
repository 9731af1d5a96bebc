/**
 * Claims: the META item (status, version, wait, pending outcomes: the hot state, under 1 KB), the
 * content item META#CONTENT (the Claim: written at intake and by a correction) and the event log.
 * Every status change is one TransactWriteItems: version-checked META update + event put. Readers
 * that need the state only read META (`getState`); `get` reads both items in one Query.
 */
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Claim, ClaimEvent, ClaimStatus } from '../claims/model';
import { CLAIM_STATUSES } from '../claims/model';
import {
  applyTransition,
  type ClaimState,
  deliverOutcome,
  registerWait,
  type TokenAnswer,
  takeWaiting,
} from '../claims/state';
import type { TransitionInput, WaitKind } from '../claims/workflow';
import {
  type ClaimAttributes,
  type ClaimRecord,
  type ClaimStateRecord,
  claimItemKeys,
  claimWrites,
  contentClaim,
  eventPut,
  hasMarkerIn,
  isContentItem,
  markersOf,
  newClaimItems,
  type TransactItem,
  toClaimRecord,
  toClaimState,
} from './claim-items';
import {
  ClaimNotFoundError,
  cancellationCodes,
  IllegalTransitionError,
  InvalidCursorError,
  MAX_TRANSACTION_ITEMS,
  TransactionTooLargeError,
  VersionConflictError,
} from './errors';
import { CLAIM_CONTENT, claimPk, META, statusGsiPk } from './keys';
import { batchGet, getItem } from './query';
import { GSI1 } from './table';

export type { ClaimAttributes, ClaimRecord, ClaimStateRecord };

export interface TransitionSaved {
  record: ClaimStateRecord;
  event: ClaimEvent;
  /** The wait found its outcome already pending: SendTaskSuccess(answer.taskToken, answer.output). */
  answer?: TokenAnswer;
}

export interface ListPage {
  items: ClaimRecord[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  cursor?: string;
}

const RETRIES = 5;

export class ClaimRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Writes a new claim (META: status RECEIVED, version 1; its content item), its RECEIVED event (seq 1), one CHARGE ledger
   * entry per line and the charges posting marker, in one transaction. 'exists' (nothing written)
   * when the claim id is already stored: ingest retries are no-ops.
   */
  async putIfAbsent(claim: Claim, at: string = claim.receivedAt): Promise<'created' | 'exists'> {
    const items = newClaimItems(this.tableName, claim, at);
    if (items.length > MAX_TRANSACTION_ITEMS) {
      throw new TransactionTooLargeError(`claim ${claim.claimId}: ${claim.lines.length} lines is too many`);
    }
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return 'created';
    } catch (err) {
      if (cancellationCodes(err)?.[0] === 'ConditionalCheckFailed') return 'exists';
      throw err;
    }
  }

  /**
   * The claim with its content: META and META#CONTENT in one consistent BatchGetItem (one request
   * like a Query of the partition, at one read unit per item; the local emulator answers it in
   * about half the time of a Query, which walks the partition's events and ledger).
   */
  async get(claimId: string): Promise<ClaimRecord | undefined> {
    const items = await batchGet(this.doc, this.tableName, claimItemKeys(claimId));
    const meta = items.find((i) => i.SK === META);
    return meta ? toClaimRecord(meta, items.find(isContentItem)) : undefined;
  }

  async require(claimId: string): Promise<ClaimRecord> {
    const record = await this.get(claimId);
    if (!record) throw new ClaimNotFoundError(claimId);
    return record;
  }

  /** The claim's state and small attributes (META only, one consistent GetItem): no content. */
  async getState(claimId: string): Promise<ClaimStateRecord | undefined>;
  /** With `markers`: also the claim's once-only markers (saveOnce), read with the state. */
  async getState(
    claimId: string,
    opts: { markers: true },
  ): Promise<(ClaimStateRecord & { markers: string[] }) | undefined>;
  async getState(
    claimId: string,
    opts?: { markers?: boolean },
  ): Promise<(ClaimStateRecord & { markers?: string[] }) | undefined> {
    const item = await getItem(this.doc, this.tableName, { PK: claimPk(claimId), SK: META });
    if (!item) return undefined;
    const state = toClaimState(item);
    return opts?.markers ? { ...state, markers: markersOf(item) } : state;
  }

  async requireState(claimId: string): Promise<ClaimStateRecord> {
    const record = await this.getState(claimId);
    if (!record) throw new ClaimNotFoundError(claimId);
    return record;
  }

  /**
   * One invocation's reads of a claim: the first read, of its state or its content, gets both in one
   * Query (`get`); a later state read (after a version conflict) reads META again.
   */
  reads(claimId: string): {
    content(): Promise<Claim | undefined>;
    state(): Promise<ClaimStateRecord | undefined>;
  } {
    let first: Promise<ClaimRecord | undefined> | undefined;
    let stateRead = false;
    const whole = () => {
      first ??= this.get(claimId);
      return first;
    };
    return {
      content: async () => (await whole())?.claim,
      state: () => {
        if (stateRead) return this.getState(claimId);
        stateRead = true;
        return whole();
      },
    };
  }

  /** The claim's content only (one consistent GetItem of META#CONTENT); undefined when not stored. */
  async getContent(claimId: string): Promise<Claim | undefined> {
    const item = await getItem(this.doc, this.tableName, { PK: claimPk(claimId), SK: CLAIM_CONTENT });
    return contentClaim(item);
  }

  /**
   * Saves `to` (computed from `from` by the pure functions of claims/state) if the claim is still at
   * from.version, plus the event if given, in one transaction. Throws VersionConflictError otherwise.
   * `attrs.claim` (a correction) rewrites the content item in the same transaction.
   */
  async save<R extends ClaimStateRecord>(
    from: R,
    to: ClaimState,
    event?: ClaimEvent,
    extra: TransactItem[] = [],
    attrs: Partial<ClaimAttributes> = {},
  ): Promise<R> {
    const [update, ...content] = claimWrites(this.tableName, from.practiceId, from, to, attrs);
    if (!update) throw new Error('no claim update');
    const items = [update, ...(event ? [eventPut(this.tableName, event)] : []), ...extra, ...content];
    try {
      // One item (a wait registered or taken): a conditional update is as atomic, at half the write cost.
      if (items.length === 1 && update.Update) await this.doc.send(new UpdateCommand(update.Update));
      else await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (err) {
      if (
        cancellationCodes(err)?.[0] === 'ConditionalCheckFailed' ||
        (err as Error).name === 'ConditionalCheckFailedException'
      ) {
        throw new VersionConflictError(from.claimId, from.version);
      }
      throw err;
    }
    // attrs last: `to` (computed from a read record) may still carry the attributes' old values.
    const saved: R = {
      ...from,
      ...to,
      ...attrs,
      practiceId: from.practiceId,
      createdAt: from.createdAt,
    };
    if (!to.waiting) delete saved.waiting;
    return saved;
  }

  /**
   * Saves like `save`, adding the once-only marker `markerKey` to the claim's `markers` (on META: no
   * item of its own), in the same conditional write as the state and event. 'duplicate' when the
   * claim has the marker (nothing written), 'conflict' when the claim moved on since `from` was read.
   */
  async saveOnce(
    from: ClaimStateRecord,
    to: ClaimState,
    event: ClaimEvent,
    markerKey: string,
    attrs: Partial<ClaimAttributes> = {},
  ): Promise<'saved' | 'conflict' | 'duplicate'> {
    const items = [
      ...claimWrites(this.tableName, from.practiceId, from, to, attrs, markerKey),
      eventPut(this.tableName, event),
    ];
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return 'saved';
    } catch (err) {
      const codes = cancellationCodes(err);
      if (codes?.[0] === 'ConditionalCheckFailed') {
        // The version moved on, or the marker is there: which one, the claim says.
        return (await this.hasMarker(from.claimId, markerKey)) ? 'duplicate' : 'conflict';
      }
      if (codes?.includes('ConditionalCheckFailed')) return 'conflict';
      throw err;
    }
  }

  /** Whether the claim carries the once-only marker `markerKey` (saveOnce): one consistent read of META. */
  async hasMarker(claimId: string, markerKey: string): Promise<boolean> {
    const key = { PK: claimPk(claimId), SK: META };
    return hasMarkerIn(await getItem(this.doc, this.tableName, key, ['markers']), markerKey);
  }

  /**
   * record-transition: read, applyTransition, save (version-checked, event appended) in one
   * transaction; re-reads and retries on a version conflict. Throws IllegalTransitionError,
   * ClaimNotFoundError, or VersionConflictError after repeated conflicts.
   */
  async transition(
    claimId: string,
    input: TransitionInput,
    at: string,
    attrs: Partial<ClaimAttributes> = {},
  ): Promise<TransitionSaved> {
    return this.retrying(claimId, async (record) => {
      const result = applyTransition(record, input, at);
      if (!result.ok) {
        throw new IllegalTransitionError(claimId, result.error.from, result.error.to, result.error.message);
      }
      const saved = await this.save(record, result.state, result.event, [], attrs);
      return result.answer
        ? { record: saved, event: result.event, answer: result.answer }
        : { record: saved, event: result.event };
    });
  }

  /** Registers a task-token wait without a status change; returns the pending outcome to answer, if any. */
  async registerWait(
    claimId: string,
    kind: WaitKind,
    taskToken: string,
    at: string,
  ): Promise<{ record: ClaimStateRecord; answer?: TokenAnswer }> {
    return this.retrying(claimId, async (record) => {
      const r = registerWait(record, kind, taskToken, at);
      const saved = await this.save(record, r.state);
      return r.answer ? { record: saved, answer: r.answer } : { record: saved };
    });
  }

  /**
   * An ACK / REMIT / CORRECTION outcome arrived. If the claim waits for it the wait is taken and
   * its token returned (the caller answers it with `output`); otherwise the outcome is stored as
   * pending and handed over when the wait registers. A repeated outcome while one is pending is a no-op.
   */
  async deliverOutcome(
    claimId: string,
    kind: WaitKind,
    output: unknown,
    at: string,
  ): Promise<{ taskToken?: string; pending: boolean }> {
    return this.retrying(claimId, async (record) => {
      const r = deliverOutcome(record, kind, output, at);
      if (r.changed) await this.save(record, r.state);
      return r.taskToken ? { taskToken: r.taskToken, pending: false } : { pending: true };
    });
  }

  /** Takes (clears) the claim's wait of `kind`; returns its token, or undefined when not waiting. */
  async takeWaiting(claimId: string, kind: WaitKind, at: string): Promise<string | undefined> {
    return this.retrying(claimId, async (record) => {
      const r = takeWaiting(record, kind, at);
      if (r.taskToken) await this.save(record, r.state);
      return r.taskToken;
    });
  }

  /**
   * Clears the claim's wait of `kind` only while it still holds `taskToken` (the token just
   * answered): a newer wait registered meanwhile is left alone. True when cleared.
   */
  async clearWait(claimId: string, kind: WaitKind, taskToken: string, at: string): Promise<boolean> {
    return this.retrying(claimId, async (record) => {
      if (record.waiting?.kind !== kind || record.waiting.taskToken !== taskToken) return false;
      await this.save(record, takeWaiting(record, kind, at).state);
      return true;
    });
  }

  /**
   * The claims behind GSI1 entries (the index holds keys only), in the entries' order, fetched with
   * BatchGetItem (META and content: 50 claims a request, unprocessed keys retried). A claim gone
   * meanwhile is left out.
   */
  private async hydrate(entries: Record<string, unknown>[]): Promise<ClaimRecord[]> {
    const ids = entries.map((e) => String(e.PK).slice(claimPk('').length));
    const items = await batchGet(this.doc, this.tableName, ids.flatMap(claimItemKeys));
    const byPk = new Map<string, { meta?: Record<string, unknown>; content?: Record<string, unknown> }>();
    for (const item of items) {
      const entry = byPk.get(String(item.PK)) ?? {};
      if (isContentItem(item)) entry.content = item;
      else entry.meta = item;
      byPk.set(String(item.PK), entry);
    }
    return ids.flatMap((id) => {
      const found = byPk.get(claimPk(id));
      return found?.meta ? [toClaimRecord(found.meta, found.content)] : [];
    });
  }

  /** A query of one practice's claims in one status (a GSI1 partition). */
  private statusQuery(
    practiceId: string,
    status: ClaimStatus,
    extra: Partial<QueryCommandInput>,
  ): QueryCommand {
    return new QueryCommand({
      TableName: this.tableName,
      IndexName: GSI1,
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': statusGsiPk(practiceId, status) },
      ...extra,
    });
  }

  /** Work queue: claims of a practice in a status, longest in that status first (GSI1). */
  async listByStatus(
    practiceId: string,
    status: ClaimStatus,
    opts: { limit?: number; cursor?: string } = {},
  ): Promise<ListPage> {
    const out = await this.doc.send(
      this.statusQuery(practiceId, status, {
        ...(opts.limit ? { Limit: opts.limit } : {}),
        ...(opts.cursor
          ? { ExclusiveStartKey: JSON.parse(Buffer.from(opts.cursor, 'base64url').toString('utf8')) }
          : {}),
      }),
    );
    // A claim that moved on since the (eventually consistent) index entry was read is listed under its new status.
    const items = (await this.hydrate(out.Items ?? [])).filter((r) => r.status === status);
    return out.LastEvaluatedKey
      ? { items, cursor: Buffer.from(JSON.stringify(out.LastEvaluatedKey)).toString('base64url') }
      : { items };
  }

  /** How many claims of a practice are in each status (GSI1, counted by DynamoDB: no items read back). */
  async countByStatus(practiceId: string): Promise<Partial<Record<ClaimStatus, number>>> {
    const counts: Partial<Record<ClaimStatus, number>> = {};
    for (const status of CLAIM_STATUSES) {
      let start: Record<string, unknown> | undefined;
      do {
        const out = await this.doc.send(
          this.statusQuery(practiceId, status, {
            Select: 'COUNT',
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        if (out.Count) counts[status] = (counts[status] ?? 0) + out.Count;
        start = out.LastEvaluatedKey;
      } while (start);
    }
    return counts;
  }

  /**
   * Claims of several practices across statuses (GSI1, one partition per practice and status):
   * practices in the given order, statuses in `statuses` order (default: CLAIM_STATUSES), longest in
   * the status first within each (the index holds keys; the claims are read consistently, and one that
   * left the status meanwhile is skipped). Records `accept` refuses are skipped (in memory). Stops after `limit`
   * accepted records or `maxExamined` examined ones; the cursor (absent at the end) continues after
   * the last examined record, so a page may hold fewer than `limit` items and still have a cursor.
   * GSI reads are eventually consistent: a claim changing status while a client pages may show
   * twice or not at all. Throws InvalidCursorError for a cursor naming another practice or status.
   */
  async listForPractices(
    practiceIds: readonly string[],
    opts: {
      statuses?: readonly ClaimStatus[];
      limit: number;
      cursor?: string;
      accept?: (record: ClaimRecord) => boolean;
      maxExamined?: number;
    },
  ): Promise<ListPage> {
    const statuses = opts.statuses ?? CLAIM_STATUSES;
    const parts = practiceIds.flatMap((practiceId) => statuses.map((status) => ({ practiceId, status })));
    const maxExamined = opts.maxExamined ?? 1000;
    let index = 0;
    let after: string | undefined;
    if (opts.cursor) {
      const c = decodeListCursor(opts.cursor);
      index = parts.findIndex((p) => p.practiceId === c.p && p.status === c.s);
      if (index < 0) throw new InvalidCursorError();
      after = c.k;
    }
    const items: ClaimRecord[] = [];
    let examined = 0;
    const cursorAt = (i: number, k: string | undefined) => {
      const part = parts[i];
      return part ? encodeListCursor({ p: part.practiceId, s: part.status, ...(k ? { k } : {}) }) : undefined;
    };
    while (index < parts.length) {
      const part = parts[index] as (typeof parts)[number];
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI1,
          KeyConditionExpression: after ? 'GSI1PK = :pk AND GSI1SK > :after' : 'GSI1PK = :pk',
          ExpressionAttributeValues: {
            ':pk': statusGsiPk(part.practiceId, part.status),
            ...(after ? { ':after': after } : {}),
          },
          Limit: Math.max(1, Math.min(100, maxExamined - examined)),
        }),
      );
      const found = out.Items ?? [];
      const records = new Map((await this.hydrate(found)).map((r) => [claimPk(r.claimId), r]));
      for (const [i, item] of found.entries()) {
        examined++;
        after = String(item.GSI1SK);
        const record = records.get(String(item.PK));
        const current = record?.status === part.status ? record : undefined;
        if (current && (!opts.accept || opts.accept(current))) items.push(current);
        if (items.length >= opts.limit) {
          const more = i < found.length - 1 || out.LastEvaluatedKey !== undefined;
          const cursor = more ? cursorAt(index, after) : cursorAt(index + 1, undefined);
          return cursor ? { items, cursor } : { items };
        }
      }
      if (out.LastEvaluatedKey) {
        after = found.length > 0 ? after : String(out.LastEvaluatedKey.GSI1SK);
      } else {
        index++;
        after = undefined;
      }
      if (examined >= maxExamined && index < parts.length) {
        const cursor = cursorAt(index, after);
        return cursor ? { items, cursor } : { items };
      }
    }
    return { items };
  }

  /** Reads the state (META only), runs `attempt`, and re-reads and retries it on a version conflict. */
  private async retrying<T>(claimId: string, attempt: (record: ClaimStateRecord) => Promise<T>): Promise<T> {
    for (let i = 1; ; i++) {
      const record = await this.requireState(claimId);
      try {
        return await attempt(record);
      } catch (err) {
        if (!(err instanceof VersionConflictError) || i >= RETRIES) throw err;
      }
    }
  }
}

interface ListCursor {
  p: string;
  s: string;
  k?: string;
}

function encodeListCursor(c: ListCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeListCursor(cursor: string): ListCursor {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<ListCursor>;
    if (
      typeof c.p === 'string' &&
      typeof c.s === 'string' &&
      (c.k === undefined || typeof c.k === 'string')
    ) {
      return c as ListCursor;
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}
