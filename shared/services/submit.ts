/**
 * Submission: claims waiting in the submission queue become one 837P interchange per payer.
 *
 * Order per interchange: store the X12, then in ONE write record the interchange with its member
 * claims and mark every member SUBMITTED with a pointer to it (version-checked), send it to the
 * clearinghouse, record it as sent, answer the tokens. Marking is all-or-nothing, so no claim can be
 * marked for one interchange while its batch-mates are built into another.
 *
 * A message for a claim that is already a member of a stored-but-unsent interchange only ever
 * resends THAT interchange (same control numbers), whatever token it carries, and only while every
 * member still expects it (status SUBMITTED, pointer to it); otherwise the interchange is withdrawn
 * (never sent) and the tokens are failed to human review; a claim that has left SUBMITTED has left
 * that interchange for good, and once corrected and scrubbed again it is built into a new one. A
 * message whose token was answered for a
 * sent interchange is answered again, nothing sent. A claim whose status no longer expects
 * submission (e.g. a message redriven from the DLQ after its token expired and the execution went
 * on) gets nothing sent: its token is failed (a settled token is fine) and the record is consumed.
 * A claim the 837P writer cannot write goes alone to NEEDS_CORRECTION with a finding; the rest of
 * its payer group is still sent. A claim is therefore never billed under two interchanges.
 *
 * Known residual: the member check and the send are not one atomic step. A member whose Submit
 * token times out in the moment between them is sent while its execution goes to human review; its
 * 999/277CA/835 then arrive as unexpected outcomes recorded for a person (see services/outcomes.ts).
 * Closing it fully needs a conditional "sending" lease on the interchange record.
 */
import { createHash } from 'node:crypto';
import type { Claim, ClaimEvent, ClaimStatus } from '../claims/model';
import { applyTransition, type ClaimState } from '../claims/state';
import { SUBMIT_ERRORS, type SubmitResult } from '../claims/workflow';
import { type Payer, withPayerRules } from '../payers';
import { type Envelope837P, write837P, X12Error } from '../x12';

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

/** The claim's submission pointer: the token (hashed) it was marked for, and the interchange. */
export interface SubmissionPointer {
  tokenHash: string;
  result: SubmitResult;
}

export interface LoadedClaim {
  claim: Claim;
  /** The claim's current state (status, version); what a version-checked save starts from. */
  state: ClaimState;
  submission?: SubmissionPointer;
}

export interface InterchangeInfo {
  payerId: string;
  x12Key: string;
  claimIds: string[];
  sent: boolean;
}

export interface InterchangeRecordInput {
  interchangeControlNumber: string;
  groupControlNumber: string;
  transactionSetControlNumber: string;
  payerId: string;
  x12Key: string;
  claimIds: string[];
  at: string;
}

/** One member claim of a new interchange: saved as `to` if still at `from.version`. */
export interface SubmissionMark {
  from: ClaimState;
  to: ClaimState;
  event: ClaimEvent;
  submission: SubmissionPointer;
}

/** A problem with a claim found at submission (no PHI: a code and a fixed message). */
export interface SubmitFinding {
  rule: string;
  severity: 'error';
  message: string;
}

export interface SubmitPorts {
  loadClaim(claimId: string): Promise<LoadedClaim | undefined>;
  /**
   * The payer registry's record (undefined when the payer is not in it). Claims are built with the
   * payer's claim filing indicator (SBR09); the default (CI) without a registry or a record.
   */
  getPayer?(payerId: string): Promise<Payer | undefined>;
  nextControlNumber(): Promise<number>;
  putObject(bucket: string, key: string, body: string, contentType: string): Promise<void>;
  getObject(bucket: string, key: string): Promise<string>;
  /** Sends the interchange to the clearinghouse; throws when it was not accepted for delivery. */
  sendToClearinghouse(
    x12: string,
    meta: { interchangeControlNumber: string; payerId: string },
  ): Promise<void>;
  getInterchange(interchangeControlNumber: string): Promise<InterchangeInfo | undefined>;
  /**
   * One atomic write: the interchange record (with its member rows) and every member claim saved
   * (version-checked) with its event and submission pointer. Throws, writing nothing, when any
   * member changed since it was loaded or the control number is already recorded.
   */
  recordSubmission(rec: InterchangeRecordInput, members: SubmissionMark[]): Promise<void>;
  markSent(interchangeControlNumber: string, at: string): Promise<void>;
  /** Saves the claim as `to` (NEEDS_CORRECTION) with its findings and event, version-checked; throws on conflict. */
  markNeedsCorrection(
    from: ClaimState,
    to: ClaimState,
    event: ClaimEvent,
    findings: SubmitFinding[],
  ): Promise<void>;
  /** SendTaskSuccess; a token already answered, timed out or unknown is not an error. */
  succeed(taskToken: string, output: SubmitResult): Promise<void>;
  /** SendTaskFailure; a token already answered, timed out or unknown is not an error. */
  fail(taskToken: string, error: string, cause: string): Promise<void>;
  now(): Date;
}

