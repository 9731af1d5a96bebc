/**
 * Submission: the submission queue the Submit state sends { claimId, taskToken } to, and submit-batch,
 * which builds one 837P per payer per batch, stores it in the X12 bucket, sends it to the clearinghouse
 * and answers the task tokens.
 */
import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { envSchema } from '../../functions/submit-batch/env';
import { GSI1 } from '../../shared/store/table';
import type { ClaimflowConfig } from '../config';
import { ClaimflowFunction } from '../lib/function';
import { grantObjectRead, grantObjectWrite, grantSecretValue, grantTable } from '../lib/grants';
import { QueueWithDlq } from '../lib/queue';
import { partnerSecret } from '../lib/secret';

export const SUBMIT_BATCH_WINDOW = Duration.seconds(60);
/** Where submit-batch stores its 837P interchanges (shared/services/submit.ts interchangeKey). */
export const INTERCHANGE_PREFIX = 'interchanges/837P/';

export interface SubmissionProps {
  config: ClaimflowConfig;
  opsKey: IKey;
  dataKey: IKey;
  table: { tableArn: string; tableName: string };
  x12Bucket: IBucket;
}

export class Submission extends Construct {
  readonly queue: QueueWithDlq;
  readonly submitBatch: ClaimflowFunction;
  readonly clearinghouseSecret: Secret;

  constructor(scope: Construct, id: string, props: SubmissionProps) {
    super(scope, id);
    const { config } = props;
    this.clearinghouseSecret = partnerSecret(this, 'ClearinghouseSecret', {
      name: 'clearinghouse',
      description: 'claimflow: clearinghouse API key (plain string) used by submit-batch',
      key: props.opsKey,
      generate: { excludePunctuation: true, passwordLength: 48 },
    });

    this.submitBatch = new ClaimflowFunction(this, 'SubmitBatch', {
      name: 'submit-batch',
      description: 'Builds and sends one 837P interchange per payer per batch of claims',
      envSchema,
      environment: {
        TABLE_NAME: props.table.tableName,
        X12_BUCKET: props.x12Bucket.bucketName,
        CLEARINGHOUSE_URL: config.clearinghouseUrl,
        CLEARINGHOUSE_SECRET_ID: this.clearinghouseSecret.secretArn,
        SUBMITTER_ID: config.submitterId,
        SUBMITTER_NAME: config.submitterName,
        SUBMITTER_CONTACT_EMAIL: config.submitterContactEmail,
        RECEIVER_ID: config.receiverId,
        RECEIVER_NAME: config.receiverName,
        X12_USAGE: config.x12Usage,
      },
      timeout: Duration.seconds(60),
      memorySize: 1024,
      reservedConcurrency: 2,
      logKey: props.opsKey,
      logRetentionDays: config.logRetentionDays,
    });
    const fn = this.submitBatch;
    grantTable(fn, props.table, [GSI1], props.dataKey, 'readwrite');
    grantObjectWrite(
      fn,
      props.x12Bucket,
      props.dataKey,
      `${INTERCHANGE_PREFIX}*`,
      'submit-batch writes each 837P interchange under interchanges/837P/<date>/<payer>/<control number>, a key known only per batch, so the grant is s3:PutObject on that prefix only.',
    );
    // A retried batch resends the interchange it already stored (read back, never rebuilt).
    grantObjectRead(
      fn,
      props.x12Bucket,
      props.dataKey,
      `${INTERCHANGE_PREFIX}*`,
      'submit-batch reads back an interchange it stored earlier to resend it unchanged after a failed send; the key is known only per batch, so the grant is s3:GetObject on its interchanges prefix only.',
    );
    grantSecretValue(fn, this.clearinghouseSecret);

    this.queue = new QueueWithDlq(this, 'Submission', {
      name: 'submission',
      key: props.opsKey,
      visibilityTimeout: fn.visibilityFor(SUBMIT_BATCH_WINDOW),
    });
    fn.fn.addEventSource(
      new SqsEventSource(this.queue.queue, {
        batchSize: 50,
        maxBatchingWindow: SUBMIT_BATCH_WINDOW,
        reportBatchItemFailures: true,
      }),
    );
  }
}
