/**
 * Item builders shared by the claim and ledger repositories (internal to shared/store).
 */
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Claim, ClaimEvent } from '../claims/model';
import type { ClaimState } from '../claims/state';
import type { SubmitResult } from '../claims/workflow';
import type { LedgerEntry } from '../posting/ledger';
import { claimPk, eventSk, ledgerSk, META, postedSk, statusGsiPk, statusGsiSk } from './keys';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Drops undefined values (whatever the document client's marshall options). */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** What a claim's META item holds; ClaimRecord is what the repository returns. */
/** Claim attributes services may set along with a state change (same META item, same write). */
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

export interface ClaimRecord extends ClaimState, Partial<Omit<ClaimAttributes, 'claim'>> {
  practiceId: string;
  claim: Claim;
  createdAt: string;
}

export function claimMetaItem(record: ClaimRecord): Record<string, unknown> {
  return plain({
    PK: claimPk(record.claimId),
    SK: META,
    entity: 'CLAIM',
    ...record,
    GSI1PK: statusGsiPk(record.practiceId, record.status),
    GSI1SK: statusGsiSk(record.updatedAt, record.claimId),
  });
}

export function toClaimRecord(item: Record<string, unknown>): ClaimRecord {
  const { PK: _pk, SK: _sk, entity: _e, GSI1PK: _g1, GSI1SK: _g2, ...rest } = item;
  const record = rest as unknown as ClaimRecord;
  return { ...record, pending: record.pending ?? {} };
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
]);

/**
 * Conditional update of a claim's mutable state from `from` (version-checked) to `to`. The status
 * index keys (GSI1PK/GSI1SK) are set only when the status changes, so a save that keeps the status
 * writes nothing to the index; GSI1SK is then the time the claim entered its status.
 */
export function stateUpdate(
  tableName: string,
  practiceId: string,
  from: ClaimState,
  to: ClaimState,
  attrs: Record<string, unknown> = {},
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
  return {
    Update: {
      TableName: tableName,
      Key: { PK: claimPk(from.claimId), SK: META },
      UpdateExpression: expression,
      ConditionExpression: '#version = :expected',
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
