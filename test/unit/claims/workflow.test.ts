import { describe, expect, it } from 'vitest';
import {
  type AckOutcome,
  ONWARD_ROUTES,
  type RemitOutcome,
  type RemitRoute,
  SETTLE_ROUTES,
  scrubAnswer,
  tokenAnswer,
} from '../../../shared/claims/workflow';

const remit = (route: RemitRoute | string): RemitOutcome => ({
  route: route as RemitRoute,
  paidCents: 12_500,
  patientResponsibilityCents: 2_000,
  adjustmentCents: 500,
  carcs: ['CO-45', 'PR-1'],
  payerClaimControlNumber: 'PCN1',
  traceNumber: 'TRN1',
});

describe('tokenAnswer', () => {
  it('answers an accepted acknowledgment with success and the outcome as output', () => {
    const ack: AckOutcome = {
      accepted: true,
      source: '277CA',
      codes: ['A2:20'],
      payerClaimControlNumber: 'P',
    };
    expect(tokenAnswer('ACK', ack)).toEqual({ ok: true, output: ack });
  });

  it('fails a rejected acknowledgment with Ack.Rejected, the outcome as JSON cause', () => {
    const ack: AckOutcome = { accepted: false, source: '999', codes: ['IK5:R'] };
    expect(tokenAnswer('ACK', ack)).toEqual({ ok: false, error: 'Ack.Rejected', cause: JSON.stringify(ack) });
  });

  it('treats an acknowledgment that is not plainly accepted as rejected (as the Choice state did)', () => {
    expect(tokenAnswer('ACK', { source: '999' })).toMatchObject({ ok: false, error: 'Ack.Rejected' });
    expect(tokenAnswer('ACK', undefined)).toEqual({ ok: false, error: 'Ack.Rejected', cause: 'null' });
  });

  it.each(Object.keys(SETTLE_ROUTES))('answers a remit routed %s with success (Settle)', (route) => {
    expect(tokenAnswer('REMIT', remit(route))).toEqual({ ok: true, output: remit(route) });
  });

  it.each(ONWARD_ROUTES)('fails a remit routed %s with Route.%s, the outcome as JSON cause', (route) => {
    const reply = tokenAnswer('REMIT', remit(route));
    expect(reply).toEqual({ ok: false, error: `Route.${route}`, cause: JSON.stringify(remit(route)) });
    expect(reply.ok || JSON.parse(reply.cause)).toEqual(remit(route));
  });

  it('sends a remit with a route it does not know to human review', () => {
    expect(tokenAnswer('REMIT', remit('DENIED'))).toMatchObject({ ok: false, error: 'Route.HUMAN_REVIEW' });
    expect(tokenAnswer('REMIT', {})).toMatchObject({ ok: false, error: 'Route.HUMAN_REVIEW' });
  });

  it('answers a correction with success whatever it holds', () => {
    expect(tokenAnswer('CORRECTION', { claim: 1 })).toEqual({ ok: true, output: { claim: 1 } });
  });

  it('answers an appeal won (REMIT) with success: AwaitAppeal goes on to AwaitRemit', () => {
    const won = { route: 'REMIT', outcome: 'OVERTURNED', decidedOn: '2026-11-02' };
    expect(tokenAnswer('APPEAL', won)).toEqual({ ok: true, output: won });
  });

  it.each(['WRITE_OFF', 'CORRECT', 'HUMAN_REVIEW'])(
    'fails an appeal decided %s with Appeal.<route>',
    (route) => {
      const decision = { route, outcome: 'UPHELD' };
      expect(tokenAnswer('APPEAL', decision)).toEqual({
        ok: false,
        error: `Appeal.${route}`,
        cause: JSON.stringify(decision),
      });
    },
  );

  it('sends an appeal decision with a route it does not know (or none) to human review', () => {
    expect(tokenAnswer('APPEAL', { route: 'PAID' })).toMatchObject({
      ok: false,
      error: 'Appeal.HUMAN_REVIEW',
    });
    expect(tokenAnswer('APPEAL', undefined)).toEqual({
      ok: false,
      error: 'Appeal.HUMAN_REVIEW',
      cause: 'null',
    });
  });
});

describe('scrubAnswer (the Scrub task, in place of the ScrubPassed Choice state)', () => {
  const clean = { ok: true, errorCount: 0, warningCount: 2 };
  const dirty = { ok: false, errorCount: 1, warningCount: 0 };

  it('answers a clean claim with success and the result as output (Submit next)', () => {
    expect(scrubAnswer(clean, { claimId: 'C1' })).toEqual({ ok: true, output: clean });
  });

  it("fails a void's clean claim with Scrub.Void (SubmitVoid), the result as JSON cause", () => {
    expect(scrubAnswer(clean, { claimId: 'C1', void: true })).toEqual({
      ok: false,
      error: 'Scrub.Void',
      cause: JSON.stringify(clean),
    });
  });

  it('fails a claim with scrub errors with Scrub.Findings (NeedsCorrection), a void as well', () => {
    const failed = { ok: false, error: 'Scrub.Findings', cause: JSON.stringify(dirty) };
    expect(scrubAnswer(dirty, { claimId: 'C1' })).toEqual(failed);
    expect(scrubAnswer(dirty, { claimId: 'C1', void: true })).toEqual(failed);
  });
});
