import { describe, expect, it } from 'vitest';
import { deploymentFromTemplates } from '../../../local/cost/deployment';
import {
  costModel,
  type Deployment,
  formatCostReport,
  type IndexSpec,
  itemSize,
  PRICES,
  readUnits,
  type TableSpec,
  type Usage,
  writeUnits,
} from '../../../local/cost/model';

const gsi = (projection: IndexSpec['projection']): TableSpec => ({
  tableName: 't',
  keys: ['PK', 'SK'],
  indexes: [{ name: 'GSI1', keys: ['GSI1PK', 'GSI1SK'], projection, nonKeyAttributes: [] }],
});
const claim = (status: string, body: string, sk = '2026-01-01') => ({
  PK: { S: 'CLAIM#1' },
  SK: { S: 'META' },
  GSI1PK: { S: `P#${status}` },
  GSI1SK: { S: sk },
  body: { S: body },
});

describe('DynamoDB units', () => {
  it('sizes items as DynamoDB bills them: names + values, numbers by digits, maps and lists with overhead', () => {
    // "PK"(2) + "CLAIM#1"(7) + "n"(1) + 123 (ceil(3/2) + 1 = 3) = 13
    expect(itemSize({ PK: { S: 'CLAIM#1' }, n: { N: '123' } })).toBe(13);
    // "m"(1) + map 3 + ("a"(1) + 1 + "xy"(2)) = 8;  "l"(1) + list 3 + (1 + BOOL 1) = 6
    expect(itemSize({ m: { M: { a: { S: 'xy' } } } })).toBe(8);
    expect(itemSize({ l: { L: [{ BOOL: true }] } })).toBe(6);
    expect(itemSize({ s: { S: 'é' } })).toBe(3); // UTF-8 bytes
  });

  it('bills a write for the larger version per KB, twice in a transaction', () => {
    const big = claim('A', 'x'.repeat(1500)); // > 1 KB, < 2 KB
    expect(writeUnits(gsi('KEYS_ONLY'), undefined, big, false).table).toBe(2);
    expect(writeUnits(gsi('KEYS_ONLY'), undefined, big, true).table).toBe(4);
    expect(writeUnits(gsi('KEYS_ONLY'), big, claim('A', 'small'), false).table).toBe(2);
  });

  it('writes an index only when its projection changes: keys-only indexes on key changes alone', () => {
    const before = claim('A', 'x'.repeat(1500));
    const sameKeys = claim('A', 'y'.repeat(1500));
    const moved = claim('B', 'y'.repeat(1500), '2026-01-02');
    // ALL: any change rewrites the 2 KB projection; a key change is a delete + a put.
    expect(writeUnits(gsi('ALL'), before, sameKeys, true).indexes).toBe(2);
    expect(writeUnits(gsi('ALL'), before, moved, true).indexes).toBe(4);
    // KEYS_ONLY: nothing when the keys stay, 1 + 1 small entries when they move.
    expect(writeUnits(gsi('KEYS_ONLY'), before, sameKeys, true).indexes).toBe(0);
    expect(writeUnits(gsi('KEYS_ONLY'), before, moved, true).indexes).toBe(2);
    expect(writeUnits(gsi('KEYS_ONLY'), undefined, before, false).indexes).toBe(1);
    // An item without the index keys is not in the index.
    expect(writeUnits(gsi('ALL'), undefined, { PK: { S: 'x' }, SK: { S: 'y' } }, false).indexes).toBe(0);
  });

  it('bills reads per 4 KB: single items each, queries on the sum; eventual half, transactional double', () => {
    expect(readUnits([5000], { consistent: true, transactional: false, single: true })).toBe(2);
    expect(readUnits([5000], { consistent: false, transactional: false, single: true })).toBe(1);
    expect(readUnits([5000], { consistent: true, transactional: true, single: true })).toBe(4);
    expect(readUnits([], { consistent: true, transactional: false, single: true })).toBe(1);
    expect(readUnits([1000, 1000, 1000], { consistent: true, transactional: false, single: true })).toBe(3);
    expect(readUnits([1000, 1000, 1000], { consistent: true, transactional: false, single: false })).toBe(1);
  });
});

