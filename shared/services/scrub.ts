/**
 * scrub-claim: run the scrub rules on a stored claim, keep the findings with the claim, record the
 * result as an event. SCRUBBED when clean; the state machine sends a claim with errors to
 * NeedsCorrection. The claim's payer comes from the payer registry: its timely-filing window and
 * rules apply; a payer missing from the registry gets the default window and a warning. The
 * deployer's CPT list and NCCI table, when given, run with the other rules.
 *
 * The Scrub state waits for a task token (scrubAndAnswer): the result is saved first, then the
 * token answered (scrubAnswer: success, or the Scrub.Findings / Scrub.Void failure its Catch
 * routes). An answer that fails throws TokenAnswerFailedError: the state retries with a new token
 * and the scrub runs again; a claim already SCRUBBED by that earlier attempt is not saved twice.
 */
import type { Claim, ClaimEvent } from '../claims/model';
import type { ClaimState } from '../claims/state';
import { type ScrubInput, type ScrubResult, scrubAnswer, type TokenReply } from '../claims/workflow';
import type { Payer } from '../payers';
import { type ScrubFinding, scrubClaim } from '../scrub';
import type { CptList } from '../scrub/codesets';
import type { NcciTable } from '../scrub/ncci';
import { TokenAnswerFailedError } from './transition';

export interface ScrubPorts {
  loadClaim(claimId: string): Promise<Claim | undefined>;
  getState(claimId: string): Promise<ClaimState | undefined>;
  /** The payer registry's record for a payer id; undefined when the registry has none. */
  getPayer(payerId: string): Promise<Payer | undefined>;
  saveScrub(
    from: ClaimState,
    next: ClaimState,
    event: ClaimEvent,
    findings: ScrubFinding[],
  ): Promise<boolean>;
  now(): Date;
}

export interface ScrubAnswerPorts extends ScrubPorts {
  /** Sends the Scrub token's answer; 'settled' when it was already answered or timed out. Throws on other errors. */
  reply(taskToken: string, reply: TokenReply): Promise<'answered' | 'settled'>;
}

export interface ScrubContext {
  timelyFilingDays: number;
  cpt?: CptList;
  ncci?: NcciTable;
}

/** The Scrub state: scrub the stored claim, then answer the state's token with scrubAnswer. */
export async function scrubAndAnswer(
  input: ScrubInput,
  ctx: ScrubContext,
  ports: ScrubAnswerPorts,
): Promise<ScrubResult> {
  const result = await scrubStoredClaim(input.claimId, ctx, ports);
  try {
    // 'settled': an earlier attempt of ours answered it (or the task timed out): nothing to do.
    await ports.reply(input.taskToken, scrubAnswer(result, input.execution));
  } catch (err) {
    throw new TokenAnswerFailedError(
      `claim ${input.claimId}: answering the Scrub task failed (${(err as Error).name}); the scrub is retried`,
    );
  }
  return result;
}

export async function scrubStoredClaim(
  claimId: string,
  ctx: ScrubContext,
  ports: ScrubPorts,
): Promise<ScrubResult> {
  const claim = await ports.loadClaim(claimId);
  if (!claim) throw new Error(`claim ${claimId} does not exist`);
  const payer = (await ports.getPayer(claim.payer.payerId)) ?? null;
  for (let attempt = 0; attempt < 8; attempt++) {
    const state = await ports.getState(claimId);
    if (!state) throw new Error(`claim ${claimId} has no state`);
    const now = ports.now();
    // A void (frequency 8) resends the claim the payer has on file only to cancel it: the rules
    // (timely filing above all) do not apply to it.
    const findings =
      claim.frequencyCode === '8'
        ? []
        : scrubClaim(claim, {
            today: now.toISOString().slice(0, 10),
            timelyFilingDays: ctx.timelyFilingDays,
            payer,
            ...(ctx.cpt ? { cpt: ctx.cpt } : {}),
            ...(ctx.ncci ? { ncci: ctx.ncci } : {}),
          });
    const errors = findings.filter((f) => f.severity === 'error');
    const ok = errors.length === 0;
    const result = { ok, errorCount: errors.length, warningCount: findings.length - errors.length };
    // Only an earlier attempt of this Scrub state leaves a claim SCRUBBED here (a scrub starts from
    // RECEIVED, a correction or an ended claim being voided): its save stands, no second event.
    if (ok && state.status === 'SCRUBBED') return result;
    const at = now.toISOString();
    const next: ClaimState = {
      ...state,
      status: ok ? 'SCRUBBED' : state.status,
      version: state.version + 1,
      seq: state.seq + 1,
      updatedAt: at,
    };
    const event: ClaimEvent = {
      claimId,
      at,
      seq: next.seq,
      type: ok ? 'SCRUBBED' : 'SCRUB_FAILED',
      status: next.status,
      detail: { rules: [...new Set(findings.map((f) => f.rule))], errors: errors.length },
    };
    if (await ports.saveScrub(state, next, event, findings)) return result;
  }
  throw new Error(`claim ${claimId}: scrub result lost repeated version races`);
}
