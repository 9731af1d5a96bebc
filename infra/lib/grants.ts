/**
 * Least-privilege grants with exact action names (no `Action::*` wildcards for cdk-nag to flag). Object
 * ARNs necessarily end in `*`; each such grant acknowledges exactly that one IAM5 finding, with a reason.
 */
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { ClaimflowFunction } from './function';
import { acknowledge, wildcardResourceFinding } from './nag';

export const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/** Table items (and its indexes by name) plus use of its CMK. */
export function grantTable(
  f: ClaimflowFunction,
  table: { tableArn: string },
  indexNames: readonly string[],
  key: IKey,
  mode: 'read' | 'readwrite',
): void {
  f.role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: mode === 'read' ? TABLE_READ_ACTIONS : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS],
      resources: [table.tableArn, ...indexNames.map((n) => `${table.tableArn}/index/${n}`)],
    }),
  );
  if (mode === 'read') key.grant(f.role, 'kms:Decrypt', 'kms:DescribeKey');
  else key.grant(f.role, 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey');
}

/**
 * s3:GetObject under `prefix` (e.g. 'charges/*', or several such as ['inbound/999/*', 'inbound/277/*'])
 * plus kms:Decrypt on the bucket key.
 */
export function grantObjectRead(
  f: ClaimflowFunction,
  bucket: IBucket,
  key: IKey,
  prefix: string | readonly string[],
  why: string,
) {
  const arns = [prefix].flat().map((p) => bucket.arnForObjects(p));
  f.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: arns }));
  key.grant(f.role, 'kms:Decrypt');
  for (const arn of arns) acknowledge(f, wildcardResourceFinding(f, arn), why);
}

/** s3:PutObject under `prefix` plus the KMS calls SSE-KMS uploads make. */
export function grantObjectWrite(
  f: ClaimflowFunction,
  bucket: IBucket,
  key: IKey,
  prefix: string,
  why: string,
) {
  const arn = bucket.arnForObjects(prefix);
  f.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [arn] }));
  key.grant(f.role, 'kms:GenerateDataKey', 'kms:Decrypt');
  acknowledge(f, wildcardResourceFinding(f, arn), why);
}

/** secretsmanager:GetSecretValue on one secret and kms:Decrypt via Secrets Manager only. */
export function grantSecretValue(f: ClaimflowFunction, secret: ISecret): void {
  f.role.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
  );
  secret.encryptionKey?.grantDecrypt(f.role);
}

/** SendTaskSuccess / SendTaskFailure (no heartbeat) on the claim state machine. */
export function taskResponseStatement(stateMachine: IStateMachine): PolicyStatement {
  return new PolicyStatement({
    actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
    resources: [stateMachine.stateMachineArn],
  });
}

export function grantTaskResponse(grantee: IGrantable, stateMachine: IStateMachine): void {
  grantee.grantPrincipal.addToPrincipalPolicy(taskResponseStatement(stateMachine));
}
