/**
 * The console on AWS: the built web app (web/dist, `npm run build:web`) in a private S3 bucket, served by
 * CloudFront through Origin Access Control, HTTPS only, with security headers; `/api/*` on the same
 * origin goes to the workbench HTTP API (not cached; Authorization and query strings forwarded, Host
 * not), so the console needs no CORS. People sign in with the Cognito hosted UI (authorization code +
 * PKCE, a public app client added to the API's JWT authorizer). The deployment writes `/config.json`
 * (never cached) telling the console where to sign in.
 *
 * Without web/dist the console bucket gets a placeholder page (and synth a warning): build the console
 * and deploy again.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Annotations, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Function as CfFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { Policy } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, type IConstruct } from 'constructs';
import type { ClaimflowConfig } from '../config';
import { REPO_ROOT } from '../lib/function';
import { acknowledge, wildcardResourceFinding } from '../lib/nag';
import type { ConsoleSignIn, WorkbenchApi } from './workbench-api';

/** Where `npm run build:web` puts the console. */
export const DEFAULT_CONSOLE_DIST = path.join(REPO_ROOT, 'web', 'dist');
export const CONFIG_PATH = '/config.json';
export const API_PATH_PATTERN = '/api/*';
export const NOT_BUILT_WARNING = 'claimflow:console-not-built';

/** The console's runtime settings, served as /config.json (shape agreed with web/). */
export interface ConsoleConfig {
  apiBaseUrl: string;
  idleMinutes: number;
  auth: {
    kind: 'cognito';
    authority: string;
    clientId: string;
    domain: string;
    redirectUri: string;
    logoutUri: string;
  };
}

export function consoleConfig(o: {
  signIn: Pick<ConsoleSignIn, 'authority' | 'domainUrl'> & { clientId: string };
  consoleUrl: string;
  idleMinutes: number;
}): ConsoleConfig {
  return {
    // Same origin: CloudFront routes /api/* to the workbench API.
    apiBaseUrl: '',
    idleMinutes: o.idleMinutes,
    auth: {
      kind: 'cognito',
      authority: o.signIn.authority,
      clientId: o.signIn.clientId,
      domain: o.signIn.domainUrl,
      redirectUri: o.consoleUrl,
      logoutUri: o.consoleUrl,
    },
  };
}

/**
 * CloudFront Function (viewer request, S3 behaviour only) for the single-page app: a path whose last
 * segment has no file extension is a console route and gets /index.html. The API behaviour does not run
 * it, so the API's own 403/404 answers reach the console unchanged (a distribution-wide custom error
 * response would turn them into index.html).
 */
export const SPA_REWRITE_CODE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
`;

/** Served when web/dist was not built: no script, no inline style (the CSP allows neither). */
export const PLACEHOLDER_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>claimflow console</title></head>
<body>
<h1>claimflow console not deployed</h1>
<p>The console was not built when this stack was deployed. Run <code>npm run build:web</code>, then
<code>npx cdk deploy Claimflow</code> again.</p>
</body>
</html>
`;

/**
 * Content-Security-Policy of every response: scripts, styles and everything else from this origin only
 * (no inline script, no eval); XHR also to Cognito (OIDC discovery, token endpoint); PDFs and charts as
 * blob:/data: URLs; never framed.
 */
