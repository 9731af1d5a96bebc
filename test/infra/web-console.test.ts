/**
 * The console on AWS: private bucket behind CloudFront (OAC), HTTPS only, security headers, /api/* to the
 * workbench API uncached, the Cognito hosted sign-in client, and the deployed files (built console or
 * placeholder, plus config.json).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_PATH_PATTERN,
  CONFIG_PATH,
  contentSecurityPolicy,
  NOT_BUILT_WARNING,
  SPA_REWRITE_CODE,
} from '../../infra/constructs/web-console';
import { type CfnTemplate, type Resource, resourcesOfType, synthApp } from './template';

type Synth = ReturnType<typeof synthApp>;
type Behavior = Record<string, unknown>;

const scratch = mkdtempSync(path.join(tmpdir(), 'claimflow-web-'));
const builtDist = path.join(scratch, 'dist');
const missingDist = path.join(scratch, 'not-built');

/** Synthesized with asset staging (createApp skips it for tests) so the deployed files can be read. */
const staged: Synth[] = [];
function synthStaged(context: Record<string, unknown>): Synth {
  const x = synthApp({ ...context, 'aws:cdk:disable-asset-staging': false }, { keepAssembly: true });
  staged.push(x);
  return x;
}

let s: Synth;
beforeAll(() => {
  s = synthStaged({ consoleDist: missingDist });
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  for (const x of staged) rmSync(x.assembly.directory, { recursive: true, force: true });
});

function only(t: CfnTemplate, type: string): [string, Resource] {
  const found = resourcesOfType(t, type);
  expect(found, type).toHaveLength(1);
  return found[0] as [string, Resource];
}

function distributionConfig(t: CfnTemplate): Record<string, unknown> {
  return only(t, 'AWS::CloudFront::Distribution')[1].Properties?.DistributionConfig as Record<
    string,
    unknown
  >;
}

function behavior(t: CfnTemplate, pattern: string): Behavior {
  const found = (distributionConfig(t).CacheBehaviors as Behavior[]).find((b) => b.PathPattern === pattern);
  if (!found) throw new Error(`no behaviour ${pattern}`);
  return found;
}

function originOf(t: CfnTemplate, b: Behavior): Record<string, unknown> {
  const origins = distributionConfig(t).Origins as Record<string, unknown>[];
  return origins.find((o) => o.Id === b.TargetOriginId) as Record<string, unknown>;
}

const props = (r: Resource): Record<string, unknown> => r.Properties ?? {};

/** CloudFormation expression -> readable text: {Ref: X} -> <X>, GetAtt -> <X.Attr>, joins concatenated. */
function flat(node: unknown): string {
  if (typeof node === 'string') return node;
  const o = node as Record<string, unknown>;
  if (o.Ref !== undefined) return `<${o.Ref as string}>`;
  if (o['Fn::GetAtt']) return `<${(o['Fn::GetAtt'] as string[]).join('.')}>`;
  if (o['Fn::Join']) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map(flat).join(sep);
  }
  if (o['Fn::Sub']) return flat(o['Fn::Sub']);
  throw new Error(`unexpected expression ${JSON.stringify(node)}`);
}

const MANAGED = {
  cachingDisabled: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
  allViewerExceptHostHeader: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
};

/** The deployment custom resource and the staged contents of each of its sources, markers resolved. */
function deployedFiles(x: Synth): Record<string, string>[] {
  const [, deploy] = only(x.appJson, 'Custom::CDKBucketDeployment');
  const p = deploy.Properties as {
    SourceObjectKeys: string[];
    SourceMarkers: Record<string, unknown>[];
  };
  return p.SourceObjectKeys.map((key, i) => {
    // The asset manifest says where each source is (staged, or in place when staging is disabled).
    const manifest = JSON.parse(
      readFileSync(path.join(x.assembly.directory, `${x.appStack.artifactId}.assets.json`), 'utf8'),
    ) as { files: Record<string, { source: { path: string } }> };
    const source = manifest.files[key.replace(/\.zip$/, '')]?.source.path;
    if (!source) throw new Error(`no asset ${key}`);
    const dir = path.resolve(x.assembly.directory, source);
    const files: Record<string, string> = {};
    const walk = (d: string, prefix: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name), `${prefix}${e.name}/`);
        else {
          let text = readFileSync(path.join(d, e.name), 'utf8');
          for (const [marker, value] of Object.entries(p.SourceMarkers[i] ?? {})) {
            text = text.split(marker).join(flat(value));
          }
          files[`${prefix}${e.name}`] = text;
        }
      }
    };
    walk(dir, '');
    return files;
  });
}

