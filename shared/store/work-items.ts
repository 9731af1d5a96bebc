/**
 * Work items: things a person must look at (an unmatched remit, a held 835, an ack for an unknown
 * claim). One item per (kind, reference); a repeat of the same problem is counted, not duplicated.
 */
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { plain } from './claim-items';
import { workPk, workSk } from './keys';

export interface WorkItemRecord {
  kind: string;
  reference: string;
  detail: Record<string, unknown>;
  firstSeen: string;
  lastSeen: string;
  occurrences: number;
}

export class WorkItemRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(kind: string, reference: string, detail: Record<string, unknown>, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: workPk(kind), SK: workSk(reference) },
        UpdateExpression:
          'SET entity = :e, kind = :k, #ref = :r, detail = :d, lastSeen = :at, firstSeen = if_not_exists(firstSeen, :at) ADD occurrences :one',
        ExpressionAttributeNames: { '#ref': 'reference' },
        ExpressionAttributeValues: {
          ':e': 'WORK',
          ':k': kind,
          ':r': reference,
          ':d': plain(detail),
          ':at': at,
          ':one': 1,
        },
      }),
    );
  }

  async list(kind: string): Promise<WorkItemRecord[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': workPk(kind) },
      }),
    );
    return (out.Items ?? []).map((i) => ({
      kind: i.kind,
      reference: i.reference,
      detail: i.detail,
      firstSeen: i.firstSeen,
      lastSeen: i.lastSeen,
      occurrences: i.occurrences,
    }));
  }
}
