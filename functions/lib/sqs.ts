/**
 * SQS batch handling with Powertools: records are parsed with a zod schema (JSON bodies) and
 * processed one by one; failures are reported as batchItemFailures so only they are retried (and,
 * after maxReceiveCount, land in the DLQ: nothing is dropped).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';

export type ParsedRecord<T> = Omit<SQSRecord, 'body'> & { body: T };

export function sqsBatch<S extends z.ZodType>(
  schema: S,
  logger: Logger,
  /** `context` is the invocation's (e.g. for Powertools idempotency's in-progress expiry). */
  handleRecord: (record: ParsedRecord<z.infer<S>>, context: Context) => Promise<void>,
) {
  const processor = new BatchProcessor(EventType.SQS, {
    parser,
    innerSchema: schema,
    transformer: 'json',
    logger,
  });
  return (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(
      event,
      (record: SQSRecord) => handleRecord(record as unknown as ParsedRecord<z.infer<S>>, context),
      processor,
      {
        context,
        processInParallel: false,
      },
    );
}
