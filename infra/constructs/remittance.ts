/**
 * Remittance: the remit (835) and ack (999 / 277CA) queues filled by receive-webhook, post-remittance
 * (ledger postings, answers the REMIT wait) and process-ack (answers the ACK wait).
 */
import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { envSchema as postRemittanceEnv } from '../../functions/post-remittance/env';
import { envSchema as processAckEnv } from '../../functions/process-ack/env';
import { GSI1 } from '../../shared/store/table';
import { inboundPrefix } from '../../shared/webhooks/receive';
import type { ClaimflowConfig } from '../config';
import { ClaimflowFunction } from '../lib/function';
import { grantObjectRead, grantTable } from '../lib/grants';
import { QueueWithDlq } from '../lib/queue';

export interface RemittanceProps {
  config: ClaimflowConfig;
  opsKey: IKey;
  dataKey: IKey;
  table: { tableArn: string; tableName: string };
  /** Powertools idempotency table (inbound files processed once per content hash). */
  idempotencyTable: { tableArn: string; tableName: string };
  x12Bucket: IBucket;
}

const X12_READ_REASON =
  'Reads inbound X12 files of its own kind that receive-webhook stored under inbound/<kind>/<clearinghouse>/<content hash>; the key is only known per message, so the grant is s3:GetObject on that kind prefix only.';

export class Remittance extends Construct {
  readonly remitQueue: QueueWithDlq;
  readonly ackQueue: QueueWithDlq;
  readonly postRemittance: ClaimflowFunction;
  readonly processAck: ClaimflowFunction;

  constructor(scope: Construct, id: string, props: RemittanceProps) {
    super(scope, id);
    const { config } = props;

    this.postRemittance = new ClaimflowFunction(this, 'PostRemittance', {
      name: 'post-remittance',
      description: 'Parses 835 remittances, posts the ledger, answers the REMIT wait',
      envSchema: postRemittanceEnv,
      environment: {
        TABLE_NAME: props.table.tableName,
        X12_BUCKET: props.x12Bucket.bucketName,
        IDEMPOTENCY_TABLE_NAME: props.idempotencyTable.tableName,
      },
      timeout: Duration.seconds(120),
      memorySize: 1024,
      reservedConcurrency: 5,
      logKey: props.opsKey,
      logRetentionDays: config.logRetentionDays,
    });
    grantTable(this.postRemittance, props.table, [GSI1], props.dataKey, 'readwrite');
    grantTable(this.postRemittance, props.idempotencyTable, [], props.dataKey, 'readwrite');
    grantObjectRead(
      this.postRemittance,
      props.x12Bucket,
      props.dataKey,
      `${inboundPrefix('835')}*`,
      X12_READ_REASON,
    );

    this.processAck = new ClaimflowFunction(this, 'ProcessAck', {
      name: 'process-ack',
      description: 'Parses 999 / 277CA acknowledgments, answers the ACK wait',
      envSchema: processAckEnv,
      environment: {
        TABLE_NAME: props.table.tableName,
        X12_BUCKET: props.x12Bucket.bucketName,
        IDEMPOTENCY_TABLE_NAME: props.idempotencyTable.tableName,
      },
      timeout: Duration.seconds(60),
      reservedConcurrency: 5,
      logKey: props.opsKey,
      logRetentionDays: config.logRetentionDays,
    });
    grantTable(this.processAck, props.table, [GSI1], props.dataKey, 'readwrite');
    grantTable(this.processAck, props.idempotencyTable, [], props.dataKey, 'readwrite');
    grantObjectRead(
      this.processAck,
      props.x12Bucket,
      props.dataKey,
      [`${inboundPrefix('999')}*`, `${inboundPrefix('277')}*`],
      X12_READ_REASON,
    );

    this.remitQueue = new QueueWithDlq(this, 'Remit', {
      name: 'remit',
      key: props.opsKey,
      visibilityTimeout: this.postRemittance.visibilityFor(),
    });
    this.postRemittance.fn.addEventSource(
      new SqsEventSource(this.remitQueue.queue, { batchSize: 10, reportBatchItemFailures: true }),
    );
    this.ackQueue = new QueueWithDlq(this, 'Ack', {
      name: 'ack',
      key: props.opsKey,
      visibilityTimeout: this.processAck.visibilityFor(),
    });
    this.processAck.fn.addEventSource(
      new SqsEventSource(this.ackQueue.queue, { batchSize: 10, reportBatchItemFailures: true }),
    );
  }
}
