/**
 * What the cost model needs from the synthesized CloudFormation templates (pure: templates in, facts
 * out): each function's memory, architecture and log level (by its `claimflow:function` metadata),
 * the state machine's log level, whether KMS-encrypted buckets use a Bucket Key, the KMS keys, and the
 * main table's GSIs with their projections.
 */
import type { Deployment, IndexSpec } from './model';

type Resource = { Type: string; Metadata?: Record<string, unknown>; Properties?: Record<string, unknown> };
export type Template = { Resources?: Record<string, unknown> };

const resourcesOf = (templates: Template[]): Resource[] =>
  templates.flatMap((t) => Object.values((t.Resources ?? {}) as Record<string, Resource>));

function indexesOf(table: Resource): IndexSpec[] {
  const gsis = (table.Properties?.GlobalSecondaryIndexes ?? []) as {
    IndexName: string;
    KeySchema: { AttributeName: string; KeyType: string }[];
    Projection?: { ProjectionType?: string; NonKeyAttributes?: string[] };
  }[];
  return gsis.map((g) => ({
    name: g.IndexName,
    keys: [...g.KeySchema]
      .sort((a, b) => (a.KeyType === 'HASH' ? -1 : b.KeyType === 'HASH' ? 1 : 0))
      .map((k) => k.AttributeName),
    projection: (g.Projection?.ProjectionType ?? 'ALL') as IndexSpec['projection'],
    nonKeyAttributes: g.Projection?.NonKeyAttributes ?? [],
  }));
}

export function deploymentFromTemplates(templates: Template[]): Deployment {
  const resources = resourcesOf(templates);
  const functions: Deployment['functions'] = {};
  for (const r of resources) {
    const name = r.Metadata?.['claimflow:function'];
    if (r.Type !== 'AWS::Lambda::Function' || typeof name !== 'string') continue;
    const p = r.Properties ?? {};
    const env = ((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
      {}) as Record<string, unknown>;
    const logging = (p.LoggingConfig ?? {}) as { ApplicationLogLevel?: string };
    functions[name] = {
      memoryMb: Number(p.MemorySize ?? 128),
      arm: ((p.Architectures as string[] | undefined) ?? ['x86_64']).includes('arm64'),
      // Powertools logs at POWERTOOLS_LOG_LEVEL, else the function's application log level, else INFO.
      logLevel: String(env.POWERTOOLS_LOG_LEVEL ?? logging.ApplicationLogLevel ?? 'INFO'),
    };
  }
  const machine = resources.find(
    (r) => r.Type === 'AWS::StepFunctions::StateMachine' && r.Metadata?.['claimflow:state-machine'],
  );
  const level = String(
    (machine?.Properties?.LoggingConfiguration as { Level?: string } | undefined)?.Level ?? 'OFF',
  ) as Deployment['stateMachineLogLevel'];
  const kmsBuckets = resources.filter(
    (r) =>
      r.Type === 'AWS::S3::Bucket' &&
      JSON.stringify(r.Properties?.BucketEncryption ?? {}).includes('"aws:kms"'),
  );
  const bucketKeys = kmsBuckets.every((b) =>
    JSON.stringify(b.Properties?.BucketEncryption ?? {}).includes('"BucketKeyEnabled":true'),
  );
  const table = resources.find(
    (r) => r.Type === 'AWS::DynamoDB::Table' && r.Metadata?.['claimflow:table'] === 'main',
  );
  return {
    functions,
    stateMachineLogLevel: level,
    bucketKeys,
    kmsKeys: resources.filter((r) => r.Type === 'AWS::KMS::Key').length,
    indexes: table ? indexesOf(table) : [],
  };
}
