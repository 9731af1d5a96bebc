/**
 * Ledger postings. A remit posts in ONE transaction per claim: the POSTED#<postingKey> marker
 * (attribute_not_exists, so a replayed 835 posts nothing), every entry, and optionally the claim's
 * state change (version-checked) with its event.
 */

import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Claim, ClaimEvent } from '../claims/model';
import type { ClaimState } from '../claims/state';
import type { Cents } from '../money';
import { chargeEntries, type LedgerEntry, type ProviderLedgerEntry } from '../posting/ledger';
import {
  type ClaimStateRecord,
  eventPut,
  ledgerPut,
  plain as plainItem,
  postedPut,
  stateUpdate,
  type TransactItem,
} from './claim-items';
import {
  cancellationCodes,
  MAX_TRANSACTION_ITEMS,
  TransactionTooLargeError,
  VersionConflictError,
} from './errors';
import {
  CHARGES_POSTING_KEY,
  claimPk,
  LEDGER_HEAD,
  LEDGER_PREFIX,
  postedSk,
  providerLedgerSk,
  providerPk,
  remitPaidSk,
  remitPk,
  remitPlbSk,
} from './keys';
import { queryPrefix, withoutKeys } from './query';

/** A claim state change to commit together with a posting (computed with claims/state functions). */
export interface ClaimUpdate {
  from: ClaimStateRecord;
  to: ClaimState;
  event?: ClaimEvent;
}

