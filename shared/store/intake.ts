/**
 * What charge intake keeps per claim: an INTAKE item next to the claim's META (`SK=INTAKE`) holding
 * the hash of the charge content it was first received with and the file it came from. It is
 * written once, before or with the claim (never after it), and never changed: the workflow may
 * change the claim later (a replacement), but a re-upload is always compared with what was received.
 */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Claim, ClaimStatus } from '../claims/model';
import { contentClaim, newClaimItems, type TransactItem } from './claim-items';
import { cancellationCodes, MAX_TRANSACTION_ITEMS, TransactionTooLargeError } from './errors';
import { CLAIM_CONTENT, claimPk, META } from './keys';
import { batchGet } from './query';

const INTAKE = 'INTAKE';

/** BatchGetItem takes at most 100 keys (two per claim here). */
export const CLAIMS_PER_LOOKUP = 50;
const MAX_ROUNDS = 8;

export interface StoredIntake {
  status?: ClaimStatus;
  /** The stored claim (as it is now), for claims received before INTAKE items existed. */
  claim?: Claim;
  contentHash?: string;
  sourceFile?: string;
}

/** The stored META/INTAKE of each claim id that has either. */
export async function storedClaims(
  doc: DynamoDBDocumentClient,
  tableName: string,
  claimIds: string[],
): Promise<Map<string, StoredIntake>> {
  const found = new Map<string, StoredIntake>();
  const ids = [...new Set(claimIds)];
  for (let i = 0; i < ids.length; i += CLAIMS_PER_LOOKUP) {
    let keys: Record<string, unknown>[] | undefined = ids.slice(i, i + CLAIMS_PER_LOOKUP).flatMap((id) => [
      { PK: claimPk(id), SK: META },
      { PK: claimPk(id), SK: INTAKE },
    ]);
    for (let round = 0; keys && keys.length > 0; round++) {
      if (round >= MAX_ROUNDS) throw new Error(`claim lookup: ${keys.length} keys left unprocessed`);
      if (round > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** round));
      const out = await doc.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: keys,
              ConsistentRead: true,
              ProjectionExpression: 'SK, claimId, claim, #status, contentHash, sourceFile',
              ExpressionAttributeNames: { '#status': 'status' },
            },
          },
        }),
      );
      for (const item of out.Responses?.[tableName] ?? []) {
        const id = item.claimId as string;
        const entry = found.get(id) ?? {};
        if (item.SK === INTAKE) {
          entry.contentHash = item.contentHash as string;
          entry.sourceFile = item.sourceFile as string;
        } else {
          entry.status = item.status as ClaimStatus;
          entry.claim = item.claim as Claim;
        }
        found.set(id, entry);
      }
      keys = out.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  // A claim without an INTAKE item is compared by its content (META#CONTENT; older METAs held it).
  const legacy = [...found].filter(([, e]) => e.status && !e.contentHash && !e.claim).map(([id]) => id);
  for (const item of await batchGet(
    doc,
    tableName,
    legacy.map((id) => ({ PK: claimPk(id), SK: CLAIM_CONTENT })),
  )) {
    const claim = contentClaim(item);
    const entry = found.get(String(item.claimId ?? claim?.claimId));
    if (entry && claim) entry.claim = claim;
  }
  return found;
}

export type IntakeOutcome =
  /** claimWritten: the claim was written in the same transaction (recordIntake was given it). */
  | { kind: 'recorded'; claimWritten?: true }
  | { kind: 'same' }
  | { kind: 'conflict'; storedSourceFile?: string }
  /** The claim exists without an INTAKE item (received before they existed): compare the claim. */
  | { kind: 'legacy' };

/**
 * Records what a claim is received with, unless the claim or its INTAKE item exists already; then
 * says whether the stored one is the same content. Given the claim itself, writes it in the same
 * transaction as its INTAKE item (ClaimRepository.putIfAbsent's items: one write instead of two;
 * 'recorded' with claimWritten); when either exists, nothing is written and the answer is the same
 * as without it (the caller then writes the claim as before).
 */
export async function recordIntake(
  doc: DynamoDBDocumentClient,
  tableName: string,
  intake: { claimId: string; contentHash: string; sourceFile: string; at: string },
  claim?: Claim,
): Promise<IntakeOutcome> {
  const pk = claimPk(intake.claimId);
  if (claim && claim.claimId !== intake.claimId)
    throw new Error(`intake for ${intake.claimId} given another claim`);
  const intakePut: TransactItem = {
    Put: {
      TableName: tableName,
      Item: {
        PK: pk,
        SK: INTAKE,
        entity: 'INTAKE',
        claimId: intake.claimId,
        contentHash: intake.contentHash,
        sourceFile: intake.sourceFile,
        at: intake.at,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
  // META first, INTAKE second either way: META absent (the claim's own put, or a check without it).
  const [meta, ...rest] = claim ? newClaimItems(tableName, claim, intake.at) : [];
  const items: TransactItem[] = meta
    ? [meta, intakePut, ...rest]
    : [
        {
          ConditionCheck: {
            TableName: tableName,
            Key: { PK: pk, SK: META },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        intakePut,
      ];
  if (items.length > MAX_TRANSACTION_ITEMS) {
    throw new TransactionTooLargeError(`claim ${intake.claimId}: ${claim?.lines.length} lines is too many`);
  }
  try {
    await doc.send(new TransactWriteCommand({ TransactItems: items }));
    return claim ? { kind: 'recorded', claimWritten: true } : { kind: 'recorded' };
  } catch (err) {
    if (!cancellationCodes(err)?.includes('ConditionalCheckFailed')) throw err;
  }
  const out = await doc.send(
    new GetCommand({ TableName: tableName, Key: { PK: pk, SK: INTAKE }, ConsistentRead: true }),
  );
  if (!out.Item) return { kind: 'legacy' };
  if (out.Item.contentHash === intake.contentHash) return { kind: 'same' };
  return {
    kind: 'conflict',
    ...(out.Item.sourceFile ? { storedSourceFile: out.Item.sourceFile as string } : {}),
  };
}
