import { describe, expect, it } from 'vitest';
import type { Claim, ClaimEvent } from '../../../shared/claims/model';
import { type ClaimState, initialState, type TokenAnswer } from '../../../shared/claims/state';
import type { WaitKind } from '../../../shared/claims/workflow';
import type { LedgerEntry } from '../../../shared/posting/ledger';
import {
  ClaimNotFoundError,
  IllegalTransitionError,
  openBalanceWriteOff,
  recordOrSettle,
  recordTransition,
  settleClaim,
  TokenAnswerFailedError,
  type TransitionPorts,
} from '../../../shared/services/transition';
import { makeClaim } from '../x12/fixtures';

const at = '2026-11-01T00:00:00.000Z';

/** In-memory claim: version-checked saves, like the DynamoDB repository. */
function fakeClaim(state: ClaimState, opts: { payerClaimNumber?: string; claim?: Claim | null } = {}) {
  const store = {
    state,
    claim: opts.claim === null ? undefined : (opts.claim ?? makeClaim({ claimId: state.claimId })),
    events: [] as ClaimEvent[],
    savedClaims: [] as Claim[],
    answers: [] as TokenAnswer[],
    /** The wait kind each answer was given for (the adapter maps kind + output to success or failure). */
    answeredKinds: [] as WaitKind[],
    conflictsToInject: 0,
    answerFailures: 0,
  };
  const ports: TransitionPorts = {
    getState: async (id) => (id === store.state.claimId ? structuredClone(store.state) : undefined),
    saveTransition: async (from, next, event, claim) => {
      if (store.conflictsToInject > 0) {
        store.conflictsToInject--;
        store.state = { ...store.state, version: store.state.version + 1 };
        return false;
      }
      if (from.version !== store.state.version) return false;
      store.state = next;
      store.events.push(event);
      if (claim) {
        store.savedClaims.push(claim);
        store.claim = claim;
      }
      return true;
    },
    loadClaim: async () => store.claim,
    payerClaimNumber: async () => opts.payerClaimNumber,
    saveState: async (from, next) => {
      if (from.version !== store.state.version) return false;
      store.state = next;
      return true;
    },
    answer: async (a, kind) => {
      if (store.answerFailures > 0) {
        store.answerFailures--;
        throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      }
      store.answers.push(a);
      store.answeredKinds.push(kind);
      return 'answered';
    },
    now: () => new Date(at),
  };
  return { store, ports };
}

const stateIn = (status: ClaimState['status'], over: Partial<ClaimState> = {}): ClaimState => ({
  ...initialState('C1', at),
  status,
  ...over,
});

