/** An SQS work queue with its dead-letter queue: CMK-encrypted, TLS-only, maxReceiveCount 5. */
import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { markResource } from './metadata';

export const MAX_RECEIVE_COUNT = 5;
export const DLQ_RETENTION = Duration.days(14);

export type QueueName = 'intake' | 'intake-claims' | 'submission' | 'remit' | 'ack';

export interface QueueWithDlqProps {
  name: QueueName;
  key: IKey;
  visibilityTimeout: Duration;
  retentionPeriod?: Duration;
}

export class QueueWithDlq extends Construct {
  readonly queue: Queue;
  readonly dlq: Queue;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    this.dlq = new Queue(this, 'Dlq', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
    });
    markResource(this.dlq, 'queue', `${props.name}-dlq`);
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout,
      retentionPeriod: props.retentionPeriod ?? Duration.days(4),
      deadLetterQueue: { queue: this.dlq, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    markResource(this.queue, 'queue', props.name);
  }
}
