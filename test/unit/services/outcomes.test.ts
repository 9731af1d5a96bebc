import { describe, expect, it } from 'vitest';
import type { ClaimEvent } from '../../../shared/claims/model';
import { applyTransition, type ClaimState, initialState } from '../../../shared/claims/state';
import { deliver, note, type OutcomePorts } from '../../../shared/services/outcomes';

/** An in-memory claim store with the same version and marker rules as the DynamoDB one. */
function fakeStore(state: ClaimState) {
  const store = {
    state,
    markers: new Set<string>(),
    events: [] as ClaimEvent[],
    answers: [] as { token: string; output: unknown }[],
    /** The wait kind each answer was given for (the adapter maps kind + output to success or failure). */
    answeredKinds: [] as string[],
    conflictsToInject: 0,
    settledTokens: new Set<string>(),
  };
  const ports: OutcomePorts = {
    getState: async () => structuredClone(store.state),
    hasMarker: async (_id, key) => store.markers.has(key),
    saveOutcome: async (from, next, key, event) => {
      if (store.markers.has(key)) return 'duplicate';
      if (store.conflictsToInject > 0) {
        store.conflictsToInject--;
        store.state = { ...store.state, version: store.state.version + 1 }; // someone else wrote
        return 'conflict';
      }
      if (from.version !== store.state.version) return 'conflict';
      store.state = next;
      store.markers.add(key);
      store.events.push(event);
      return 'saved';
    },
    answer: async (token, output, kind) => {
      if (store.settledTokens.has(token)) return 'settled';
      store.answers.push({ token, output });
      store.answeredKinds.push(kind);
      return 'answered';
    },
    now: () => new Date('2026-11-01T00:00:00Z'),
  };
  return { store, ports };
}

const at = '2026-11-01T00:00:00Z';
function waitingFor(kind: 'ACK' | 'REMIT'): ClaimState {
  const s = {
    ...initialState('C1', at),
    status: kind === 'ACK' ? ('SUBMITTED' as const) : ('ACCEPTED' as const),
  };
  return { ...s, waiting: { kind, taskToken: 'tok-1', since: at } };
}

describe('deliver', () => {
  it('takes the once-only check from the markers read with the state, when the state carries them', async () => {
    const { store, ports } = fakeStore(waitingFor('ACK'));
    let asked = 0;
    const withMarkers: OutcomePorts = {
      ...ports,
      getState: async () => ({ ...structuredClone(store.state), markers: [...store.markers] }),
      hasMarker: async (id, key) => {
        asked++;
        return ports.hasMarker(id, key);
      },
    };
    const send = () => deliver(withMarkers, 'C1', 'ACK', { accepted: true }, 'K1', 'ACK_277CA_ACCEPTED', {});
    expect(await send()).toBe('answered');
    // A replay: the marker is on the claim, so nothing is answered or written again.
    expect(await send()).toBe('duplicate');
    expect(store.answers).toHaveLength(1);
    expect(store.events).toHaveLength(1);
    expect(asked).toBe(0);
  });

  it('answers the waiting token once and clears the wait', async () => {
    const { store, ports } = fakeStore(waitingFor('ACK'));
    expect(await deliver(ports, 'C1', 'ACK', { accepted: true }, 'K1', 'ACK_277CA_ACCEPTED', {})).toBe(
      'answered',
    );
    expect(store.answers).toEqual([{ token: 'tok-1', output: { accepted: true } }]);
    expect(store.state.waiting).toBeUndefined();
    expect(store.events.map((e) => e.type)).toEqual(['ACK_277CA_ACCEPTED']);
  });

  it('delivers nothing twice for the same key (a replayed file)', async () => {
    const { store, ports } = fakeStore(waitingFor('REMIT'));
    await deliver(ports, 'C1', 'REMIT', { route: 'PAID' }, 'K1', 'REMIT_POSTED', {});
    expect(await deliver(ports, 'C1', 'REMIT', { route: 'PAID' }, 'K1', 'REMIT_POSTED', {})).toBe(
      'duplicate',
    );
    expect(store.answers).toHaveLength(1);
    expect(store.events).toHaveLength(1);
  });

  it('keeps an early outcome pending and the wait consumes it when it registers', async () => {
    const { store, ports } = fakeStore({ ...initialState('C1', at), status: 'SUBMITTED' });
    expect(await deliver(ports, 'C1', 'ACK', { accepted: true }, 'K1', 'ACK', {})).toBe('pending');
    expect(store.answers).toEqual([]);
    const t = applyTransition(
      store.state,
      { claimId: 'C1', to: 'SUBMITTED', event: 'AWAITING_ACK', wait: 'ACK', taskToken: 'tok-9' },
      at,
    );
    expect(t.ok && t.answer).toEqual({ taskToken: 'tok-9', output: { accepted: true } });
  });

  it('answers once even when saving loses a version race', async () => {
    const { store, ports } = fakeStore(waitingFor('REMIT'));
    store.conflictsToInject = 1;
    expect(await deliver(ports, 'C1', 'REMIT', { route: 'PAID' }, 'K1', 'REMIT_POSTED', {})).toBe('answered');
    expect(store.answers).toHaveLength(1);
    expect(store.markers.has('K1')).toBe(true);
    expect(store.state.waiting).toBeUndefined();
    expect(store.events).toHaveLength(1);
  });

  it('answers once across several lost races, each retry clearing the wait still on file', async () => {
    const { store, ports } = fakeStore(waitingFor('ACK'));
    store.conflictsToInject = 3;
    expect(await deliver(ports, 'C1', 'ACK', { accepted: false }, 'K1', 'ACK_999_REJECTED', {})).toBe(
      'answered',
    );
    expect(store.answers).toEqual([{ token: 'tok-1', output: { accepted: false } }]);
    expect(store.state.waiting).toBeUndefined();
    expect(store.events.map((e) => [e.type, e.detail?.delivery])).toEqual([['ACK_999_REJECTED', 'answered']]);
  });

  it('gives up after repeated version conflicts instead of looping forever', async () => {
    const { store, ports } = fakeStore(waitingFor('ACK'));
    store.conflictsToInject = 100;
    await expect(deliver(ports, 'C1', 'ACK', { accepted: true }, 'K1', 'ACK', {})).rejects.toThrow(
      /version conflicts/,
    );
    expect(store.answers).toHaveLength(1);
  });

  it("answers 'no-claim' for a claim we do not have and writes nothing", async () => {
    const { store, ports } = fakeStore(waitingFor('ACK'));
    ports.getState = async () => undefined;
    expect(await deliver(ports, 'NOPE', 'ACK', { accepted: true }, 'K1', 'ACK', {})).toBe('no-claim');
    expect(store.answers).toEqual([]);
    expect(store.events).toEqual([]);
    expect(store.markers.size).toBe(0);
  });

  it('stores the early outcome as pending with the marker, so a replay is a duplicate', async () => {
    const { store, ports } = fakeStore({ ...initialState('C1', at), status: 'SUBMITTED' });
    await deliver(ports, 'C1', 'ACK', { accepted: true }, 'K1', 'ACK', {});
    expect(store.state.pending.ACK?.output).toEqual({ accepted: true });
    expect(store.markers.has('K1')).toBe(true);
    expect(await deliver(ports, 'C1', 'ACK', { accepted: false }, 'K1', 'ACK', {})).toBe('duplicate');
    expect(store.state.pending.ACK?.output).toEqual({ accepted: true });
  });

  it('records an outcome the claim does not expect for a person, and keeps nothing pending', async () => {
    const { store, ports } = fakeStore({ ...initialState('C1', at), status: 'CLOSED' });
    expect(await deliver(ports, 'C1', 'REMIT', { route: 'PAID' }, 'K1', 'REMIT_POSTED', {})).toBe(
      'unexpected',
    );
    expect(store.state.pending).toEqual({});
    expect(store.state.status).toBe('CLOSED');
    expect(store.answers).toEqual([]);
    expect(store.events[0]?.type).toBe('UNEXPECTED_REMIT_POSTED');
  });
});

