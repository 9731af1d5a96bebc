/**
 * Work items: things a person must look at (an unmatched remit, a held 835, an ack for an unknown
 * claim). One item per (kind, reference); a repeat of the same problem is counted, not duplicated.
 *
 * Index (GSI1, written by the same update as the item): an item naming a stored claim (see
 * claimIdOf) sits in its practice's partition under a sort key starting with the claim id; any other
 * item in the unowned partition. So a practice's queue and a claim's items are queries, not scans.
 * The practice is the claim's when the item is written: an item naming a claim not stored yet stays
 * unowned. Items written before the index existed are not in it until they occur again (or reindex).
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { claimIdOf } from '../workbench/work-queue';
import { plain } from './claim-items';
import {
  claimPk,
  META,
  WORK_UNOWNED_GSI_PK,
  workClaimGsiPrefix,
  workGsiSk,
  workPk,
  workPracticeGsiPk,
  workSk,
} from './keys';
import { batchGet } from './query';
import { GSI1 } from './table';

export interface WorkItemRecord {
  kind: string;
  reference: string;
  detail: Record<string, unknown>;
  firstSeen: string;
  lastSeen: string;
  occurrences: number;
  /** Set by people through the workbench (additive; the pipeline never writes them). */
  assignee?: string;
  /** The claim a manual match is posting this item's payment to (until resolved or refused). */
  matchClaimId?: string;
  comments?: WorkItemComment[];
  resolution?: WorkItemResolution;
}

export interface WorkItemComment {
  at: string;
  by: string;
  text: string;
}

export interface WorkItemResolution {
  at: string;
  by: string;
  note?: string;
  /** A remit claim payment matched to a claim by hand (ids only). */
  match?: { claimId: string };
}

function toRecord(i: Record<string, unknown>): WorkItemRecord {
  return {
    kind: i.kind as string,
    reference: i.reference as string,
    detail: (i.detail ?? {}) as Record<string, unknown>,
    firstSeen: i.firstSeen as string,
    lastSeen: i.lastSeen as string,
    occurrences: i.occurrences as number,
    ...(typeof i.assignee === 'string' ? { assignee: i.assignee } : {}),
    ...(typeof i.matchClaimId === 'string' ? { matchClaimId: i.matchClaimId } : {}),
    ...(Array.isArray(i.comments) ? { comments: i.comments as WorkItemComment[] } : {}),
    ...(i.resolution ? { resolution: i.resolution as WorkItemResolution } : {}),
  };
}

const isConditionFailure = (err: unknown) => (err as Error).name === 'ConditionalCheckFailedException';

