import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableDefinition } from '../../shared/store/table';
import { byMetadata, resourcesOfType, synthApp } from './template';

let s: ReturnType<typeof synthApp>;
beforeAll(() => {
  s = synthApp();
});

describe('ClaimflowData stack', () => {
  it('expires intake chunk files (claims with PHI in transit) from the charges bucket only', () => {
    const rules = (purpose: string) =>
      (
        (byMetadata(s.dataJson, 'claimflow:bucket', purpose)[1].Properties?.LifecycleConfiguration as
          | { Rules: { Prefix?: string; ExpirationInDays?: number; Status: string }[] }
          | undefined) ?? { Rules: [] }
      ).Rules;
    expect(rules('charges')).toEqual([
      expect.objectContaining({ Prefix: 'intake/', ExpirationInDays: 15, Status: 'Enabled' }),
    ]);
    expect(rules('x12').filter((r) => r.Prefix === 'intake/')).toEqual([]);
  });

  it('has a rotating customer-managed key, retained', () => {
    s.dataTemplate.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('creates the main table from tableDefinition with GSI1, TTL, PITR, CMK, deletion protection', () => {
    const [, table] = byMetadata(s.dataJson, 'claimflow:table', 'main');
    const p = table.Properties as Record<string, unknown>;
    expect(p.KeySchema).toEqual([
      { AttributeName: tableDefinition.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: tableDefinition.sortKey.name, KeyType: 'RANGE' },
    ]);
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
    expect(p.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'GSI1',
        KeySchema: [
          { AttributeName: 'GSI1PK', KeyType: 'HASH' },
          { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
        ],
        // Keys only: the work-queue readers fetch the claims they list; the index is written on status changes only.
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ]);
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(p.DeletionProtectionEnabled).toBe(true);
    expect(p.SSESpecification).toMatchObject({
      SSEEnabled: true,
      SSEType: 'KMS',
      KMSMasterKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] },
    });
    expect(table).toMatchObject({ DeletionPolicy: 'Retain' });
  });

  it('creates the Powertools idempotency table (id, TTL expiration)', () => {
    const [, table] = byMetadata(s.dataJson, 'claimflow:table', 'idempotency');
    expect(table.Properties?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(table.Properties?.TimeToLiveSpecification).toEqual({ AttributeName: 'expiration', Enabled: true });
    expect(table.Properties?.SSESpecification).toMatchObject({ SSEType: 'KMS' });
  });

  it('backs up the main table with AWS Backup', () => {
    s.dataTemplate.resourceCountIs('AWS::Backup::BackupPlan', 1);
    s.dataTemplate.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({ Resources: Match.anyValue() }),
    });
  });

  it('encrypts, versions, blocks public access and logs the charges and x12 buckets', () => {
    const [logsId, logs] = byMetadata(s.dataJson, 'claimflow:bucket', 'logs');
    expect(logs.Properties?.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    for (const name of ['charges', 'x12']) {
      const [, bucket] = byMetadata(s.dataJson, 'claimflow:bucket', name);
      const p = bucket.Properties as Record<string, unknown>;
      expect(p.BucketEncryption).toMatchObject({
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: expect.anything() } },
        ],
      });
      expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(p.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(p.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: logsId },
        LogFilePrefix: `${name}/`,
      });
      expect(bucket).toMatchObject({ DeletionPolicy: 'Retain' });
    }
    // enforceSSL: every bucket policy denies aws:SecureTransport=false.
    const policies = resourcesOfType(s.dataJson, 'AWS::S3::BucketPolicy');
    expect(policies).toHaveLength(3);
    for (const [, policy] of policies) {
      expect(JSON.stringify(policy.Properties?.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });
});
