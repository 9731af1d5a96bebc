/**
 * One Lambda per folder functions/<name>/handler.ts, all built the same way: Node 22 on arm64, ESM bundle
 * made by the local esbuild (never Docker), X-Ray active, an explicit KMS-encrypted log group with
 * retention, its own role (no AWS managed policies), reserved concurrency, and an environment typed from
 * the function's zod schema so a missing variable is a compile error.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type IRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { z } from 'zod';
import type { FunctionName } from './function-names';
import { markResource } from './metadata';
import { acknowledge } from './nag';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export { FUNCTION_NAMES, type FunctionName } from './function-names';

/** Every variable of a function's zod env schema, as CDK sets it (strings or tokens). */
export type EnvOf<S extends z.ZodType> = Record<keyof z.infer<S>, string>;

/** The two Powertools variables every schema declares; the factory sets them. */
type Supplied = 'POWERTOOLS_SERVICE_NAME' | 'POWERTOOLS_METRICS_NAMESPACE';

export const METRICS_NAMESPACE = 'claimflow';

export const ESM_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

export interface ClaimflowFunctionProps<S extends z.ZodType> {
  name: FunctionName;
  description: string;
  /** The schema from functions/<name>/env.ts; only used for typing `environment`. */
  envSchema: S;
  environment: Omit<EnvOf<S>, Supplied>;
  timeout: Duration;
  memorySize?: number;
  reservedConcurrency: number;
  /** Key of the function's log group. */
  logKey: IKey;
  logRetentionDays: number;
}

export class ClaimflowFunction<S extends z.ZodType = z.ZodType> extends Construct {
  readonly fn: NodejsFunction;
  readonly role: IRole;
  readonly logGroup: LogGroup;
  readonly name: FunctionName;
  readonly timeout: Duration;

  constructor(scope: Construct, id: string, props: ClaimflowFunctionProps<S>) {
    super(scope, id);
    this.name = props.name;
    this.timeout = props.timeout;
    const retention = props.logRetentionDays as RetentionDays;
    if (!Object.values(RetentionDays).includes(retention)) {
      throw new Error(
        `log retention ${props.logRetentionDays} days is not a CloudWatch Logs retention value`,
      );
    }
    this.logGroup = new LogGroup(this, 'LogGroup', {
      encryptionKey: props.logKey,
      retention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `claimflow ${props.name} execution role`,
    });
    this.role = role;
    this.logGroup.grantWrite(role);

    const environment: Record<string, string> = {
      ...(props.environment as Record<string, string>),
      POWERTOOLS_SERVICE_NAME: props.name,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    };
    this.fn = new NodejsFunction(this, 'Function', {
      entry: path.join(REPO_ROOT, 'functions', props.name, 'handler.ts'),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      role,
      logGroup: this.logGroup,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment,
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_BANNER,
        minify: true,
        sourceMap: false,
      },
    });
    markResource(this.fn, 'function', props.name);

    acknowledge(
      this,
      'AwsSolutions-L1',
      'Pinned to nodejs22.x on purpose: the handlers, middy 7 and the local runtime (aws-local-stepfunctions) are tested on Node 22; move all of them to a newer runtime together.',
    );
    acknowledge(
      this,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions.',
    );
    acknowledge(
      this,
      'HIPAA.Security-IAMNoInlinePolicy',
      'The role belongs to this one function only; its inline policy is the least-privilege statement set CDK grants generate for exactly the resources the function uses.',
    );
    acknowledge(
      this,
      'HIPAA.Security-LambdaDLQ',
      'Invoked only synchronously (SQS event source mapping, API Gateway, Step Functions); failed messages go to the source queue DLQ and failed tasks to the state machine Catch, so an async-invoke DLQ would never receive anything.',
    );
    acknowledge(
      this,
      'HIPAA.Security-LambdaInsideVPC',
      'The function reaches only AWS APIs (DynamoDB, S3, SQS, Step Functions, Secrets Manager) over TLS with IAM auth and the clearinghouse over public HTTPS; no VPC-only resource exists, and a VPC would add NAT cost without a security boundary.',
    );
  }

  /** Duration the queue feeding this function must keep a message invisible (6 x timeout + extra). */
  visibilityFor(extra: Duration = Duration.seconds(0)): Duration {
    return Duration.seconds(this.timeout.toSeconds() * 6 + extra.toSeconds());
  }
}
