/**
 * Intake: S3 ObjectCreated under charges/ in the charges bucket -> intake queue -> ingest-charges, which
 * validates the file, writes row errors under errors/, writes claims and starts one execution per claim.
 */
import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { envSchema } from '../../functions/ingest-charges/env';
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
  readonly ingestCharges: ClaimflowFunction;

  constructor(scope: Construct, id: string, props: IntakeProps) {
    super(scope, id);
    const fn = new ClaimflowFunction(this, 'IngestCharges', {
      name: 'ingest-charges',
      description: 'Validates a charge file, writes claims, starts one claim execution per claim',
      envSchema,
      environment: {
        TABLE_NAME: props.table.tableName,
        ERRORS_BUCKET: props.chargesBucket.bucketName,
        STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
      },
      timeout: Duration.minutes(5),
      memorySize: 1024,
      reservedConcurrency: 5,
      logKey: props.opsKey,
      logRetentionDays: props.config.logRetentionDays,
    });
    this.ingestCharges = fn;
    grantTable(fn, props.table, [GSI1], props.dataKey, 'readwrite');
    grantObjectRead(
      fn,
      props.chargesBucket,
      props.dataKey,
      `${CHARGES_PREFIX}*`,
      'ingest-charges reads the uploaded charge files, whose keys (charges/{practiceId}/...) are chosen by the uploader; the grant is limited to the charges/ prefix.',
    );
    grantObjectWrite(
      fn,
      props.chargesBucket,
      props.dataKey,
      `${ERRORS_PREFIX}*`,
      'ingest-charges writes one row-error report per charge file under errors/; the grant is limited to that prefix.',
    );
    props.stateMachine.grantStartExecution(fn.role);

    this.queue = new QueueWithDlq(this, 'Intake', {
      name: 'intake',
      key: props.opsKey,
      visibilityTimeout: fn.visibilityFor(),
    });
    props.chargesBucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.queue.queue), {
      prefix: CHARGES_PREFIX,
    });
    fn.fn.addEventSource(
      new SqsEventSource(this.queue.queue, { batchSize: 5, reportBatchItemFailures: true }),
    );
  }
}
