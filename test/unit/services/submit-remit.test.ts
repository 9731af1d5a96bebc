import { describe, expect, it } from 'vitest';
import { adjudicate, read837 } from '../../../local/simulator/payer';
import type { Claim } from '../../../shared/claims/model';
import { initialState } from '../../../shared/claims/state';
import type { RemitOutcome, SubmitResult } from '../../../shared/claims/workflow';
import type { LedgerEntry } from '../../../shared/posting/ledger';
import { postRemittanceFile, type RemitPorts, type WorkItem } from '../../../shared/services/remit';
import { type SubmitPorts, submitBatch, tokenHash } from '../../../shared/services/submit';
import { write837P } from '../../../shared/x12';
import { remit835 } from '../../support/remit';
import { itWithSamples, makeClaim, makeEnvelope, readSample } from '../x12/fixtures';

const config = {
  bucket: 'x12',
  senderId: 'CLAIMFLOW',
  receiverId: 'SIMCLEAR',
  usage: 'T' as const,
  submitter: { name: 'CLAIMFLOW', id: 'CLAIMFLOW', contactName: 'BILLING', contactEmail: 'b@example.com' },
  receiver: { name: 'SIMCLEAR', id: 'SIMCLEAR' },
};

const at = '2026-11-01T00:00:00.000Z';

function submitFakes(
  claims: Claim[],
  opts: {
    failSend?: boolean;
    submitted?: Map<string, { hash: string; result: SubmitResult }>;
    stored?: Map<string, string>;
    sentIcns?: Set<string>;
  } = {},
) {
  const sent: string[] = [];
  const stored = opts.stored ?? new Map<string, string>();
  const sentIcns = opts.sentIcns ?? new Set<string>();
  const answered: { token: string; output: unknown }[] = [];
  const failed: string[] = [];
  const marked: string[] = [];
  let n = 100;
  const interchanges = new Map<string, string[]>();
  const ports: SubmitPorts = {
    loadClaim: async (id) => {
      const claim = claims.find((c) => c.claimId === id);
      const prior = opts.submitted?.get(id);
      const state = {
        ...initialState(id, at),
        status: prior ? ('SUBMITTED' as const) : ('SCRUBBED' as const),
      };
      return (
        claim &&
        (prior
          ? { claim, state, submission: { tokenHash: prior.hash, result: prior.result } }
          : { claim, state })
      );
    },
    nextControlNumber: async () => ++n,
    putObject: async (_b, key, body) => void stored.set(key, body),
    getObject: async (_b, key) => stored.get(key) ?? '',
    getInterchange: async (icn) => ({
      payerId: 'P1',
      x12Key: 'k',
      claimIds: interchanges.get(icn) ?? [...(opts.submitted?.keys() ?? [])],
      sent: sentIcns.has(icn),
    }),
    markSent: async (icn) => void sentIcns.add(icn),
    sendToClearinghouse: async (x12) => {
      if (opts.failSend) throw new Error('HTTP 503');
      sent.push(x12);
    },
    recordSubmission: async (rec, members) => {
      interchanges.set(rec.interchangeControlNumber, rec.claimIds);
      for (const m of members) {
        marked.push(m.from.claimId);
        opts.submitted?.set(m.from.claimId, { hash: m.submission.tokenHash, result: m.submission.result });
      }
    },
    markNeedsCorrection: async () => undefined,
    succeed: async (token, output) => void answered.push({ token, output }),
    fail: async (token) => void failed.push(token),
    now: () => new Date('2026-11-01T00:00:00Z'),
  };
  return { ports, sent, answered, failed, marked, sentIcns, stored };
}

