/** 835 remittances by payer trace number (TRN02): processing record and unmatched claims. */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Cents } from '../money';
import { plain } from './claim-items';
import { isConditionalCheckFailed } from './errors';
import { META, remitPk } from './keys';

export type RemitStatus = 'RECEIVED' | 'POSTED' | 'PARTIAL' | 'HELD';

export interface RemitRecord {
  traceNumber: string; // TRN02
  fileKey: string; // S3 key of the 835
  payerIdentifier?: string; // TRN03
  paymentCents: Cents; // BPR02
  claimCount: number;
  status: RemitStatus;
  postedClaims: number;
  duplicateClaims: number;
  /** CLP01 values with no claim of ours (work items). Ids only. */
  unmatchedClaimIds: string[];
  /** Why the remit is held (e.g. 'UNBALANCED'): codes, no PHI. */
  heldReason?: string;
  receivedAt: string;
  updatedAt: string;
}

export type RemitPatch = Partial<
  Pick<RemitRecord, 'status' | 'postedClaims' | 'duplicateClaims' | 'unmatchedClaimIds' | 'heldReason'>
>;

export class RemitRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** 'exists' (nothing written) when a remit with this trace number is already recorded. */
  async putIfAbsent(record: RemitRecord): Promise<'created' | 'exists'> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: plain({ PK: remitPk(record.traceNumber), SK: META, entity: 'REMIT', ...record }),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return 'created';
    } catch (err) {
      if (isConditionalCheckFailed(err)) return 'exists';
      throw err;
    }
  }

  async get(traceNumber: string): Promise<RemitRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: remitPk(traceNumber), SK: META },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { PK: _pk, SK: _sk, entity: _e, ...record } = out.Item;
    return record as RemitRecord;
  }

  /** Sets the given fields (and updatedAt) on an existing remit record; returns the new record. */
  async update(traceNumber: string, patch: RemitPatch, at: string): Promise<RemitRecord> {
    const fields = Object.entries(plain({ ...patch, updatedAt: at }));
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: remitPk(traceNumber), SK: META },
        UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: Object.fromEntries(fields.map(([k], i) => [`#f${i}`, k])),
        ExpressionAttributeValues: Object.fromEntries(fields.map(([, v], i) => [`:v${i}`, v])),
        ReturnValues: 'ALL_NEW',
      }),
    );
    const { PK: _pk, SK: _sk, entity: _e, ...record } = out.Attributes ?? {};
    return record as RemitRecord;
  }
}
