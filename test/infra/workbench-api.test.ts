/** The workbench API on AWS: HTTP API, Cognito JWT authorizer, throttling, access logs, api Lambda grants. */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_BURST_LIMIT, API_RATE_LIMIT } from '../../infra/constructs/workbench-api';
import {
  actionsOfRole,
  byMetadata,
  type Resource,
  resourcesOfType,
  roleOfFunction,
  synthApp,
} from './template';

let s: ReturnType<typeof synthApp>;
beforeAll(() => {
  s = synthApp();
});

const routes = () =>
  resourcesOfType(s.appJson, 'AWS::ApiGatewayV2::Route').map(
    ([, r]) => r.Properties as Record<string, unknown>,
  );
const workbenchApiId = (): string => {
  const found = resourcesOfType(s.appJson, 'AWS::ApiGatewayV2::Api').filter(
    ([, r]) => r.Properties?.Description === 'claimflow workbench API',
  );
  expect(found).toHaveLength(1);
  return (found[0] as [string, Resource])[0];
};

describe('workbench API', () => {
  it('puts a Cognito JWT authorizer on /api/* and leaves only the OpenAPI document open', () => {
    const apiId = workbenchApiId();
    const mine = routes().filter((r) => (r.ApiId as { Ref?: string } | undefined)?.Ref === apiId);
    expect(mine.map((r) => [r.RouteKey, r.AuthorizationType]).sort()).toEqual([
      ['GET /api/openapi.json', 'NONE'],
      ['GET /api/{proxy+}', 'JWT'],
      ['POST /api/{proxy+}', 'JWT'],
    ]);
    const [, authorizer] = resourcesOfType(s.appJson, 'AWS::ApiGatewayV2::Authorizer')[0] as [
      string,
      Resource,
    ];
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
    });
    const jwt = authorizer.Properties?.JwtConfiguration as { Audience: unknown[]; Issuer: unknown };
    // The SRP client and the console's hosted-UI client (test/infra/web-console.test.ts).
    expect(jwt.Audience).toHaveLength(2);
    expect(JSON.stringify(jwt.Issuer)).toContain('cognito-idp');
  });

  it('throttles and writes access logs without paths, queries or bodies', () => {
    const apiId = workbenchApiId();
    const [, stage] = resourcesOfType(s.appJson, 'AWS::ApiGatewayV2::Stage').find(
      ([, r]) => (r.Properties?.ApiId as { Ref?: string } | undefined)?.Ref === apiId,
    ) as [string, Resource];
    expect(stage.Properties?.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: API_RATE_LIMIT,
      ThrottlingBurstLimit: API_BURST_LIMIT,
    });
    const format = String((stage.Properties?.AccessLogSettings as { Format?: string } | undefined)?.Format);
    expect(format).toContain('$context.routeKey');
    expect(format).not.toMatch(/\$context\.(path|querystring)|\$request|\$input/);
  });

  it('has a user pool with MFA, a strong password policy, no self sign-up, and the role groups', () => {
    s.appTemplate.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 14, RequireSymbols: true }) },
    });
    const groups = resourcesOfType(s.appJson, 'AWS::Cognito::UserPoolGroup').map(
      ([, r]) => r.Properties?.GroupName,
    );
    expect(groups.sort()).toEqual(['admin', 'biller', 'manager']);
    s.appTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', { GenerateSecret: false });
  });

  it('gives the api Lambda the table, its key, task responses and executions on the claim state machine and the inbound 835s only', () => {
    const [, fn] = byMetadata(s.appJson, 'claimflow:function', 'api');
    expect(
      (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables,
    ).toMatchObject({
      API_AUTH: 'cognito',
      X12_BUCKET: { 'Fn::Join': ['', expect.arrayContaining(['claimflow-x12-'])] },
      STATE_MACHINE_ARN: expect.anything(),
    });
    const actions = actionsOfRole(s.appJson, roleOfFunction(fn));
    const names = [...new Set(actions.map((a) => a.action))].sort();
    expect(names).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ]),
    );
    expect(names).toContain('states:SendTaskSuccess');
    expect(names.filter((n) => /^(sqs|secretsmanager):/.test(n) || n.endsWith('*'))).toEqual([]);
    // S3: reading only our 837P interchanges and the inbound files (the claim's documents; a manual
    // remit match re-reads its 835).
    const s3 = actions.filter((a) => a.action.startsWith('s3:'));
    expect([...new Set(s3.map((a) => a.action))]).toEqual(['s3:GetObject']);
    const arns = JSON.stringify(s3.map((a) => a.resource)).match(/:s3:::claimflow-x12-[^/]*\/[^"]*/g);
    expect(arns?.map((arn) => arn.slice(arn.indexOf('/')))).toEqual(['/inbound/*', '/interchanges/837P/*']);
    // A correction or void of a claim whose execution ended starts a new execution.
    expect(names).toContain('states:StartExecution');
    expect(names.filter((n) => n.startsWith('states:')).sort()).toEqual([
      'states:SendTaskFailure',
      'states:SendTaskSuccess',
      'states:StartExecution',
    ]);
    const [smId] = resourcesOfType(s.appJson, 'AWS::StepFunctions::StateMachine')[0] as [string, Resource];
    for (const a of actions.filter((x) => x.action.startsWith('states:'))) {
      expect(a.resource).toEqual({ Ref: smId });
    }
  });
});