export class LedgerRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** CHARGE entries, one per line. ClaimRepository.putIfAbsent already posts them; this is idempotent. */
  async postCharges(claim: Claim, at: string = claim.receivedAt): Promise<'posted' | 'duplicate'> {
    return this.post(claim.claimId, CHARGES_POSTING_KEY, chargeEntries(claim, at), at);
  }

  /**
   * Posts one 835 claim payment's entries under its posting key (shared/posting postingKey()).
   * 'duplicate' (nothing written) when that key was posted before. With `claimUpdate`, the claim's
   * state change commits in the same transaction; VersionConflictError if the claim moved on since
   * it was read (re-read, recompute, retry).
   */
  async postRemit(
    claimId: string,
    postingKey: string,
    entries: readonly LedgerEntry[],
    claimUpdate?: ClaimUpdate,
    at: string = entries[0]?.at ?? new Date().toISOString(),
  ): Promise<'posted' | 'duplicate'> {
    return this.post(claimId, postingKey, entries, at, claimUpdate);
  }

  async isPosted(claimId: string, postingKey: string): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: claimPk(claimId), SK: postedSk(postingKey) },
        ConsistentRead: true,
      }),
    );
    return Boolean(out.Item);
  }

  /**
   * The claim's entries and its ledger version (how many remit postings went through postPayment).
   * The version is read first, so a posting that lands between the two reads makes the version
   * stale (postPayment answers 'conflict') rather than the entries.
   */
  async getLedger(claimId: string): Promise<{ entries: LedgerEntry[]; version: number }> {
    const head = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: claimPk(claimId), SK: LEDGER_HEAD },
        ConsistentRead: true,
      }),
    );
    const version = typeof head.Item?.postings === 'number' ? head.Item.postings : 0;
    return { entries: await this.getEntries(claimId), version };
  }

  /**
   * Posts one 835 claim payment checked against the claim's ledger at `guard.version`, in ONE
   * transaction: the posting marker (attribute_not_exists), the ledger head (must still be at
   * `guard.version`; becomes version + 1), the trace's PAID item (CLP04, for reconcile) and every
   * entry. 'duplicate' when the posting key was posted before (nothing written); 'conflict' when
   * another posting reached the claim since its ledger was read (nothing written: re-read, re-check).
   */
  async postPayment(
    claimId: string,
    postingKey: string,
    entries: readonly LedgerEntry[],
    guard: { version: number; traceNumber: string; paidCents: Cents },
    at: string = entries[0]?.at ?? new Date().toISOString(),
  ): Promise<'posted' | 'duplicate' | 'conflict'> {
    for (const e of entries) {
      if (e.claimId !== claimId) throw new Error(`ledger entry ${e.entryId} belongs to another claim`);
    }
    const items: TransactItem[] = [
      postedPut(
        this.tableName,
        claimId,
        postingKey,
        entries.map((e) => e.entryId),
        at,
      ),
      {
        Update: {
          TableName: this.tableName,
          Key: { PK: claimPk(claimId), SK: LEDGER_HEAD },
          UpdateExpression: 'SET postings = :next, entity = :entity, updatedAt = :at',
          ConditionExpression:
            guard.version === 0 ? 'attribute_not_exists(postings)' : 'postings = :expected',
          ExpressionAttributeValues: {
            ':next': guard.version + 1,
            ':entity': 'LEDGER_HEAD',
            ':at': at,
            ...(guard.version === 0 ? {} : { ':expected': guard.version }),
          },
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            PK: remitPk(guard.traceNumber),
            SK: remitPaidSk(postingKey),
            entity: 'REMIT_PAID',
            claimId,
            postingKey,
            paidCents: guard.paidCents,
            at,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ];
    for (const e of entries) items.push(ledgerPut(this.tableName, e));
    if (items.length > MAX_TRANSACTION_ITEMS) {
      throw new TransactionTooLargeError(`posting for claim ${claimId} has ${entries.length} entries`);
    }
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return 'posted';
    } catch (err) {
      const codes = cancellationCodes(err);
      if (codes?.[0] === 'ConditionalCheckFailed') return 'duplicate';
      if (codes?.[1] === 'ConditionalCheckFailed') return 'conflict';
      throw err;
    }
  }

  /**
   * One PLB adjustment on the provider's ledger account, with the trace's PLB item (for reconcile),
   * in one transaction keyed by (trace, PLB index): 'duplicate' (nothing written) on a replay;
   * 'mismatch' (nothing written) when that (trace, index) was posted with another amount or provider.
   */
  async postProviderAdjustment(entry: ProviderLedgerEntry): Promise<'posted' | 'duplicate' | 'mismatch'> {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: plainItem({
            PK: providerPk(entry.providerId),
            SK: providerLedgerSk(entry.traceNumber, entry.index),
            entity: 'PROVIDER_LEDGER',
            ...entry,
          }),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            PK: remitPk(entry.traceNumber),
            SK: remitPlbSk(entry.index),
            entity: 'REMIT_PLB',
            providerId: entry.providerId,
            entryId: entry.entryId,
            amountCents: entry.amountCents,
            at: entry.at,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ];
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return 'posted';
    } catch (err) {
      const codes = cancellationCodes(err);
      if (codes?.[0] === 'ConditionalCheckFailed' || codes?.[1] === 'ConditionalCheckFailed') {
        const posted = await this.doc.send(
          new GetCommand({
            TableName: this.tableName,
            Key: { PK: remitPk(entry.traceNumber), SK: remitPlbSk(entry.index) },
            ConsistentRead: true,
          }),
        );
        const same =
          posted.Item?.amountCents === entry.amountCents && posted.Item?.providerId === entry.providerId;
        return same ? 'duplicate' : 'mismatch';
      }
      throw err;
    }
  }

  /** A provider's ledger account (PLB adjustments), in trace and index order. */
  async getProviderEntries(providerId: string): Promise<ProviderLedgerEntry[]> {
    const items = await queryPrefix(this.doc, this.tableName, providerPk(providerId), LEDGER_PREFIX);
    return items.map((i) => withoutKeys(i) as unknown as ProviderLedgerEntry);
  }

  /** All entries of a claim, in posting order (at, then entry id). */
  async getEntries(claimId: string): Promise<LedgerEntry[]> {
    const items = await queryPrefix(this.doc, this.tableName, claimPk(claimId), LEDGER_PREFIX);
    return items
      .map((i) => withoutKeys(i) as unknown as LedgerEntry)
      .sort((a, b) => a.at.localeCompare(b.at) || a.entryId.localeCompare(b.entryId));
  }

  private async post(
    claimId: string,
    postingKey: string,
    entries: readonly LedgerEntry[],
    at: string,
    claimUpdate?: ClaimUpdate,
  ): Promise<'posted' | 'duplicate'> {
    for (const e of entries) {
      if (e.claimId !== claimId) throw new Error(`ledger entry ${e.entryId} belongs to another claim`);
    }
    const items: TransactItem[] = [
      postedPut(
        this.tableName,
        claimId,
        postingKey,
        entries.map((e) => e.entryId),
        at,
      ),
    ];
    if (claimUpdate) {
      if (claimUpdate.from.claimId !== claimId) throw new Error('claim update is for another claim');
      items.push(stateUpdate(this.tableName, claimUpdate.from.practiceId, claimUpdate.from, claimUpdate.to));
      if (claimUpdate.event) items.push(eventPut(this.tableName, claimUpdate.event));
    }
    for (const e of entries) items.push(ledgerPut(this.tableName, e));
    if (items.length > MAX_TRANSACTION_ITEMS) {
      throw new TransactionTooLargeError(`posting for claim ${claimId} has ${entries.length} entries`);
    }
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return 'posted';
    } catch (err) {
      const codes = cancellationCodes(err);
      if (codes?.[0] === 'ConditionalCheckFailed') return 'duplicate';
      if (claimUpdate && codes?.[1] === 'ConditionalCheckFailed') {
        throw new VersionConflictError(claimId, claimUpdate.from.version);
      }
      throw err;
    }
  }
}