describe('deliver answers with the kind of the wait', () => {
  it.each(['ACK', 'REMIT'] as const)(
    'hands %s to the token answer, so a rejection or route can fail it',
    async (kind) => {
      const { store, ports } = fakeStore(waitingFor(kind));
      const output = kind === 'ACK' ? { accepted: false } : { route: 'APPEAL' };
      expect(await deliver(ports, 'C1', kind, output, 'K1', 'OUTCOME', {})).toBe('answered');
      expect(store.answers).toEqual([{ token: 'tok-1', output }]);
      expect(store.answeredKinds).toEqual([kind]);
    },
  );
});

describe('deliver to a token that timed out', () => {
  it('keeps the remit pending for the follow-up AwaitRemit instead of swallowing it', async () => {
    const { store, ports } = fakeStore(waitingFor('REMIT'));
    store.settledTokens.add('tok-1'); // AwaitRemit timed out; the execution is in its follow-up
    expect(await deliver(ports, 'C1', 'REMIT', { route: 'PAID' }, 'K1', 'REMIT_POSTED', {})).toBe('pending');
    expect(store.answers).toEqual([]);
    expect(store.state.waiting).toBeUndefined();
    expect(store.markers.has('K1')).toBe(true);
    // RemitFollowUp, then AwaitRemit registers again with a new token and takes the outcome
    const followUp = applyTransition(
      store.state,
      { claimId: 'C1', to: 'ACCEPTED', event: 'REMIT_FOLLOW_UP' },
      at,
    );
    if (!followUp.ok) throw new Error('follow-up refused');
    const again = applyTransition(
      followUp.state,
      { claimId: 'C1', to: 'ACCEPTED', event: 'AWAITING_REMIT', wait: 'REMIT', taskToken: 'tok-2' },
      at,
    );
    expect(again.ok && again.answer).toEqual({ taskToken: 'tok-2', output: { route: 'PAID' } });
  });
});

describe('note', () => {
  it('records an informational event once per key, answering no token and keeping the wait', async () => {
    const { store, ports } = fakeStore(waitingFor('ACK'));
    expect(await note(ports, 'C1', 'K1', 'ACK_999_ACCEPTED', { codes: ['IK5:A'] })).toBe('saved');
    expect(await note(ports, 'C1', 'K1', 'ACK_999_ACCEPTED', { codes: ['IK5:A'] })).toBe('duplicate');
    expect(store.answers).toEqual([]);
    expect(store.state.waiting?.taskToken).toBe('tok-1');
    expect(store.events.map((e) => e.type)).toEqual(['ACK_999_ACCEPTED']);
  });
});
