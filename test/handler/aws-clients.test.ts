/**
 * The functions' SDK clients (functions/lib/aws.ts): no SDK logger middleware (it redacts a copy of
 * every input and output for a logger that is never configured), everything else as the SDK builds it.
 */
import { describe, expect, it } from 'vitest';
import { documentClient, dynamoClient, s3Client, sfnClient, sqsClient } from '../../functions/lib/aws';

describe('SDK clients of the functions', () => {
  it.each([
    ['DynamoDB', dynamoClient],
    ['DynamoDB document', documentClient],
    ['S3', s3Client],
    ['SQS', sqsClient],
    ['Step Functions', sfnClient],
  ])('%s: no logger middleware, serializer, signer and retries kept', (_name, make) => {
    const stack = make().middlewareStack.identify().join('\n');
    expect(stack).not.toContain('loggerMiddleware');
    expect(stack).toContain('serializerMiddleware');
    expect(stack).toContain('retryMiddleware');
    expect(stack).toContain('httpSigningMiddleware');
  });

  it('S3, SQS and Step Functions keep their resolved middleware per command kind', () => {
    for (const make of [s3Client, sqsClient, sfnClient]) {
      expect(make().config.cacheMiddleware).toBe(true);
    }
  });
});
