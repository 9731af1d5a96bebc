import { describe, expect, it } from 'vitest';
import { read837 } from '../../../local/simulator/payer';
import type { Claim, ClaimEvent, ClaimStatus } from '../../../shared/claims/model';
import { type ClaimState, initialState } from '../../../shared/claims/state';
import { SUBMIT_ERRORS, type SubmitResult } from '../../../shared/claims/workflow';
import {
  type InterchangeInfo,
  MAX_CLAIMS_PER_INTERCHANGE,
  type SubmissionPointer,
  type SubmissionRequest,
  type SubmitFinding,
  type SubmitPorts,
  submitBatch,
  UNWRITABLE_RULE,
} from '../../../shared/services/submit';
import { makeClaim } from '../x12/fixtures';

const config = {
  bucket: 'x12',
  senderId: 'CLAIMFLOW',
  receiverId: 'SIMCLEAR',
  usage: 'T' as const,
  submitter: { name: 'CLAIMFLOW', id: 'CLAIMFLOW', contactName: 'BILLING', contactEmail: 'b@example.com' },
  receiver: { name: 'SIMCLEAR', id: 'SIMCLEAR' },
};
const at = '2026-11-01T00:00:00.000Z';

type Stored = { claim: Claim; state: ClaimState; submission?: SubmissionPointer; findings?: SubmitFinding[] };

/**
 * An in-memory claim store with the DynamoDB rules that matter here: version-checked saves, and
 * the interchange recorded together with its members' marks in one all-or-nothing write.
 */
function world(claims: Claim[], initial: ClaimStatus = 'SCRUBBED') {
  const w = {
    claims: new Map<string, Stored>(
      claims.map((claim) => [
        claim.claimId,
        { claim, state: { ...initialState(claim.claimId, at), status: initial, version: 2, seq: 2 } },
      ]),
    ),
    interchanges: new Map<string, InterchangeInfo>(),
    objects: new Map<string, string>(),
    events: [] as ClaimEvent[],
    /** x12 bodies accepted by the clearinghouse, in order */
    sent: [] as string[],
    answered: [] as { token: string; output: SubmitResult }[],
    failedTokens: [] as { token: string; error: string }[],
    nextIcn: 100,
    failSends: 0,
    failRecords: 0,
    failAnswers: 0,
  };
  const ports: SubmitPorts = {
    loadClaim: async (id) => {
      const s = w.claims.get(id);
      return (
        s &&
        structuredClone({
          claim: s.claim,
          state: s.state,
          ...(s.submission ? { submission: s.submission } : {}),
        })
      );
    },
    nextControlNumber: async () => ++w.nextIcn,
    putObject: async (_b, key, body) => void w.objects.set(key, body),
    getObject: async (_b, key) => {
      const body = w.objects.get(key);
      if (body === undefined) throw new Error('NoSuchKey');
      return body;
    },
    sendToClearinghouse: async (x12) => {
      if (w.failSends > 0) {
        w.failSends--;
        throw new Error('HTTP 503');
      }
      w.sent.push(x12);
    },
    getInterchange: async (icn) => structuredClone(w.interchanges.get(icn)),
    recordSubmission: async (rec, members) => {
      if (w.failRecords > 0) {
        w.failRecords--;
        throw new Error('ProvisionedThroughputExceeded');
      }
      if (w.interchanges.has(rec.interchangeControlNumber)) throw new Error('exists');
      for (const m of members) {
        if (w.claims.get(m.from.claimId)?.state.version !== m.from.version) throw new Error('conflict');
      }
      w.interchanges.set(rec.interchangeControlNumber, {
        payerId: rec.payerId,
        x12Key: rec.x12Key,
        claimIds: rec.claimIds,
        sent: false,
      });
      for (const m of members) {
        const s = w.claims.get(m.from.claimId) as Stored;
        s.state = m.to;
        s.submission = m.submission;
        w.events.push(m.event);
      }
    },
    markSent: async (icn) => {
      const i = w.interchanges.get(icn);
      if (!i) throw new Error('no interchange');
      i.sent = true;
    },
    markNeedsCorrection: async (from, to, event, findings) => {
      const s = w.claims.get(from.claimId) as Stored;
      if (s.state.version !== from.version) throw new Error('conflict');
      s.state = to;
      s.findings = findings;
      w.events.push(event);
    },
    succeed: async (token, output) => {
      if (w.failAnswers > 0) {
        w.failAnswers--;
        throw new Error('ThrottlingException');
      }
      w.answered.push({ token, output });
    },
    fail: async (token, error) => void w.failedTokens.push({ token, error }),
    now: () => new Date(at),
  };
  /** Claim ids of every interchange the clearinghouse received. */
  const billed = () => w.sent.map((x) => read837(x).claims.map((c) => c.claimId));
  const status = (id: string) => w.claims.get(id)?.state.status;
  return { w, ports, billed, status };
}

