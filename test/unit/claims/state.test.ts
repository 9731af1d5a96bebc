import { describe, expect, it } from 'vitest';
import { CLAIM_STATUSES, type ClaimStatus } from '../../../shared/claims/model';
import {
  applyTransition,
  type ClaimState,
  canTransition,
  deliverOutcome,
  FOLLOW_UP_EVENT,
  initialState,
  registerWait,
  TRANSITIONS,
  takeWaiting,
} from '../../../shared/claims/state';

const T0 = '2026-02-01T00:00:00.000Z';
const T1 = '2026-02-01T00:01:00.000Z';

function at(status: ClaimStatus, extra: Partial<ClaimState> = {}): ClaimState {
  return { ...initialState('CLM1', T0), status, ...extra };
}

function ok(
  state: ClaimState,
  to: ClaimStatus,
  event: string,
  more: { wait?: 'ACK' | 'REMIT' | 'CORRECTION'; taskToken?: string } = {},
) {
  const r = applyTransition(state, { claimId: state.claimId, to, event, ...more }, T1);
  if (!r.ok) throw new Error(r.error.message);
  return r;
}

describe('transition table', () => {
  it('covers every status and only names known statuses', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...CLAIM_STATUSES].sort());
    for (const targets of Object.values(TRANSITIONS)) {
      for (const t of targets) expect(CLAIM_STATUSES).toContain(t);
    }
  });

  it('walks the happy path RECEIVED -> ... -> CLOSED', () => {
    const path: ClaimStatus[] = ['RECEIVED', 'SCRUBBED', 'SUBMITTED', 'ACCEPTED', 'PAID', 'CLOSED'];
    for (let i = 1; i < path.length; i++)
      expect(canTransition(path[i - 1] as ClaimStatus, path[i] as ClaimStatus)).toBe(true);
  });

  it('supports the correction loop and denial routes', () => {
    expect(canTransition('RECEIVED', 'NEEDS_CORRECTION')).toBe(true);
    expect(canTransition('NEEDS_CORRECTION', 'CORRECTED')).toBe(true);
    expect(canTransition('CORRECTED', 'SCRUBBED')).toBe(true);
    expect(canTransition('REJECTED', 'NEEDS_CORRECTION')).toBe(true);
    for (const s of [
      'PAID',
      'PATIENT_BALANCE',
      'NEEDS_CORRECTION',
      'APPEAL',
      'WRITTEN_OFF',
      'SECONDARY',
      'HUMAN_REVIEW',
    ] as const) {
      expect(canTransition('ACCEPTED', s)).toBe(true);
    }
  });

  it('rejects skipping steps and leaving CLOSED except to human review', () => {
    expect(canTransition('RECEIVED', 'SUBMITTED')).toBe(false);
    expect(canTransition('RECEIVED', 'PAID')).toBe(false);
    expect(canTransition('SCRUBBED', 'ACCEPTED')).toBe(false);
    expect(canTransition('CLOSED', 'SUBMITTED')).toBe(false);
    expect(canTransition('CLOSED', 'HUMAN_REVIEW')).toBe(true);
    expect(canTransition('PAID', 'RECEIVED')).toBe(false);
  });

  it('always allows staying in the same status (records an event)', () => {
    for (const s of CLAIM_STATUSES) expect(canTransition(s, s)).toBe(true);
  });
});

