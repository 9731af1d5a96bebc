/**
 * AWS SDK v3 clients, created once per container. Endpoints come from the standard
 * AWS_ENDPOINT_URL_<SERVICE> variables, which is how the local runtime points them at emulators.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const local = Boolean(process.env.AWS_ENDPOINT_URL_S3);

export function documentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export function s3Client(): S3Client {
  return new S3Client(
    local
      ? {
          forcePathStyle: true,
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }
      : {},
  );
}

// Locally, queue URLs name the emulator's virtual host; requests must go to the configured endpoint.
export const sqsClient = (): SQSClient => new SQSClient(local ? { useQueueUrlAsEndpoint: false } : {});
export const sfnClient = (): SFNClient => new SFNClient({});
