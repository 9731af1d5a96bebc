/** Atomic control-number counters (ISA13 / GS06 / ST02 sources). */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { counterPk, META } from './keys';

export const MAX_CONTROL_NUMBER = 999_999_999;

export class ControlNumbers {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Next number of the counter, 1..999999999 (wraps after 999999999). Atomic ADD: no two callers share one. */
  async next(name = 'ICN'): Promise<number> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: counterPk(name), SK: META },
        UpdateExpression: 'SET entity = :entity ADD #value :one',
        ExpressionAttributeNames: { '#value': 'value' },
        ExpressionAttributeValues: { ':one': 1, ':entity': 'COUNTER' },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const raw = Number(out.Attributes?.value);
    if (!Number.isSafeInteger(raw) || raw < 1) throw new Error(`counter ${name} returned ${raw}`);
    return ((raw - 1) % MAX_CONTROL_NUMBER) + 1;
  }
}

/** 9-digit zero-padded form for ISA13. */
export const formatControlNumber = (n: number, width = 9): string => String(n).padStart(width, '0');
