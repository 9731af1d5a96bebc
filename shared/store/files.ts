/** Charge-file processing records (one per S3 object key). */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { plain } from './claim-items';
import { isConditionalCheckFailed } from './errors';
import { filePk, META } from './keys';

export type FileStatus = 'PROCESSING' | 'DONE' | 'FAILED';

export interface FileCounts {
  rowCount: number;
  claimCount: number;
  errorCount: number;
  /** S3 key of the row-error report, when there were row errors. */
  errorReportKey?: string;
}

export interface FileRecord extends Partial<FileCounts> {
  fileKey: string;
  practiceId?: string;
  status: FileStatus;
  attempts: number;
  /** Failure reason for FAILED (codes/ids only). */
  failure?: string;
  startedAt: string;
  updatedAt: string;
}

export class FileRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Marks a file PROCESSING. 'done' (nothing written) when it was already processed completely;
   * 'started' otherwise (first time, or a retry after a failure or a crash: attempts counts them).
   */
  async start(fileKey: string, at: string, practiceId?: string): Promise<'started' | 'done'> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: filePk(fileKey), SK: META },
          UpdateExpression:
            'SET entity = :entity, fileKey = :fileKey, #status = :processing, startedAt = :at, updatedAt = :at' +
            (practiceId ? ', practiceId = :practiceId' : '') +
            ' ADD attempts :one',
          ConditionExpression: 'attribute_not_exists(PK) OR #status <> :done',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':entity': 'FILE',
            ':fileKey': fileKey,
            ':processing': 'PROCESSING',
            ':done': 'DONE',
            ':at': at,
            ':one': 1,
            ...(practiceId ? { ':practiceId': practiceId } : {}),
          },
        }),
      );
      return 'started';
    } catch (err) {
      if (isConditionalCheckFailed(err)) return 'done';
      throw err;
    }
  }

  async complete(fileKey: string, counts: FileCounts, at: string): Promise<void> {
    await this.put(fileKey, { ...counts, status: 'DONE' }, at);
  }

  async fail(fileKey: string, failure: string, at: string): Promise<void> {
    await this.put(fileKey, { status: 'FAILED', failure }, at);
  }

  async get(fileKey: string): Promise<FileRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: filePk(fileKey), SK: META },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { PK: _pk, SK: _sk, entity: _e, ...record } = out.Item;
    return record as FileRecord;
  }

  private async put(fileKey: string, patch: Record<string, unknown>, at: string): Promise<void> {
    const existing = await this.get(fileKey);
    const record = plain({
      attempts: 1,
      startedAt: at,
      ...existing,
      ...patch,
      fileKey,
      updatedAt: at,
    });
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { PK: filePk(fileKey), SK: META, entity: 'FILE', ...record },
      }),
    );
  }
}