describe('applyTransition', () => {
  it('returns the new status, version + 1, and an event with the next seq', () => {
    const r = ok(at('RECEIVED'), 'SCRUBBED', 'SCRUBBED');
    expect(r.state).toMatchObject({ status: 'SCRUBBED', version: 2, seq: 2, updatedAt: T1 });
    expect(r.event).toEqual({
      claimId: 'CLM1',
      at: T1,
      seq: 2,
      type: 'SCRUBBED',
      status: 'SCRUBBED',
      detail: { from: 'RECEIVED' },
    });
    expect(r.answer).toBeUndefined();
  });

  it('rejects an illegal transition without changing anything', () => {
    const state = at('RECEIVED');
    const r = applyTransition(state, { claimId: 'CLM1', to: 'PAID', event: 'X' }, T1);
    expect(r).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'ILLEGAL_TRANSITION', from: 'RECEIVED', to: 'PAID' }),
    });
    expect(state.status).toBe('RECEIVED');
  });

  it('rejects a wait without a token', () => {
    const r = applyTransition(
      at('SUBMITTED'),
      { claimId: 'CLM1', to: 'SUBMITTED', event: 'AWAITING_ACK', wait: 'ACK' },
      T1,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('WAIT_WITHOUT_TOKEN');
  });

  it('registers a wait with its task token', () => {
    const r = ok(at('SCRUBBED'), 'SUBMITTED', 'AWAITING_ACK', { wait: 'ACK', taskToken: 'tok-ack' });
    expect(r.state.waiting).toEqual({ kind: 'ACK', taskToken: 'tok-ack', since: T1 });
    expect(r.event.detail).toEqual({ from: 'SCRUBBED', wait: 'ACK' });
  });

  it('consumes an outcome that arrived before the wait registered', () => {
    const early = deliverOutcome(at('SUBMITTED'), 'ACK', { accepted: true }, T0);
    expect(early.taskToken).toBeUndefined();
    expect(early.state.pending.ACK).toEqual({ output: { accepted: true }, at: T0 });
    const r = ok(early.state, 'SUBMITTED', 'AWAITING_ACK', { wait: 'ACK', taskToken: 'tok-ack' });
    expect(r.answer).toEqual({ taskToken: 'tok-ack', output: { accepted: true } });
    expect(r.state.waiting).toBeUndefined();
    expect(r.state.pending.ACK).toBeUndefined();
    expect(r.event.detail).toMatchObject({ pendingConsumed: true });
  });

  it('keeps a pending outcome of another kind', () => {
    const early = deliverOutcome(at('SUBMITTED'), 'REMIT', { route: 'PAID' }, T0);
    const r = ok(early.state, 'SUBMITTED', 'AWAITING_ACK', { wait: 'ACK', taskToken: 'tok-ack' });
    expect(r.answer).toBeUndefined();
    expect(r.state.pending.REMIT).toBeDefined();
    expect(r.state.waiting?.kind).toBe('ACK');
  });

  it('leaves an existing wait alone on a transition without a wait', () => {
    const waiting = { kind: 'REMIT' as const, taskToken: 'tok', since: T0 };
    const r = ok(at('ACCEPTED', { waiting }), 'ACCEPTED', 'NOTE');
    expect(r.state.waiting).toEqual(waiting);
  });

  it('counts follow-ups', () => {
    const r1 = ok(at('ACCEPTED'), 'ACCEPTED', FOLLOW_UP_EVENT, { wait: 'REMIT', taskToken: 't1' });
    const r2 = ok(r1.state, 'ACCEPTED', FOLLOW_UP_EVENT, { wait: 'REMIT', taskToken: 't2' });
    expect(r2.state.followUps).toBe(2);
    expect(r2.state.waiting?.taskToken).toBe('t2');
    expect(ok(r2.state, 'PAID', 'REMIT_PAID').state.followUps).toBe(2);
  });
});

describe('waits and outcomes', () => {
  it('deliverOutcome takes a matching wait and returns its token', () => {
    const state = at('ACCEPTED', { waiting: { kind: 'REMIT', taskToken: 'tok-r', since: T0 } });
    const r = deliverOutcome(state, 'REMIT', { route: 'PAID' }, T1);
    expect(r).toMatchObject({ changed: true, taskToken: 'tok-r' });
    expect(r.state.waiting).toBeUndefined();
    expect(r.state.version).toBe(state.version + 1);
    expect(r.state.pending).toEqual({});
  });

  it('deliverOutcome stores a non-matching outcome as pending, first one wins', () => {
    const state = at('SUBMITTED', { waiting: { kind: 'ACK', taskToken: 'tok-a', since: T0 } });
    const first = deliverOutcome(state, 'REMIT', { n: 1 }, T1);
    expect(first.state.waiting?.taskToken).toBe('tok-a');
    const second = deliverOutcome(first.state, 'REMIT', { n: 2 }, T1);
    expect(second.changed).toBe(false);
    expect(second.state.pending.REMIT?.output).toEqual({ n: 1 });
  });

  it('registerWait hands over a pending outcome or stores the wait', () => {
    const pending = deliverOutcome(at('NEEDS_CORRECTION'), 'CORRECTION', { fixed: true }, T0).state;
    const r = registerWait(pending, 'CORRECTION', 'tok-c', T1);
    expect(r.answer).toEqual({ taskToken: 'tok-c', output: { fixed: true } });
    expect(r.state.pending.CORRECTION).toBeUndefined();
    const r2 = registerWait(at('NEEDS_CORRECTION'), 'CORRECTION', 'tok-c', T1);
    expect(r2.answer).toBeUndefined();
    expect(r2.state.waiting).toEqual({ kind: 'CORRECTION', taskToken: 'tok-c', since: T1 });
  });

  it('takeWaiting only takes a wait of that kind', () => {
    const state = at('SUBMITTED', { waiting: { kind: 'ACK', taskToken: 'tok-a', since: T0 } });
    expect(takeWaiting(state, 'REMIT', T1)).toEqual({ state });
    const r = takeWaiting(state, 'ACK', T1);
    expect(r.taskToken).toBe('tok-a');
    expect(r.state.waiting).toBeUndefined();
  });
});
