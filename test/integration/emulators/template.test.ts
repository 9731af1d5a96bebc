/**
 * The state machine definition out of a synthesized CloudFormation template, with local ARNs and URLs.
 */
import { describe, expect, it } from 'vitest';
import { resolveStateMachine } from '../../../local/emulators/template';

const names = {
  functionArn: (fn: string) => `arn:aws:lambda:us-east-1:000000000000:function:${fn}`,
  queueUrl: (q: string) => `http://127.0.0.1:4566/000000000000/claimflow-${q}`,
};

/** The shape CDK synthesizes: DefinitionString as Fn::Join of literal parts and references. */
function template(definitionString: unknown, extra: Record<string, unknown> = {}) {
  return {
    Resources: {
      ScrubFnABC123: {
        Type: 'AWS::Lambda::Function',
        Metadata: { 'claimflow:function': 'scrub-claim' },
        Properties: {},
      },
      SubmissionQueueDEF456: {
        Type: 'AWS::SQS::Queue',
        Metadata: { 'claimflow:queue': 'submission' },
        Properties: {},
      },
      OtherMachine: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: '{}' } },
      ClaimMachine99: {
        Type: 'AWS::StepFunctions::StateMachine',
        Metadata: { 'claimflow:state-machine': 'claim' },
        Properties: { DefinitionString: definitionString },
      },
      ...extra,
    },
  };
}

const joined = {
  'Fn::Join': [
    '',
    [
      '{"StartAt":"Scrub","States":{"Scrub":{"Type":"Task","Resource":"arn:',
      { Ref: 'AWS::Partition' },
      ':states:::lambda:invoke","Parameters":{"FunctionName":"',
      { 'Fn::GetAtt': ['ScrubFnABC123', 'Arn'] },
      '","Payload.$":"$"},"Next":"Submit"},"Submit":{"Type":"Task","Resource":"arn:',
      { Ref: 'AWS::Partition' },
      ':states:::sqs:sendMessage.waitForTaskToken","Parameters":{"QueueUrl":"',
      { Ref: 'SubmissionQueueDEF456' },
      '","MessageBody":{"taskToken.$":"$$.Task.Token"}},"End":true}}}',
    ],
  ],
};

describe('resolveStateMachine', () => {
  it('substitutes Lambda ARNs, queue URLs and pseudo parameters found by claimflow metadata', () => {
    const asl = resolveStateMachine(template(joined), names) as {
      States: Record<string, { Resource: string; Parameters: Record<string, unknown> }>;
    };
    expect(asl.States.Scrub?.Resource).toBe('arn:aws:states:::lambda:invoke');
    expect(asl.States.Scrub?.Parameters.FunctionName).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:scrub-claim',
    );
    expect(asl.States.Submit?.Resource).toBe('arn:aws:states:::sqs:sendMessage.waitForTaskToken');
    expect(asl.States.Submit?.Parameters.QueueUrl).toBe(
      'http://127.0.0.1:4566/000000000000/claimflow-submission',
    );
    expect(asl.States.Submit?.Parameters.MessageBody).toEqual({ 'taskToken.$': '$$.Task.Token' });
  });

  it('takes a plain DefinitionString as is', () => {
    expect(resolveStateMachine(template('{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}'), names)).toEqual(
      {
        StartAt: 'A',
        States: { A: { Type: 'Succeed' } },
      },
    );
  });

  it('refuses references it cannot resolve locally', () => {
    const unknownRef = { 'Fn::Join': ['', ['{"x":"', { Ref: 'SomeBucket' }, '"}']] };
    expect(() => resolveStateMachine(template(unknownRef), names)).toThrow(/SomeBucket/);
    const unknownAttr = { 'Fn::Join': ['', ['{"x":"', { 'Fn::GetAtt': ['ScrubFnABC123', 'Name'] }, '"}']] };
    expect(() => resolveStateMachine(template(unknownAttr), names)).toThrow(/ScrubFnABC123\.Name/);
  });

  it('needs the state machine tagged claimflow:state-machine', () => {
    expect(() => resolveStateMachine({ Resources: {} }, names)).toThrow(/claimflow:state-machine/);
  });
});
