/**
 * The access-audit log: one item per read of claim data through the workbench API (who, when, what).
 * Append-only: items are only ever put (never over an existing key), never updated or deleted by
 * the application. HIPAA asks for 6 years of retention; no TTL (`expiresAt`) is set on these items.
 *
 * Key layout (this file is the only one that knows it):
 *
 * | item         | PK                   | SK                  |
 * |--------------|----------------------|---------------------|
 * | audit entry  | AUDIT#<yyyy-mm-dd>   | <at ISO>#<uuid>     |
 *
 * One partition per UTC day, entries in time order within it; the uuid makes concurrent entries of
 * the same millisecond distinct. Items hold ids only (sub, claim ids, practice ids, route template).
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AccessAuditEntry } from '../workbench/audit';
import { plain } from './claim-items';
import { InvalidCursorError } from './errors';

export type { AccessAuditEntry };

export interface AccessAuditRecord extends AccessAuditEntry {
  auditId: string;
}

const ISO_AT = /^(\d{4}-\d{2}-\d{2})T/;
export const auditPk = (day: string) => `AUDIT#${day}`;
export const auditSk = (at: string, auditId: string) => `${at}#${auditId}`;

export class AccessAuditRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly newId: () => string = randomUUID,
  ) {}

  /** Appends one entry; returns its id. */
  async append(entry: AccessAuditEntry): Promise<string> {
    const day = ISO_AT.exec(entry.at)?.[1];
    if (!day) throw new Error(`audit entry time is not an ISO timestamp: "${entry.at}"`);
    const auditId = this.newId();
    const record: AccessAuditRecord = { ...entry, auditId };
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: plain({ PK: auditPk(day), SK: auditSk(entry.at, auditId), entity: 'AUDIT', ...record }),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return auditId;
  }

  /**
   * One page of a day's entries, oldest first: at most `limit` examined (else DynamoDB's 1 MB page);
   * `cursor` (opaque, absent at the end of the day) continues after the last one.
   */
  async pageDay(
    day: string,
    opts: { limit?: number; cursor?: string },
  ): Promise<{ items: AccessAuditRecord[]; cursor?: string }> {
    let start: Record<string, unknown> | undefined;
    if (opts.cursor !== undefined) {
      const sk = Buffer.from(opts.cursor, 'base64url').toString('utf8');
      // The cursor names a position in this day's partition only.
      if (!sk.startsWith(`${day}T`)) throw new InvalidCursorError();
      start = { PK: auditPk(day), SK: sk };
    }
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': auditPk(day) },
        ConsistentRead: true,
        ...(opts.limit !== undefined ? { Limit: opts.limit } : {}),
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const items = (out.Items ?? []).map(
      ({ PK: _pk, SK: _sk, entity: _e, ...rest }) => rest as AccessAuditRecord,
    );
    const last = out.LastEvaluatedKey?.SK;
    return {
      items,
      ...(typeof last === 'string' ? { cursor: Buffer.from(last, 'utf8').toString('base64url') } : {}),
    };
  }

  /** Entries of one UTC day (YYYY-MM-DD), oldest first. */
  async listDay(day: string): Promise<AccessAuditRecord[]> {
    const records: AccessAuditRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.pageDay(day, cursor === undefined ? {} : { cursor });
      records.push(...page.items);
      cursor = page.cursor;
    } while (cursor !== undefined);
    return records;
  }
}