export interface SubmitOutcome {
  interchanges: { interchangeControlNumber: string; payerId: string; claims: number; resent?: boolean }[];
  failed: string[]; // recordIds to retry
  notFound: string[]; // claim ids with no claim: their tokens are failed, the records are done
  /** Claim ids the 837P writer could not write: now NEEDS_CORRECTION, tokens failed to that wait. */
  needsCorrection: string[];
  /** Claim ids whose status no longer expects submission: nothing sent, tokens failed, records done. */
  skipped: string[];
  /** Stored interchanges never to be sent because a member no longer expects them. */
  withdrawn: string[];
}

/** Statuses in which a claim expects to be submitted (the Submit state follows a passed scrub). */
export const SUBMITTABLE: readonly ClaimStatus[] = ['SCRUBBED'];
/** One interchange record + 3 writes per member claim must fit one DynamoDB transaction (100). */
export const MAX_CLAIMS_PER_INTERCHANGE = 30;
export const UNWRITABLE_RULE = 'X12_837P_WRITE';

export const tokenHash = (token: string): string =>
  createHash('sha256').update(token).digest('hex').slice(0, 32);

export function interchangeKey(payerId: string, icn: string, at: string): string {
  return `interchanges/837P/${at.slice(0, 10)}/${payerId}/${icn}.x12`;
}

type Pending = { loaded: LoadedClaim; req: SubmissionRequest };
type Resend = { result: SubmitResult; info: InterchangeInfo; members: Pending[] };

export async function submitBatch(
  requests: SubmissionRequest[],
  config: SubmitConfig,
  ports: SubmitPorts,
): Promise<SubmitOutcome> {
  const outcome: SubmitOutcome = {
    interchanges: [],
    failed: [],
    notFound: [],
    needsCorrection: [],
    skipped: [],
    withdrawn: [],
  };
  // A claim twice in one batch (a duplicated message): the later copy is handled after the first
  // is done, so it finds the claim marked and answers (or resends) instead of building anew.
  let rest = requests;
  while (rest.length > 0) {
    const seen = new Set<string>();
    const round: SubmissionRequest[] = [];
    const later: SubmissionRequest[] = [];
    for (const req of rest) {
      if (seen.has(req.claimId)) later.push(req);
      else {
        seen.add(req.claimId);
        round.push(req);
      }
    }
    await submitRound(round, config, ports, outcome);
    rest = later;
  }
  return outcome;
}

async function submitRound(
  requests: SubmissionRequest[],
  config: SubmitConfig,
  ports: SubmitPorts,
  outcome: SubmitOutcome,
): Promise<void> {
  const byPayer = new Map<string, Pending[]>();
  const resend = new Map<string, Resend>();
  const payers = new Map<string, Promise<Payer | undefined>>();
  const payerOf = (payerId: string) => {
    let p = payers.get(payerId);
    if (!p) {
      p = ports.getPayer ? ports.getPayer(payerId) : Promise.resolve(undefined);
      payers.set(payerId, p);
    }
    return p;
  };

  for (const req of requests) {
    try {
      const stored = await ports.loadClaim(req.claimId);
      // SBR09 from the payer registry, set before anything is written.
      const loaded = stored && {
        ...stored,
        claim: withPayerRules(stored.claim, await payerOf(stored.claim.payer.payerId)),
      };
      if (!loaded) {
        await ports.fail(req.taskToken, SUBMIT_ERRORS.CLAIM_NOT_FOUND, `claim ${req.claimId} does not exist`);
        outcome.notFound.push(req.claimId);
        continue;
      }
      const pointer = loaded.submission;
      if (pointer) {
        const icn = pointer.result.interchangeControlNumber;
        const info = await ports.getInterchange(icn);
        if (!info)
          throw new Error(`claim ${req.claimId} points at interchange ${icn}, which is not recorded`);
        if (!info.sent && loaded.state.status === 'SUBMITTED') {
          // Member of a stored-but-unsent interchange: that interchange or nothing, whatever the token.
          const group = resend.get(icn) ?? { result: pointer.result, info, members: [] };
          group.members.push({ loaded, req });
          resend.set(icn, group);
          continue;
        }
        if (info.sent && pointer.tokenHash === tokenHash(req.taskToken)) {
          await ports.succeed(req.taskToken, pointer.result); // retried message: answer again, send nothing
          continue;
        }
        // Sent under an earlier token, or an unsent interchange the claim has left (it moved on from
        // SUBMITTED, so that interchange can never be sent: not every member expects it): a new
        // submission only if the claim expects one (below).
      }
      if (!SUBMITTABLE.includes(loaded.state.status)) {
        await notSubmittable(ports, req, loaded.state.status);
        outcome.skipped.push(req.claimId);
        continue;
      }
      const payerId = loaded.claim.payer.payerId;
      const group = byPayer.get(payerId) ?? [];
      group.push({ loaded, req });
      byPayer.set(payerId, group);
    } catch {
      outcome.failed.push(req.recordId);
    }
  }

  for (const [icn, group] of resend) await resendInterchange(icn, group, config, ports, outcome);

  for (const [payerId, group] of byPayer) {
    const writable = await setAsideUnwritable(group, config, ports, outcome);
    for (let i = 0; i < writable.length; i += MAX_CLAIMS_PER_INTERCHANGE) {
      await submitNew(payerId, writable.slice(i, i + MAX_CLAIMS_PER_INTERCHANGE), config, ports, outcome);
    }
  }
}