export class WorkItemRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(kind: string, reference: string, detail: Record<string, unknown>, at: string): Promise<void> {
    const index = await this.indexKeys(kind, reference, detail);
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: workPk(kind), SK: workSk(reference) },
        UpdateExpression:
          'SET entity = :e, kind = :k, #ref = :r, detail = :d, lastSeen = :at, firstSeen = if_not_exists(firstSeen, :at), GSI1PK = :gpk, GSI1SK = :gsk ADD occurrences :one',
        ExpressionAttributeNames: { '#ref': 'reference' },
        ExpressionAttributeValues: {
          ':e': 'WORK',
          ':k': kind,
          ':r': reference,
          ':d': plain(detail),
          ':at': at,
          ':gpk': index.GSI1PK,
          ':gsk': index.GSI1SK,
          ':one': 1,
        },
      }),
    );
  }

  /** The items of a practice's partition of the index (every kind and state). */
  async listForPractice(practiceId: string): Promise<WorkItemRecord[]> {
    return this.queryIndex(workPracticeGsiPk(practiceId));
  }

  /** The items naming no stored claim (an 835 for a claim we never sent, a held file). */
  async listUnowned(): Promise<WorkItemRecord[]> {
    return this.queryIndex(WORK_UNOWNED_GSI_PK);
  }

  /** The items naming one claim of `practiceId` (the claim's practice). */
  async listForClaim(practiceId: string, claimId: string): Promise<WorkItemRecord[]> {
    return this.queryIndex(workPracticeGsiPk(practiceId), workClaimGsiPrefix(claimId));
  }

  /**
   * Backfill: puts the items of `kind` written before the index existed into it (one query of the
   * kind's partition plus one update per unindexed item). Returns how many were indexed.
   */
  async reindex(kind: string): Promise<number> {
    let n = 0;
    for (const item of await this.queryAll({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': workPk(kind) },
    })) {
      if (item.GSI1PK) continue;
      const r = toRecord(item);
      const index = await this.indexKeys(r.kind, r.reference, r.detail);
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: workPk(kind), SK: workSk(r.reference) },
          UpdateExpression: 'SET GSI1PK = :gpk, GSI1SK = :gsk',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':gpk': index.GSI1PK, ':gsk': index.GSI1SK },
        }),
      );
      n++;
    }
    return n;
  }

  /** Where the item goes in the index: its claim's practice (one read of the claim) or unowned. */
  private async indexKeys(
    kind: string,
    reference: string,
    detail: Record<string, unknown>,
  ): Promise<{ GSI1PK: string; GSI1SK: string }> {
    const claimId = claimIdOf({ reference, detail });
    const claim = claimId
      ? await this.doc.send(
          new GetCommand({
            TableName: this.tableName,
            Key: { PK: claimPk(claimId), SK: META },
            ProjectionExpression: 'practiceId',
            ConsistentRead: true,
          }),
        )
      : undefined;
    const practiceId = claim?.Item?.practiceId;
    return typeof practiceId === 'string'
      ? { GSI1PK: workPracticeGsiPk(practiceId), GSI1SK: workGsiSk(claimId, kind, reference) }
      : { GSI1PK: WORK_UNOWNED_GSI_PK, GSI1SK: workGsiSk(undefined, kind, reference) };
  }

  private async queryIndex(pk: string, skPrefix?: string): Promise<WorkItemRecord[]> {
    const items = await this.queryAll({
      IndexName: GSI1,
      KeyConditionExpression: skPrefix ? 'GSI1PK = :pk AND begins_with(GSI1SK, :p)' : 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': pk, ...(skPrefix ? { ':p': skPrefix } : {}) },
    });
    // GSI1 projects keys only: the items themselves are read by their table keys.
    return (await batchGet(this.doc, this.tableName, items)).map(toRecord);
  }

  private async queryAll(
    query: Pick<
      ConstructorParameters<typeof QueryCommand>[0],
      'IndexName' | 'KeyConditionExpression' | 'ExpressionAttributeValues'
    >,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          ...query,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** Every item of one kind (all practices): for operators and backfills, not for the API. */
  async list(kind: string): Promise<WorkItemRecord[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': workPk(kind) },
    });
    return items.map(toRecord);
  }

  async get(kind: string, reference: string): Promise<WorkItemRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: workPk(kind), SK: workSk(reference) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? toRecord(out.Item) : undefined;
  }

  /** Sets (or, with undefined, clears) the assignee; undefined when the item does not exist. */
  async assign(
    kind: string,
    reference: string,
    assignee: string | undefined,
  ): Promise<WorkItemRecord | undefined> {
    return this.update(
      kind,
      reference,
      assignee === undefined ? 'REMOVE assignee' : 'SET assignee = :a',
      assignee === undefined ? {} : { ':a': assignee },
    );
  }

  /** Appends a comment; undefined when the item does not exist. */
  async comment(
    kind: string,
    reference: string,
    comment: WorkItemComment,
  ): Promise<WorkItemRecord | undefined> {
    return this.update(kind, reference, 'SET comments = list_append(if_not_exists(comments, :none), :c)', {
      ':none': [],
      ':c': [plain(comment)],
    });
  }

  /**
   * Resolves the item once: 'resolved', 'already' (it was resolved before; nothing changed) or
   * 'missing'. A later occurrence of the same problem (add) counts on the resolved item.
   */
  async resolve(
    kind: string,
    reference: string,
    resolution: WorkItemResolution,
  ): Promise<'resolved' | 'already' | 'missing'> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: workPk(kind), SK: workSk(reference) },
          UpdateExpression: 'SET resolution = :r',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(resolution)',
          ExpressionAttributeValues: { ':r': plain(resolution) },
        }),
      );
      return 'resolved';
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      return (await this.get(kind, reference)) ? 'already' : 'missing';
    }
  }

  /**
   * Reserves an open item for a manual match to `claimId` before anything is posted, so two people
   * matching one payment to two claims cannot both post it: 'reserved' (also when it already was for
   * this claim), 'other' (reserved for another claim), 'resolved' or 'missing'.
   */
  async reserveMatch(
    kind: string,
    reference: string,
    claimId: string,
  ): Promise<'reserved' | 'other' | 'resolved' | 'missing'> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: workPk(kind), SK: workSk(reference) },
          UpdateExpression: 'SET matchClaimId = :c',
          ConditionExpression:
            'attribute_exists(PK) AND attribute_not_exists(resolution) AND (attribute_not_exists(matchClaimId) OR matchClaimId = :c)',
          ExpressionAttributeValues: { ':c': claimId },
        }),
      );
      return 'reserved';
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const item = await this.get(kind, reference);
      if (!item) return 'missing';
      return item.resolution ? 'resolved' : 'other';
    }
  }

  /** Drops a reservation for `claimId` (its match was refused); another reservation stays. */
  async releaseMatch(kind: string, reference: string, claimId: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: workPk(kind), SK: workSk(reference) },
          UpdateExpression: 'REMOVE matchClaimId',
          ConditionExpression: 'matchClaimId = :c AND attribute_not_exists(resolution)',
          ExpressionAttributeValues: { ':c': claimId },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  private async update(
    kind: string,
    reference: string,
    expression: string,
    values: Record<string, unknown>,
  ): Promise<WorkItemRecord | undefined> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: workPk(kind), SK: workSk(reference) },
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(PK)',
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? toRecord(out.Attributes) : undefined;
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }
}
