/** 837P interchanges sent: which claims each interchange control number carried. */

import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ClaimEvent } from '../claims/model';
import type { ClaimState } from '../claims/state';
import { type ClaimAttributes, claimWrites, eventPut, plain, type TransactItem } from './claim-items';
import { cancellationCodes, MAX_TRANSACTION_ITEMS, TransactionTooLargeError } from './errors';
import { ICN_CLAIM_PREFIX, icnClaimSk, icnPk, META, normalizeControlNumber } from './keys';
import { queryPrefix } from './query';

export interface InterchangeRecord {
  interchangeControlNumber: string; // ISA13 as sent (9 digits)
  groupControlNumber: string; // GS06
  transactionSetControlNumber: string; // ST02
  payerId: string;
  x12Key: string; // S3 key of the 837P
  claimIds: string[];
  createdAt: string;
  /** When the clearinghouse accepted the interchange for delivery; absent until then. */
  sentAt?: string;
}

/** A member claim saved with the interchange: `from` -> `to` (version-checked), its event and attributes. */
export interface InterchangeMember {
  practiceId: string;
  from: ClaimState;
  to: ClaimState;
  event: ClaimEvent;
  attrs: Partial<ClaimAttributes>;
}

/** The interchange record failed to save because it or one of its member claims changed; nothing was written. */
export class InterchangeConflictError extends Error {
  override readonly name = 'InterchangeConflictError';
}

export class InterchangeRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** META + one CLAIM#<id> row per claim, in one transaction; 'exists' when the ICN is recorded. */
  async put(record: InterchangeRecord): Promise<'created' | 'exists'> {
    const items = this.interchangeItems(record);
    if (items.length > MAX_TRANSACTION_ITEMS) {
      throw new TransactionTooLargeError(`interchange ${record.interchangeControlNumber}: too many claims`);
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
   * The interchange (META + member rows) and every member claim's state update and event, in ONE
   * transaction: either the interchange is recorded with all its claims marked, or nothing is.
   * Throws InterchangeConflictError when the ICN exists or a claim is no longer at `from.version`.
   */
  async putWithMembers(record: InterchangeRecord, members: InterchangeMember[]): Promise<void> {
    const items: TransactItem[] = [
      ...this.interchangeItems(record),
      ...members.flatMap((m) => [
        ...claimWrites(this.tableName, m.practiceId, m.from, m.to, m.attrs),
        eventPut(this.tableName, m.event),
      ]),
    ];
    if (items.length > MAX_TRANSACTION_ITEMS) {
      throw new TransactionTooLargeError(`interchange ${record.interchangeControlNumber}: too many claims`);
    }
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (err) {
      if (cancellationCodes(err)?.some((c) => c === 'ConditionalCheckFailed')) {
        throw new InterchangeConflictError(
          `interchange ${record.interchangeControlNumber}: already recorded or a member claim changed`,
        );
      }
      throw err;
    }
  }

  /** META (only if the ICN is new) + one CLAIM#<id> member row per claim. */
  private interchangeItems(record: InterchangeRecord): TransactItem[] {
    const pk = icnPk(record.interchangeControlNumber);
    return [
      {
        Put: {
          TableName: this.tableName,
          Item: plain({ PK: pk, SK: META, entity: 'ICN', ...record }),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      ...record.claimIds.map((claimId) => ({
        Put: {
          TableName: this.tableName,
          Item: {
            PK: pk,
            SK: icnClaimSk(claimId),
            entity: 'ICN_CLAIM',
            claimId,
            interchangeControlNumber: record.interchangeControlNumber,
          },
        },
      })),
    ];
  }

  /** Records that the clearinghouse accepted the interchange. */
  async markSent(interchangeControlNumber: string | number, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: icnPk(interchangeControlNumber), SK: META },
        UpdateExpression: 'SET sentAt = :at',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  /** By control number; "000000012" and "12" find the same interchange. */
  async get(interchangeControlNumber: string | number): Promise<InterchangeRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: icnPk(interchangeControlNumber), SK: META },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { PK: _pk, SK: _sk, entity: _e, ...record } = out.Item;
    return record as InterchangeRecord;
  }

  /** Claim ids of the interchange from its CLAIM# rows. */
  async claimIds(interchangeControlNumber: string | number): Promise<string[]> {
    normalizeControlNumber(interchangeControlNumber);
    const items = await queryPrefix(
      this.doc,
      this.tableName,
      icnPk(interchangeControlNumber),
      ICN_CLAIM_PREFIX,
    );
    return items.map((i) => String(i.claimId));
  }
}
