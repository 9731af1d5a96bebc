import { describe, expect, it } from 'vitest';
import type { ClaimState } from '../../../shared/claims/state';
import type { TokenReply } from '../../../shared/claims/workflow';
import { type Payer, parsePayer } from '../../../shared/payers';
import type { ScrubFinding } from '../../../shared/scrub';
import { scrubAndAnswer, scrubStoredClaim } from '../../../shared/services/scrub';
import { cleanClaim, line } from './claim';

const state: ClaimState = {
  claimId: 'CTEST000000000001',
  status: 'RECEIVED',
  version: 1,
  seq: 1,
  followUps: 0,
  pending: {},
  updatedAt: '2026-11-01T00:00:00.000Z',
};

async function run(registry: Record<string, Payer>, claim = cleanClaim()) {
  const saved: { findings: ScrubFinding[]; status: string; asked: string[] } = {
    findings: [],
    status: '',
    asked: [],
  };
  const result = await scrubStoredClaim(
    claim.claimId,
    { timelyFilingDays: 365 },
    {
      loadClaim: async () => claim,
      getState: async () => state,
      getPayer: async (id) => {
        saved.asked.push(id);
        return registry[id];
      },
      saveScrub: async (_from, next, _event, findings) => {
        saved.findings = findings;
        saved.status = next.status;
        return true;
      },
      now: () => new Date('2026-11-01T12:00:00.000Z'),
    },
  );
  return { result, ...saved };
}

describe('scrubStoredClaim with the payer registry', () => {
  const late = () => cleanClaim({ lines: [line({ dateOfService: '2026-07-01' })] }); // 123 days

  it("applies the registered payer's timely filing window", async () => {
    const tight = parsePayer({ payerId: 'SIMPAYER1', name: 'ONE', timelyFilingDays: 90 });
    const r = await run({ SIMPAYER1: tight }, late());
    expect(r.asked).toEqual(['SIMPAYER1']);
    expect(r.result).toEqual({ ok: false, errorCount: 1, warningCount: 0 });
    expect(r.findings.map((f) => f.rule)).toEqual(['TIMELY_FILING']);
    expect(r.status).toBe('RECEIVED');
  });

  it('a payer missing from the registry gets the default window and a warning, and is still scrubbed clean', async () => {
    const r = await run({}, late());
    expect(r.result).toEqual({ ok: true, errorCount: 0, warningCount: 1 });
    expect(r.findings.map((f) => f.rule)).toEqual(['PAYER_NOT_IN_REGISTRY']);
    expect(r.status).toBe('SCRUBBED');
  });
});

describe('scrubAndAnswer (the Scrub task: save, then answer the token)', () => {
  /** A claim store that keeps what is saved, and a token channel that records (or refuses) replies. */
  function world(claim = cleanClaim(), replyFails: (n: number) => boolean = () => false) {
    let current: ClaimState = { ...state, claimId: claim.claimId };
    const log: string[] = [];
    const replies: [string, TokenReply][] = [];
    const ports = {
      loadClaim: async () => claim,
      getState: async () => current,
      getPayer: async () => undefined,
      saveScrub: async (from: ClaimState, next: ClaimState, event: { type: string }) => {
        if (from.version !== current.version) return false;
        current = next;
        log.push(`save ${event.type}`);
        return true;
      },
      now: () => new Date('2026-11-01T12:00:00.000Z'),
      reply: async (token: string, reply: TokenReply): Promise<'answered' | 'settled'> => {
        log.push(`reply ${token}`);
        if (replyFails(replies.length + 1)) {
          replies.push([token, reply]);
          throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        }
        replies.push([token, reply]);
        return 'answered';
      },
    };
    return { ports, log, replies, state: () => current };
  }
  const ctx = { timelyFilingDays: 365 };

  it('saves the result, then answers the token: a clean claim with success', async () => {
    const w = world();
    const r = await scrubAndAnswer(
      { claimId: 'C', execution: { claimId: 'C' }, taskToken: 'T1' },
      ctx,
      w.ports,
    );
    expect(r.ok).toBe(true);
    expect(w.log).toEqual(['save SCRUBBED', 'reply T1']);
    expect(w.replies[0]?.[1]).toEqual({ ok: true, output: r });
    expect(w.state().status).toBe('SCRUBBED');
  });

  it("answers a void's claim with scrub errors Scrub.Findings: the function itself does not fail", async () => {
    const w = world(cleanClaim({ lines: [line({ dateOfService: '2020-01-01' })] })); // timely filing
    const r = await scrubAndAnswer(
      { claimId: 'C', execution: { claimId: 'C', void: true }, taskToken: 'T1' },
      ctx,
      w.ports,
    );
    expect(r.ok).toBe(false);
    expect(w.replies[0]?.[1]).toMatchObject({ ok: false, error: 'Scrub.Findings' });
    expect(w.log).toEqual(['save SCRUB_FAILED', 'reply T1']);
  });

  it('a failed answer throws TokenAnswerFailed; the retry (new token) answers without a second SCRUBBED event', async () => {
    const w = world(cleanClaim(), (n) => n === 1);
    const first = scrubAndAnswer(
      { claimId: 'C', execution: { claimId: 'C' }, taskToken: 'T1' },
      ctx,
      w.ports,
    );
    await expect(first).rejects.toMatchObject({ name: 'TokenAnswerFailed' });
    await expect(first).rejects.toThrow(/answering the Scrub task failed \(ThrottlingException\)/);
    const saved = w.state();
    await scrubAndAnswer({ claimId: 'C', execution: { claimId: 'C' }, taskToken: 'T2' }, ctx, w.ports);
    expect(w.log).toEqual(['save SCRUBBED', 'reply T1', 'reply T2']);
    expect(w.state()).toBe(saved);
    expect(w.replies[1]).toEqual(['T2', { ok: true, output: { ok: true, errorCount: 0, warningCount: 1 } }]);
  });

  it("a token already settled (an earlier attempt's answer arrived) is not an error", async () => {
    const w = world();
    w.ports.reply = async () => 'settled';
    await expect(
      scrubAndAnswer({ claimId: 'C', execution: { claimId: 'C' }, taskToken: 'T1' }, ctx, w.ports),
    ).resolves.toMatchObject({ ok: true });
  });
});