const p1 = (id: string, over: Partial<Claim> = {}) =>
  makeClaim({ claimId: id, payer: { payerId: 'P1', name: 'PAYER ONE' }, ...over });
const req = (
  claimId: string,
  taskToken = `tok-${claimId}`,
  recordId = `m-${claimId}`,
): SubmissionRequest => ({
  claimId,
  taskToken,
  recordId,
});

describe('submitBatch: redelivered and duplicated messages', () => {
  it('treats the same message twice in one batch as one submission, failing no record', async () => {
    const { w, ports, billed } = world([p1('CA'), p1('CB')]);
    const out = await submitBatch([req('CA'), req('CB'), req('CA', 'tok-CA', 'm-CA-copy')], config, ports);
    expect(out.failed).toEqual([]);
    expect(billed()).toEqual([['CA', 'CB']]);
    expect(w.answered.map((a) => a.token)).toEqual(['tok-CA', 'tok-CB', 'tok-CA']);
    expect(w.failedTokens).toEqual([]);
  });

  it('answers a redelivered message again without sending anything', async () => {
    const { w, ports, billed } = world([p1('CA')]);
    await submitBatch([req('CA')], config, ports);
    const out = await submitBatch([req('CA')], config, ports);
    expect(out).toMatchObject({ failed: [], interchanges: [] });
    expect(billed()).toEqual([['CA']]);
    expect(w.answered).toHaveLength(2);
    expect(w.answered[1]?.output).toEqual(w.answered[0]?.output);
  });

  it('retries only the record whose answer failed; its retry answers without sending', async () => {
    const { w, ports, billed } = world([p1('CA'), p1('CB')]);
    w.failAnswers = 1;
    const first = await submitBatch([req('CA'), req('CB')], config, ports);
    expect(first.failed).toEqual(['m-CA']);
    const retry = await submitBatch([req('CA')], config, ports);
    expect(retry.failed).toEqual([]);
    expect(billed()).toEqual([['CA', 'CB']]);
    expect(w.answered.map((a) => a.token).sort()).toEqual(['tok-CA', 'tok-CB']);
  });
});