async function notSubmittable(
  ports: SubmitPorts,
  req: SubmissionRequest,
  status: ClaimStatus,
): Promise<void> {
  const error =
    status === 'NEEDS_CORRECTION' ? SUBMIT_ERRORS.NEEDS_CORRECTION : SUBMIT_ERRORS.NOT_SUBMITTABLE;
  await ports.fail(req.taskToken, error, `claim ${req.claimId} is ${status}, not awaiting submission`);
}

const expects = (loaded: LoadedClaim | undefined, icn: string): boolean =>
  loaded?.state.status === 'SUBMITTED' && loaded.submission?.result.interchangeControlNumber === icn;

async function resendInterchange(
  icn: string,
  group: Resend,
  config: SubmitConfig,
  ports: SubmitPorts,
  outcome: SubmitOutcome,
): Promise<void> {
  try {
    // Every member must still expect this interchange; one that moved on (e.g. its token expired
    // and it went to human review) must not be billed, so then nobody is sent.
    const inBatch = new Map(group.members.map((m) => [m.req.claimId, m.loaded]));
    let allExpect = true;
    for (const claimId of group.info.claimIds) {
      const loaded = inBatch.get(claimId) ?? (await ports.loadClaim(claimId));
      if (!expects(loaded, icn)) {
        allExpect = false;
        break;
      }
    }
    if (!allExpect) {
      for (const { loaded, req } of group.members) {
        try {
          if (expects(loaded, icn)) {
            await ports.fail(
              req.taskToken,
              SUBMIT_ERRORS.WITHDRAWN,
              `interchange ${icn} of claim ${req.claimId} was withdrawn: another of its claims no longer expects it`,
            );
          } else {
            await notSubmittable(ports, req, loaded.state.status);
          }
          outcome.skipped.push(req.claimId);
        } catch {
          outcome.failed.push(req.recordId);
        }
      }
      outcome.withdrawn.push(icn);
      return;
    }
    const x12 = await ports.getObject(config.bucket, group.result.x12Key);
    await send(ports, x12, group.result, group.info.payerId, group.members, outcome);
    outcome.interchanges.push({
      interchangeControlNumber: icn,
      payerId: group.info.payerId,
      claims: group.members.length,
      resent: true,
    });
  } catch {
    for (const { req } of group.members) outcome.failed.push(req.recordId);
  }
}

function envelope(config: SubmitConfig, n: number, at: string): Envelope837P {
  return {
    senderId: config.senderId,
    receiverId: config.receiverId,
    interchangeControlNumber: n,
    groupControlNumber: n,
    transactionSetControlNumber: n,
    usage: config.usage,
    createdAt: at,
    submitter: config.submitter,
    receiver: config.receiver,
  };
}

function writeError(claims: Claim[], config: SubmitConfig, at: string): unknown {
  try {
    write837P({ claims, envelope: envelope(config, 1, at) });
    return undefined;
  } catch (err) {
    return err ?? new Error('write failed');
  }
}

/**
 * When the group cannot be written, finds the claims that cannot be written alone, marks each
 * NEEDS_CORRECTION with a finding and fails its token to the NeedsCorrection wait. Returns the rest.
 */
