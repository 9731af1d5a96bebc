/**
 * Submission queue consumer (messages carry a Submit task token): builds one 837P interchange per
 * payer for the batch, stores it, sends it to the clearinghouse, answers each claim's token.
 * Records that could not be submitted are reported as batch item failures (retried, then DLQ).
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { SqsSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { z } from 'zod';
import type { SubmitMessage } from '../../shared/claims/workflow';
import { type SubmissionRequest, submitBatch } from '../../shared/services/submit';
import { type ClaimRecord, ControlNumbers, PayerRepository } from '../../shared/store';
import { loadEnv } from '../env-common';
import { documentClient, s3Client, sfnClient } from '../lib/aws';
import { objects, repositories, taskTokens } from '../lib/ports';
import { observability, wrap } from '../lib/powertools';
import { envSchema } from './env';

const env = loadEnv(envSchema);
const obs = observability('submit-batch');
const doc = documentClient();
const repos = repositories(doc, env.TABLE_NAME);
const counters = new ControlNumbers(doc, env.TABLE_NAME);
const payers = new PayerRepository(doc, env.TABLE_NAME);
const store = objects(s3Client());
const tokens = taskTokens(sfnClient());

const messageSchema = z.object({
  claimId: z.string().min(1).max(38),
  taskToken: z.string().min(1),
}) satisfies z.ZodType<SubmitMessage>;

async function sendToClearinghouse(x12: string, meta: { interchangeControlNumber: string; payerId: string }) {
  const apiKey = await getSecret<string>(env.CLEARINGHOUSE_SECRET_ID, { maxAge: 300 });
  const res = await fetch(env.CLEARINGHOUSE_URL, {
    method: 'POST',
    headers: {
      'content-type': 'application/edi-x12',
      'x-api-key': String(apiKey),
      'x-interchange-control-number': meta.interchangeControlNumber,
    },
    body: x12,
    signal: AbortSignal.timeout(30_000),
  });
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`clearinghouse refused interchange ${meta.interchangeControlNumber}: HTTP ${res.status}`);
  }
}

export async function submitRecords(event: unknown, _context?: Context): Promise<SQSBatchResponse> {
  const sqsEvent = SqsSchema.parse(event);
  const failures: string[] = [];
  const requests: SubmissionRequest[] = [];
  for (const record of sqsEvent.Records) {
    const parsed = messageSchema.safeParse(safeJson(record.body));
    if (parsed.success) requests.push({ ...parsed.data, recordId: record.messageId });
    else {
      obs.logger.error('malformed submission message', { messageId: record.messageId });
      failures.push(record.messageId);
    }
  }
  const outcome = await submitBatch(
    requests,
    {
      bucket: env.X12_BUCKET,
      senderId: env.SUBMITTER_ID,
      receiverId: env.RECEIVER_ID,
      usage: env.X12_USAGE,
      submitter: {
        name: env.SUBMITTER_NAME,
        id: env.SUBMITTER_ID,
        contactName: 'BILLING',
        contactEmail: env.SUBMITTER_CONTACT_EMAIL,
      },
      receiver: { name: env.RECEIVER_NAME, id: env.RECEIVER_ID },
    },
    {
      loadClaim: async (claimId) => {
        const rec = await repos.claims.get(claimId);
        if (!rec) return undefined;
        return rec.submission
          ? { claim: rec.claim, state: rec, submission: rec.submission }
          : { claim: rec.claim, state: rec };
      },
      getPayer: (payerId) => payers.get(payerId),
      nextControlNumber: () => counters.next('ICN'),
      putObject: (bucket, key, body, contentType) => store.write(bucket, key, body, contentType),
      getObject: async (bucket, key) => {
        const chunks: Uint8Array[] = [];
        for await (const chunk of await store.read(bucket, key)) chunks.push(chunk);
        return Buffer.concat(chunks).toString('utf8');
      },
      getInterchange: async (icn) => {
        const rec = await repos.interchanges.get(icn);
        return (
          rec && {
            payerId: rec.payerId,
            x12Key: rec.x12Key,
            claimIds: rec.claimIds,
            sent: Boolean(rec.sentAt),
          }
        );
      },
      markSent: (icn, at) => repos.interchanges.markSent(icn, at),
      sendToClearinghouse,
      recordSubmission: (rec, members) =>
        repos.interchanges.putWithMembers(
          {
            interchangeControlNumber: rec.interchangeControlNumber,
            groupControlNumber: rec.groupControlNumber,
            transactionSetControlNumber: rec.transactionSetControlNumber,
            payerId: rec.payerId,
            x12Key: rec.x12Key,
            claimIds: rec.claimIds,
            createdAt: rec.at,
          },
          members.map((m) => ({
            practiceId: (m.from as ClaimRecord).practiceId,
            from: m.from,
            to: m.to,
            event: m.event,
            attrs: { submission: m.submission },
          })),
        ),
      markNeedsCorrection: async (from, to, event, findings) => {
        await repos.claims.save(from as ClaimRecord, to, event, [], { scrubFindings: findings });
      },
      succeed: async (token, output) => void (await tokens.succeed(token, output)),
      fail: async (token, error, cause) => void (await tokens.fail(token, error, cause)),
      now: () => new Date(),
    },
  );
  for (const i of outcome.interchanges) {
    obs.logger.info('interchange submitted', i);
    obs.metrics.addMetric('ClaimsSubmitted', 'Count', i.claims);
  }
  for (const [what, ids] of [
    ['claims sent to correction: the 837P writer cannot write them', outcome.needsCorrection],
    ['claims no longer awaiting submission: nothing sent, records consumed', outcome.skipped],
    ['interchanges withdrawn: a member claim no longer expects them', outcome.withdrawn],
    ['claims not found: tokens failed', outcome.notFound],
  ] as const) {
    if (ids.length > 0) obs.logger.warn(what, { ids });
  }
  failures.push(...outcome.failed);
  if (outcome.failed.length > 0)
    obs.logger.error('submission failed; records will be retried', { count: outcome.failed.length });
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const handler = wrap(obs, submitRecords);
