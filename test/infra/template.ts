/** Helpers for the infra tests: synthesize once (no bundling) and query the CloudFormation templates. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../infra/create-app';

/**
 * A cloud assembly directory of its own, for the caller to remove (CDK's default, a new cdk.out* in
 * the system temp dir per synth, is never removed: every test run left dozens behind).
 */
export function tempOutdir(): string {
  return mkdtempSync(path.join(tmpdir(), 'claimflow-cdk-'));
}

export type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
};
export type CfnTemplate = { Resources: Record<string, Resource>; Outputs?: Record<string, unknown> };

/**
 * Synthesizes the app (no bundling) and reads both templates. The cloud assembly's directory is
 * removed before returning, unless `keepAssembly` (then the caller removes `assembly.directory`).
 */
export function synthApp(context?: Record<string, unknown>, opts: { keepAssembly?: boolean } = {}) {
  const outdir = tempOutdir();
  try {
    const built = createApp({ skipBundling: true, outdir, ...(context ? { context } : {}) });
    const assembly = built.app.synth();
    const appJson = assembly.getStackByName(built.appStack.stackName).template as CfnTemplate;
    const dataJson = assembly.getStackByName(built.dataStack.stackName).template as CfnTemplate;
    return {
      ...built,
      assembly,
      appJson,
      dataJson,
      app: built.app,
      appTemplate: Template.fromJSON(appJson),
      dataTemplate: Template.fromJSON(dataJson),
    };
  } finally {
    if (!opts.keepAssembly) rmSync(outdir, { recursive: true, force: true });
  }
}

export function resourcesOfType(t: CfnTemplate, type: string): [string, Resource][] {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}

/** The one resource carrying Metadata[key] === value. */
export function byMetadata(t: CfnTemplate, key: string, value: string): [string, Resource] {
  const found = Object.entries(t.Resources).filter(([, r]) => r.Metadata?.[key] === value);
  if (found.length !== 1)
    throw new Error(`expected one resource with ${key}=${value}, found ${found.length}`);
  return found[0] as [string, Resource];
}

/** All IAM actions allowed to a role (policies attached by Ref to the role). */
export function actionsOfRole(
  t: CfnTemplate,
  roleLogicalId: string,
): { action: string; resource: unknown }[] {
  const out: { action: string; resource: unknown }[] = [];
  for (const [, policy] of resourcesOfType(t, 'AWS::IAM::Policy')) {
    const roles = (policy.Properties?.Roles ?? []) as { Ref?: string }[];
    if (!roles.some((r) => r.Ref === roleLogicalId)) continue;
    const doc = policy.Properties?.PolicyDocument as {
      Statement: { Action: string | string[]; Resource: unknown; Effect: string }[];
    };
    for (const s of doc.Statement) {
      if (s.Effect !== 'Allow') continue;
      for (const a of [s.Action].flat()) out.push({ action: a, resource: s.Resource });
    }
  }
  return out;
}

/** Logical id of the role a Lambda function runs with. */
export function roleOfFunction(fn: Resource): string {
  const role = fn.Properties?.Role as { 'Fn::GetAtt': [string, string] };
  return role['Fn::GetAtt'][0];
}

/**
 * Parses a state machine DefinitionString (a Fn::Join of strings and tokens): tokens become placeholders
 * `__TOKEN_<n>__` and `tokens[n]` holds the CloudFormation expression.
 */
export function parseDefinition(definition: unknown): { json: Record<string, unknown>; tokens: unknown[] } {
  const tokens: unknown[] = [];
  let text: string;
  if (typeof definition === 'string') text = definition;
  else {
    const join = (definition as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    text = join[1]
      .map((part) => {
        if (typeof part === 'string') return part;
        tokens.push(part);
        return `__TOKEN_${tokens.length - 1}__`;
      })
      .join(join[0]);
  }
  return { json: JSON.parse(text) as Record<string, unknown>, tokens };
}
