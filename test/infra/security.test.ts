/**
 * Security posture of the app stack: object grants scoped to the key layout each function uses, audit
 * log retention (6 years by default) and the webhook's source-IP allow-list from context.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { envSchema as receiveWebhookEnv } from '../../functions/receive-webhook/env';
import { INTERCHANGE_PREFIX } from '../../infra/constructs/submission';
import { FUNCTION_NAMES } from '../../infra/lib/function';
import { interchangeKey } from '../../shared/services/submit';
import { INBOUND_PREFIX, inboundObjectKey, inboundPrefix } from '../../shared/webhooks/receive';
import {
  actionsOfRole,
  byMetadata,
  type CfnTemplate,
  type Resource,
  resourcesOfType,
  roleOfFunction,
  synthApp,
} from './template';

let s: ReturnType<typeof synthApp>;
beforeAll(() => {
  s = synthApp();
});

/** `arn:...:s3:::bucket/<key pattern>` -> `<key pattern>` (tokens dropped; bucket names have no '/'). */
function objectPattern(resource: unknown): string {
  const flat = (node: unknown): string => {
    if (typeof node === 'string') return node;
    const join = (node as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    return join ? join[1].map(flat).join(join[0]) : '';
  };
  const arn = flat(resource);
  if (!arn.includes(':s3:::')) throw new Error(`not an S3 ARN: ${JSON.stringify(resource)}`);
  const slash = arn.indexOf('/');
  return slash < 0 ? '' : arn.slice(slash + 1);
}

/** The object key patterns a function may use with `action`. */
function objectGrants(t: CfnTemplate, name: string, action: string): string[] {
  const fn = byMetadata(t, 'claimflow:function', name)[1];
  return actionsOfRole(t, roleOfFunction(fn))
    .filter((a) => a.action === action)
    .flatMap((a) => [a.resource].flat())
    .map(objectPattern)
    .sort();
}

const matches = (pattern: string, key: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(key);

describe('X12 bucket grants follow the key layout', () => {
  it('lets receive-webhook write only under inbound/ and read nothing', () => {
    expect(objectGrants(s.appJson, 'receive-webhook', 's3:PutObject')).toEqual(['inbound/*']);
    expect(objectGrants(s.appJson, 'receive-webhook', 's3:GetObject')).toEqual([]);
    expect(INBOUND_PREFIX).toBe('inbound/');
  });

  it('lets post-remittance read only inbound 835 files and process-ack only inbound 999 / 277 files', () => {
    expect(objectGrants(s.appJson, 'post-remittance', 's3:GetObject')).toEqual(['inbound/835/*']);
    expect(objectGrants(s.appJson, 'process-ack', 's3:GetObject')).toEqual([
      'inbound/277/*',
      'inbound/999/*',
    ]);
    for (const name of ['post-remittance', 'process-ack']) {
      expect(objectGrants(s.appJson, name, 's3:PutObject'), name).toEqual([]);
    }
    // The grants cover exactly the keys receive-webhook writes for each kind.
    const hash = 'a'.repeat(64);
    const key835 = inboundObjectKey('835', 'simclear', hash);
    const key999 = inboundObjectKey('999', 'simclear', hash);
    const key277 = inboundObjectKey('277', 'simclear', hash);
    expect(matches('inbound/*', key835) && matches('inbound/*', key999)).toBe(true);
    expect(matches('inbound/835/*', key835)).toBe(true);
    expect(matches('inbound/835/*', key999) || matches('inbound/835/*', key277)).toBe(false);
    expect(matches('inbound/999/*', key999) && matches('inbound/277/*', key277)).toBe(true);
    expect(matches('inbound/999/*', key835) || matches('inbound/277/*', key835)).toBe(false);
    expect(inboundPrefix('835')).toBe('inbound/835/');
  });

  it('lets submit-batch write and read back only its interchanges', () => {
    expect(objectGrants(s.appJson, 'submit-batch', 's3:PutObject')).toEqual(['interchanges/837P/*']);
    expect(objectGrants(s.appJson, 'submit-batch', 's3:GetObject')).toEqual(['interchanges/837P/*']);
    expect(interchangeKey('PAYER1', '000000001', '2026-11-01T00:00:00Z').startsWith(INTERCHANGE_PREFIX)).toBe(
      true,
    );
  });

  it('grants no function the whole X12 bucket', () => {
    for (const name of FUNCTION_NAMES) {
      for (const action of ['s3:GetObject', 's3:PutObject']) {
        const patterns = objectGrants(s.appJson, name, action);
        expect(
          patterns.filter((p) => p === '*' || p === ''),
          `${name} ${action}`,
        ).toEqual([]);
      }
    }
  });
});

describe('log retention', () => {
  const retentions = (t: CfnTemplate) =>
    resourcesOfType(t, 'AWS::Logs::LogGroup').map(
      ([, r]: [string, Resource]) => r.Properties?.RetentionInDays,
    );

  it('keeps every log group (functions, state machine, API access logs) 6 years by default', () => {
    const all = retentions(s.appJson);
    // 7 functions + the state machine + the webhook API access logs.
    expect(all.length).toBeGreaterThanOrEqual(9);
    expect(new Set(all)).toEqual(new Set([2192]));
    const [, stage] = resourcesOfType(s.appJson, 'AWS::ApiGatewayV2::Stage')[0] as [string, Resource];
    const settings = stage.Properties?.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': [string] } };
    const dest = settings.DestinationArn['Fn::GetAtt'][0];
    expect(s.appJson.Resources[dest]?.Properties?.RetentionInDays).toBe(2192);
    const [, sm] = resourcesOfType(s.appJson, 'AWS::StepFunctions::StateMachine')[0] as [string, Resource];
    const smLog = JSON.stringify(sm.Properties?.LoggingConfiguration);
    const smGroup = resourcesOfType(s.appJson, 'AWS::Logs::LogGroup').find(([id]) => smLog.includes(id));
    expect(smGroup?.[1].Properties?.RetentionInDays).toBe(2192);
  });

  it('takes logRetentionDays from context and refuses a value CloudWatch Logs does not offer', () => {
    const other = synthApp({ logRetentionDays: '3653' });
    expect(new Set(retentions(other.appJson))).toEqual(new Set([3653]));
    expect(() => synthApp({ logRetentionDays: '100' })).toThrow(/logRetentionDays.*retention value/);
  });
});

describe('webhook source-IP allow-list from context', () => {
  const allowEnv = (t: CfnTemplate) => {
    const fn = byMetadata(t, 'claimflow:function', 'receive-webhook')[1];
    const env = fn.Properties?.Environment as { Variables: Record<string, unknown> };
    return env.Variables.WEBHOOK_ALLOWED_CIDRS;
  };

  it('is empty (no restriction) by default', () => {
    expect(allowEnv(s.appJson)).toBe('{}');
  });

  it('takes a JSON map from context (string or object) into the function environment', () => {
    const cidrs = { clearinghouse: ['203.0.113.0/24', '2001:db8::/32'] };
    const fromString = synthApp({ webhookAllowedCidrs: JSON.stringify(cidrs) });
    expect(JSON.parse(allowEnv(fromString.appJson) as string)).toEqual(cidrs);
    const fromObject = synthApp({ webhookAllowedCidrs: cidrs });
    expect(JSON.parse(allowEnv(fromObject.appJson) as string)).toEqual(cidrs);
    // What synth writes is what the function accepts at cold start.
    expect(receiveWebhookEnv.shape.WEBHOOK_ALLOWED_CIDRS.parse(allowEnv(fromObject.appJson))).toEqual(cidrs);
  });

  it('rejects a malformed allow-list at synth, naming the setting and the entry', () => {
    expect(() => synthApp({ webhookAllowedCidrs: '{"clearinghouse":["203.0.113.0/40"]}' })).toThrow(
      /webhookAllowedCidrs.*203\.0\.113\.0\/40/,
    );
    expect(() => synthApp({ webhookAllowedCidrs: 'not json' })).toThrow(/webhookAllowedCidrs/);
  });
});
