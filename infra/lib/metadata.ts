/**
 * CloudFormation Metadata that names claimflow resources for the local runtime: it reads the synthesized
 * template and finds functions, queues, buckets, tables, the state machine and secrets by these keys.
 */
import type { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export const METADATA = {
  function: 'claimflow:function',
  queue: 'claimflow:queue',
  bucket: 'claimflow:bucket',
  table: 'claimflow:table',
  stateMachine: 'claimflow:state-machine',
  secret: 'claimflow:secret',
} as const;

export type MetadataKind = keyof typeof METADATA;

/** Adds `claimflow:<kind>` = value to the construct's CloudFormation resource. */
export function markResource(construct: IConstruct, kind: MetadataKind, value: string): void {
  const cfn = construct.node.defaultChild as CfnResource | undefined;
  if (!cfn || typeof cfn.addMetadata !== 'function') {
    throw new Error(`${construct.node.path} has no CloudFormation resource to mark`);
  }
  cfn.addMetadata(METADATA[kind], value);
}
