/**
 * The payer registry in the single table: one item per payer under one partition (a practice bills a
 * few hundred payers at most, so `list` is one query, paged). Records are validated with the zod
 * schema of shared/payers on the way in and on the way out.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { type Payer, type PayerInput, parsePayer } from '../payers';

const PK = 'PAYERS';
const sk = (payerId: string) => `PAYER#${payerId}`;

export class PayerRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(payerId: string): Promise<Payer | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { PK, SK: sk(payerId) }, ConsistentRead: true }),
    );
    return out.Item ? parsePayer(out.Item.payer, `stored payer ${payerId}`) : undefined;
  }

  /** Validate and store (create or replace) a payer; returns the stored record with defaults filled. */
  async put(input: PayerInput, at: string = new Date().toISOString()): Promise<Payer> {
    const payer = parsePayer(input);
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { PK, SK: sk(payer.payerId), entity: 'PAYER', payer, updatedAt: at },
      }),
    );
    return payer;
  }

  /** Store payers that are not there yet; existing records (maybe edited since) are kept. */
  async seed(payers: readonly PayerInput[], at: string = new Date().toISOString()): Promise<string[]> {
    const added: string[] = [];
    for (const input of payers) {
      const payer = parsePayer(input);
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { PK, SK: sk(payer.payerId), entity: 'PAYER', payer, updatedAt: at },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
        added.push(payer.payerId);
      } catch (err) {
        if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
      }
    }
    return added;
  }

  /** Every payer, sorted by payer id, read `pageSize` items per query (DynamoDB's 1 MB when left out). */
  async list(pageSize?: number): Promise<Payer[]> {
    const out: Payer[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
          ExpressionAttributeValues: { ':pk': PK, ':sk': 'PAYER#' },
          ExclusiveStartKey: start,
          ConsistentRead: true,
          Limit: pageSize,
        }),
      );
      for (const item of page.Items ?? []) out.push(parsePayer(item.payer, `stored ${String(item.SK)}`));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** Remove a payer; true when it was there. */
  async remove(payerId: string): Promise<boolean> {
    const out = await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: { PK, SK: sk(payerId) }, ReturnValues: 'ALL_OLD' }),
    );
    return out.Attributes !== undefined;
  }
}
