/** 835 remittances by payer trace number (TRN02): processing record and unmatched claims. */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Cents } from '../money';
import { plain } from './claim-items';
import { isConditionalCheckFailed } from './errors';
import { META, REMIT_PAID_PREFIX, REMIT_PLB_PREFIX, remitPk } from './keys';
import { queryPrefix } from './query';

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

/**
 * How one 835 transaction set (one trace) reconciles with what was posted from it. Sign convention:
 * claim payments are CLP04 as posted (a reversal's CLP04 is negative); PLB amounts are as the payer
 * reports them (positive = withheld from the provider, negative = paid on top); BPR02 is negative for
 * a debit (BPR03 D). The trace reconciles when postedClaimPaymentCents - plbCents = bpr02Cents.
 */
export interface RemitReconciliation {
  traceNumber: string;
  /** BPR02 as recorded; undefined when no remit record exists for the trace. */
  bpr02Cents: Cents | undefined;
  status: RemitStatus | undefined;
  postedClaimPaymentCents: Cents;
  postedClaimPayments: number;
  plbCents: Cents;
  plbAdjustments: number;
  /** postedClaimPaymentCents - plbCents === bpr02Cents. */
  balanced: boolean;
}

/** What the remit poster records of one transaction set (see shared/services/remit RemitHeader). */
export interface RemitTrack {
  traceNumber: string;
  payerIdentifier?: string;
  paymentCents: Cents;
  claimCount: number;
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

  /**
   * Records a step of the remit poster, never losing what is already known:
   * - RECEIVED (posting starts): created if absent; a HELD record (an earlier, defective file with
   *   this trace) is taken over by this file; anything else is left as is.
   * - HELD: created if absent, or refreshed when already HELD; a trace already posting or posted
   *   keeps its status (the work item tells the story of the held file).
   * - POSTED / PARTIAL (posting done): set with the counts.
   */
  async track(
    remit: RemitTrack,
    fileKey: string,
    status: RemitStatus,
    progress: {
      postedClaims?: number;
      duplicateClaims?: number;
      unmatchedClaimIds?: string[];
      issues?: string[];
    },
    at: string,
  ): Promise<void> {
    const heldReason = progress.issues && progress.issues.length > 0 ? progress.issues.join('; ') : undefined;
    if (status === 'POSTED' || status === 'PARTIAL') {
      await this.update(
        remit.traceNumber,
        {
          status,
          postedClaims: progress.postedClaims ?? 0,
          duplicateClaims: progress.duplicateClaims ?? 0,
          unmatchedClaimIds: progress.unmatchedClaimIds ?? [],
        },
        at,
      );
      return;
    }
    const created = await this.putIfAbsent({
      traceNumber: remit.traceNumber,
      fileKey,
      ...(remit.payerIdentifier ? { payerIdentifier: remit.payerIdentifier } : {}),
      paymentCents: remit.paymentCents,
      claimCount: remit.claimCount,
      status,
      postedClaims: 0,
      duplicateClaims: 0,
      unmatchedClaimIds: [],
      ...(heldReason ? { heldReason } : {}),
      receivedAt: at,
      updatedAt: at,
    });
    if (created === 'created') return;
    const existing = await this.get(remit.traceNumber);
    if (existing?.status !== 'HELD') return;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: remitPk(remit.traceNumber), SK: META },
          UpdateExpression:
            status === 'HELD'
              ? 'SET fileKey = :file, heldReason = :reason, updatedAt = :at'
              : 'SET #status = :status, fileKey = :file, paymentCents = :pay, claimCount = :count, updatedAt = :at REMOVE heldReason',
          ConditionExpression: '#status = :held',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':held': 'HELD',
            ':file': fileKey,
            ':at': at,
            ...(status === 'HELD'
              ? { ':reason': heldReason ?? 'HELD' }
              : { ':status': status, ':pay': remit.paymentCents, ':count': remit.claimCount }),
          },
        }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err; // someone else moved it on: theirs stands
    }
  }

  /**
   * Reconciles one trace (one 835 transaction set): its BPR02 against the claim payments (CLP04) and
   * PLB adjustments posted from it. See RemitReconciliation for the sign convention.
   */
  async reconcile(traceNumber: string): Promise<RemitReconciliation> {
    const record = await this.get(traceNumber);
    const paid = await queryPrefix(this.doc, this.tableName, remitPk(traceNumber), REMIT_PAID_PREFIX);
    const plb = await queryPrefix(this.doc, this.tableName, remitPk(traceNumber), REMIT_PLB_PREFIX);
    const postedClaimPaymentCents = paid.reduce((t, i) => t + Number(i.paidCents), 0);
    const plbCents = plb.reduce((t, i) => t + Number(i.amountCents), 0);
    return {
      traceNumber,
      bpr02Cents: record?.paymentCents,
      status: record?.status,
      postedClaimPaymentCents,
      postedClaimPayments: paid.length,
      plbCents,
      plbAdjustments: plb.length,
      balanced: record !== undefined && postedClaimPaymentCents - plbCents === record.paymentCents,
    };
  }
}