describe('submitBatch: a claim the 837P writer cannot write', () => {
  it('sends it alone to NEEDS_CORRECTION with a finding and still sends the rest of its payer group', async () => {
    const bad = p1('CBAD', { diagnoses: [] });
    const { w, ports, billed, status } = world([p1('CA'), bad, p1('CC')]);
    const out = await submitBatch([req('CA'), req('CBAD'), req('CC')], config, ports);
    expect(out.failed).toEqual([]);
    expect(out.needsCorrection).toEqual(['CBAD']);
    expect(billed()).toEqual([['CA', 'CC']]);
    expect(status('CBAD')).toBe('NEEDS_CORRECTION');
    expect(status('CA')).toBe('SUBMITTED');
    const findings = w.claims.get('CBAD')?.findings;
    expect(findings).toEqual([
      { rule: UNWRITABLE_RULE, severity: 'error', message: expect.stringContaining('diagnosis') },
    ]);
    // no PHI: the finding names the claim id and the rule, not the patient
    for (const phi of [bad.subscriber.lastName, bad.subscriber.memberId, bad.subscriber.dob]) {
      expect(JSON.stringify(findings)).not.toContain(phi);
    }
    expect(w.failedTokens).toEqual([{ token: 'tok-CBAD', error: SUBMIT_ERRORS.NEEDS_CORRECTION }]);
    expect(w.answered.map((a) => a.token)).toEqual(['tok-CA', 'tok-CC']);
    const ev = w.events.find((e) => e.claimId === 'CBAD');
    expect(ev).toMatchObject({ type: 'SUBMIT_REJECTED', status: 'NEEDS_CORRECTION' });
  });

  it('routes a redelivered message of that claim to the correction wait again, sending nothing', async () => {
    const { w, ports, billed } = world([p1('CBAD', { diagnoses: [] })]);
    await submitBatch([req('CBAD')], config, ports);
    const out = await submitBatch([req('CBAD')], config, ports);
    expect(out.failed).toEqual([]);
    expect(billed()).toEqual([]);
    expect(w.failedTokens.map((f) => f.error)).toEqual([
      SUBMIT_ERRORS.NEEDS_CORRECTION,
      SUBMIT_ERRORS.NEEDS_CORRECTION,
    ]);
  });
});

describe('submitBatch: a claim is never in two interchanges', () => {
  it('records the interchange and marks its claims all at once: a failed write leaves nothing half-marked', async () => {
    const { w, ports, billed } = world([p1('CA'), p1('CB')]);
    w.failRecords = 1;
    const first = await submitBatch([req('CA'), req('CB')], config, ports);
    expect(first.failed.sort()).toEqual(['m-CA', 'm-CB']);
    expect(w.interchanges.size).toBe(0);
    expect([...w.claims.values()].map((c) => c.state.status)).toEqual(['SCRUBBED', 'SCRUBBED']);
    await submitBatch([req('CA'), req('CB')], config, ports);
    expect(billed()).toEqual([['CA', 'CB']]);
    expect(w.interchanges.size).toBe(1);
  });

  it('resends a claim of a stored-but-unsent interchange in THAT interchange, whatever token it comes with', async () => {
    const { w, ports, billed } = world([p1('CA'), p1('CB')]);
    w.failSends = 1;
    await submitBatch([req('CA'), req('CB')], config, ports);
    expect(billed()).toEqual([]);
    const [icn] = [...w.interchanges.keys()];
    // CA comes back under another token (e.g. a message sent again), CB with its own
    const out = await submitBatch([req('CA', 'tok-other'), req('CB')], config, ports);
    expect(out.failed).toEqual([]);
    expect(out.interchanges).toEqual([
      { interchangeControlNumber: icn, payerId: 'P1', claims: 2, resent: true },
    ]);
    expect(w.interchanges.size).toBe(1);
    expect(billed()).toEqual([['CA', 'CB']]);
    expect(w.answered.map((a) => [a.token, a.output.interchangeControlNumber])).toEqual([
      ['tok-other', icn],
      ['tok-CB', icn],
    ]);
  });

  it('resends the same stored interchange when only one member message is retried', async () => {
    const { w, ports, billed } = world([p1('CA'), p1('CB')]);
    w.failSends = 1;
    await submitBatch([req('CA'), req('CB')], config, ports);
    await submitBatch([req('CA')], config, ports);
    await submitBatch([req('CB')], config, ports);
    expect(w.interchanges.size).toBe(1);
    expect(billed()).toEqual([['CA', 'CB']]); // the second message finds it sent and only answers
    expect(w.answered.map((a) => a.token)).toEqual(['tok-CA', 'tok-CB']);
  });

  it('splits a large payer group into interchanges that each fit one atomic write', async () => {
    const claims = Array.from({ length: MAX_CLAIMS_PER_INTERCHANGE + 2 }, (_, i) => p1(`C${i}`));
    const { ports, billed } = world(claims);
    const out = await submitBatch(
      claims.map((c) => req(c.claimId)),
      config,
      ports,
    );
    expect(out.failed).toEqual([]);
    expect(billed().map((ids) => ids.length)).toEqual([MAX_CLAIMS_PER_INTERCHANGE, 2]);
    expect(new Set(billed().flat()).size).toBe(claims.length);
  });
});