describe('submitBatch', () => {
  const a = makeClaim({ claimId: 'CA', payer: { payerId: 'P1', name: 'PAYER ONE' } });
  const b = makeClaim({ claimId: 'CB', payer: { payerId: 'P2', name: 'PAYER TWO' } });
  const c = makeClaim({ claimId: 'CC', payer: { payerId: 'P1', name: 'PAYER ONE' } });
  const reqs = [a, b, c].map((x, i) => ({ claimId: x.claimId, taskToken: `t${i}`, recordId: `m${i}` }));

  it('sends one 837P per payer and answers every token with its control numbers', async () => {
    const f = submitFakes([a, b, c]);
    const out = await submitBatch(reqs, config, f.ports);
    expect(out.interchanges.map((i) => [i.payerId, i.claims])).toEqual([
      ['P1', 2],
      ['P2', 1],
    ]);
    expect(f.sent.map((x) => read837(x).claims.map((cl) => cl.claimId))).toEqual([['CA', 'CC'], ['CB']]);
    expect(f.answered.map((x) => x.token).sort()).toEqual(['t0', 't1', 't2']);
    expect(f.marked.sort()).toEqual(['CA', 'CB', 'CC']);
  });

  it('stores each interchange under its own control number, with its claims as CLM01', async () => {
    const f = submitFakes([a, b, c]);
    const out = await submitBatch(reqs, config, f.ports);
    expect(out.interchanges.map((i) => i.interchangeControlNumber)).toEqual(['000000101', '000000102']);
    const stored = [...f.stored.entries()];
    expect(stored.map(([key]) => key)).toEqual([
      'interchanges/837P/2026-11-01/P1/000000101.x12',
      'interchanges/837P/2026-11-01/P2/000000102.x12',
    ]);
    expect(stored.map(([, x12]) => [...x12.matchAll(/~CLM\*([^*]+)\*/g)].map((m) => m[1]))).toEqual([
      ['CA', 'CC'],
      ['CB'],
    ]);
    expect(stored.map(([, x12]) => x12.slice(90, 99))).toEqual(['000000101', '000000102']);
    const byToken = Object.fromEntries(f.answered.map((x) => [x.token, x.output]));
    expect(byToken.t0).toEqual({
      interchangeControlNumber: '000000101',
      groupControlNumber: '101',
      transactionSetControlNumber: '0101',
      x12Key: 'interchanges/837P/2026-11-01/P1/000000101.x12',
    });
    expect(byToken.t2).toEqual(byToken.t0);
    expect(byToken.t1).toMatchObject({ interchangeControlNumber: '000000102' });
  });

  it('answers a retried message for a sent interchange again without sending anything', async () => {
    const result: SubmitResult = {
      interchangeControlNumber: '000000007',
      groupControlNumber: '7',
      transactionSetControlNumber: '0007',
      x12Key: 'k',
    };
    const f = submitFakes([a], {
      submitted: new Map([['CA', { hash: tokenHash('t0'), result }]]),
      sentIcns: new Set(['000000007']),
    });
    await submitBatch([reqs[0] as (typeof reqs)[0]], config, f.ports);
    expect(f.sent).toEqual([]);
    expect(f.answered).toEqual([{ token: 't0', output: result }]);
  });

  it('resends the same stored interchange, never a new one, when the first send failed', async () => {
    const submitted = new Map<string, { hash: string; result: SubmitResult }>();
    const stored = new Map<string, string>();
    const first = submitFakes([a], { failSend: true, submitted, stored });
    expect((await submitBatch([reqs[0] as (typeof reqs)[0]], config, first.ports)).failed).toEqual(['m0']);
    expect(first.answered).toEqual([]);
    const retry = submitFakes([a], { submitted, stored });
    const out = await submitBatch([reqs[0] as (typeof reqs)[0]], config, retry.ports);
    expect(out.interchanges).toMatchObject([{ resent: true, claims: 1 }]);
    expect(retry.sent).toEqual([...stored.values()]);
    expect(stored.size).toBe(1);
    expect(retry.answered).toHaveLength(1);
  });

  it('leaves the records for retry and answers nothing when the clearinghouse refuses', async () => {
    const f = submitFakes([a, b], { failSend: true });
    const out = await submitBatch(reqs.slice(0, 2), config, f.ports);
    expect(out.failed.sort()).toEqual(['m0', 'm1']);
    expect(f.answered).toEqual([]);
    expect(f.sentIcns.size).toBe(0);
    expect(out.interchanges).toEqual([]);
  });

  it('fails the token of a claim that does not exist', async () => {
    const f = submitFakes([]);
    const out = await submitBatch([reqs[0] as (typeof reqs)[0]], config, f.ports);
    expect(out.notFound).toEqual(['CA']);
    expect(f.failed).toEqual(['t0']);
  });
});

function remitFakes(claims: Claim[]) {
  const posted = new Map<string, LedgerEntry[]>();
  const delivered: { claimId: string; outcome: RemitOutcome }[] = [];
  const work: WorkItem[] = [];
  const ports: RemitPorts = {
    loadClaim: async (id) => claims.find((c) => c.claimId === id),
    ledger: async (id) => ({
      entries: [...posted.values()].flat().filter((e) => e.claimId === id),
      version: 0,
    }),
    postProviderAdjustment: async () => 'posted',
    post: async (_claimId, key, entries) => {
      if (posted.has(key)) return 'duplicate';
      posted.set(key, entries);
      return 'posted';
    },
    deliver: async (claimId, outcome) => {
      delivered.push({ claimId, outcome });
      return 'answered';
    },
    recordRemit: async () => undefined,
    workItem: async (w) => void work.push(w),
    now: () => new Date('2026-11-01T00:00:00Z'),
  };
  return { ports, posted, delivered, work };
}

