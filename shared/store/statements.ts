/**
 * Patient billing: statement runs and the patient side of claims' ledgers.
 *
 * Key layout (this file is the only one that knows it):
 *
 * | item                 | PK                                | SK                          |
 * |----------------------|-----------------------------------|-----------------------------|
 * | statement run        | STMTRUN#<practiceId>#<runNumber>  | META                        |
 * | statement of a run   | STMTRUN#<practiceId>#<runNumber>  | STMT#<attempt>#<nnnnnn>     |
 * | patient ledger entry | CLAIM#<claimId>                   | PATIENT#<entryId>           |
 * | patient ledger head  | CLAIM#<claimId>                   | HEAD#PATIENT (version)      |
 *
 * A run is idempotent: its statements are written under a fresh attempt id, then the META item
 * naming that attempt is put only if absent. A second run with the same number finds META and
 * creates nothing; statements of an attempt that lost (a crash, a concurrent run) are never read.
 * Patient entries post in one transaction with the head (version-checked), so two concurrent
 * payments cannot both pass the balance check; an entry id posted before answers 'duplicate'.
 */
import { randomUUID } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { PatientEntry } from '../workbench/patient-ledger';
import type { Statement } from '../workbench/statements';
import { plain } from './claim-items';
import { cancellationCodes, isConditionalCheckFailed } from './errors';
import { claimPk, META } from './keys';
import { queryPrefix, withoutKeys } from './query';

const runPk = (practiceId: string, runNumber: number) => `STMTRUN#${practiceId}#${runNumber}`;
const stmtPrefix = (attempt: string) => `STMT#${attempt}#`;
const stmtSk = (attempt: string, n: number) => `${stmtPrefix(attempt)}${String(n).padStart(6, '0')}`;
const PATIENT_PREFIX = 'PATIENT#';
const patientSk = (entryId: string) => `${PATIENT_PREFIX}${entryId}`;
const PATIENT_HEAD = 'HEAD#PATIENT';

export interface StatementRunRecord {
  practiceId: string;
  runNumber: number;
  statementDate: string;
  createdAt: string;
  /** Who ran it (opaque sub). */
  createdBy: string;
  statements: number;
  amountDueCents: number;
  /** Which attempt's statements are the run's (internal). */
  attempt: string;
}

export class StatementRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getRun(practiceId: string, runNumber: number): Promise<StatementRunRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: runPk(practiceId, runNumber), SK: META },
        ConsistentRead: true,
      }),
    );
    return out.Item ? (withoutKeys(out.Item) as unknown as StatementRunRecord) : undefined;
  }

  /**
   * Saves a run once: 'created' with the run saved, or 'exists' with the run saved earlier (nothing
   * new is written but the unread statements of this attempt).
   */
  async saveRun(
    run: Omit<StatementRunRecord, 'attempt' | 'statements' | 'amountDueCents'>,
    statements: readonly Statement[],
  ): Promise<{ outcome: 'created' | 'exists'; run: StatementRunRecord }> {
    const existing = await this.getRun(run.practiceId, run.runNumber);
    if (existing) return { outcome: 'exists', run: existing };
    const attempt = randomUUID();
    const pk = runPk(run.practiceId, run.runNumber);
    for (const s of statements) {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: plain({ PK: pk, SK: stmtSk(attempt, s.statementNumber), entity: 'STATEMENT', ...s }),
        }),
      );
    }
    const record: StatementRunRecord = {
      ...run,
      attempt,
      statements: statements.length,
      amountDueCents: statements.reduce((sum, s) => sum + s.amountDueCents, 0),
    };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: plain({ PK: pk, SK: META, entity: 'STATEMENT_RUN', ...record }),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return { outcome: 'created', run: record };
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
      const winner = await this.getRun(run.practiceId, run.runNumber);
      if (!winner) throw err;
      return { outcome: 'exists', run: winner };
    }
  }

  /** The statements of a saved run, in statement-number order. */
  async listStatements(practiceId: string, runNumber: number): Promise<Statement[]> {
    const run = await this.getRun(practiceId, runNumber);
    if (!run) return [];
    const items = await queryPrefix(
      this.doc,
      this.tableName,
      runPk(practiceId, runNumber),
      stmtPrefix(run.attempt),
    );
    return items
      .map((i) => withoutKeys(i) as unknown as Statement)
      .sort((a, b) => a.statementNumber - b.statementNumber);
  }

  async getStatement(
    practiceId: string,
    runNumber: number,
    statementNumber: number,
  ): Promise<Statement | undefined> {
    const run = await this.getRun(practiceId, runNumber);
    if (!run) return undefined;
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: runPk(practiceId, runNumber), SK: stmtSk(run.attempt, statementNumber) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? (withoutKeys(out.Item) as unknown as Statement) : undefined;
  }

  /** The claim's patient entries and the patient ledger's version (read first, like LedgerRepository.getLedger). */
  async getPatientLedger(claimId: string): Promise<{ entries: PatientEntry[]; version: number }> {
    const head = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: claimPk(claimId), SK: PATIENT_HEAD },
        ConsistentRead: true,
      }),
    );
    const version = typeof head.Item?.postings === 'number' ? head.Item.postings : 0;
    const items = await queryPrefix(this.doc, this.tableName, claimPk(claimId), PATIENT_PREFIX);
    const entries = items
      .map((i) => withoutKeys(i) as unknown as PatientEntry)
      .sort((a, b) => a.at.localeCompare(b.at) || a.entryId.localeCompare(b.entryId));
    return { entries, version };
  }

  /**
   * Posts one patient entry, checked by the caller against the patient ledger at `version`:
   * 'duplicate' when the entry id was posted before (nothing written), 'conflict' when another
   * entry reached the claim since (nothing written: re-read, re-check, retry).
   */
  async postPatientEntry(entry: PatientEntry, version: number): Promise<'posted' | 'duplicate' | 'conflict'> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: plain({
                  PK: claimPk(entry.claimId),
                  SK: patientSk(entry.entryId),
                  entity: 'PATIENT_LEDGER',
                  ...entry,
                }),
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: { PK: claimPk(entry.claimId), SK: PATIENT_HEAD },
                UpdateExpression: 'SET postings = :next, entity = :entity, updatedAt = :at',
                ConditionExpression:
                  version === 0 ? 'attribute_not_exists(postings)' : 'postings = :expected',
                ExpressionAttributeValues: {
                  ':next': version + 1,
                  ':entity': 'PATIENT_HEAD',
                  ':at': entry.at,
                  ...(version === 0 ? {} : { ':expected': version }),
                },
              },
            },
          ],
        }),
      );
      return 'posted';
    } catch (err) {
      const codes = cancellationCodes(err);
      if (codes?.[0] === 'ConditionalCheckFailed') return 'duplicate';
      if (codes?.[1] === 'ConditionalCheckFailed') return 'conflict';
      throw err;
    }
  }
}
