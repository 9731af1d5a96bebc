/**
 * The single DynamoDB table's definition. Infra (CDK) and the local runtime both create the table from
 * this object, so keys and the GSI are defined once. Only shared/store knows the key layout.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export interface KeyAttribute {
  name: string;
  type: 'S' | 'N';
}

export interface TableDefinition {
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  globalSecondaryIndexes: readonly {
    indexName: string;
    partitionKey: KeyAttribute;
    sortKey: KeyAttribute;
    /** KEYS_ONLY: the index holds the keys; readers fetch the items they list (one BatchGetItem a page). */
    projection: 'ALL' | 'KEYS_ONLY';
  }[];
  /** Attribute holding an epoch-seconds expiry (TTL). Nothing sets it yet; reserved for pending data. */
  timeToLiveAttribute: string;
  billingMode: 'PAY_PER_REQUEST';
}

export const GSI1 = 'GSI1';

export const tableDefinition = {
  partitionKey: { name: 'PK', type: 'S' },
  sortKey: { name: 'SK', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: GSI1,
      partitionKey: { name: 'GSI1PK', type: 'S' },
      sortKey: { name: 'GSI1SK', type: 'S' },
      // Keys only, and rewritten only when a claim changes status (its key changes): a claim's saves
      // that keep its status cost no index write, and none of them writes the claim's content twice.
      projection: 'KEYS_ONLY',
    },
  ],
  timeToLiveAttribute: 'expiresAt',
  billingMode: 'PAY_PER_REQUEST',
} as const satisfies TableDefinition;

/** CreateTable input for the SDK (the local runtime and integration tests). */
export function createTableInput(
  tableName: string,
  def: TableDefinition = tableDefinition,
): CreateTableCommandInput {
  const attrs = new Map<string, KeyAttribute['type']>();
  for (const a of [def.partitionKey, def.sortKey]) attrs.set(a.name, a.type);
  for (const g of def.globalSecondaryIndexes) {
    attrs.set(g.partitionKey.name, g.partitionKey.type);
    attrs.set(g.sortKey.name, g.sortKey.type);
  }
  return {
    TableName: tableName,
    BillingMode: def.billingMode,
    AttributeDefinitions: [...attrs].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    })),
    KeySchema: [
      { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: def.sortKey.name, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: def.globalSecondaryIndexes.map((g) => ({
      IndexName: g.indexName,
      KeySchema: [
        { AttributeName: g.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: g.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: g.projection },
    })),
  };
}
