/** A claim's append-only event log (written by ClaimRepository / LedgerRepository transactions). */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ClaimEvent } from '../claims/model';
import { claimPk, EVENT_PREFIX } from './keys';
import { queryPrefix, withoutKeys } from './query';

export class EventRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Every event of the claim, in seq order. */
  async list(claimId: string): Promise<ClaimEvent[]> {
    const items = await queryPrefix(this.doc, this.tableName, claimPk(claimId), EVENT_PREFIX);
    return items.map((i) => withoutKeys(i) as unknown as ClaimEvent).sort((a, b) => a.seq - b.seq);
  }
}
