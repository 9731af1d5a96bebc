import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../infra/lib/function';
import { type CfnTemplate, synthApp } from './template';

let app: CfnTemplate;
let data: CfnTemplate;
beforeAll(() => {
  const s = synthApp();
  app = s.appJson;
  data = s.dataJson;
});

/** value -> resource type for one metadata key across a template. */
const marked = (t: CfnTemplate, key: string) =>
  Object.fromEntries(
    Object.values(t.Resources)
      .filter((r) => r.Metadata?.[key] !== undefined)
      .map((r) => [r.Metadata?.[key] as string, r.Type]),
  );

describe('local-runtime metadata', () => {
  it('marks the functions, queues, state machine and secrets of the app stack', () => {
    expect(marked(app, 'claimflow:function')).toEqual(
      Object.fromEntries(FUNCTION_NAMES.map((n) => [n, 'AWS::Lambda::Function'])),
    );
    expect(marked(app, 'claimflow:queue')).toEqual(
      Object.fromEntries(
        [
          'intake',
          'intake-dlq',
          'intake-claims',
          'intake-claims-dlq',
          'submission',
          'submission-dlq',
          'remit',
          'remit-dlq',
          'ack',
          'ack-dlq',
        ].map((n) => [n, 'AWS::SQS::Queue']),
      ),
    );
    expect(marked(app, 'claimflow:state-machine')).toEqual({ claim: 'AWS::StepFunctions::StateMachine' });
    expect(marked(app, 'claimflow:secret')).toEqual({
      'webhook-keys': 'AWS::SecretsManager::Secret',
      clearinghouse: 'AWS::SecretsManager::Secret',
    });
  });

  it('marks the buckets and tables of the data stack', () => {
    expect(marked(data, 'claimflow:bucket')).toEqual({
      charges: 'AWS::S3::Bucket',
      x12: 'AWS::S3::Bucket',
      logs: 'AWS::S3::Bucket',
    });
    expect(marked(data, 'claimflow:table')).toEqual({
      main: 'AWS::DynamoDB::Table',
      idempotency: 'AWS::DynamoDB::Table',
    });
  });
});
