/** A claim's append-only event log (written by ClaimRepository / LedgerRepository transactions). */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ClaimEvent } from '../claims/model';
import { claimPk, EVENT_PREFIX } from './keys';

export class EventRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Every event of the claim, in seq order. */
  async list(claimId: string): Promise<ClaimEvent[]> {
    const events: ClaimEvent[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': claimPk(claimId), ':prefix': EVENT_PREFIX },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) {
        const { PK: _pk, SK: _sk, entity: _e, ...event } = item;
        events.push(event as ClaimEvent);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return events.sort((a, b) => a.seq - b.seq);
  }
}
