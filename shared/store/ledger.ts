/**
 * Ledger postings. A remit posts in ONE transaction per claim: the POSTED#<postingKey> marker
 * (attribute_not_exists, so a replayed 835 posts nothing), every entry, and optionally the claim's
 * state change (version-checked) with its event.
 */

import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Claim, ClaimEvent } from '../claims/model';
import type { ClaimState } from '../claims/state';
import { chargeEntries, type LedgerEntry } from '../posting/ledger';
import {
  type ClaimRecord,
  eventPut,
  ledgerPut,
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
import { CHARGES_POSTING_KEY, claimPk, LEDGER_PREFIX, postedSk } from './keys';
import { queryPrefix, withoutKeys } from './query';

/** A claim state change to commit together with a posting (computed with claims/state functions). */
export interface ClaimUpdate {
  from: ClaimRecord;
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
