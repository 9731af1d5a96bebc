/**
 * Builds the claimflow CDK app: the retained data stack (ClaimflowData) and the application stack
 * (Claimflow), with cdk-nag AwsSolutions + HIPAA checks. Used by infra/app.ts (cdk synth/deploy), the
 * infra tests and the local runtime, which reads the state machine from
 * `app.synth().getStackByName(appStack.stackName).template`.
 */
import { App } from 'aws-cdk-lib';
import { loadConfig } from './config';
import { addNagChecks } from './lib/nag';
import { AppStack } from './stacks/app-stack';
import { DataStack } from './stacks/data-stack';

export const DATA_STACK_NAME = 'ClaimflowData';
export const APP_STACK_NAME = 'Claimflow';

export interface CreateAppOptions {
  /**
   * Skip NodejsFunction bundling and asset staging (tests, the local runtime): context
   * aws:cdk:bundling-stacks = [] and aws:cdk:disable-asset-staging.
   */
  skipBundling?: boolean;
  /** Extra context (same keys as `cdk -c`). */
  context?: Record<string, unknown>;
  /** Directory for the cloud assembly (default: CDK's, a temp dir outside the CLI). */
  outdir?: string;
}

export function createApp(opts: CreateAppOptions = {}): {
  app: App;
  dataStack: DataStack;
  appStack: AppStack;
} {
  const context: Record<string, unknown> = {
    '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
    '@aws-cdk/aws-iam:minimizePolicies': true,
    '@aws-cdk/core:defaultCrossStackReferences': 'strong',
    ...opts.context,
  };
  if (opts.skipBundling) {
    context['aws:cdk:bundling-stacks'] = [];
    // Nothing is deployed from these synths: assets (e.g. the console's deployment layer, 20+ MB) are
    // referenced where they are instead of being copied into every temporary cloud assembly (a test
    // that reads staged files passes `'aws:cdk:disable-asset-staging': false`).
    context['aws:cdk:disable-asset-staging'] ??= true;
  }
  const app = new App({ context, ...(opts.outdir ? { outdir: opts.outdir } : {}) });
  const config = loadConfig(app.node);
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };

  const dataStack = new DataStack(app, DATA_STACK_NAME, {
    env,
    namePrefix: config.namePrefix,
    terminationProtection: true,
    description: 'claimflow data: KMS key, DynamoDB tables, S3 buckets, backups (retained)',
  });
  const appStack = new AppStack(app, APP_STACK_NAME, {
    env,
    config,
    data: dataStack.data,
    description: 'claimflow application: intake, claim workflow, submission, webhooks, remittance',
  });
  appStack.addStackDependency(dataStack);
  addNagChecks(app);
  return { app, dataStack, appStack };
}
