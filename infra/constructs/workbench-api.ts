/**
 * The workbench API: API Gateway HTTP API `/api/*` -> the `api` Lambda (functions/api, Hono on
 * hono/aws-lambda). People sign in with a Cognito user pool; a JWT authorizer on every route but the
 * OpenAPI document checks their token, and the app reads the groups (practice ids + one role group:
 * biller, manager, admin) from the verified claims. Role groups are created here; practice groups
 * are created per practice by an admin (`aws cognito-idp create-group --group-name PRAC1 ...`).
 *
 * Grants: the table (read/write: corrections save claims, work items are updated, the access
 * audit is appended), SendTaskSuccess / SendTaskFailure on the claim state machine (a
 * correction or a manual remit match resumes the claim's waiting execution) and reading the
 * inbound 835s (a manual match re-reads the claim payment from its file).
 */
import { Aws, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  type CfnUserPoolClient,
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  OAuthScope,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { deployedEnvSchema } from '../../functions/api/env';
import { GSI1 } from '../../shared/store/table';
import { INBOUND_PREFIX } from '../../shared/webhooks/receive';
import { ROLES } from '../../shared/workbench/access';
import type { ClaimflowConfig } from '../config';
import { accessLogFormat } from '../lib/access-log';
import { ClaimflowFunction } from '../lib/function';
import { grantObjectRead, grantTable, taskResponseStatement } from '../lib/grants';
import { acknowledge } from '../lib/nag';
import { INTERCHANGE_PREFIX } from './submission';

export const API_ROUTE = '/api/{proxy+}';
export const OPENAPI_ROUTE = '/api/openapi.json';
export const API_RATE_LIMIT = 50;
export const API_BURST_LIMIT = 100;

/** What the console needs to sign people in with the Cognito hosted UI (authorization code + PKCE). */
export interface ConsoleSignIn {
  /** The public app client of the console (no secret). */
  client: UserPoolClient;
  domain: UserPoolDomain;
  /** `https://cognito-idp.<region>.amazonaws.com/<pool id>`: the OIDC issuer (and the JWT authorizer's). */
  authority: string;
  /** `https://<prefix>.auth.<region>.amazoncognito.com`: the hosted sign-in / sign-out pages. */
  domainUrl: string;
}

export interface WorkbenchApiProps {
  config: ClaimflowConfig;
  opsKey: IKey;
  dataKey: IKey;
  table: ITable;
  stateMachine: IStateMachine;
  /** Origins allowed to call the API from a browser (the console); none: no CORS. */
  allowedOrigins?: string[];
  /**
   * The X12 bucket: the claim detail shows the 837Ps sent and the 999 / 277CA / 835 files received,
   * and a manual remit match re-reads the claim payment from its inbound 835.
   */
  x12Bucket: IBucket;
}

export class WorkbenchApi extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly fn: ClaimflowFunction;
  /** `https://cognito-idp.<region>.amazonaws.com/<pool id>`. */
  readonly issuer: string;
  /** App clients whose tokens the JWT authorizer accepts (read when the template is synthesized). */
  private readonly audience: UserPoolClient[] = [];
  private readonly config: ClaimflowConfig;
  private hostedUi?: UserPoolDomain;

  constructor(scope: Construct, id: string, props: WorkbenchApiProps) {
    super(scope, id);
    const { config } = props;

    this.userPool = new UserPool(this, 'Users', {
      userPoolName: `${config.namePrefix}-workbench`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: FeaturePlan.PLUS,
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const role of ROLES) {
      new CfnUserPoolGroup(this, `Group-${role}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: role,
        description: `claimflow workbench role: ${role}`,
      });
    }
    this.config = config;
    // SRP sign-in (SDKs, scripts). No OAuth: with a hosted-UI domain, CDK's default OAuth settings
    // (implicit grant to https://example.com) would let a sign-in hand tokens to that site.
    this.client = this.userPool.addClient('Console', {
      generateSecret: false,
      disableOAuth: true,
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
    });

    this.fn = new ClaimflowFunction(this, 'Api', {
      name: 'api',
      description: 'Workbench API: claims, corrections, work queues (Hono on API Gateway HTTP API)',
      // Only what the Lambda gets: the local-only variables stay unset on AWS.
      envSchema: deployedEnvSchema,
      environment: {
        TABLE_NAME: props.table.tableName,
        API_AUTH: 'cognito',
        TIMELY_FILING_DAYS: String(config.timelyFilingDays),
        X12_BUCKET: props.x12Bucket.bucketName,
        STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
      },
      timeout: Duration.seconds(15),
      reservedConcurrency: 20,
      logKey: props.opsKey,
      logRetentionDays: config.logRetentionDays,
    });
    grantTable(this.fn, props.table, [GSI1], props.dataKey, 'readwrite');
    // Read only, our interchanges and the inbound files, nothing else: the claim's X12 documents, and
    // the one claim payment a manual remit match re-reads from its 835.
    grantObjectRead(
      this.fn,
      props.x12Bucket,
      props.dataKey,
      [`${INTERCHANGE_PREFIX}*`, `${INBOUND_PREFIX}*`],
      "The api function shows a claim's X12 documents (an excerpt of this claim's segments); their keys are named by the claim's events, known only per request, so the grant is s3:GetObject on the 837P interchange and inbound prefixes only (a manual remit match re-reads its 835 there too).",
    );
    // A separate policy (not the role's default one) keeps the state machine out of the function's
    // dependencies, as for record-transition.
    const taskResponse = new Policy(this, 'TaskResponse', {
      roles: [this.fn.role],
      statements: [
        taskResponseStatement(props.stateMachine),
        // A correction or void of a claim whose execution ended starts a new one (deterministic name).
        new PolicyStatement({
          actions: ['states:StartExecution'],
          resources: [props.stateMachine.stateMachineArn],
        }),
      ],
    });
    acknowledge(
      taskResponse,
      'HIPAA.Security-IAMNoInlinePolicy',
      'Two statements for the api function role only on the claim state machine: states:SendTaskSuccess/SendTaskFailure to resume the execution of a corrected claim or an appeal, states:StartExecution to resubmit a corrected or voided claim whose execution ended.',
    );

    this.api = new HttpApi(this, 'HttpApi', {
      description: 'claimflow workbench API',
      createDefaultStage: false,
      ...(props.allowedOrigins && props.allowedOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: props.allowedOrigins,
              allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST],
              allowHeaders: ['authorization', 'content-type'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
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
      throttle: { rateLimit: API_RATE_LIMIT, burstLimit: API_BURST_LIMIT },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // Request metadata only: the route template, never the path (it holds claim ids), query or body.
        format: accessLogFormat({ sub: '$context.authorizer.claims.sub' }),
      },
    });
    const integration = new HttpLambdaIntegration('Api', this.fn.fn);
    this.issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
    this.audience.push(this.client);
    // The audience is lazy so that a client added later (the console's, which needs the console URL,
    // which needs this API) is accepted too.
    const authorizer = new HttpJwtAuthorizer('Cognito', this.issuer, {
      jwtAudience: Lazy.list({ produce: () => this.audience.map((c) => c.userPoolClientId) }),
    });
    this.api.addRoutes({
      path: API_ROUTE,
      methods: [HttpMethod.GET, HttpMethod.POST],
      integration,
      authorizer,
    });
    const docRoutes = this.api.addRoutes({ path: OPENAPI_ROUTE, methods: [HttpMethod.GET], integration });
    for (const route of docRoutes) {
      acknowledge(
        route,
        'AwsSolutions-APIG4',
        'The OpenAPI document of the workbench API is public on purpose (the console types its client from it); it holds no data, and every other route has the Cognito JWT authorizer.',
      );
    }
  }

  /**
   * The Cognito hosted sign-in domain, `https://<prefix>.auth.<region>.amazoncognito.com` (prefix
   * from config `consoleAuthDomainPrefix`, default `<namePrefix>-<account id>`); created once.
   */
  addHostedUi(): UserPoolDomain {
    this.hostedUi ??= this.userPool.addDomain('HostedUi', {
      cognitoDomain: {
        domainPrefix: this.config.consoleAuthDomainPrefix ?? `${this.config.namePrefix}-${Aws.ACCOUNT_ID}`,
      },
    });
    return this.hostedUi;
  }

  /**
   * The console's sign-in at `consoleUrl` (`https://<host>/`): the hosted-UI domain and a public app
   * client (authorization code grant; the console sends a PKCE challenge; no secret, no implicit
   * grant), whose tokens the API's JWT authorizer accepts.
   */
  addConsoleSignIn(consoleUrl: string): ConsoleSignIn {
    const domain = this.addHostedUi();
    const client = this.userPool.addClient('ConsoleWeb', {
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [consoleUrl],
        logoutUrls: [consoleUrl],
      },
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
    });
    // Sign-in only through the hosted UI (no SRP / password calls with this client id); refresh kept.
    (client.node.defaultChild as CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];
    this.audience.push(client);
    return { client, domain, authority: this.issuer, domainUrl: domain.baseUrl() };
  }
}