async function setAsideUnwritable(
  group: Pending[],
  config: SubmitConfig,
  ports: SubmitPorts,
  outcome: SubmitOutcome,
): Promise<Pending[]> {
  const at = ports.now().toISOString();
  if (
    writeError(
      group.map((g) => g.loaded.claim),
      config,
      at,
    ) === undefined
  )
    return group;
  const writable: Pending[] = [];
  for (const member of group) {
    const err = writeError([member.loaded.claim], config, at);
    // Only an error the writer names this claim in is the claim's; anything else (e.g. a bad
    // envelope configuration) is the batch's: the records are retried, no claim is blamed.
    if (
      err === undefined ||
      !(err instanceof X12Error && err.message.includes(`claim ${member.req.claimId}:`))
    ) {
      writable.push(member);
      continue;
    }
    const { loaded, req } = member;
    try {
      // The writer's messages name the claim id and the rule broken, never the patient's data.
      const finding: SubmitFinding = { rule: UNWRITABLE_RULE, severity: 'error', message: err.message };
      const applied = applyTransition(
        loaded.state,
        { claimId: req.claimId, to: 'NEEDS_CORRECTION', event: 'SUBMIT_REJECTED' },
        at,
      );
      if (!applied.ok) throw new Error(applied.error.message);
      const event: ClaimEvent = {
        ...applied.event,
        detail: { ...applied.event.detail, findings: [{ rule: finding.rule, message: finding.message }] },
      };
      await ports.markNeedsCorrection(loaded.state, applied.state, event, [finding]);
      await ports.fail(
        req.taskToken,
        SUBMIT_ERRORS.NEEDS_CORRECTION,
        `claim ${req.claimId}: ${finding.message}`,
      );
      outcome.needsCorrection.push(req.claimId);
    } catch {
      outcome.failed.push(req.recordId);
    }
  }
  return writable;
}

async function submitNew(
  payerId: string,
  group: Pending[],
  config: SubmitConfig,
  ports: SubmitPorts,
  outcome: SubmitOutcome,
): Promise<void> {
  if (group.length === 0) return;
  try {
    const at = ports.now().toISOString();
    const n = await ports.nextControlNumber();
    const written = write837P({
      claims: group.map((g) => g.loaded.claim),
      envelope: envelope(config, n, at),
    });
    const x12Key = interchangeKey(payerId, written.interchangeControlNumber, at);
    await ports.putObject(config.bucket, x12Key, written.x12, 'application/edi-x12');
    const result: SubmitResult = {
      interchangeControlNumber: written.interchangeControlNumber,
      groupControlNumber: written.groupControlNumber,
      transactionSetControlNumber: written.transactionSetControlNumber,
      x12Key,
    };
    const members: SubmissionMark[] = group.map(({ loaded, req }) => {
      const applied = applyTransition(
        loaded.state,
        { claimId: req.claimId, to: 'SUBMITTED', event: 'SUBMITTED' },
        at,
      );
      if (!applied.ok) throw new Error(applied.error.message);
      return {
        from: loaded.state,
        to: applied.state,
        event: {
          ...applied.event,
          detail: { ...applied.event.detail, interchangeControlNumber: written.interchangeControlNumber },
        },
        submission: { tokenHash: tokenHash(req.taskToken), result },
      };
    });
    // Recorded and marked in one write, before sending: from here on any message for these claims
    // resends this interchange, never builds another.
    await ports.recordSubmission(
      {
        interchangeControlNumber: written.interchangeControlNumber,
        groupControlNumber: written.groupControlNumber,
        transactionSetControlNumber: written.transactionSetControlNumber,
        payerId,
        x12Key,
        claimIds: written.claimIds,
        at,
      },
      members,
    );
    await send(ports, written.x12, result, payerId, group, outcome);
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

/** Sends and records the interchange as sent (throws if either fails), then answers each token. */
async function send(
  ports: SubmitPorts,
  x12: string,
  result: SubmitResult,
  payerId: string,
  members: Pending[],
  outcome: SubmitOutcome,
): Promise<void> {
  await ports.sendToClearinghouse(x12, {
    interchangeControlNumber: result.interchangeControlNumber,
    payerId,
  });
  await ports.markSent(result.interchangeControlNumber, ports.now().toISOString());
  for (const { req } of members) {
    try {
      await ports.succeed(req.taskToken, result);
    } catch {
      outcome.failed.push(req.recordId); // retried: it finds the interchange sent and answers again
    }
  }
}