describe('costModel', () => {
  const usage: Usage = {
    claims: 10,
    stepFunctions: { executions: 10, transitions: 90, logEvents: { all: 500, error: 2, fatal: 0 } },
    lambda: {
      'scrub-claim': { requests: 10, billedMs: 1000 },
      'not-deployed': { requests: 5, billedMs: 50 },
    },
    lambdaLogBytes: 0,
    dynamo: { requests: {}, tableWru: 100, indexWru: 10, rru: 40 },
    sqsRequests: 50,
    s3: { put: 10, get: 20 },
    httpApiRequests: 10,
  };
  const deployment: Deployment = {
    functions: { 'scrub-claim': { memoryMb: 1024, arm: true, logLevel: 'INFO' } },
    stateMachineLogLevel: 'ERROR',
    bucketKeys: true,
    kmsKeys: 2,
    indexes: [],
  };

  it('prices a hand-checked run', () => {
    const r = costModel(usage, deployment);
    // 90 transitions x $0.000025 = $0.00225; 1 GB-s Arm = $0.0000133334; 10 requests = $0.000002;
    // 10 x 260 B platform logs = $0.0000013; 110 WRU = $0.00006875; 40 RRU = $0.000005; 50 SQS = $0.00002;
    // 10 PUT = $0.00005; 20 GET = $0.000008; 10 HTTP API = $0.00001; 2 error events x 400 B = $0.0000004.
    expect(r.perClaim).toBeCloseTo(0.0024287834 / 10, 12);
    expect(r.byService['Step Functions']).toBeCloseTo(0.000225, 12);
    expect(r.byService.DynamoDB).toBeCloseTo(0.00007375 / 10, 12);
    expect(r.byService.KMS).toBe(0);
    const text = formatCostReport(r);
    expect(text).toContain('AWS cost per claim: $0.0002429');
    expect(text).toMatch(/Step Functions\s+\$0\.0002250\s+92\.6 %/);
  });

  it('counts KMS requests for S3 without bucket keys, and state machine logs by level', () => {
    const noKeys = costModel(usage, { ...deployment, bucketKeys: false });
    expect(noKeys.byService.KMS).toBeCloseTo((30 * PRICES.kmsRequest.usd) / 10, 12);
    const all = costModel(usage, { ...deployment, stateMachineLogLevel: 'ALL' });
    const logs = (d: typeof all) => d.lines.find((l) => l.item.startsWith('state machine log'))?.quantity;
    expect(logs(all)).toBeCloseTo((500 * 400) / 1e9, 15);
    expect(logs(costModel(usage, { ...deployment, stateMachineLogLevel: 'OFF' }))).toBe(0);
  });
});

describe('deploymentFromTemplates', () => {
  it('reads functions, the state machine log level, bucket keys, KMS keys and the main table GSIs', () => {
    const d = deploymentFromTemplates([
      {
        Resources: {
          Fn: {
            Type: 'AWS::Lambda::Function',
            Metadata: { 'claimflow:function': 'scrub-claim' },
            Properties: { MemorySize: 1024, Architectures: ['arm64'] },
          },
          Sm: {
            Type: 'AWS::StepFunctions::StateMachine',
            Metadata: { 'claimflow:state-machine': 'claim' },
            Properties: { LoggingConfiguration: { Level: 'ERROR' } },
          },
        },
      },
      {
        Resources: {
          Key: { Type: 'AWS::KMS::Key' },
          B: {
            Type: 'AWS::S3::Bucket',
            Properties: {
              BucketEncryption: {
                ServerSideEncryptionConfiguration: [
                  { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } },
                ],
              },
            },
          },
          T: {
            Type: 'AWS::DynamoDB::Table',
            Metadata: { 'claimflow:table': 'main' },
            Properties: {
              GlobalSecondaryIndexes: [
                {
                  IndexName: 'GSI1',
                  KeySchema: [
                    { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
                    { AttributeName: 'GSI1PK', KeyType: 'HASH' },
                  ],
                  Projection: { ProjectionType: 'KEYS_ONLY' },
                },
              ],
            },
          },
        },
      },
    ]);
    expect(d).toEqual({
      functions: { 'scrub-claim': { memoryMb: 1024, arm: true, logLevel: 'INFO' } },
      stateMachineLogLevel: 'ERROR',
      bucketKeys: true,
      kmsKeys: 1,
      indexes: [{ name: 'GSI1', keys: ['GSI1PK', 'GSI1SK'], projection: 'KEYS_ONLY', nonKeyAttributes: [] }],
    });
  });
});
