/**
 * Work items: things a person must look at (an unmatched remit, a held 835, an ack for an unknown
 * claim). One item per (kind, reference); a repeat of the same problem is counted, not duplicated.
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { plain } from './claim-items';
import { workPk, workSk } from './keys';

export interface WorkItemRecord {
  kind: string;
  reference: string;
  detail: Record<string, unknown>;
  firstSeen: string;
  lastSeen: string;
  occurrences: number;
  /** Set by people through the workbench (additive; the pipeline never writes them). */
  assignee?: string;
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
    return (out.Items ?? []).map(toRecord);
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