describe('recordTransition', () => {
  it('moves the claim and appends the event with the next seq', async () => {
    const { store, ports } = fakeClaim(stateIn('RECEIVED'));
    const res = await recordTransition({ claimId: 'C1', to: 'SCRUBBED', event: 'SCRUBBED' }, ports);
    expect(res).toEqual({ claimId: 'C1', status: 'SCRUBBED', followUps: 0 });
    expect(store.state).toMatchObject({ status: 'SCRUBBED', version: 2, seq: 2 });
    expect(store.events).toEqual([
      { claimId: 'C1', at, seq: 2, type: 'SCRUBBED', status: 'SCRUBBED', detail: { from: 'RECEIVED' } },
    ]);
    expect(store.savedClaims).toEqual([]);
    expect(store.answers).toEqual([]);
  });

  it('retries a lost version race on fresh state and saves once', async () => {
    const { store, ports } = fakeClaim(stateIn('RECEIVED'));
    store.conflictsToInject = 2;
    await recordTransition({ claimId: 'C1', to: 'SCRUBBED', event: 'SCRUBBED' }, ports);
    expect(store.events).toHaveLength(1);
    expect(store.state.status).toBe('SCRUBBED');
  });

  it('makes a CORRECTED claim a frequency-7 replacement of the payer claim it knows', async () => {
    const { store, ports } = fakeClaim(stateIn('NEEDS_CORRECTION'), { payerClaimNumber: 'PCN-77' });
    await recordTransition({ claimId: 'C1', to: 'CORRECTED', event: 'CORRECTED' }, ports);
    expect(store.savedClaims).toHaveLength(1);
    expect(store.savedClaims[0]).toMatchObject({
      claimId: 'C1',
      frequencyCode: '7',
      originalPayerClaimNumber: 'PCN-77',
    });
    expect(store.state.status).toBe('CORRECTED');
  });

  it('leaves the frequency alone when the payer never numbered the claim', async () => {
    const { store, ports } = fakeClaim(stateIn('NEEDS_CORRECTION'));
    await recordTransition({ claimId: 'C1', to: 'CORRECTED', event: 'CORRECTED' }, ports);
    expect(store.savedClaims[0]?.frequencyCode).toBe('1');
    expect(store.savedClaims[0]?.originalPayerClaimNumber).toBeUndefined();
  });

  it('does not touch the claim again on a retried CORRECTED (already corrected)', async () => {
    const { store, ports } = fakeClaim(stateIn('CORRECTED'), { payerClaimNumber: 'PCN-77' });
    await recordTransition({ claimId: 'C1', to: 'CORRECTED', event: 'CORRECTED' }, ports);
    expect(store.savedClaims).toEqual([]);
    expect(store.events).toHaveLength(1);
  });

  it('stores the token of a wait with nothing pending, answering nothing', async () => {
    const { store, ports } = fakeClaim(stateIn('SUBMITTED'));
    await recordTransition(
      { claimId: 'C1', to: 'SUBMITTED', event: 'AWAITING_ACK', wait: 'ACK', taskToken: 'tok-1' },
      ports,
    );
    expect(store.state.waiting).toEqual({ kind: 'ACK', taskToken: 'tok-1', since: at });
    expect(store.answers).toEqual([]);
  });

  it('answers a wait at once with an outcome that arrived first, and consumes it', async () => {
    const output = { accepted: true, source: '277CA', codes: ['A2:20'] };
    const { store, ports } = fakeClaim(stateIn('SUBMITTED', { pending: { ACK: { output, at } } }));
    await recordTransition(
      { claimId: 'C1', to: 'SUBMITTED', event: 'AWAITING_ACK', wait: 'ACK', taskToken: 'tok-2' },
      ports,
    );
    expect(store.answers).toEqual([{ taskToken: 'tok-2', output }]);
    expect(store.state.pending).toEqual({});
    expect(store.state.waiting).toBeUndefined();
    expect(store.events[0]?.detail).toMatchObject({ wait: 'ACK', pendingConsumed: true });
  });

  it('keeps an early outcome pending when answering its token fails; the retried wait answers it', async () => {
    const output = { accepted: true, source: '277CA', codes: ['A2:20'] };
    const { store, ports } = fakeClaim(stateIn('SUBMITTED', { pending: { ACK: { output, at } } }));
    store.answerFailures = 1;
    await expect(
      recordTransition(
        { claimId: 'C1', to: 'SUBMITTED', event: 'AWAITING_ACK', wait: 'ACK', taskToken: 'tok-2' },
        ports,
      ),
    ).rejects.toThrow(TokenAnswerFailedError);
    expect(store.answers).toEqual([]);
    expect(store.state.pending.ACK?.output).toEqual(output);
    // the state machine retries the task with a new token
    await recordTransition(
      { claimId: 'C1', to: 'SUBMITTED', event: 'AWAITING_ACK', wait: 'ACK', taskToken: 'tok-3' },
      ports,
    );
    expect(store.answers).toEqual([{ taskToken: 'tok-3', output }]);
    expect(store.state.pending).toEqual({});
  });

  it('drops an outcome handed to a token once the execution moved past its wait', async () => {
    const output = { accepted: true };
    // answered, but the confirming save never happened (e.g. a crash)
    const { store, ports } = fakeClaim(
      stateIn('SUBMITTED', { pending: { ACK: { output, at, handedTo: 'tok-2' } } }),
    );
    await recordTransition(
      { claimId: 'C1', to: 'ACCEPTED', event: 'AWAITING_REMIT', wait: 'REMIT', taskToken: 'tok-r' },
      ports,
    );
    expect(store.state.pending).toEqual({});
    expect(store.answers).toEqual([]);
    expect(store.events[0]?.detail).toMatchObject({ droppedPending: ['ACK'] });
  });

  it('keeps a remit handed to a timed-out token through the follow-up for the next AwaitRemit', async () => {
    const output = { route: 'PAID' };
    const { store, ports } = fakeClaim(
      stateIn('ACCEPTED', { pending: { REMIT: { output, at, handedTo: 'tok-old' } } }),
    );
    await recordTransition({ claimId: 'C1', to: 'ACCEPTED', event: 'REMIT_FOLLOW_UP' }, ports);
    expect(store.state.pending.REMIT?.output).toEqual(output);
    await recordTransition(
      { claimId: 'C1', to: 'ACCEPTED', event: 'AWAITING_REMIT', wait: 'REMIT', taskToken: 'tok-new' },
      ports,
    );
    expect(store.answers).toEqual([{ taskToken: 'tok-new', output }]);
    expect(store.answeredKinds).toEqual(['REMIT']);
    expect(store.state.pending).toEqual({});
  });

  it('answers nothing when the save keeps losing (the state machine retries the task)', async () => {
    const output = { accepted: true };
    const { store, ports } = fakeClaim(stateIn('SUBMITTED', { pending: { ACK: { output, at } } }));
    store.conflictsToInject = 100;
    await expect(
      recordTransition(
        { claimId: 'C1', to: 'SUBMITTED', event: 'AWAITING_ACK', wait: 'ACK', taskToken: 'tok-2' },
        ports,
      ),
    ).rejects.toThrow(/version races/);
    expect(store.answers).toEqual([]);
  });

  it('throws IllegalTransition and writes nothing for a move the state machine forbids', async () => {
    const { store, ports } = fakeClaim(stateIn('CLOSED'));
    await expect(recordTransition({ claimId: 'C1', to: 'PAID', event: 'PAID' }, ports)).rejects.toThrow(
      IllegalTransitionError,
    );
    expect(store.events).toEqual([]);
    expect(store.state.status).toBe('CLOSED');
  });

  it('throws IllegalTransition for a wait without a token', async () => {
    const { ports } = fakeClaim(stateIn('SUBMITTED'));
    await expect(
      recordTransition({ claimId: 'C1', to: 'SUBMITTED', event: 'AWAITING_ACK', wait: 'ACK' }, ports),
    ).rejects.toThrow(IllegalTransitionError);
  });

  it('throws ClaimNotFound for an unknown claim', async () => {
    const { ports } = fakeClaim(stateIn('RECEIVED'));
    await expect(recordTransition({ claimId: 'NOPE', to: 'SCRUBBED', event: 'X' }, ports)).rejects.toThrow(
      ClaimNotFoundError,
    );
  });
});

