/**
 * Webhooks: HTTP API `POST /webhooks/{clearinghouse}` -> receive-webhook, which checks the HMAC signature,
 * stores the raw body in the X12 bucket and queues it for post-remittance (835) or process-ack (999/277CA).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { envSchema } from '../../functions/receive-webhook/env';
import { INBOUND_PREFIX } from '../../shared/webhooks/receive';
import type { ClaimflowConfig } from '../config';
import { accessLogFormat } from '../lib/access-log';
import { ClaimflowFunction } from '../lib/function';
import { grantObjectWrite, grantSecretValue } from '../lib/grants';
import { acknowledge } from '../lib/nag';
import { partnerSecret } from '../lib/secret';

export const WEBHOOK_ROUTE = '/webhooks/{clearinghouse}';
export const MAX_WEBHOOK_BODY_BYTES = 5 * 1024 * 1024;

export interface WebhooksProps {
  config: ClaimflowConfig;
  opsKey: IKey;
  dataKey: IKey;
  x12Bucket: IBucket;
  remitQueue: IQueue;
  ackQueue: IQueue;
}

export class Webhooks extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly receiveWebhook: ClaimflowFunction;
  readonly webhookSecret: Secret;

  constructor(scope: Construct, id: string, props: WebhooksProps) {
    super(scope, id);
    const { config } = props;
    this.webhookSecret = partnerSecret(this, 'WebhookKeys', {
      name: 'webhook-keys',
      description: 'claimflow: webhook HMAC-SHA256 keys, JSON object {"<clearinghouse>": "<key>"}',
      key: props.opsKey,
      generate: {
        secretStringTemplate: '{}',
        generateStringKey: config.clearinghouseName,
        excludePunctuation: true,
        passwordLength: 64,
      },
    });

    const fn = new ClaimflowFunction(this, 'ReceiveWebhook', {
      name: 'receive-webhook',
      description: 'Verifies and stores clearinghouse webhooks (835, 999, 277CA), queues them',
      envSchema,
      environment: {
        X12_BUCKET: props.x12Bucket.bucketName,
        REMIT_QUEUE_URL: props.remitQueue.queueUrl,
        ACK_QUEUE_URL: props.ackQueue.queueUrl,
        WEBHOOK_SECRET_ID: this.webhookSecret.secretArn,
        MAX_BODY_BYTES: String(MAX_WEBHOOK_BODY_BYTES),
        SIGNATURE_TOLERANCE_SECONDS: '300',
        WEBHOOK_ALLOWED_CIDRS: JSON.stringify(config.webhookAllowedCidrs),
      },
      timeout: Duration.seconds(10),
      reservedConcurrency: 20,
      logKey: props.opsKey,
      logRetentionDays: config.logRetentionDays,
    });
    this.receiveWebhook = fn;
    grantObjectWrite(
      fn,
      props.x12Bucket,
      props.dataKey,
      `${INBOUND_PREFIX}*`,
      'receive-webhook stores each verified body under inbound/<kind>/<clearinghouse>/<content hash>, a key known only per request, so the grant is s3:PutObject on the inbound/ prefix of the X12 bucket only.',
    );
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [props.remitQueue.queueArn, props.ackQueue.queueArn],
      }),
    );
    props.opsKey.grant(fn.role, 'kms:GenerateDataKey', 'kms:Decrypt');
    grantSecretValue(fn, this.webhookSecret);

    this.api = new HttpApi(this, 'Api', {
      description: 'claimflow clearinghouse webhooks',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      encryptionKey: props.opsKey,
      retention: config.logRetentionDays as RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.webhookRateLimit, burstLimit: config.webhookBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // Request metadata only: no headers, no body, no query string.
        format: accessLogFormat(),
      },
    });
    const routes = this.api.addRoutes({
      path: WEBHOOK_ROUTE,
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('ReceiveWebhook', fn.fn),
    });
    for (const route of routes) {
      acknowledge(
        route,
        'AwsSolutions-APIG4',
        'Clearinghouses cannot sign with SigV4 or obtain JWTs; every request is authenticated in receive-webhook by an HMAC-SHA256 signature over timestamp and body with a per-clearinghouse key from Secrets Manager (401, nothing stored, on failure).',
      );
    }
  }
}
