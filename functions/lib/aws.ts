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

type RequestHandler = NonNullable<ConstructorParameters<typeof DynamoDBClient>[0]>['requestHandler'];
/**
 * The local runtime (all in one process) may answer DynamoDB and Step Functions in-process instead of
 * over HTTP: it registers its emulators' request handlers here before it imports the handlers. Clients
 * created afterwards use them. Never set on AWS.
 */
const inProcess: {
  dynamodb?: RequestHandler;
  sfn?: RequestHandler;
  /** Installs the emulator's faster path on a client's middleware stack (no serialization, no HTTP). */
  dynamodbShortCircuit?: (stack: unknown) => void;
  sfnShortCircuit?: (stack: unknown) => void;
} = {};
export function useInProcessHandlers(handlers: typeof inProcess): void {
  Object.assign(inProcess, handlers);
}

/**
 * Without the SDK's logger middleware: no logger is configured (the SDK's NoOpLogger), yet the
 * middleware builds a redacted copy of every command's input and output for it, on every call: a few
 * per cent of each function's CPU for log lines nobody writes. Errors still reach the code as before.
 */
function withoutSdkLogging<C extends { middlewareStack: { remove(name: string): boolean } }>(client: C): C {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

/** A plain DynamoDB client (Powertools idempotency's persistence layer). */
export function dynamoClient(): DynamoDBClient {
  return withoutSdkLogging(
    new DynamoDBClient(inProcess.dynamodb ? { requestHandler: inProcess.dynamodb } : {}),
  );
}

export function documentClient(): DynamoDBDocumentClient {
  const doc = DynamoDBDocumentClient.from(dynamoClient(), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  inProcess.dynamodbShortCircuit?.(doc.middlewareStack);
  return doc;
}

/**
 * The resolved middleware stack of each command kind is kept by the client (the stack is complete
 * when the client is made): building it again for every call was a visible share of the SDK's CPU.
 * (The DynamoDB document client refuses this option; its commands are few per call.)
 */
const CACHED_STACK = { cacheMiddleware: true } as const;

export function s3Client(): S3Client {
  return withoutSdkLogging(
    new S3Client(
      local
        ? {
            ...CACHED_STACK,
            forcePathStyle: true,
            requestChecksumCalculation: 'WHEN_REQUIRED',
            responseChecksumValidation: 'WHEN_REQUIRED',
          }
        : CACHED_STACK,
    ),
  );
}

// Locally, queue URLs name the emulator's virtual host; requests must go to the configured endpoint.
export const sqsClient = (): SQSClient =>
  withoutSdkLogging(new SQSClient(local ? { ...CACHED_STACK, useQueueUrlAsEndpoint: false } : CACHED_STACK));
export function sfnClient(): SFNClient {
  const client = withoutSdkLogging(
    new SFNClient(inProcess.sfn ? { ...CACHED_STACK, requestHandler: inProcess.sfn as never } : CACHED_STACK),
  );
  inProcess.sfnShortCircuit?.(client.middlewareStack);
  return client;
}