describe('settleClaim (the Settle state)', () => {
  const events = (store: ReturnType<typeof fakeClaim>['store']) =>
    store.events.map((e) => [e.type, e.status, e.seq]);

  it.each([
    ['PAID', 'PAID'],
    ['PATIENT_BALANCE', 'PATIENT_BALANCE'],
    ['WRITE_OFF', 'WRITTEN_OFF'],
  ] as const)('records %s then CLOSED, as the two states it replaces did', async (route, status) => {
    const { store, ports } = fakeClaim(stateIn('ACCEPTED', { seq: 4 }));
    const result = await settleClaim({ claimId: 'C1', settle: route }, ports);
    expect(events(store)).toEqual([
      [status, status, 5],
      ['CLOSED', 'CLOSED', 6],
    ]);
    expect(store.events[0]?.detail).toMatchObject({ from: 'ACCEPTED' });
    expect(store.events[1]?.detail).toMatchObject({ from: status });
    expect(result).toEqual({ claimId: 'C1', status: 'CLOSED', followUps: 0 });
  });

  it('finishes with CLOSED only when retried after a crash between its two saves', async () => {
    const { store, ports } = fakeClaim(stateIn('PAID', { seq: 5 }));
    await settleClaim({ claimId: 'C1', settle: 'PAID' }, ports);
    expect(events(store)).toEqual([['CLOSED', 'CLOSED', 6]]);
  });

  it('settles an appeal lost and written off (AppealWriteOff) from APPEAL: WRITTEN_OFF then CLOSED', async () => {
    const { store, ports } = fakeClaim(stateIn('APPEAL', { seq: 7 }));
    await settleClaim({ claimId: 'C1', settle: 'WRITE_OFF' }, ports);
    expect(events(store)).toEqual([
      ['WRITTEN_OFF', 'WRITTEN_OFF', 8],
      ['CLOSED', 'CLOSED', 9],
    ]);
    expect(store.events[0]?.detail).toMatchObject({ from: 'APPEAL' });
  });

  it('writes nothing when retried after it finished', async () => {
    const { store, ports } = fakeClaim(stateIn('CLOSED', { seq: 6 }));
    expect(await settleClaim({ claimId: 'C1', settle: 'PAID' }, ports)).toEqual({
      claimId: 'C1',
      status: 'CLOSED',
      followUps: 0,
    });
    expect(store.events).toEqual([]);
  });

  it('records each event once when a save loses a version race', async () => {
    const { store, ports } = fakeClaim(stateIn('ACCEPTED'));
    store.conflictsToInject = 1;
    await settleClaim({ claimId: 'C1', settle: 'WRITE_OFF' }, ports);
    expect(store.events.map((e) => e.type)).toEqual(['WRITTEN_OFF', 'CLOSED']);
  });

  it('refuses a route that does not end the claim, writing nothing', async () => {
    const { store, ports } = fakeClaim(stateIn('ACCEPTED'));
    await expect(settleClaim({ claimId: 'C1', settle: 'APPEAL' }, ports)).rejects.toThrow(
      IllegalTransitionError,
    );
    expect(store.events).toEqual([]);
  });

  it('throws ClaimNotFound for an unknown claim', async () => {
    const { ports } = fakeClaim(stateIn('ACCEPTED'));
    await expect(settleClaim({ claimId: 'NOPE', settle: 'PAID' }, ports)).rejects.toThrow(ClaimNotFoundError);
  });

  it('recordOrSettle tells the two inputs apart', async () => {
    const { store, ports } = fakeClaim(stateIn('ACCEPTED'));
    await recordOrSettle({ claimId: 'C1', to: 'HUMAN_REVIEW', event: 'HUMAN_REVIEW' }, ports);
    expect(store.events.map((e) => e.type)).toEqual(['HUMAN_REVIEW']);
    const other = fakeClaim(stateIn('ACCEPTED'));
    await recordOrSettle({ claimId: 'C1', settle: 'PAID' }, other.ports);
    expect(other.store.events.map((e) => e.type)).toEqual(['PAID', 'CLOSED']);
  });
});