export function contentSecurityPolicy(cognitoOrigins: string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${cognitoOrigins.join(' ')}`,
    "frame-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export interface WebConsoleProps {
  config: ClaimflowConfig;
  workbenchApi: WorkbenchApi;
  /** Key of the deployment function's log group. */
  opsKey: IKey;
}

export class WebConsole extends Construct {
  readonly bucket: Bucket;
  readonly logBucket: Bucket;
  readonly distribution: Distribution;
  /** `https://<console host>/` */
  readonly url: string;
  readonly signIn: ConsoleSignIn;
  readonly config: ConsoleConfig;
  /** Whether web/dist held a built console (else the placeholder page is deployed). */
  readonly built: boolean;
  readonly deployment: BucketDeployment;

  constructor(scope: Construct, id: string, props: WebConsoleProps) {
    super(scope, id);
    const { config, workbenchApi } = props;

    // CloudFront standard logs need ACLs on their bucket (object writer); S3 server access logs of the
    // console bucket go here too. Request metadata only (the console keeps PHI out of URLs).
    this.logBucket = new Bucket(this, 'Logs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(2557), noncurrentVersionExpiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'console-bucket/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const stack = Stack.of(this);
    const region = stack.region;
    const cognitoDomainUrl = workbenchApi.addHostedUi().baseUrl();
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'claimflow console: HSTS, CSP, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy([
            `https://cognito-idp.${region}.amazonaws.com`,
            cognitoDomainUrl,
          ]),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          {
            header: 'Permissions-Policy',
            value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
            override: true,
          },
        ],
      },
    });

    const s3Origin = S3BucketOrigin.withOriginAccessControl(this.bucket);
    const apiOrigin = new HttpOrigin(`${workbenchApi.api.apiId}.execute-api.${region}.${stack.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });
    const spaRewrite = new CfFunction(this, 'SpaRewrite', {
      comment: 'claimflow console: console routes -> /index.html',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(SPA_REWRITE_CODE),
    });
    const certificate =
      config.consoleDomainName && config.consoleCertificateArn
        ? Certificate.fromCertificateArn(this, 'Certificate', config.consoleCertificateArn)
        : undefined;

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'claimflow console',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: s3Origin,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: spaRewrite, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        [API_PATH_PATTERN]: {
          origin: apiOrigin,
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          // All viewer headers (so Authorization: allowed with caching disabled), cookies and query
          // strings; not Host, which API Gateway needs to be its own.
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
        },
        [CONFIG_PATH]: {
          origin: s3Origin,
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          responseHeadersPolicy: headers,
        },
      },
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      logIncludesCookies: false,
      ...(certificate && config.consoleDomainName
        ? {
            certificate,
            domainNames: [config.consoleDomainName],
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      ...(config.consoleWebAclArn ? { webAclId: config.consoleWebAclArn } : {}),
    });
    this.url = `https://${config.consoleDomainName ?? this.distribution.distributionDomainName}/`;

    this.signIn = workbenchApi.addConsoleSignIn(this.url);
    this.config = consoleConfig({
      signIn: { ...this.signIn, clientId: this.signIn.client.userPoolClientId },
      consoleUrl: this.url,
      idleMinutes: config.consoleIdleMinutes,
    });

    const dist = config.consoleDist ? path.resolve(config.consoleDist) : DEFAULT_CONSOLE_DIST;
    this.built = existsSync(path.join(dist, 'index.html'));
    if (!this.built) {
      Annotations.of(this).addWarningV2(
        NOT_BUILT_WARNING,
        `${dist}/index.html not found: deploying a placeholder page; run \`npm run build:web\` and deploy again`,
      );
    }
    const site = this.built
      ? Source.asset(dist, { exclude: ['config.json'] })
      : Source.data('index.html', PLACEHOLDER_HTML);
    this.deployment = new BucketDeployment(this, 'Deploy', {
      sources: [site, Source.jsonData('config.json', this.config)],
      destinationBucket: this.bucket,
      // Browsers revalidate every file (ETag); CloudFront's copies are invalidated on each deploy.
      cacheControl: [CacheControl.noCache()],
      prune: true,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
      logGroup: new LogGroup(this, 'DeployLogs', {
        encryptionKey: props.opsKey,
        retention: config.logRetentionDays as RetentionDays,
        removalPolicy: RemovalPolicy.RETAIN,
      }),
    });

    this.acknowledgeFindings(config);
  }

  private acknowledgeFindings(config: ClaimflowConfig): void {
    acknowledge(
      this.bucket,
      'HIPAA.Security-S3DefaultEncryptionKMS',
      'Holds only the public console code and its non-secret config.json (no PHI); SSE-S3 lets CloudFront read it through OAC without a KMS key policy for the distribution.',
    );
    for (const bucket of [this.bucket, this.logBucket]) {
      acknowledge(
        bucket,
        'HIPAA.Security-S3BucketReplicationEnabled',
        'Single-region deployment: the console is rebuilt from source on every deploy and its logs follow the same single-region policy as the data stack buckets (docs/deploy.md).',
      );
    }
    acknowledge(
      this.logBucket,
      'HIPAA.Security-S3DefaultEncryptionKMS',
      'S3 server access log delivery supports only SSE-S3 on the destination bucket; it holds request metadata (the console keeps PHI out of URLs), not file contents.',
    );

    acknowledge(
      this.distribution,
      'AwsSolutions-CFR1',
      'Staff of the practices sign in from wherever they work; a country allow-list is a per-deployment decision, made in the optional WAF web ACL (consoleWebAclArn, docs/deploy.md). Every API call needs a Cognito token with MFA.',
    );
    if (!config.consoleWebAclArn) {
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR2',
        'A WAF web ACL costs per month and per rule and must be created in us-east-1, outside this stack; attach one with -c consoleWebAclArn=<arn> (docs/deploy.md). The API keeps its own throttling and JWT authorizer.',
      );
    }
    if (!config.consoleDomainName) {
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR4',
        'Without a custom domain CloudFront serves the cloudfront.net certificate and fixes its security policy itself; set consoleDomainName + consoleCertificateArn to get TLSv1.2_2021 (docs/deploy.md).',
      );
    }
    this.acknowledgeDeploymentFunction();
  }

  /** BucketDeployment's CDK-owned custom-resource Lambda (a stack-level singleton) and its role. */
  private acknowledgeDeploymentFunction(): void {
    const stack = Stack.of(this);
    const handlers = stack.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    const why =
      'CDK-provided BucketDeployment handler: runs only at deploy time to copy the built console and config.json into the console bucket and invalidate the distribution; it handles no claim data, and its code, runtime and role are owned by aws-cdk-lib.';
    // Object ARNs (CDK asset bucket, console bucket) and `*` (CreateInvalidation) of its policy, as the
    // synthesizer and environment name them.
    const policy = this.deployment.handlerRole.node.tryFindChild('DefaultPolicy') as Policy | undefined;
    const statements = (policy ? stack.resolve(policy.document) : { Statement: [] }) as {
      Statement: { Resource?: unknown }[];
    };
    const wildcardResources = statements.Statement.flatMap((st) => [st.Resource ?? []].flat())
      .filter((r) => JSON.stringify(r).includes('*'))
      .map((r) =>
        r === '*' ? 'AwsSolutions-IAM5[Resource::*]' : wildcardResourceFinding(this, r as string),
      );
    const ids = [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-IAM5[Action::s3:GetObject*]',
      'AwsSolutions-IAM5[Action::s3:GetBucket*]',
      'AwsSolutions-IAM5[Action::s3:List*]',
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
      'AwsSolutions-IAM5[Action::s3:Abort*]',
      ...new Set(wildcardResources),
      'AwsSolutions-L1',
      'HIPAA.Security-IAMNoInlinePolicy',
      'HIPAA.Security-LambdaConcurrency',
      'HIPAA.Security-LambdaDLQ',
      'HIPAA.Security-LambdaInsideVPC',
    ];
    for (const handler of handlers as IConstruct[]) {
      for (const id of ids) acknowledge(handler, id, why);
    }
  }
}
