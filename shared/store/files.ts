/**
 * Charge-file processing records (one per S3 object key, for the latest version of the object read)
 * and the chunk markers of its claim chunks (one per chunk done, per object version).
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { plain } from './claim-items';
import { cancellationCodes, isConditionalCheckFailed } from './errors';
import { filePk, META } from './keys';

/** PROCESSING: chunks queued; DONE: every chunk written; REJECTED: nothing billable (see `reason`). */
export type FileStatus = 'PROCESSING' | 'DONE' | 'FAILED' | 'REJECTED';

/** What the split step knows about a file version. */
export interface FileSplit extends FileCounts {
  version?: string;
  practiceId?: string;
  status: 'PROCESSING' | 'DONE' | 'REJECTED';
  /** For REJECTED: a code and a sentence, no values. */
  reason?: string;
  chunks: number;
  conflicts: number;
  unchanged: number;
}

export interface ChunkDone {
  claimsCreated: number;
  executionsStarted: number;
  lateConflicts: number;
}

const chunkSk = (version: string, chunk: number) => `CHUNK#${version}#${String(chunk).padStart(5, '0')}`;

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
  /** Why a REJECTED file is refused (a code and a sentence). */
  reason?: string;
  /** The object version (ETag) the record is about. */
  version?: string;
  chunks?: number;
  chunksDone?: number;
  claimsCreated?: number;
  executionsStarted?: number;
  conflicts?: number;
  lateConflicts?: number;
  unchanged?: number;
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

  /**
   * Starts reading one version of a file: 'done' (nothing written) when that version was already
   * processed to the end (DONE or REJECTED); otherwise 'started', keeping the chunk counts of an
   * earlier attempt on the same version and starting afresh for a new version.
   */
  async begin(
    fileKey: string,
    version: string,
    at: string,
    practiceId?: string,
  ): Promise<'started' | 'done'> {
    const existing = await this.get(fileKey);
    if (existing?.version === version) {
      if (existing.status === 'DONE' || existing.status === 'REJECTED') return 'done';
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: filePk(fileKey), SK: META },
          UpdateExpression: 'SET updatedAt = :at ADD attempts :one',
          ExpressionAttributeValues: { ':at': at, ':one': 1 },
        }),
      );
      return 'started';
    }
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: plain({
          PK: filePk(fileKey),
          SK: META,
          entity: 'FILE',
          fileKey,
          version,
          ...(practiceId ? { practiceId } : {}),
          status: 'PROCESSING',
          attempts: 1,
          chunksDone: 0,
          claimsCreated: 0,
          executionsStarted: 0,
          lateConflicts: 0,
          startedAt: at,
          updatedAt: at,
        }),
      }),
    );
    return 'started';
  }

  /** Records what the split step found; DONE at once when every chunk is already done. */
  async split(fileKey: string, split: FileSplit, at: string): Promise<void> {
    const fields: Record<string, unknown> = plain({ ...split, entity: 'FILE', fileKey, updatedAt: at });
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':at': at, ':zero': 0, ':one': 1 };
    const sets: string[] = [
      'startedAt = if_not_exists(startedAt, :at)',
      'chunksDone = if_not_exists(chunksDone, :zero)',
    ];
    for (const [i, [name, value]] of Object.entries(fields).entries()) {
      names[`#f${i}`] = name;
      values[`:f${i}`] = value;
      sets.push(`#f${i} = :f${i}`);
    }
    sets.push('attempts = if_not_exists(attempts, :one)');
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: filePk(fileKey), SK: META },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    if (split.status === 'PROCESSING' && split.version)
      await this.completeIfAllDone(fileKey, split.version, at);
  }

  async isChunkDone(fileKey: string, version: string, chunk: number): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: filePk(fileKey), SK: chunkSk(version, chunk) },
        ConsistentRead: true,
      }),
    );
    return Boolean(out.Item);
  }

  /**
   * Marks a chunk done and adds its counts to the file record, once: a second call for the same
   * chunk changes nothing. The file becomes DONE with its last chunk.
   */
  async chunkDone(
    fileKey: string,
    version: string,
    chunk: number,
    counts: ChunkDone,
    at: string,
  ): Promise<void> {
    const marker = {
      Put: {
        TableName: this.tableName,
        Item: plain({
          PK: filePk(fileKey),
          SK: chunkSk(version, chunk),
          entity: 'FILE_CHUNK',
          ...counts,
          at,
        }),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            marker,
            {
              Update: {
                TableName: this.tableName,
                Key: { PK: filePk(fileKey), SK: META },
                UpdateExpression:
                  'SET updatedAt = :at ADD chunksDone :one, claimsCreated :created, executionsStarted :started, lateConflicts :late',
                ConditionExpression: '#version = :version',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: {
                  ':at': at,
                  ':one': 1,
                  ':created': counts.claimsCreated,
                  ':started': counts.executionsStarted,
                  ':late': counts.lateConflicts,
                  ':version': version,
                },
              },
            },
          ],
        }),
      );
    } catch (err) {
      const codes = cancellationCodes(err);
      if (codes?.[0] === 'ConditionalCheckFailed') return; // marked already
      if (codes?.[1] !== 'ConditionalCheckFailed') throw err;
      // A newer version of the file took the record over: keep the marker, leave its counts alone.
      try {
        await this.doc.send(new PutCommand(marker.Put));
      } catch (e) {
        if (!isConditionalCheckFailed(e)) throw e;
      }
      return;
    }
    await this.completeIfAllDone(fileKey, version, at);
  }

  private async completeIfAllDone(fileKey: string, version: string, at: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: filePk(fileKey), SK: META },
          UpdateExpression: 'SET #status = :done, updatedAt = :at',
          ConditionExpression: '#version = :version AND #status = :processing AND chunksDone >= #chunks',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version', '#chunks': 'chunks' },
          ExpressionAttributeValues: {
            ':done': 'DONE',
            ':processing': 'PROCESSING',
            ':version': version,
            ':at': at,
          },
        }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
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