describe('console bucket and distribution', () => {
  it('keeps the console bucket private, encrypted, versioned, TLS-only and access-logged', () => {
    const [id] = resourcesOfType(s.appJson, 'AWS::S3::Bucket').find(([logicalId]) =>
      logicalId.startsWith('WebConsoleBucket'),
    ) as [string, Resource];
    s.appTemplate.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: Match.anyValue(),
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'console-bucket/' }),
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      }),
    });
    const policies = resourcesOfType(s.appJson, 'AWS::S3::BucketPolicy').filter(
      ([, r]) => (props(r).Bucket as { Ref?: string }).Ref === id,
    );
    const statements = policies.flatMap(
      ([, r]) => (props(r).PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
    );
    // TLS only.
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    // The only principal allowed to read is CloudFront, for this distribution.
    const allows = statements.filter((st) => st.Effect === 'Allow');
    expect(allows.map((st) => st.Principal)).toEqual([{ Service: 'cloudfront.amazonaws.com' }]);
    const [distId] = only(s.appJson, 'AWS::CloudFront::Distribution');
    expect(JSON.stringify(allows[0]?.Condition)).toContain(distId);
    expect(JSON.stringify(statements)).not.toMatch(/"Principal":"\*"[^}]*"Effect":"Allow"/);
  });

  it('reads S3 through Origin Access Control, never an Origin Access Identity', () => {
    only(s.appJson, 'AWS::CloudFront::OriginAccessControl');
    expect(resourcesOfType(s.appJson, 'AWS::CloudFront::CloudFrontOriginAccessIdentity')).toEqual([]);
    const s3Origin = originOf(s.appJson, distributionConfig(s.appJson).DefaultCacheBehavior as Behavior);
    expect(s3Origin.OriginAccessControlId).toBeDefined();
    expect((s3Origin.S3OriginConfig as { OriginAccessIdentity: string }).OriginAccessIdentity).toBe('');
  });

  it('answers HTTP with a redirect (HTTPS-only for the API), serves index.html at the root, and logs', () => {
    const config = distributionConfig(s.appJson);
    expect((config.DefaultCacheBehavior as Behavior).ViewerProtocolPolicy).toBe('redirect-to-https');
    for (const b of config.CacheBehaviors as Behavior[]) {
      expect(['redirect-to-https', 'https-only'], String(b.PathPattern)).toContain(b.ViewerProtocolPolicy);
    }
    expect(behavior(s.appJson, API_PATH_PATTERN).ViewerProtocolPolicy).toBe('https-only');
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.Logging).toMatchObject({ IncludeCookies: false, Prefix: 'cloudfront/' });
    // No distribution-wide error pages: they would turn the API's 403/404 into index.html.
    expect(config.CustomErrorResponses).toBeUndefined();
  });

  it('requires TLSv1.2_2021 with a custom domain and certificate', () => {
    const custom = synthApp({
      consoleDist: missingDist,
      consoleDomainName: 'console.billing.example.com',
      consoleCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
      consoleWebAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/claimflow/abc',
    });
    const config = distributionConfig(custom.appJson);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(config.Aliases).toEqual(['console.billing.example.com']);
    expect(config.WebACLId).toBe('arn:aws:wafv2:us-east-1:123456789012:global/webacl/claimflow/abc');
    const [, client] = resourcesOfType(custom.appJson, 'AWS::Cognito::UserPoolClient').find(
      ([, r]) => r.Properties?.AllowedOAuthFlowsUserPoolClient === true,
    ) as [string, Resource];
    expect(client.Properties?.CallbackURLs).toEqual(['https://console.billing.example.com/']);
    // With a certificate and a web ACL, CFR2 / CFR4 are met rather than acknowledged.
    for (const pack of [new AwsSolutionsChecks(), new HIPAASecurityChecks()]) {
      expect(pack.validateScope(custom.app).violations).toEqual([]);
    }
    const acks = custom.appStack.webConsole.distribution.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.keys(m.data as Record<string, string>));
    expect(acks).not.toContain('AwsSolutions-CFR2');
    expect(acks).not.toContain('AwsSolutions-CFR4');
  });

  it('rejects a certificate without a domain, a regional certificate or a regional web ACL', () => {
    expect(() =>
      synthApp({ consoleCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' }),
    ).toThrow(/consoleDomainName/);
    expect(() =>
      synthApp({
        consoleDomainName: 'console.example.com',
        consoleCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
      }),
    ).toThrow(/consoleCertificateArn/);
    // A regional (API Gateway / ALB) web ACL cannot protect a distribution.
    expect(() =>
      synthApp({ consoleWebAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/claimflow/abc' }),
    ).toThrow(/consoleWebAclArn/);
  });

  it('sends /api/* to the workbench API uncached, all methods, Authorization and query strings, not Host', () => {
    const api = behavior(s.appJson, API_PATH_PATTERN);
    expect(api.CachePolicyId).toBe(MANAGED.cachingDisabled);
    expect(api.OriginRequestPolicyId).toBe(MANAGED.allViewerExceptHostHeader);
    expect([...(api.AllowedMethods as string[])].sort()).toEqual(
      ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'].sort(),
    );
    expect(api.FunctionAssociations).toBeUndefined();
    const origin = originOf(s.appJson, api);
    const [apiId] = resourcesOfType(s.appJson, 'AWS::ApiGatewayV2::Api').find(
      ([, r]) => r.Properties?.Description === 'claimflow workbench API',
    ) as [string, Resource];
    expect(flat(origin.DomainName)).toBe(`<${apiId}>.execute-api.<AWS::Region>.<AWS::URLSuffix>`);
    expect(origin.OriginPath ?? '').toBe('');
    expect(origin.CustomOriginConfig).toEqual({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
  });

  it('never caches /config.json and rewrites only console routes on the S3 behaviour', () => {
    const config = behavior(s.appJson, CONFIG_PATH);
    expect(config.CachePolicyId).toBe(MANAGED.cachingDisabled);
    expect(config.FunctionAssociations).toBeUndefined();
    const def = distributionConfig(s.appJson).DefaultCacheBehavior as Behavior;
    expect(def.FunctionAssociations).toEqual([expect.objectContaining({ EventType: 'viewer-request' })]);
    expect(originOf(s.appJson, config)).toBe(originOf(s.appJson, def));
    const [, fn] = only(s.appJson, 'AWS::CloudFront::Function');
    expect(fn.Properties?.FunctionCode).toBe(SPA_REWRITE_CODE);
  });

  it('puts the security headers on every behaviour', () => {
    const [policyId, policy] = only(s.appJson, 'AWS::CloudFront::ResponseHeadersPolicy');
    const config = distributionConfig(s.appJson);
    for (const b of [config.DefaultCacheBehavior, ...(config.CacheBehaviors as Behavior[])] as Behavior[]) {
      expect(b.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    }
    const headers = (props(policy).ResponseHeadersPolicyConfig as Record<string, unknown>)
      .SecurityHeadersConfig as Record<string, Record<string, unknown>>;
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    expect(headers.StrictTransportSecurity?.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31536000);
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    const csp = flat(headers.ContentSecurityPolicy?.ContentSecurityPolicy);
    const directives = Object.fromEntries(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values];
      }),
    );
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    const [domainId] = only(s.appJson, 'AWS::Cognito::UserPoolDomain');
    expect(directives['connect-src']).toEqual([
      "'self'",
      'https://cognito-idp.<AWS::Region>.amazonaws.com',
      `https://<${domainId}>.auth.<AWS::Region>.amazoncognito.com`,
    ]);
  });
});

describe('cdk-nag with a concrete environment', () => {
  it('acknowledges the deployment handler findings as the CLI names them (region and account known)', () => {
    const saved = { region: process.env.CDK_DEFAULT_REGION, account: process.env.CDK_DEFAULT_ACCOUNT };
    process.env.CDK_DEFAULT_REGION = 'us-east-2';
    process.env.CDK_DEFAULT_ACCOUNT = '123456789012';
    try {
      const x = synthApp({ consoleDist: missingDist });
      for (const pack of [new AwsSolutionsChecks(), new HIPAASecurityChecks()]) {
        const violations = pack.validateScope(x.app).violations;
        expect(violations.map((v) => v.ruleName)).toEqual([]);
      }
    } finally {
      for (const [key, value] of [
        ['CDK_DEFAULT_REGION', saved.region],
        ['CDK_DEFAULT_ACCOUNT', saved.account],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});

describe('SPA rewrite (CloudFront Function)', () => {
  const handler = new Function(`${SPA_REWRITE_CODE}; return handler;`)() as (e: {
    request: { uri: string };
  }) => { uri: string };
  it.each([
    ['/', '/index.html'],
    ['/claims', '/index.html'],
    ['/claims/C1234567890/', '/index.html'],
    ['/work-queue', '/index.html'],
    ['/assets/app.4f3a.js', '/assets/app.4f3a.js'],
    ['/index.html', '/index.html'],
    ['/favicon.ico', '/favicon.ico'],
  ])('%s -> %s', (uri, expected) => {
    expect(handler({ request: { uri } }).uri).toBe(expected);
  });
});

describe('Cognito hosted sign-in for the console', () => {
  const clients = () => resourcesOfType(s.appJson, 'AWS::Cognito::UserPoolClient');
  const consoleClient = () =>
    clients().find(([, r]) => r.Properties?.AllowedOAuthFlowsUserPoolClient === true) as [string, Resource];

  it('has a hosted-UI domain with the configured prefix (default <namePrefix>-<account>)', () => {
    const [, domain] = only(s.appJson, 'AWS::Cognito::UserPoolDomain');
    expect(flat(domain.Properties?.Domain)).toBe('claimflow-<AWS::AccountId>');
    const custom = synthApp({ consoleDist: missingDist, consoleAuthDomainPrefix: 'acme-billing' });
    expect(only(custom.appJson, 'AWS::Cognito::UserPoolDomain')[1].Properties?.Domain).toBe('acme-billing');
    expect(() => synthApp({ consoleAuthDomainPrefix: 'my-cognito-login' })).toThrow(
      /consoleAuthDomainPrefix/,
    );
  });

  it('gives the console a public client: code grant only, no secret, openid/email/profile, its own URL', () => {
    const [, client] = consoleClient();
    const p = client.Properties as Record<string, unknown>;
    expect(p.GenerateSecret).toBe(false);
    expect(p.AllowedOAuthFlows).toEqual(['code']);
    expect([...(p.AllowedOAuthScopes as string[])].sort()).toEqual(['email', 'openid', 'profile']);
    expect(p.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    const [distId] = only(s.appJson, 'AWS::CloudFront::Distribution');
    const url = `https://<${distId}.DomainName>/`;
    expect((p.CallbackURLs as unknown[]).map(flat)).toEqual([url]);
    expect((p.LogoutURLs as unknown[]).map(flat)).toEqual([url]);
    expect(flat((s.appJson.Outputs as Record<string, { Value: unknown }>).ConsoleUrl?.Value)).toBe(url);
  });

  it('keeps the SRP client without OAuth (no implicit grant through the hosted UI)', () => {
    const others = clients().filter(([, r]) => r.Properties?.AllowedOAuthFlowsUserPoolClient !== true);
    expect(others).toHaveLength(1);
    const p = (others[0] as [string, Resource])[1].Properties as Record<string, unknown>;
    expect(p.AllowedOAuthFlowsUserPoolClient).toBe(false);
    expect(p.AllowedOAuthFlows).toBeUndefined();
    expect(p.ExplicitAuthFlows).toContain('ALLOW_USER_SRP_AUTH');
  });

  it("adds the console client to the API's JWT authorizer audience, next to the SRP client", () => {
    const [, authorizer] = only(s.appJson, 'AWS::ApiGatewayV2::Authorizer');
    const audience = (authorizer.Properties as { JwtConfiguration: { Audience: unknown[] } }).JwtConfiguration
      .Audience;
    expect(audience).toEqual(expect.arrayContaining(clients().map(([id]) => ({ Ref: id }))));
    expect(audience).toHaveLength(2);
  });
});

describe('deployed files', () => {
  it('writes /config.json with the sign-in settings (tokens resolved at deploy time)', () => {
    const [, config] = deployedFiles(s);
    expect(Object.keys(config ?? {})).toEqual(['config.json']);
    const [poolId] = only(s.appJson, 'AWS::Cognito::UserPool');
    const [clientId] = resourcesOfType(s.appJson, 'AWS::Cognito::UserPoolClient').find(
      ([, r]) => r.Properties?.AllowedOAuthFlowsUserPoolClient === true,
    ) as [string, Resource];
    const [domainId] = only(s.appJson, 'AWS::Cognito::UserPoolDomain');
    const [distId] = only(s.appJson, 'AWS::CloudFront::Distribution');
    expect(JSON.parse(config?.['config.json'] ?? '')).toEqual({
      apiBaseUrl: '',
      idleMinutes: 15,
      auth: {
        kind: 'cognito',
        authority: `https://cognito-idp.<AWS::Region>.amazonaws.com/<${poolId}>`,
        clientId: `<${clientId}>`,
        domain: `https://<${domainId}>.auth.<AWS::Region>.amazoncognito.com`,
        redirectUri: `https://<${distId}.DomainName>/`,
        logoutUri: `https://<${distId}.DomainName>/`,
      },
    });
  });

  it('takes idleMinutes from the context', () => {
    const x = synthStaged({ consoleDist: missingDist, consoleIdleMinutes: '5' });
    expect(JSON.parse(deployedFiles(x)[1]?.['config.json'] ?? '').idleMinutes).toBe(5);
    expect(() => synthApp({ consoleIdleMinutes: '0' })).toThrow(/consoleIdleMinutes/);
  });

  it('deploys a placeholder page and warns at synth when the console is not built', () => {
    const [site] = deployedFiles(s);
    expect(Object.keys(site ?? {})).toEqual(['index.html']);
    expect(site?.['index.html']).toContain('npm run build:web');
    expect(site?.['index.html']).not.toMatch(/<script|<style|style=/);
    Annotations.fromStack(s.appStack).hasWarning(
      '/Claimflow/WebConsole',
      Match.stringLikeRegexp(`not-built|index.html not found`),
    );
    expect(s.appStack.webConsole.built).toBe(false);
  });

  it('deploys web/dist (without its own config.json) when built, and does not warn', () => {
    mkdirSync(path.join(builtDist, 'assets'), { recursive: true });
    writeFileSync(
      path.join(builtDist, 'index.html'),
      '<!doctype html><script src="/assets/app.js"></script>',
    );
    writeFileSync(path.join(builtDist, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(path.join(builtDist, 'config.json'), '{"apiBaseUrl":"http://127.0.0.1:1"}');
    const x = synthStaged({ consoleDist: builtDist });
    const [site, config] = deployedFiles(x);
    expect(Object.keys(site ?? {}).sort()).toEqual(['assets/app.js', 'index.html']);
    expect(JSON.parse(config?.['config.json'] ?? '').apiBaseUrl).toBe('');
    expect(x.appStack.webConsole.built).toBe(true);
    const warnings = Annotations.fromStack(x.appStack).findWarning('*', Match.anyValue());
    expect(JSON.stringify(warnings)).not.toContain(NOT_BUILT_WARNING);
    expect(JSON.stringify(warnings)).not.toContain('npm run build:web');
  });

  it('copies with no-cache metadata, prunes old files and invalidates the distribution', () => {
    const [, deploy] = only(s.appJson, 'Custom::CDKBucketDeployment');
    const [distId] = only(s.appJson, 'AWS::CloudFront::Distribution');
    expect(deploy.Properties).toMatchObject({
      Prune: true,
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionId: { Ref: distId },
      DistributionPaths: ['/*'],
    });
  });
});

describe('contentSecurityPolicy', () => {
  it('lists the Cognito origins for XHR only', () => {
    const csp = contentSecurityPolicy(['https://a.example', 'https://b.example']);
    expect(csp).toContain("connect-src 'self' https://a.example https://b.example");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe');
  });
});
