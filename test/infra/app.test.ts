import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { deployedEnvSchema as api } from '../../functions/api/env';
import { envSchema as ingestCharges } from '../../functions/ingest-charges/env';
import { envSchema as ingestClaims } from '../../functions/ingest-claims/env';
import { envSchema as postRemittance } from '../../functions/post-remittance/env';
import { envSchema as processAck } from '../../functions/process-ack/env';
import { envSchema as receiveWebhook } from '../../functions/receive-webhook/env';
import { envSchema as recordTransition } from '../../functions/record-transition/env';
import { envSchema as scrubClaim } from '../../functions/scrub-claim/env';
import { envSchema as submitBatch } from '../../functions/submit-batch/env';
import { FUNCTION_NAMES } from '../../infra/lib/function';
import {
  actionsOfRole,
  byMetadata,
  type Resource,
  resourcesOfType,
  roleOfFunction,
  synthApp,
} from './template';

const schemas: Record<(typeof FUNCTION_NAMES)[number], z.ZodObject> = {
  'ingest-charges': ingestCharges,
  'ingest-claims': ingestClaims,
  'scrub-claim': scrubClaim,
  'record-transition': recordTransition,
  'submit-batch': submitBatch,
  'receive-webhook': receiveWebhook,
  'process-ack': processAck,
  'post-remittance': postRemittance,
  api,
};

let s: ReturnType<typeof synthApp>;
beforeAll(() => {
  s = synthApp();
});

const envVars = (r: Resource) => {
  const env = r.Properties?.Environment as { Variables: Record<string, unknown> } | undefined;
  if (!env) throw new Error('function has no environment');
  return env.Variables;
};
const fn = (name: string) => byMetadata(s.appJson, 'claimflow:function', name);
const actions = (name: string) => actionsOfRole(s.appJson, roleOfFunction(fn(name)[1])).map((a) => a.action);
const queue = (name: string) => byMetadata(s.appJson, 'claimflow:queue', name);

