/** What charge intake needs to know about claims already stored: their content and status, in bulk. */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Claim, ClaimStatus } from '../claims/model';
import { claimPk, META } from './keys';

/** BatchGetItem takes at most 100 keys. */
export const BATCH_GET_MAX = 100;
const MAX_ROUNDS = 8;

export async function storedClaims(
  doc: DynamoDBDocumentClient,
  tableName: string,
  claimIds: string[],
): Promise<Map<string, { claim: Claim; status: ClaimStatus }>> {
  const found = new Map<string, { claim: Claim; status: ClaimStatus }>();
  const ids = [...new Set(claimIds)];
  for (let i = 0; i < ids.length; i += BATCH_GET_MAX) {
    let keys: Record<string, unknown>[] | undefined = ids
      .slice(i, i + BATCH_GET_MAX)
      .map((id) => ({ PK: claimPk(id), SK: META }));
    for (let round = 0; keys && keys.length > 0; round++) {
      if (round >= MAX_ROUNDS) throw new Error(`claim lookup: ${keys.length} keys left unprocessed`);
      if (round > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** round));
      const out = await doc.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: keys,
              ConsistentRead: true,
              ProjectionExpression: 'claimId, claim, #status',
              ExpressionAttributeNames: { '#status': 'status' },
            },
          },
        }),
      );
      for (const item of out.Responses?.[tableName] ?? [])
        found.set(item.claimId as string, { claim: item.claim as Claim, status: item.status as ClaimStatus });
      keys = out.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return found;
}
