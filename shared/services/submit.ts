/**
 * Submission: claims waiting in the submission queue become one 837P interchange per payer.
 * Order per interchange: store it, record it, mark its claims SUBMITTED (with the answer for their
 * Submit token), send it to the clearinghouse, record it as sent, answer the tokens.
 * A retried message for a claim already marked for that token never builds a new interchange: if its
 * interchange was sent, the token is answered again; if not, the same stored interchange (same
 * control numbers) is sent. A claim is therefore never billed under two interchanges.
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
  getObject(bucket: string, key: string): Promise<string>;
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
  interchangeSent(interchangeControlNumber: string): Promise<boolean>;
  markSent(interchangeControlNumber: string, at: string): Promise<void>;
  /** Marks the claim SUBMITTED with its result (idempotent per token hash) and appends the event. */
  markSubmitted(claimId: string, tokenHash: string, result: SubmitResult, at: string): Promise<void>;
  succeed(taskToken: string, output: SubmitResult): Promise<void>;
  fail(taskToken: string, error: string, cause: string): Promise<void>;
  now(): Date;
}

export interface SubmitOutcome {
  interchanges: { interchangeControlNumber: string; payerId: string; claims: number; resent?: boolean }[];
  failed: string[]; // recordIds to retry
  notFound: string[]; // claim ids with no claim: their tokens are failed, the records are done
}

export const tokenHash = (token: string): string =>
  createHash('sha256').update(token).digest('hex').slice(0, 32);

export function interchangeKey(payerId: string, icn: string, at: string): string {
  return `interchanges/837P/${at.slice(0, 10)}/${payerId}/${icn}.x12`;
}

type Pending = { claim: Claim; req: SubmissionRequest };

export async function submitBatch(
  requests: SubmissionRequest[],
  config: SubmitConfig,
  ports: SubmitPorts,
): Promise<SubmitOutcome> {
  const outcome: SubmitOutcome = { interchanges: [], failed: [], notFound: [] };
  const byPayer = new Map<string, Pending[]>();
  const resend = new Map<string, { result: SubmitResult; payerId: string; reqs: SubmissionRequest[] }>();

  for (const req of requests) {
    const loaded = await ports.loadClaim(req.claimId);
    if (!loaded) {
      await ports.fail(req.taskToken, 'ClaimNotFound', `claim ${req.claimId} does not exist`);
      outcome.notFound.push(req.claimId);
      continue;
    }
    if (loaded.submittedTokenHash === tokenHash(req.taskToken) && loaded.submission) {
      const result = loaded.submission;
      if (await ports.interchangeSent(result.interchangeControlNumber)) {
        await ports.succeed(req.taskToken, result); // retried message: answer again, send nothing
      } else {
        const group = resend.get(result.x12Key) ?? { result, payerId: loaded.claim.payer.payerId, reqs: [] };
        group.reqs.push(req);
        resend.set(result.x12Key, group);
      }
      continue;
    }
    const group = byPayer.get(loaded.claim.payer.payerId) ?? [];
    group.push({ claim: loaded.claim, req });
    byPayer.set(loaded.claim.payer.payerId, group);
  }

  for (const { result, payerId, reqs } of resend.values()) {
    try {
      const x12 = await ports.getObject(config.bucket, result.x12Key);
      await send(ports, x12, result, payerId, reqs);
      outcome.interchanges.push({
        interchangeControlNumber: result.interchangeControlNumber,
        payerId,
        claims: reqs.length,
        resent: true,
      });
    } catch {
      for (const req of reqs) outcome.failed.push(req.recordId);
    }
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
      const result: SubmitResult = {
        interchangeControlNumber: written.interchangeControlNumber,
        groupControlNumber: written.groupControlNumber,
        transactionSetControlNumber: written.transactionSetControlNumber,
        x12Key,
      };
      // Marked before sending: from here on, a retry of these records resends this interchange.
      // Known gap: if marking fails part-way, a retry sends the unmarked claims in a new interchange
      // while the marked ones resend this one (which also holds them). Closing it needs a per-claim
      // pointer to the pending interchange written with the interchange record itself.
      for (const { claim, req } of group)
        await ports.markSubmitted(claim.claimId, tokenHash(req.taskToken), result, at);
      await send(
        ports,
        written.x12,
        result,
        payerId,
        group.map((g) => g.req),
      );
      outcome.interchanges.push({
        interchangeControlNumber: written.interchangeControlNumber,
        payerId,
        claims: group.length,
      });
    } catch {
      // Their messages are retried (then dead-lettered); nothing is answered.
      for (const { req } of group) outcome.failed.push(req.recordId);
    }
  }
  return outcome;
}

async function send(
  ports: SubmitPorts,
  x12: string,
  result: SubmitResult,
  payerId: string,
  reqs: SubmissionRequest[],
): Promise<void> {
  await ports.sendToClearinghouse(x12, {
    interchangeControlNumber: result.interchangeControlNumber,
    payerId,
  });
  await ports.markSent(result.interchangeControlNumber, ports.now().toISOString());
  for (const req of reqs) await ports.succeed(req.taskToken, result);
}