describe('Claimflow stack: functions', () => {
  it('has the eight functions on nodejs22.x, arm64, X-Ray, reserved concurrency, KMS log groups', () => {
    const fns = resourcesOfType(s.appJson, 'AWS::Lambda::Function').filter(
      ([, r]) => r.Metadata?.['claimflow:function'],
    );
    expect(fns.map(([, r]) => r.Metadata?.['claimflow:function']).sort()).toEqual([...FUNCTION_NAMES].sort());
    for (const [, r] of fns) {
      const p = r.Properties as Record<string, unknown>;
      expect(p.Runtime).toBe('nodejs22.x');
      expect(p.Architectures).toEqual(['arm64']);
      expect(p.TracingConfig).toEqual({ Mode: 'Active' });
      expect(p.Handler).toBe('index.handler');
      expect(p.ReservedConcurrentExecutions).toBeGreaterThan(0);
      const logGroupId = (p.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      const lg = s.appJson.Resources[logGroupId] as Resource;
      expect(lg.Type).toBe('AWS::Logs::LogGroup');
      expect(lg.Properties?.KmsKeyId).toBeDefined();
      expect(lg.Properties?.RetentionInDays).toBe(2192);
    }
  });

  it.each(FUNCTION_NAMES)('%s has every variable of its zod env schema, and its service name', (name) => {
    const vars = envVars(fn(name)[1]);
    expect(Object.keys(vars).sort()).toEqual(Object.keys(schemas[name].shape).sort());
    expect(vars.POWERTOOLS_SERVICE_NAME).toBe(name);
  });

  it('sets the webhook and clearinghouse secret ids to the secrets ARNs and context defaults', () => {
    const webhookVars = envVars(fn('receive-webhook')[1]);
    expect(webhookVars.WEBHOOK_SECRET_ID).toEqual({
      Ref: byMetadata(s.appJson, 'claimflow:secret', 'webhook-keys')[0],
    });
    expect(webhookVars.REMIT_QUEUE_URL).toEqual({ Ref: queue('remit')[0] });
    expect(webhookVars.ACK_QUEUE_URL).toEqual({ Ref: queue('ack')[0] });
    const submitVars = envVars(fn('submit-batch')[1]);
    expect(submitVars.CLEARINGHOUSE_SECRET_ID).toEqual({
      Ref: byMetadata(s.appJson, 'claimflow:secret', 'clearinghouse')[0],
    });
    // Context defaults satisfy the function's own schema.
    expect(() =>
      submitBatch.parse({ ...submitVars, TABLE_NAME: 't', X12_BUCKET: 'b', CLEARINGHOUSE_SECRET_ID: 's' }),
    ).not.toThrow();
  });

  it('takes context values into the environment and rejects invalid ones at synth', () => {
    const other = synthApp({ clearinghouseUrl: 'https://ch.example.org/submit', submitterId: 'ACME01' });
    const vars = envVars(byMetadata(other.appJson, 'claimflow:function', 'submit-batch')[1]);
    expect(vars.CLEARINGHOUSE_URL).toBe('https://ch.example.org/submit');
    expect(vars.SUBMITTER_ID).toBe('ACME01');
    expect(() => synthApp({ clearinghouseUrl: 'not a url' })).toThrow(/clearinghouseUrl/);
  });
});

describe('Claimflow stack: least privilege', () => {
  it('lets ingest-charges read charges/, write errors/ and intake/ and queue chunks, but start nothing', () => {
    const own = actionsOfRole(s.appJson, roleOfFunction(fn('ingest-charges')[1]));
    expect(own.map((a) => a.action)).not.toContain('states:StartExecution');
    const gets = own.filter((a) => a.action === 's3:GetObject').map((a) => JSON.stringify(a.resource));
    const puts = own
      .filter((a) => a.action === 's3:PutObject')
      .flatMap((a) => [a.resource].flat().map((r) => JSON.stringify(r)));
    expect(gets).toHaveLength(1);
    expect(gets[0]).toContain('/charges/*');
    const versions = own
      .filter((a) => a.action === 's3:GetObjectVersion')
      .map((a) => JSON.stringify(a.resource));
    expect(versions).toEqual(gets);
    expect(puts).toHaveLength(2);
    expect(puts.filter((p) => p.includes('/errors/*'))).toHaveLength(1);
    expect(puts.filter((p) => p.includes('/intake/*'))).toHaveLength(1);
    const sends = own.filter((a) => a.action === 'sqs:SendMessage').map((a) => a.resource);
    expect(sends).toEqual([{ 'Fn::GetAtt': [queue('intake-claims')[0], 'Arn'] }]);
    expect(envVars(fn('ingest-charges')[1]).CHUNK_QUEUE_URL).toEqual({ Ref: queue('intake-claims')[0] });
  });

  it('lets ingest-claims read intake/ only and start executions, with no S3 writes', () => {
    const own = actionsOfRole(s.appJson, roleOfFunction(fn('ingest-claims')[1]));
    expect(own.map((a) => a.action)).toContain('states:StartExecution');
    const gets = own.filter((a) => a.action === 's3:GetObject').map((a) => JSON.stringify(a.resource));
    expect(gets).toHaveLength(1);
    expect(gets[0]).toContain('/intake/*');
    expect(own.filter((a) => a.action === 's3:PutObject')).toEqual([]);
  });

  it('gives receive-webhook no DynamoDB access, only its secret, the x12 bucket and the two queues', () => {
    const a = actions('receive-webhook');
    expect(a.filter((x) => x.startsWith('dynamodb:'))).toEqual([]);
    expect(a).toContain('secretsmanager:GetSecretValue');
    expect(a).toContain('s3:PutObject');
    expect(a).toContain('sqs:SendMessage');
    expect(a).not.toContain('s3:GetObject');
    expect(a.filter((x) => x.startsWith('states:'))).toEqual([]);
  });

  it('lets exactly the token-answering functions send task success/failure', () => {
    // scrub-claim answers the Scrub task's token (clean, void or findings: scrubAnswer).
    for (const name of [
      'submit-batch',
      'process-ack',
      'post-remittance',
      'record-transition',
      'scrub-claim',
    ]) {
      expect(actions(name), name).toEqual(
        expect.arrayContaining(['states:SendTaskSuccess', 'states:SendTaskFailure']),
      );
    }
    for (const name of ['ingest-charges', 'ingest-claims', 'receive-webhook']) {
      expect(actions(name), name).not.toContain('states:SendTaskSuccess');
    }
  });

  it('grants GetSecretValue on the specific secrets only, and no wildcard actions anywhere', () => {
    for (const [name, secret] of [
      ['submit-batch', 'clearinghouse'],
      ['receive-webhook', 'webhook-keys'],
    ] as const) {
      const own = actionsOfRole(s.appJson, roleOfFunction(fn(name)[1]));
      const stmt = own.filter((a) => a.action === 'secretsmanager:GetSecretValue');
      expect(stmt.map((x) => x.resource)).toEqual([
        { Ref: byMetadata(s.appJson, 'claimflow:secret', secret)[0] },
      ]);
    }
    for (const name of FUNCTION_NAMES) {
      expect(
        actions(name).filter((x) => x.includes('*') && !x.startsWith('xray:')),
        name,
      ).toEqual([]);
      expect(actions(name).filter((x) => x.startsWith('secretsmanager:')).length > 0, name).toBe(
        name === 'submit-batch' || name === 'receive-webhook',
      );
    }
  });

  it('grants table access only to the functions that use the table', () => {
    for (const name of FUNCTION_NAMES) {
      expect(actions(name).includes('dynamodb:PutItem'), name).toBe(name !== 'receive-webhook');
    }
  });
});

describe('Claimflow stack: queues, events, API', () => {
  it('encrypts every queue with the CMK, enforces TLS, and gives each work queue a DLQ (5 receives)', () => {
    const queues = resourcesOfType(s.appJson, 'AWS::SQS::Queue');
    expect(queues).toHaveLength(10);
    for (const [, q] of queues)
      expect(q.Properties?.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    for (const name of ['intake', 'intake-claims', 'submission', 'remit', 'ack']) {
      const [, q] = queue(name);
      const [dlqId, dlq] = queue(`${name}-dlq`);
      expect(q.Properties?.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
        maxReceiveCount: 5,
      });
      expect(dlq.Properties?.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    }
    const policies = resourcesOfType(s.appJson, 'AWS::SQS::QueuePolicy');
    const tlsProtected = policies
      .filter(([, p]) =>
        JSON.stringify(p.Properties?.PolicyDocument).includes('"aws:SecureTransport":"false"'),
      )
      .flatMap(([, p]) => ((p.Properties?.Queues ?? []) as { Ref: string }[]).map((r) => r.Ref));
    for (const [id] of queues) expect(tlsProtected).toContain(id);
  });

  it('keeps each queue invisible for at least 6x its consumer timeout', () => {
    const pairs = [
      ['intake', 'ingest-charges'],
      ['intake-claims', 'ingest-claims'],
      ['submission', 'submit-batch'],
      ['remit', 'post-remittance'],
      ['ack', 'process-ack'],
    ] as const;
    for (const [q, f] of pairs) {
      const timeout = fn(f)[1].Properties?.Timeout as number;
      expect(queue(q)[1].Properties?.VisibilityTimeout as number, q).toBeGreaterThanOrEqual(6 * timeout);
    }
  });

  it('wires the event source mappings with partial batch responses', () => {
    const mapping = (q: string) => {
      const arn = { 'Fn::GetAtt': [queue(q)[0], 'Arn'] };
      const found = resourcesOfType(s.appJson, 'AWS::Lambda::EventSourceMapping').filter(
        ([, m]) => JSON.stringify(m.Properties?.EventSourceArn) === JSON.stringify(arn),
      );
      expect(found, q).toHaveLength(1);
      return found[0]?.[1].Properties as Record<string, unknown>;
    };
    expect(mapping('intake')).toMatchObject({
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(mapping('intake-claims')).toMatchObject({
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(mapping('submission')).toMatchObject({
      BatchSize: 50,
      MaximumBatchingWindowInSeconds: 60,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(mapping('remit')).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'] });
    expect(mapping('ack')).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'] });
  });

  it('sends ObjectCreated under charges/ of the charges bucket to the intake queue', () => {
    s.appTemplate.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'charges/' }] } },
            QueueArn: { 'Fn::GetAtt': [queue('intake')[0], 'Arn'] },
          },
        ],
      },
      Managed: false,
    });
  });

  it('routes POST /webhooks/{clearinghouse} to receive-webhook with throttling and KMS access logs', () => {
    s.appTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    s.appTemplate.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /webhooks/{clearinghouse}',
    });
    const [fnId] = fn('receive-webhook');
    s.appTemplate.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationUri: { 'Fn::GetAtt': [fnId, 'Arn'] },
    });
    const [, stage] = resourcesOfType(s.appJson, 'AWS::ApiGatewayV2::Stage')[0] as [string, Resource];
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    const settings = stage.Properties?.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': [string] } };
    const dest = settings.DestinationArn['Fn::GetAtt'][0];
    expect(s.appJson.Resources[dest]?.Properties?.KmsKeyId).toBeDefined();
  });

  it('encrypts the secrets with the CMK and outputs the API URL and charges bucket', () => {
    for (const name of ['webhook-keys', 'clearinghouse']) {
      expect(byMetadata(s.appJson, 'claimflow:secret', name)[1].Properties?.KmsKeyId).toBeDefined();
    }
    s.appTemplate.hasOutput('WebhookApiUrl', {});
    s.appTemplate.hasOutput('ChargesBucketName', {});
  });

  it('outputs every work queue and its DLQ for the documented redrive', () => {
    for (const name of ['Intake', 'IntakeClaims', 'Submission', 'Remit', 'Ack']) {
      for (const [output, meta] of [
        [`${name}QueueUrl`, name],
        [`${name}DlqUrl`, `${name}-dlq`],
      ] as const) {
        const value = (s.appJson.Outputs?.[output] as { Value?: { Ref?: string } } | undefined)?.Value;
        expect(value?.Ref, output).toBeDefined();
        const queue = s.appJson.Resources[value?.Ref as string];
        expect(queue?.Type).toBe('AWS::SQS::Queue');
        expect(queue?.Metadata?.['claimflow:queue']).toBe(
          meta.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase(),
        );
      }
    }
  });
});

describe('Claimflow stack: observability', () => {
  it('alarms on every DLQ, failed executions and each function errors, to a KMS topic', () => {
    s.appTemplate.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    const alarms = resourcesOfType(s.appJson, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties ?? {});
    for (const name of ['intake', 'intake-claims', 'submission', 'remit', 'ack']) {
      const dlqName = { 'Fn::GetAtt': [queue(`${name}-dlq`)[0], 'QueueName'] };
      expect(
        alarms.some(
          (a) =>
            a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
            a.Threshold === 0 &&
            a.ComparisonOperator === 'GreaterThanThreshold' &&
            JSON.stringify(a.Dimensions).includes(JSON.stringify(dlqName)),
        ),
        name,
      ).toBe(true);
    }
    expect(alarms.filter((a) => a.MetricName === 'ExecutionsFailed')).toHaveLength(1);
    expect(alarms.filter((a) => a.MetricName === 'Errors' && a.Namespace === 'AWS/Lambda')).toHaveLength(
      FUNCTION_NAMES.length,
    );
    s.appTemplate.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});
