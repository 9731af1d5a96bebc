/**
 * The state machine definition from the synthesized CloudFormation template, with its Lambda ARNs
 * and queue URLs replaced by local ones. Resources are found by their `claimflow:*` metadata.
 */
type Cfn = { Type: string; Metadata?: Record<string, unknown>; Properties?: Record<string, unknown> };

export interface LocalNames {
  functionArn(functionName: string): string;
  queueUrl(queueName: string): string;
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '000000000000',
  'AWS::URLSuffix': 'amazonaws.com',
};

export function resolveStateMachine(
  template: { Resources: Record<string, unknown> },
  names: LocalNames,
): Record<string, unknown> {
  const resources = template.Resources as Record<string, Cfn>;
  const machine = Object.values(resources).find(
    (r) => r.Type === 'AWS::StepFunctions::StateMachine' && r.Metadata?.['claimflow:state-machine'],
  );
  if (!machine) throw new Error('template has no state machine with claimflow:state-machine metadata');
  const resolve = (part: unknown): string => {
    if (typeof part === 'string') return part;
    const p = part as Record<string, unknown>;
    if (p['Fn::GetAtt']) {
      const [logicalId, attr] = p['Fn::GetAtt'] as [string, string];
      const fn = resources[logicalId]?.Metadata?.['claimflow:function'];
      if (attr === 'Arn' && typeof fn === 'string') return names.functionArn(fn);
      throw new Error(`cannot resolve Fn::GetAtt ${logicalId}.${attr}`);
    }
    if (p.Ref) {
      const ref = String(p.Ref);
      if (PSEUDO[ref]) return PSEUDO[ref];
      const queue = resources[ref]?.Metadata?.['claimflow:queue'];
      if (typeof queue === 'string') return names.queueUrl(queue);
      throw new Error(`cannot resolve Ref ${ref}`);
    }
    if (p['Fn::Join']) {
      const [sep, parts] = p['Fn::Join'] as [string, unknown[]];
      return parts.map(resolve).join(sep);
    }
    throw new Error(`cannot resolve ${JSON.stringify(part).slice(0, 80)}`);
  };
  const text = resolve(machine.Properties?.DefinitionString);
  return JSON.parse(text) as Record<string, unknown>;
}