/** An 835 for our claims, adjudicated like the simulator does. */
function remitFor(claims: Claim[], seed: number, override?: number): string {
  const sub = read837(write837P({ claims, envelope: makeEnvelope() }).x12);
  const payments = sub.claims.flatMap((c) => {
    const d = adjudicate(seed, c);
    return d.ack === 'accepted' ? [d.payment] : [];
  });
  return remit835(payments, override !== undefined ? { paymentCentsOverride: override } : {});
}

describe('postRemittanceFile', () => {
  const claims = ['C1', 'C2', 'C3'].map((id) => makeClaim({ claimId: id }));
  const paid = (id: string, chargeCents = 12500) => ({
    patientControlNumber: id,
    statusCode: '1',
    chargeCents,
    paidCents: chargeCents - 2500,
    patientResponsibilityCents: 0,
    payerClaimControlNumber: `PCN-${id}`,
    adjustments: [{ group: 'CO' as const, reason: '45', amountCents: 2500 }],
    services: [],
    remarkCodes: [],
  });

  it('delivers the routed outcome of each posted claim under its posting key', async () => {
    const f = remitFakes(claims);
    const out = await postRemittanceFile(remit835([paid('C1'), paid('C2')]), 'inbound/p.x12', f.ports);
    expect(out).toMatchObject({ remits: 1, posted: 2, held: 0, unmatched: 0, mismatched: 0 });
    expect(f.delivered).toEqual([
      {
        claimId: 'C1',
        outcome: expect.objectContaining({
          route: 'PAID',
          paidCents: 10000,
          payerClaimControlNumber: 'PCN-C1',
          traceNumber: 'TRACE1',
          carcs: ['CO-45'],
        }),
      },
      { claimId: 'C2', outcome: expect.objectContaining({ route: 'PAID', paidCents: 10000 }) },
    ]);
    expect(f.posted.size).toBe(2);
  });

  it('makes a REMIT_MISMATCH work item of a payment whose charge is not the claim total', async () => {
    const f = remitFakes(claims);
    const out = await postRemittanceFile(remit835([paid('C1', 9900)]), 'inbound/m.x12', f.ports);
    expect(out.mismatched).toBe(1);
    expect(f.posted.size).toBe(0);
    expect(f.delivered).toEqual([]);
    expect(f.work).toEqual([
      {
        kind: 'REMIT_MISMATCH',
        reference: 'TRACE1/C1',
        detail: { fileKey: 'inbound/m.x12', problems: ['CHARGE_MISMATCH'] },
      },
    ]);
  });

  it('makes an UNMATCHED_REMIT work item of a CLP01 we never billed, posting the others', async () => {
    const f = remitFakes(claims);
    const out = await postRemittanceFile(remit835([paid('C1'), paid('ZZZ')]), 'inbound/u.x12', f.ports);
    expect(out).toMatchObject({ posted: 1, unmatched: 1 });
    expect(f.work.map((w) => [w.kind, w.reference])).toEqual([['UNMATCHED_REMIT', 'TRACE1/ZZZ']]);
    expect(f.delivered.map((d) => d.claimId)).toEqual(['C1']);
  });

  it('posts each claim once and delivers its route; a replay posts nothing', async () => {
    const f = remitFakes(claims);
    const x12 = remitFor(claims, 1);
    const first = await postRemittanceFile(x12, 'inbound/a.x12', f.ports);
    expect(first.posted).toBeGreaterThan(0);
    expect(f.delivered).toHaveLength(first.posted);
    const entries = [...f.posted.values()].flat().length;
    const again = await postRemittanceFile(x12, 'inbound/a.x12', f.ports);
    expect(again.posted).toBe(0);
    expect(again.duplicates).toBe(first.posted);
    expect([...f.posted.values()].flat()).toHaveLength(entries);
  });

  it('holds an unbalanced 835 and posts nothing', async () => {
    const f = remitFakes(claims);
    const out = await postRemittanceFile(remitFor(claims, 1, 1), 'inbound/b.x12', f.ports);
    expect(out.held).toBe(1);
    expect(f.posted.size).toBe(0);
    expect(f.delivered).toEqual([]);
    expect(f.work.map((w) => w.kind)).toEqual(['REMIT_HELD']);
  });

  itWithSamples('holds the public unbalanced PLB sample and posts nothing', async () => {
    const f = remitFakes([]);
    const out = await postRemittanceFile(
      readSample('835_databricks_plb_sample.txt'),
      'inbound/plb.x12',
      f.ports,
    );
    expect(out.held).toBeGreaterThan(0);
    expect(f.posted.size).toBe(0);
  });

  it('makes a work item of a payment for a claim we do not have', async () => {
    const f = remitFakes([claims[0] as Claim]);
    const out = await postRemittanceFile(remitFor(claims, 1), 'inbound/c.x12', f.ports);
    expect(out.unmatched).toBeGreaterThan(0);
    expect(f.work.every((w) => w.kind === 'UNMATCHED_REMIT')).toBe(true);
  });
});
