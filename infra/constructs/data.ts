/**
 * Data: everything that holds claims and files, in the retained data stack. A customer-managed key with
 * rotation encrypts the table, the idempotency table, the charges and X12 buckets and the backup vault;
 * the access-log bucket uses SSE-S3 because S3 server access logging cannot deliver to SSE-KMS buckets.
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { MANIFEST_PREFIX as INTAKE_CHUNK_PREFIX } from '../../shared/services/ingest';
import { tableDefinition } from '../../shared/store/table';
import { markResource } from '../lib/metadata';
import { acknowledge } from '../lib/nag';

/** How long intake's claim chunk files are kept (their chunk is done within minutes; a DLQ keeps 14 days). */
export const INTAKE_CHUNK_RETENTION = Duration.days(15);

export type BucketPurpose = 'charges' | 'x12' | 'logs';

/** Physical bucket name; deterministic so the app stack can build object ARNs without cross-stack exports. */
export function bucketName(prefix: string, purpose: BucketPurpose): string {
  return `${prefix}-${purpose}-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

export interface DataProps {
  namePrefix: string;
}

const attributeType = (t: 'S' | 'N') => (t === 'S' ? AttributeType.STRING : AttributeType.NUMBER);

export class Data extends Construct {
  readonly key: Key;
  readonly table: Table;
  readonly idempotencyTable: Table;
  readonly chargesBucket: Bucket;
  readonly x12Bucket: Bucket;
  readonly logsBucket: Bucket;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);

    this.key = new Key(this, 'Key', {
      description: 'claimflow data key (claims table, idempotency table, charge and X12 files, backups)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const def = tableDefinition;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: def.partitionKey.name, type: attributeType(def.partitionKey.type) },
      sortKey: { name: def.sortKey.name, type: attributeType(def.sortKey.type) },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: def.timeToLiveAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const gsi of def.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: { name: gsi.partitionKey.name, type: attributeType(gsi.partitionKey.type) },
        sortKey: { name: gsi.sortKey.name, type: attributeType(gsi.sortKey.type) },
        projectionType: gsi.projection === 'KEYS_ONLY' ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
      });
    }
    markResource(this.table, 'table', 'main');

    // Powertools idempotency persistence layer (default attribute names: id, expiration).
    this.idempotencyTable = new Table(this, 'IdempotencyTable', {
      partitionKey: { name: 'id', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: 'expiration',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    markResource(this.idempotencyTable, 'table', 'idempotency');
    acknowledge(
      this.idempotencyTable,
      'HIPAA.Security-DynamoDBInBackupPlan',
      'Holds only short-lived idempotency records that expire by TTL within hours; restoring them from a backup would re-run nothing and has no value (PITR is on).',
    );

    const vault = new BackupVault(this, 'BackupVault', {
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const plan = new BackupPlan(this, 'BackupPlan', {
      backupVault: vault,
      backupPlanRules: [BackupPlanRule.daily(), BackupPlanRule.monthly1Year()],
    });
    const selection = plan.addSelection('Claims', {
      resources: [BackupResource.fromDynamoDbTable(this.table)],
    });
    acknowledge(
      selection,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      'AWS Backup service role: AWSBackupServiceRolePolicyForBackup is the AWS-maintained policy that AWS Backup requires to snapshot the table; the role is assumable only by backup.amazonaws.com.',
    );

    this.logsBucket = new Bucket(this, 'AccessLogsBucket', {
      bucketName: bucketName(props.namePrefix, 'logs'),
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(2557), noncurrentVersionExpiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    markResource(this.logsBucket, 'bucket', 'logs');
    acknowledge(
      this.logsBucket,
      'AwsSolutions-S1',
      'This bucket is the server access log destination for the other buckets; logging it into itself would create a feedback loop.',
    );
    acknowledge(
      this.logsBucket,
      'HIPAA.Security-S3BucketLoggingEnabled',
      'This bucket is the server access log destination for the other buckets; logging it into itself would create a feedback loop.',
    );
    acknowledge(
      this.logsBucket,
      'HIPAA.Security-S3DefaultEncryptionKMS',
      'S3 server access log delivery supports only SSE-S3 on the destination bucket; it holds request metadata, not file contents.',
    );

    const dataBucket = (cid: string, purpose: 'charges' | 'x12') => {
      const bucket = new Bucket(this, cid, {
        bucketName: bucketName(props.namePrefix, purpose),
        encryption: BucketEncryption.KMS,
        encryptionKey: this.key,
        bucketKeyEnabled: true,
        blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
        objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
        enforceSSL: true,
        versioned: true,
        serverAccessLogsBucket: this.logsBucket,
        serverAccessLogsPrefix: `${purpose}/`,
        removalPolicy: RemovalPolicy.RETAIN,
        // Intake's chunk files (claims, with PHI, on their way to ingest-claims) are working copies:
        // the claims are in DynamoDB once their chunk is done, and the charge file itself is kept.
        ...(purpose === 'charges'
          ? {
              lifecycleRules: [
                {
                  id: 'intake-chunks',
                  prefix: INTAKE_CHUNK_PREFIX,
                  expiration: INTAKE_CHUNK_RETENTION,
                  noncurrentVersionExpiration: Duration.days(1),
                },
              ],
            }
          : {}),
      });
      markResource(bucket, 'bucket', purpose);
      return bucket;
    };
    this.chargesBucket = dataBucket('ChargesBucket', 'charges');
    this.x12Bucket = dataBucket('X12Bucket', 'x12');

    for (const bucket of [this.logsBucket, this.chargesBucket, this.x12Bucket]) {
      acknowledge(
        bucket,
        'HIPAA.Security-S3BucketReplicationEnabled',
        'Single-region deployment: durability comes from S3 (11 nines), versioning and the retained data stack; cross-region replication is a per-customer disaster-recovery decision documented in docs/deploy.md.',
      );
    }
  }
}
