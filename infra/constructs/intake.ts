/**
 * Intake: S3 ObjectCreated under charges/ in the charges bucket -> intake queue -> ingest-charges, which
 * validates the file, writes row errors under errors/ and claim chunk manifests under intake/, and
 * sends one message per chunk to the intake-claims queue -> ingest-claims, which writes the chunk's
 * claims and starts one execution per claim. No invocation handles more than one chunk of claims.
 */
import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { envSchema } from '../../functions/ingest-charges/env';
import { envSchema as claimsEnvSchema } from '../../functions/ingest-claims/env';
import { CLAIMS_PER_CHUNK, MANIFEST_PREFIX } from '../../shared/services/ingest';
import { GSI1 } from '../../shared/store/table';
import type { ClaimflowConfig } from '../config';
import { ClaimflowFunction } from '../lib/function';
import { grantObjectRead, grantObjectWrite, grantTable } from '../lib/grants';
import { QueueWithDlq } from '../lib/queue';

export const CHARGES_PREFIX = 'charges/';
export const ERRORS_PREFIX = 'errors/';

export interface IntakeProps {
  config: ClaimflowConfig;
  opsKey: IKey;
  dataKey: IKey;
  table: { tableArn: string; tableName: string };
  /** The charges bucket as imported by name into this stack (notifications are managed from here). */
  chargesBucket: IBucket;
  stateMachine: IStateMachine;
}

export class Intake extends Construct {
  readonly queue: QueueWithDlq;
  readonly claimsQueue: QueueWithDlq;
  readonly ingestCharges: ClaimflowFunction;
  readonly ingestClaims: ClaimflowFunction;

  constructor(scope: Construct, id: string, props: IntakeProps) {
    super(scope, id);
    const claims = new ClaimflowFunction(this, 'IngestClaims', {
      name: 'ingest-claims',
      description: 'Writes one chunk of claims from a charge file and starts one claim execution per claim',
      envSchema: claimsEnvSchema,
      environment: {
        TABLE_NAME: props.table.tableName,
        STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
      },
      timeout: Duration.minutes(2),
      memorySize: 512,
      reservedConcurrency: 5,
      logKey: props.opsKey,
      logRetentionDays: props.config.logRetentionDays,
    });
    this.ingestClaims = claims;
    grantTable(claims, props.table, [GSI1], props.dataKey, 'readwrite');
    grantObjectRead(
      claims,
      props.chargesBucket,
      props.dataKey,
      `${MANIFEST_PREFIX}*`,
      'ingest-claims reads the claim chunk manifests ingest-charges writes under intake/; the grant is limited to that prefix.',
    );
    props.stateMachine.grantStartExecution(claims.role);
    this.claimsQueue = new QueueWithDlq(this, 'IntakeClaims', {
      name: 'intake-claims',
      key: props.opsKey,
      visibilityTimeout: claims.visibilityFor(),
    });
    claims.fn.addEventSource(
      new SqsEventSource(this.claimsQueue.queue, { batchSize: 1, reportBatchItemFailures: true }),
    );

    const fn = new ClaimflowFunction(this, 'IngestCharges', {
      name: 'ingest-charges',
      description: 'Validates a charge file, writes its error report and claim chunks, queues the chunks',
      envSchema,
      environment: {
        TABLE_NAME: props.table.tableName,
        ERRORS_BUCKET: props.chargesBucket.bucketName,
        CHUNK_QUEUE_URL: this.claimsQueue.queue.queueUrl,
        CLAIMS_PER_CHUNK: String(CLAIMS_PER_CHUNK),
      },
      timeout: Duration.minutes(5),
      memorySize: 1024,
      reservedConcurrency: 5,
      logKey: props.opsKey,
      logRetentionDays: props.config.logRetentionDays,
    });
    this.ingestCharges = fn;
    // Reads claims (BatchGetItem) and writes only its FILE records.
    grantTable(fn, props.table, [GSI1], props.dataKey, 'readwrite');
    grantObjectRead(
      fn,
      props.chargesBucket,
      props.dataKey,
      `${CHARGES_PREFIX}*`,
      'ingest-charges reads the uploaded charge files, whose keys (charges/{practiceId}/...) are chosen by the uploader; the grant is limited to the charges/ prefix.',
    );
    // The exact object version a notification names (s3:GetObjectVersion); same resource as above.
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObjectVersion'],
        resources: [props.chargesBucket.arnForObjects(`${CHARGES_PREFIX}*`)],
      }),
    );
    grantObjectWrite(
      fn,
      props.chargesBucket,
      props.dataKey,
      `${ERRORS_PREFIX}*`,
      'ingest-charges writes one row-error report per charge file under errors/; the grant is limited to that prefix.',
    );
    grantObjectWrite(
      fn,
      props.chargesBucket,
      props.dataKey,
      `${MANIFEST_PREFIX}*`,
      'ingest-charges writes the claim chunk manifests of each charge file under intake/; the grant is limited to that prefix.',
    );
    // Exact actions (grantSendMessages would add kms:GenerateDataKey* and kms:ReEncrypt*).
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.claimsQueue.queue.queueArn] }),
    );
    props.opsKey.grant(fn.role, 'kms:GenerateDataKey', 'kms:Decrypt');

    this.queue = new QueueWithDlq(this, 'Intake', {
      name: 'intake',
      key: props.opsKey,
      visibilityTimeout: fn.visibilityFor(),
    });
    props.chargesBucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.queue.queue), {
      prefix: CHARGES_PREFIX,
    });
    fn.fn.addEventSource(
      // One file per invocation: a large file may need most of the timeout on its own.
      new SqsEventSource(this.queue.queue, { batchSize: 1, reportBatchItemFailures: true }),
    );
  }
}