describe('submitBatch: a message redriven after its token expired', () => {
  it('sends nothing for a claim that went on to human review, consumes the record and leaves the status', async () => {
    const { w, ports, billed, status } = world([p1('CA')], 'HUMAN_REVIEW');
    const out = await submitBatch([req('CA')], config, ports);
    expect(out).toMatchObject({ failed: [], skipped: ['CA'], interchanges: [] });
    expect(billed()).toEqual([]);
    expect(w.objects.size).toBe(0);
    expect(status('CA')).toBe('HUMAN_REVIEW');
    expect(w.failedTokens).toEqual([{ token: 'tok-CA', error: SUBMIT_ERRORS.NOT_SUBMITTABLE }]);
  });

  it('does not resend a stored interchange once a member moved on; the others go to human review', async () => {
    const { w, ports, billed, status } = world([p1('CA'), p1('CB')]);
    w.failSends = 1;
    await submitBatch([req('CA'), req('CB')], config, ports);
    // CA's Submit token timed out: its execution recorded HUMAN_REVIEW
    const a = w.claims.get('CA') as Stored;
    a.state = { ...a.state, status: 'HUMAN_REVIEW', version: a.state.version + 1 };
    const out = await submitBatch([req('CA'), req('CB')], config, ports);
    expect(out.failed).toEqual([]);
    expect(out.withdrawn).toHaveLength(1);
    expect(billed()).toEqual([]);
    expect(w.failedTokens).toEqual([
      { token: 'tok-CA', error: SUBMIT_ERRORS.NOT_SUBMITTABLE },
      { token: 'tok-CB', error: SUBMIT_ERRORS.WITHDRAWN },
    ]);
    expect(status('CA')).toBe('HUMAN_REVIEW');
    // B's message alone later: still withdrawn, still nothing sent
    await submitBatch([req('CB')], config, ports);
    expect(billed()).toEqual([]);
  });

  it('builds a new interchange for a claim that left a withdrawn one and was corrected; the old one is never sent', async () => {
    const { w, ports, billed } = world([p1('CA'), p1('CB')]);
    w.failSends = 1;
    await submitBatch([req('CA'), req('CB')], config, ports);
    const [old] = [...w.interchanges.keys()];
    const a = w.claims.get('CA') as Stored;
    a.state = { ...a.state, status: 'HUMAN_REVIEW', version: a.state.version + 1 };
    await submitBatch([req('CB')], config, ports); // withdrawn: CB goes to human review too
    const b = w.claims.get('CB') as Stored;
    b.state = { ...b.state, status: 'HUMAN_REVIEW', version: b.state.version + 1 };
    // a person corrects CA; it is scrubbed again and comes back under a new token
    a.state = { ...a.state, status: 'SCRUBBED', version: a.state.version + 1 };
    const out = await submitBatch([req('CA', 'tok-CA-2')], config, ports);
    expect(out.failed).toEqual([]);
    expect(out.interchanges).toHaveLength(1);
    expect(out.interchanges[0]?.interchangeControlNumber).not.toBe(old);
    expect(billed()).toEqual([['CA']]);
    // a late message of CB (or CA's old one) never sends the old interchange
    await submitBatch([req('CB'), req('CA')], config, ports);
    expect(billed()).toEqual([['CA']]);
    expect(w.interchanges.get(old as string)?.sent).toBe(false);
  });

  it('blames no claim when the envelope configuration cannot be written: the records are retried', async () => {
    const { w, ports, billed, status } = world([p1('CA'), p1('CB')]);
    const out = await submitBatch([req('CA'), req('CB')], { ...config, senderId: 'X' }, ports);
    expect(out.failed.sort()).toEqual(['m-CA', 'm-CB']);
    expect(out.needsCorrection).toEqual([]);
    expect(billed()).toEqual([]);
    expect([status('CA'), status('CB')]).toEqual(['SCRUBBED', 'SCRUBBED']);
    expect(w.failedTokens).toEqual([]);
  });
});
