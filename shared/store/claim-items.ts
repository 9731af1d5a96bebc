import { deflateRawSync, inflateRawSync } from 'node:zlib';
/**
 * Item builders shared by the claim and ledger repositories (internal to shared/store).
 */
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Claim, ClaimEvent } from '../claims/model';
import { type ClaimState, initialState } from '../claims/state';
import type { SubmitResult } from '../claims/workflow';
import { chargeEntries, type LedgerEntry } from '../posting/ledger';
import {
  CHARGES_POSTING_KEY,
  CLAIM_CONTENT,
  claimPk,
  eventSk,
  ledgerSk,
  META,
  postedSk,
  statusGsiPk,
  statusGsiSk,
} from './keys';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A META item's once-only markers (a string set: a Set from the document client, or a list). */
export function markersOf(item: Record<string, unknown> | undefined): string[] {
  const markers = item?.markers;
  if (markers instanceof Set) return [...markers].map(String).sort();
  return Array.isArray(markers) ? markers.map(String) : [];
}

/** Whether a META item's once-only markers hold `key`. */
export function hasMarkerIn(item: Record<string, unknown> | undefined, key: string): boolean {
  return markersOf(item).includes(key);
}

/** Drops undefined values (whatever the document client's marshall options). */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * A claim is two items: META (the hot state every status change rewrites, kept under 1 KB so a write
 * costs one unit) and META#CONTENT (the Claim itself: lines, diagnoses, parties; written at intake and
 * by a correction, read only where the content is needed). ClaimStateRecord is META, ClaimRecord both.
 */
/** Claim attributes services may set along with a state change (`claim` goes to the content item, in the same write). */
export interface ClaimAttributes {
  claim: Claim;
  scrubFindings: {
    rule: string;
    severity: 'error' | 'warning';
    message: string;
    lineId?: string;
    field?: string;
  }[];
  /** The Submit token (hashed) this claim was last submitted for, and what it was answered with. */
  submission: { tokenHash: string; result: SubmitResult };
  payerClaimControlNumber: string;
}

/** A claim's META item: its state and the small attributes, without the content. */
export interface ClaimStateRecord extends ClaimState, Partial<Omit<ClaimAttributes, 'claim'>> {
  practiceId: string;
  createdAt: string;
}

export interface ClaimRecord extends ClaimStateRecord {
  claim: Claim;
}

export function claimMetaItem(record: ClaimStateRecord): Record<string, unknown> {
  const { claim: _content, ...state } = record as ClaimStateRecord & { claim?: Claim };
  return plain({
    PK: claimPk(record.claimId),
    SK: META,
    entity: 'CLAIM',
    ...state,
    GSI1PK: statusGsiPk(record.practiceId, record.status),
    GSI1SK: statusGsiSk(record.updatedAt, record.claimId),
  });
}

/** How the content item stores the claim: its JSON, deflated (a 1-2 KB claim becomes about 0.5 KB). */
const CONTENT_ENCODING = 'json+deflate-raw';

/**
 * The content item: the claim's JSON deflated into one binary attribute, so that a claim of up to
 * a dozen lines stays under 1 KB (one write unit, where its JSON would take two or three).
 */
export function claimContentItem(claim: Claim): Record<string, unknown> {
  return {
    PK: claimPk(claim.claimId),
    SK: CLAIM_CONTENT,
    entity: 'CLAIM_CONTENT',
    claimId: claim.claimId,
    encoding: CONTENT_ENCODING,
    body: deflateRawSync(JSON.stringify(claim)),
  };
}

/** The claim a content item holds (deflated, or plain in the `claim` attribute); undefined if none. */
export function contentClaim(item: Record<string, unknown> | undefined): Claim | undefined {
  if (!item) return undefined;
  if (item.encoding === CONTENT_ENCODING && item.body instanceof Uint8Array) {
    return JSON.parse(inflateRawSync(item.body).toString('utf8')) as Claim;
  }
  if (item.encoding !== undefined)
    throw new Error(`claim ${String(item.claimId)}: content encoding ${String(item.encoding)} unknown`);
  return item.claim as Claim | undefined;
}

/** The keys of a claim's two items (META first). */
export function claimItemKeys(claimId: string): Record<string, string>[] {
  return [
    { PK: claimPk(claimId), SK: META },
    { PK: claimPk(claimId), SK: CLAIM_CONTENT },
  ];
}

export const isContentItem = (item: Record<string, unknown>) => item.SK === CLAIM_CONTENT;

export function toClaimState(item: Record<string, unknown>): ClaimStateRecord {
  const { PK: _pk, SK: _sk, entity: _e, GSI1PK: _g1, GSI1SK: _g2, claim: _c, markers: _m, ...rest } = item;
  const record = rest as unknown as ClaimStateRecord;
  return { ...record, pending: record.pending ?? {} };
}

/**
 * A claim from its META item and content item. A META that still holds the claim (the layout before
 * the content item) is read as it is. Throws when neither holds the content.
 */
export function toClaimRecord(meta: Record<string, unknown>, content?: Record<string, unknown>): ClaimRecord {
  const claim = contentClaim(content) ?? (meta.claim as Claim | undefined);
  if (!claim) throw new Error(`claim ${String(meta.claimId)}: content item missing`);
  return { ...toClaimState(meta), claim };
}

const ATTR_NAME = /^[a-zA-Z][a-zA-Z0-9]*$/;
/** Attributes owned by the state update itself (or keys) that `attrs` must not touch. */
const RESERVED_ATTRS = new Set([
  'PK',
  'SK',
  'GSI1PK',
  'GSI1SK',
  'version',
  'status',
  'seq',
  'followUps',
  'pending',
  'updatedAt',
  'waiting',
  'claimId',
  'practiceId',
  'claim', // the content item's (claimWrites)
  'markers', // once-only markers (stateUpdate's `marker`)
]);

