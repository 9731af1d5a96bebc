/** Claimflow: the stateless application stack (queues, functions, state machine, API, alarms). */
import { Aws, CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { ClaimflowConfig } from '../config';
import { ClaimWorkflow } from '../constructs/claim-workflow';
import { bucketName, type Data } from '../constructs/data';
import { Intake } from '../constructs/intake';
import { Observability } from '../constructs/observability';
import { Remittance } from '../constructs/remittance';
import { Submission } from '../constructs/submission';
import { Webhooks } from '../constructs/webhooks';
import { WorkbenchApi } from '../constructs/workbench-api';
import { grantTaskResponse } from '../lib/grants';
import { acknowledge } from '../lib/nag';

export interface AppStackProps extends StackProps {
  config: ClaimflowConfig;
  data: Data;
}

export class AppStack extends Stack {
  readonly opsKey: Key;
  readonly intake: Intake;
  readonly workflow: ClaimWorkflow;
  readonly submission: Submission;
  readonly remittance: Remittance;
  readonly webhooks: Webhooks;
  readonly workbenchApi: WorkbenchApi;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id, props);
    const { config, data } = props;

    // Operational key: queues, log groups, alarm topic, partner secrets.
    this.opsKey = new Key(this, 'OpsKey', {
      description: 'claimflow operational key (queues, logs, alarm topic, partner secrets)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.opsKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchLogsEncryption',
        principals: [new ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`,
          },
        },
      }),
    );
    this.opsKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsToEncryptedTopic',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );

    // Buckets are addressed by their deterministic names: S3 notifications of the charges bucket are
    // managed from this stack (no dependency cycle with the data stack) and object ARNs stay readable.
    const chargesBucket = Bucket.fromBucketAttributes(this, 'ChargesBucket', {
      bucketName: bucketName(config.namePrefix, 'charges'),
      encryptionKey: data.key,
    });
    const x12Bucket = Bucket.fromBucketAttributes(this, 'X12Bucket', {
      bucketName: bucketName(config.namePrefix, 'x12'),
      encryptionKey: data.key,
    });
    const common = { config, opsKey: this.opsKey, dataKey: data.key, table: data.table };

    this.submission = new Submission(this, 'Submission', { ...common, x12Bucket });
    this.remittance = new Remittance(this, 'Remittance', {
      ...common,
      x12Bucket,
      idempotencyTable: data.idempotencyTable,
    });
    this.workflow = new ClaimWorkflow(this, 'ClaimWorkflow', {
      ...common,
      submissionQueue: this.submission.queue.queue,
    });
    const stateMachine = this.workflow.stateMachine;
    for (const f of [
      this.submission.submitBatch,
      this.remittance.processAck,
      this.remittance.postRemittance,
    ]) {
      grantTaskResponse(f.role, stateMachine);
    }
    this.intake = new Intake(this, 'Intake', { ...common, chargesBucket, stateMachine });
    this.webhooks = new Webhooks(this, 'Webhooks', {
      ...common,
      x12Bucket,
      remitQueue: this.remittance.remitQueue.queue,
      ackQueue: this.remittance.ackQueue.queue,
    });
    this.workbenchApi = new WorkbenchApi(this, 'WorkbenchApi', { ...common, stateMachine, x12Bucket });
    const queues = {
      Intake: this.intake.queue,
      IntakeClaims: this.intake.claimsQueue,
      Submission: this.submission.queue,
      Remit: this.remittance.remitQueue,
      Ack: this.remittance.ackQueue,
    };
    // For the documented redrive (docs/guarantees.md): npm run redrive -- --from <Name>DlqUrl --to <Name>QueueUrl
    for (const [name, q] of Object.entries(queues)) {
      new CfnOutput(this, `${name}QueueUrl`, { value: q.queue.queueUrl });
      new CfnOutput(this, `${name}DlqUrl`, { value: q.dlq.queueUrl });
    }
    this.observability = new Observability(this, 'Observability', {
      opsKey: this.opsKey,
      queues,
      functions: [
        this.intake.ingestCharges,
        this.intake.ingestClaims,
        this.workflow.scrubClaim,
        this.workflow.recordTransition,
        this.submission.submitBatch,
        this.webhooks.receiveWebhook,
        this.remittance.processAck,
        this.remittance.postRemittance,
        this.workbenchApi.fn,
      ],
      stateMachine,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
    });

    this.acknowledgeNotificationHandler();
    acknowledge(
      chargesBucket,
      'HIPAA.Security-IAMNoInlinePolicy',
      'CDK-generated policy of the S3 notifications handler role: only s3:PutBucketNotification / GetBucketNotification, used at deploy time.',
    );

    new CfnOutput(this, 'WebhookApiUrl', {
      description: 'Base URL of the webhook API; clearinghouses POST to <url>webhooks/<clearinghouse>',
      value: this.webhooks.stage.url,
    });
    new CfnOutput(this, 'WebhookUrl', {
      description: 'Webhook URL for the configured clearinghouse',
      value: `${this.webhooks.stage.url}webhooks/${config.clearinghouseName}`,
    });
    new CfnOutput(this, 'ChargesBucketName', {
      description: 'Upload charge files to s3://<bucket>/charges/<practiceId>/<file>',
      value: chargesBucket.bucketName,
    });
    new CfnOutput(this, 'WorkbenchApiUrl', {
      description: 'Base URL of the workbench API (routes under api/, OpenAPI at api/openapi.json)',
      value: this.workbenchApi.stage.url,
    });
    new CfnOutput(this, 'WorkbenchUserPoolId', { value: this.workbenchApi.userPool.userPoolId });
    new CfnOutput(this, 'WorkbenchUserPoolClientId', { value: this.workbenchApi.client.userPoolClientId });
    new CfnOutput(this, 'StateMachineArn', { value: stateMachine.stateMachineArn });
    new CfnOutput(this, 'WebhookSecretArn', { value: this.webhooks.webhookSecret.secretArn });
    new CfnOutput(this, 'ClearinghouseSecretArn', { value: this.submission.clearinghouseSecret.secretArn });
  }

  /** The singleton Lambda CDK uses to configure S3 bucket notifications (Custom::S3BucketNotifications). */
  private acknowledgeNotificationHandler(): void {
    const handler = this.node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
    if (!handler) return;
    const why =
      'CDK-provided singleton that only runs at deploy time to put the charges bucket notification configuration; it handles no claim data and its code and role are owned by aws-cdk-lib.';
    for (const id of [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-L1',
      'HIPAA.Security-IAMNoInlinePolicy',
      'HIPAA.Security-LambdaConcurrency',
      'HIPAA.Security-LambdaDLQ',
      'HIPAA.Security-LambdaInsideVPC',
    ]) {
      acknowledge(handler, id, why);
    }
  }
}
