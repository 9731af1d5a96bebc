/**
 * What the application services need from the outside world. Handlers pass real adapters
 * (DynamoDB repositories, S3, SQS, Step Functions); unit tests pass in-memory fakes.
 * Only shared/store knows DynamoDB keys; only functions/ know AWS clients.
 */
import type { Claim, ClaimStatus } from '../claims/model';
import type { WaitKind } from '../claims/workflow';

export interface ObjectStore {
  /** Object body as a byte stream (for large charge files and 835s). */
  read(bucket: string, key: string): Promise<AsyncIterable<Uint8Array>>;
  write(bucket: string, key: string, body: string, contentType: string): Promise<void>;
}

export interface TaskTokens {
  succeed(taskToken: string, output: unknown): Promise<void>;
  fail(taskToken: string, error: string, cause: string): Promise<void>;
}

export interface Executions {
  /** Starts the claim's workflow; 'exists' when an execution of that name already exists. */
  start(name: string, input: unknown): Promise<'started' | 'exists'>;
}

export interface Clock {
  now(): Date;
}

export type { Claim, ClaimStatus, WaitKind };
