/**
 * Submission: claims waiting in the submission queue become one 837P interchange per payer.
 * Each interchange is stored, sent to the clearinghouse, recorded, and every claim's Submit token is
 * answered with the control numbers. A claim already submitted for the same token (a retried
 * message) is answered again with its recorded result and never sent twice.
 */
import { createHash } from 'node:crypto';
import type { Claim } from '../claims/model';
import type { SubmitResult } from '../claims/workflow';
import { type Envelope837P, write837P } from '../x12';

export interface SubmitConfig {
  bucket: string;
  submitter: Envelope837P['submitter'];
  receiver: Envelope837P['receiver'];
  senderId: string;
  receiverId: string;
  usage: 'T' | 'P';
}

export interface SubmissionRequest {
  claimId: string;
  taskToken: string;
  /** Opaque id of the queue record, returned in `failed` when the request cannot be completed. */
  recordId: string;
}

export interface SubmitPorts {
  loadClaim(
    claimId: string,
  ): Promise<{ claim: Claim; submittedTokenHash?: string; submission?: SubmitResult } | undefined>;
  nextControlNumber(): Promise<number>;
  putObject(bucket: string, key: string, body: string, contentType: string): Promise<void>;
  /** Sends the interchange to the clearinghouse; throws when it was not accepted for delivery. */
  sendToClearinghouse(
    x12: string,
    meta: { interchangeControlNumber: string; payerId: string },
  ): Promise<void>;
  recordInterchange(rec: {
    interchangeControlNumber: string;
    groupControlNumber: string;
    transactionSetControlNumber: string;
    payerId: string;
    x12Key: string;
    claimIds: string[];
    at: string;
  }): Promise<void>;
  /** Marks the claim SUBMITTED with its result (idempotent per token hash) and appends the event. */
  markSubmitted(claimId: string, tokenHash: string, result: SubmitResult, at: string): Promise<void>;
  succeed(taskToken: string, output: SubmitResult): Promise<void>;
  fail(taskToken: string, error: string, cause: string): Promise<void>;
  now(): Date;
}

export interface SubmitOutcome {
  interchanges: { interchangeControlNumber: string; payerId: string; claims: number }[];
  failed: string[]; // recordIds to retry
  notFound: string[]; // claim ids with no claim: their tokens are failed, the records are done
}

export const tokenHash = (token: string): string =>
  createHash('sha256').update(token).digest('hex').slice(0, 32);

export function interchangeKey(payerId: string, icn: string, at: string): string {
  return `interchanges/837P/${at.slice(0, 10)}/${payerId}/${icn}.x12`;
}

export async function submitBatch(
  requests: SubmissionRequest[],
  config: SubmitConfig,
  ports: SubmitPorts,
): Promise<SubmitOutcome> {
  const outcome: SubmitOutcome = { interchanges: [], failed: [], notFound: [] };
  const byPayer = new Map<string, { claim: Claim; req: SubmissionRequest }[]>();

  for (const req of requests) {
    const loaded = await ports.loadClaim(req.claimId);
    if (!loaded) {
      await ports.fail(req.taskToken, 'ClaimNotFound', `claim ${req.claimId} does not exist`);
      outcome.notFound.push(req.claimId);
      continue;
    }
    const hash = tokenHash(req.taskToken);
    if (loaded.submittedTokenHash === hash && loaded.submission) {
      // Retried message for a claim already sent: answer again, send nothing.
      await ports.succeed(req.taskToken, loaded.submission);
      continue;
    }
    const group = byPayer.get(loaded.claim.payer.payerId) ?? [];
    group.push({ claim: loaded.claim, req });
    byPayer.set(loaded.claim.payer.payerId, group);
  }

  for (const [payerId, group] of byPayer) {
    try {
      const at = ports.now().toISOString();
      const n = await ports.nextControlNumber();
      const written = write837P({
        claims: group.map((g) => g.claim),
        envelope: {
          senderId: config.senderId,
          receiverId: config.receiverId,
          interchangeControlNumber: n,
          groupControlNumber: n,
          transactionSetControlNumber: n,
          usage: config.usage,
          createdAt: at,
          submitter: config.submitter,
          receiver: config.receiver,
        },
      });
      const x12Key = interchangeKey(payerId, written.interchangeControlNumber, at);
      await ports.putObject(config.bucket, x12Key, written.x12, 'application/edi-x12');
      await ports.recordInterchange({
        interchangeControlNumber: written.interchangeControlNumber,
        groupControlNumber: written.groupControlNumber,
        transactionSetControlNumber: written.transactionSetControlNumber,
        payerId,
        x12Key,
        claimIds: written.claimIds,
        at,
      });
      await ports.sendToClearinghouse(written.x12, {
        interchangeControlNumber: written.interchangeControlNumber,
        payerId,
      });
      const result: SubmitResult = {
        interchangeControlNumber: written.interchangeControlNumber,
        groupControlNumber: written.groupControlNumber,
        transactionSetControlNumber: written.transactionSetControlNumber,
        x12Key,
      };
      for (const { claim, req } of group) {
        await ports.markSubmitted(claim.claimId, tokenHash(req.taskToken), result, at);
        await ports.succeed(req.taskToken, result);
      }
      outcome.interchanges.push({
        interchangeControlNumber: written.interchangeControlNumber,
        payerId,
        claims: group.length,
      });
    } catch (err) {
      // Nothing was marked submitted for this payer's claims; their messages are retried (then DLQ).
      for (const { req } of group) outcome.failed.push(req.recordId);
      if (!(err instanceof Error)) throw err;
    }
  }
  return outcome;
}