/**
 * Conditional update of a claim's mutable state from `from` (version-checked) to `to`. The status
 * index keys (GSI1PK/GSI1SK) are set only when the status changes, so a save that keeps the status
 * writes nothing to the index; GSI1SK is then the time the claim entered its status.
 * With `marker` (a once-only key: an acknowledgment file, a remit outcome, an appeal outcome), the
 * update also requires the marker absent from the claim's `markers` set and adds it.
 */
export function stateUpdate(
  tableName: string,
  practiceId: string,
  from: ClaimState,
  to: ClaimState,
  attrs: Record<string, unknown> = {},
  marker?: string,
): TransactItem {
  const values: Record<string, unknown> = {
    ':expected': from.version,
    ':version': to.version,
    ':status': to.status,
    ':seq': to.seq,
    ':followUps': to.followUps,
    ':pending': plain(to.pending),
    ':updatedAt': to.updatedAt,
  };
  let expression =
    'SET #version = :version, #status = :status, #seq = :seq, #followUps = :followUps, #pending = :pending, ' +
    '#updatedAt = :updatedAt';
  if (to.status !== from.status) {
    values[':gsi1pk'] = statusGsiPk(practiceId, to.status);
    values[':gsi1sk'] = statusGsiSk(to.updatedAt, to.claimId);
    expression += ', GSI1PK = :gsi1pk, GSI1SK = :gsi1sk';
  }
  const names: Record<string, string> = {};
  Object.entries(attrs).forEach(([name, value], i) => {
    if (!ATTR_NAME.test(name) || RESERVED_ATTRS.has(name))
      throw new Error(`cannot set claim attribute ${name}`);
    names[`#a${i}`] = name;
    values[`:a${i}`] = plain(value);
    expression += `, #a${i} = :a${i}`;
  });
  if (to.waiting) {
    values[':waiting'] = plain(to.waiting);
    expression += ', #waiting = :waiting';
  } else {
    expression += ' REMOVE #waiting';
  }
  let condition = '#version = :expected';
  if (marker !== undefined) {
    names['#markers'] = 'markers';
    values[':marker'] = marker;
    values[':markerSet'] = new Set([marker]);
    expression += ' ADD #markers :markerSet';
    condition += ' AND NOT contains(#markers, :marker)';
  }
  return {
    Update: {
      TableName: tableName,
      Key: { PK: claimPk(from.claimId), SK: META },
      UpdateExpression: expression,
      ConditionExpression: condition,
      ExpressionAttributeNames: {
        '#version': 'version',
        '#status': 'status',
        '#seq': 'seq',
        '#followUps': 'followUps',
        '#pending': 'pending',
        '#updatedAt': 'updatedAt',
        '#waiting': 'waiting',
        ...names,
      },
      ExpressionAttributeValues: values,
    },
  };
}

/**
 * The writes of a state change with attributes: the META update (stateUpdate) and, when `attrs`
 * carries a new claim (a correction), the content item put after it, for the same transaction.
 */
export function claimWrites(
  tableName: string,
  practiceId: string,
  from: ClaimState,
  to: ClaimState,
  attrs: Partial<ClaimAttributes> = {},
  marker?: string,
): TransactItem[] {
  const { claim, ...rest } = attrs;
  const update = stateUpdate(tableName, practiceId, from, to, rest, marker);
  if (!claim) return [update];
  if (claim.claimId !== from.claimId)
    throw new Error(`claim content for ${claim.claimId} saved on ${from.claimId}`);
  return [update, contentPut(tableName, claim)];
}

/** Writes the claim's content item (unconditional: it goes with a version-checked META write). */
export function contentPut(tableName: string, claim: Claim): TransactItem {
  return { Put: { TableName: tableName, Item: claimContentItem(claim) } };
}

export function eventPut(tableName: string, event: ClaimEvent): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: plain({
        PK: claimPk(event.claimId),
        SK: eventSk(event.at, event.seq),
        entity: 'EVENT',
        ...event,
      }),
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

export function ledgerPut(tableName: string, entry: LedgerEntry): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: plain({ PK: claimPk(entry.claimId), SK: ledgerSk(entry.entryId), entity: 'LEDGER', ...entry }),
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

export function postedPut(
  tableName: string,
  claimId: string,
  postingKey: string,
  entryIds: string[],
  at: string,
) {
  return {
    Put: {
      TableName: tableName,
      Item: { PK: claimPk(claimId), SK: postedSk(postingKey), entity: 'POSTED', postingKey, entryIds, at },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  } satisfies TransactItem;
}

/**
 * The items of a new claim, META first (conditional: absent): META (RECEIVED, version 1), its
 * content, the RECEIVED event (seq 1), one CHARGE ledger entry per line and the charges marker.
 */
export function newClaimItems(tableName: string, claim: Claim, at: string): TransactItem[] {
  const record: ClaimStateRecord = {
    ...initialState(claim.claimId, at),
    practiceId: claim.practiceId,
    createdAt: at,
  };
  const charges = chargeEntries(claim, at);
  const event: ClaimEvent = { claimId: claim.claimId, at, seq: 1, type: 'RECEIVED', status: 'RECEIVED' };
  return [
    {
      Put: {
        TableName: tableName,
        Item: claimMetaItem(record),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    contentPut(tableName, claim),
    eventPut(tableName, event),
    ...charges.map((e) => ledgerPut(tableName, e)),
    postedPut(
      tableName,
      claim.claimId,
      CHARGES_POSTING_KEY,
      charges.map((e) => e.entryId),
      at,
    ),
  ];
}