describe('recordTransition: appeal timer, expiry, void', () => {
  it("answers the appeal deadline from the payer registry's window, counted from today", async () => {
    const { ports } = fakeClaim(stateIn('ACCEPTED'));
    const asked: string[] = [];
    const res = await recordTransition(
      { claimId: 'C1', to: 'APPEAL', event: 'APPEAL' },
      {
        ...ports,
        appealDays: async (payerId) => {
          asked.push(payerId);
          return 30;
        },
      },
    );
    expect(asked).toEqual([makeClaim({ claimId: 'C1' }).payer.payerId]);
    // 2026-11-01 + 30 days; the timer runs to the end of that day.
    expect(res).toMatchObject({ status: 'APPEAL', appealDeadline: '2026-12-01', appealSeconds: 31 * 86_400 });
  });

  it('a payer missing from the registry gets the default 180 days', async () => {
    const { ports } = fakeClaim(stateIn('ACCEPTED'));
    const res = await recordTransition(
      { claimId: 'C1', to: 'APPEAL', event: 'APPEAL' },
      { ...ports, appealDays: async () => undefined },
    );
    expect(res.appealDeadline).toBe('2027-04-30');
  });

  it('registering the appeal wait answers no timer (only the Appeal transition does)', async () => {
    const { ports } = fakeClaim(stateIn('APPEAL'));
    const res = await recordTransition(
      { claimId: 'C1', to: 'APPEAL', event: 'AWAITING_APPEAL', wait: 'APPEAL', taskToken: 'tok' },
      ports,
    );
    expect(res).toEqual({ claimId: 'C1', status: 'APPEAL', followUps: 0 });
  });

  it('the appeal deadline passing raises a work item and sends the claim to human review', async () => {
    const { store, ports } = fakeClaim(stateIn('APPEAL'));
    const items: [string, string][] = [];
    await recordTransition(
      { claimId: 'C1', to: 'HUMAN_REVIEW', event: 'APPEAL_EXPIRED' },
      { ...ports, workItem: async (kind, ref) => void items.push([kind, ref]) },
    );
    expect(items).toEqual([['APPEAL_EXPIRED', 'C1']]);
    expect(store.state.status).toBe('HUMAN_REVIEW');
    expect(store.events.at(-1)?.type).toBe('APPEAL_EXPIRED');
  });

  it('a void the payer accepted closes the open balance with reason VOID', async () => {
    const { store, ports } = fakeClaim(stateIn('SUBMITTED'));
    const closed: string[] = [];
    await recordTransition(
      { claimId: 'C1', to: 'VOIDED', event: 'VOIDED' },
      { ...ports, closeOpenBalance: async (id, reason) => void closed.push(`${id}:${reason}`) },
    );
    expect(closed).toEqual(['C1:VOID']);
    expect(store.state.status).toBe('VOIDED');
  });

  it('a remit kept pending for a void (none will take it) becomes a work item', async () => {
    const pending = { REMIT: { output: { route: 'HUMAN_REVIEW' }, at } };
    const { ports } = fakeClaim(stateIn('SUBMITTED', { pending }));
    const items: string[] = [];
    await recordTransition(
      { claimId: 'C1', to: 'VOIDED', event: 'VOIDED' },
      { ...ports, workItem: async (kind, ref) => void items.push(`${kind}:${ref}`) },
    );
    expect(items).toEqual(['UNEXPECTED_REMIT:C1']);
  });
});

describe('openBalanceWriteOff', () => {
  const charge = (cents: number): LedgerEntry => ({
    entryId: 'C-1',
    claimId: 'C1',
    kind: 'CHARGE',
    amountCents: cents,
    source: {},
    at,
  });
  it('writes off what is open, and nothing when nothing is', () => {
    const paid: LedgerEntry = { ...charge(4000), entryId: 'P-1', kind: 'PAYMENT' };
    expect(openBalanceWriteOff('C1', [charge(10000), paid], 'VOID', at)).toMatchObject({
      kind: 'WRITE_OFF',
      amountCents: 6000,
      carc: 'VOID',
    });
    expect(openBalanceWriteOff('C1', [charge(4000), paid], 'VOID', at)).toBeUndefined();
  });
});
