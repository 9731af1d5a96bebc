/**
 * The clearinghouse/payer simulator against a fake webhook receiver: 837P in, signed 999, 277CA and
 * 835 out (read back with shared/x12), deterministic adjudication, retries, replays, rejections.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { outcomeFor, payerClaimNumber } from '../../../local/simulator/adjudicate';
import { type Simulator, startSimulator } from '../../../local/simulator/server';
import type { Claim } from '../../../shared/claims/model';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../../../shared/webhooks/signature';
import {
  detectTransaction,
  read277CASync,
  read835Strict,
  read835Sync,
  read999Sync,
  write837P,
} from '../../../shared/x12';
import { makeClaim, makeEnvelope, makeLine, OTHER_BILLING_NPI } from '../../unit/x12/fixtures';

const SEED = 7;
const API_KEY = 'test-api-key';
const WEBHOOK_KEY = 'test-webhook-hmac-key-0123456789';
const DELAYS = { ackMs: 5, claimAckMs: 15, remitMs: 30 };

interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  kind: string;
  /** verifySignature with the right key, at receipt. */
  check: ReturnType<typeof verifySignature>;
}

interface Receiver {
  url: string;
  received: Delivery[];
  /** How many upcoming deliveries are answered with 503. */
  failNext: number;
  close: () => Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const r: Receiver = { url: '', received: [], failNext: 0, close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (r.failNext > 0) {
        r.failNext--;
        return void res.writeHead(503).end();
      }
      const raw = Buffer.concat(chunks);
      const check = verifySignature({
        key: WEBHOOK_KEY,
        body: raw,
        signature: req.headers[SIGNATURE_HEADER] as string | undefined,
        timestamp: req.headers[TIMESTAMP_HEADER] as string | undefined,
        nowSeconds: Math.floor(Date.now() / 1000),
        toleranceSeconds: 300,
      });
      const body = raw.toString('utf8');
      r.received.push({
        path: req.url ?? '',
        headers: req.headers,
        body,
        kind: detectTransaction(body).transactionSetId,
        check,
      });
      res.writeHead(check.ok ? 202 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  r.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return r;
}

const startSim = (receiver: Receiver, seed = SEED) =>
  startSimulator({
    seed,
    apiKey: API_KEY,
    webhookUrl: `${receiver.url}/webhooks/simclear`,
    webhookKey: WEBHOOK_KEY,
    delays: DELAYS,
  });

let receiver: Receiver;
let sim: Simulator;

beforeAll(async () => {
  receiver = await startReceiver();
  sim = await startSim(receiver);
});
afterAll(async () => {
  await sim?.stop();
  await receiver?.close();
});
beforeEach(() => {
  receiver.received = [];
  receiver.failNext = 0;
});

/** An 837P with `count` claims (two lines each), interchange/group control number `icn`. */
function interchange(count: number, icn: number, prefix = 'SIM', claimOverrides: Partial<Claim> = {}) {
  const claims = Array.from({ length: count }, (_, i) =>
    makeClaim({
      claimId: `${prefix}${String(i + 1).padStart(4, '0')}`,
      lines: [
        makeLine({ lineId: 'L1', chargeCents: 12_501 }),
        makeLine({ lineId: 'L2', procedureCode: '36415', chargeCents: 2_000 + i * 37 }),
      ],
      ...claimOverrides,
    }),
  );
  const written = write837P({
    claims,
    envelope: makeEnvelope({ interchangeControlNumber: icn, groupControlNumber: icn }),
  });
  return { x12: written.x12, claims, transactionSetControlNumber: written.transactionSetControlNumber };
}

const submit = (body: string, apiKey: string | null = API_KEY, url = sim.url) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/edi-x12', ...(apiKey ? { 'x-api-key': apiKey } : {}) },
    body,
  });

/** Drops what depends on the clock: ISA/GS/BHT date and time, and today's date anywhere. */
function withoutClock(x12: string): string {
  const today = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return x12
    .split('~')
    .map((seg) => {
      const e = seg.split('*');
      if (e[0] === 'ISA') e[9] = e[10] = '';
      if (e[0] === 'GS') e[4] = e[5] = '';
      if (e[0] === 'BHT') e[4] = e[5] = '';
      return e.join('*');
    })
    .join('~')
    .replaceAll(today, 'TODAY');
}

describe('clearinghouse simulator', () => {
  it('refuses a submission without the right API key (401), and a body that is not X12 (400)', async () => {
    const { x12 } = interchange(1, 100);
    expect((await submit(x12, null)).status).toBe(401);
    expect((await submit(x12, 'wrong')).status).toBe(401);
    expect((await submit('hello, not x12')).status).toBe(400);
    await sim.idle();
    expect(receiver.received).toEqual([]);
    expect(sim.stats().interchangesReceived).toBe(0);
  });

  it('answers 20 claims with one signed 999, 277CA and 835 that read back and balance', async () => {
    const before = sim.stats();
    const { x12, claims, transactionSetControlNumber } = interchange(20, 101);
    const res = await submit(x12);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 20 });
    await sim.idle();

    const received = receiver.received;
    expect(received.map((d) => d.kind)).toEqual(['999', '277', '835']);
    for (const d of received) {
      expect(d.path).toBe('/webhooks/simclear');
      expect(d.headers['content-type']).toBe('application/edi-x12');
      expect(d.headers[SIGNATURE_HEADER]).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(d.check).toEqual({ ok: true });
      // addressed to the 837's sender, from SIMCLEAR
      expect(d.body).toMatch(/^ISA\*00\* {10}\*00\* {10}\*ZZ\*SIMCLEAR {7}\*ZZ\*CLAIMFLOWTEST {2}\*/);
    }

    const [ack] = read999Sync(received[0]?.body as string);
    expect(ack).toMatchObject({ groupControlNumber: '101', groupAccepted: true });
    expect(ack?.transactions).toEqual([
      expect.objectContaining({
        transactionSetId: '837',
        controlNumber: transactionSetControlNumber,
        accepted: true,
      }),
    ]);

    const outcomes = new Map(claims.map((c) => [c.claimId, outcomeFor(SEED, c.claimId)]));
    const rejected = claims.filter((c) => outcomes.get(c.claimId) === 'REJECTED').map((c) => c.claimId);
    const accepted = claims.filter((c) => outcomes.get(c.claimId) !== 'REJECTED').map((c) => c.claimId);
    // seed 7 deals at least one rejection among these 20 (else this test would prove less)
    expect(rejected.length).toBeGreaterThan(0);

    const [claimAcks] = read277CASync(received[1]?.body as string);
    expect(claimAcks?.claims.map((a) => a.patientControlNumber).sort()).toEqual(
      claims.map((c) => c.claimId).sort(),
    );
    for (const a of claimAcks?.claims ?? []) {
      if (rejected.includes(a.patientControlNumber)) {
        expect(a).toMatchObject({ accepted: false, categoryCode: 'A7', statusCode: '562' });
      } else {
        expect(a).toMatchObject({
          accepted: true,
          categoryCode: 'A2',
          statusCode: '20',
          payerClaimControlNumber: payerClaimNumber(a.patientControlNumber),
        });
      }
    }

    const [remit] = await read835Strict(received[2]?.body as string);
    expect(remit).toBeDefined();
    if (!remit) return;
    expect(remit.claims.map((c) => c.patientControlNumber).sort()).toEqual(accepted.sort());
    for (const id of rejected) expect(remit.claims.some((c) => c.patientControlNumber === id)).toBe(false);
    expect(remit.traceNumber).toMatch(/^SIMTRN\d{6}S7$/);
    expect(remit.paymentCents).toBe(remit.claims.reduce((t, c) => t + c.paidCents, 0));
    expect(remit.providerAdjustments).toEqual([]);
    for (const cp of remit.claims) {
      const n = Number(cp.patientControlNumber.slice(3));
      expect(cp.chargeCents).toBe(12_501 + 2_000 + (n - 1) * 37);
      expect(cp.payerClaimControlNumber).toBe(payerClaimNumber(cp.patientControlNumber));
      expect(cp.services.map((s) => s.lineItemControlNumber)).toEqual(['L1', 'L2']);
    }
    expect(sim.sent835().at(-1)).toBe(received[2]?.body);
    const after = sim.stats();
    expect(after.interchangesReceived - before.interchangesReceived).toBe(1);
    expect(after.claimsReceived - before.claimsReceived).toBe(20);
    expect(after.sent['999'] - before.sent['999']).toBe(1);
    expect(after.sent['277'] - before.sent['277']).toBe(1);
    expect(after.sent['835'] - before.sent['835']).toBe(1);
    expect(after.webhookFailures).toBe(before.webhookFailures);
  });

  it('gives every 835 its own trace number and replays the last one byte for byte', async () => {
    await submit(interchange(6, 103, 'TRA').x12);
    await sim.idle();
    await submit(interchange(6, 104, 'TRB').x12);
    await sim.idle();
    const remits = receiver.received.filter((d) => d.kind === '835');
    expect(remits).toHaveLength(2);
    const traces = remits.map((d) => read835Sync(d.body)[0]?.traceNumber);
    expect(new Set(traces).size).toBe(2);

    const replays = sim.stats().replays;
    const status = await sim.replayLast835();
    expect(status).toBe(202);
    const replay = receiver.received.at(-1) as Delivery;
    expect(replay.body).toBe(remits[1]?.body);
    expect(replay.check).toEqual({ ok: true });
    expect(sim.sent835().at(-1)).toBe(remits[1]?.body);
    expect(sim.stats().replays).toBe(replays + 1);
  });

  it('answers a void with its 277CA and a reversal of what was paid, and an overturned appeal with a new 835', async () => {
    const first = interchange(12, 120, 'VAP');
    await submit(first.x12);
    await sim.idle();
    const paid = first.claims.find((c) => (sim.adjudications().get(c.claimId)?.paidCents ?? 0) > 0);
    const denied = first.claims.find((c) => outcomeFor(SEED, c.claimId) === 'DENIED_50') ?? first.claims[0];
    expect(paid && denied).toBeTruthy();
    if (!paid || !denied) return;
    receiver.received = [];

    // The void: frequency 8 with the original's claim number.
    const voided = write837P({
      claims: [{ ...paid, frequencyCode: '8', originalPayerClaimNumber: payerClaimNumber(paid.claimId) }],
      envelope: makeEnvelope({ interchangeControlNumber: 121, groupControlNumber: 121 }),
    });
    await submit(voided.x12);
    await sim.idle();
    const ack = receiver.received.find((d) => d.kind === '277');
    expect(ack && read277CASync(ack.body)[0]?.claims[0]).toMatchObject({
      patientControlNumber: paid.claimId,
      payerClaimControlNumber: payerClaimNumber(paid.claimId),
    });
    const reversal = receiver.received.find((d) => d.kind === '835');
    const rev = reversal && read835Sync(reversal.body)[0]?.claims[0];
    expect(rev).toMatchObject({
      statusCode: '22',
      payerClaimControlNumber: payerClaimNumber(paid.claimId),
      paidCents: -(sim.adjudications().get(paid.claimId)?.paidCents ?? 0),
    });

    // An appeal: upheld sends nothing; overturned sends an 835 paying under a new claim number.
    receiver.received = [];
    expect(sim.decideAppeal('NOSUCH', true)).toBe('unknown');
    expect(sim.decideAppeal(denied.claimId, false)).toBe('upheld');
    expect(sim.decideAppeal(denied.claimId, true)).toBe('sent');
    await sim.idle();
    const remits = receiver.received.filter((d) => d.kind === '835');
    expect(remits).toHaveLength(1);
    const reprocessed = read835Sync(remits[0]?.body ?? '')[0];
    expect(reprocessed?.claims[0]).toMatchObject({
      patientControlNumber: denied.claimId,
      statusCode: '1',
      payerClaimControlNumber: `${payerClaimNumber(denied.claimId)}R`,
    });
    expect(reprocessed?.claims[0]?.paidCents).toBeGreaterThan(0);
  });

  it('sends one 835 per payee when an interchange bills for two providers', async () => {
    const a = interchange(8, 110, 'PA').claims;
    const b = interchange(8, 110, 'PB', {
      billingProvider: { ...makeClaim().billingProvider, npi: OTHER_BILLING_NPI },
    }).claims;
    const x12 = write837P({
      claims: [...a, ...b],
      envelope: makeEnvelope({ interchangeControlNumber: 110 }),
    }).x12;
    expect((await submit(x12)).status).toBe(202);
    await sim.idle();
    expect(receiver.received.map((d) => d.kind)).toEqual(['999', '277', '835', '835']);
    const remits = receiver.received.slice(2).map((d) => read835Sync(d.body, { requireBalanced: true })[0]);
    expect(remits.map((r) => r?.claims.every((c) => c.patientControlNumber.startsWith('PA')))).toEqual([
      true,
      false,
    ]);
    expect(remits[1]?.claims.every((c) => c.patientControlNumber.startsWith('PB'))).toBe(true);
    expect(new Set(remits.map((r) => r?.traceNumber)).size).toBe(2);
  });

  it('retries a webhook delivery the receiver answered with 5xx', async () => {
    receiver.failNext = 2;
    const failures = sim.stats().webhookFailures;
    await submit(interchange(2, 105).x12);
    await sim.idle();
    expect(receiver.received.map((d) => d.kind)).toEqual(['999', '277', '835']);
    expect(sim.stats().webhookFailures).toBe(failures);
  });

  it('counts a delivery that still fails after 5 retries', async () => {
    receiver.failNext = 6; // first try + 5 retries of the 999
    const failures = sim.stats().webhookFailures;
    await submit(interchange(2, 107).x12);
    await sim.idle();
    expect(receiver.received.map((d) => d.kind)).toEqual(['277', '835']);
    expect(sim.stats().webhookFailures).toBe(failures + 1);
  });

  it('rejects an interchange with envelope defects with a 999 only', async () => {
    const { x12 } = interchange(3, 106);
    const broken = x12.replace(/SE\*(\d+)\*/, (_m, n: string) => `SE*${Number(n) + 5}*`);
    const before = sim.stats().interchangesRejected;
    const res = await submit(broken);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 0 });
    await sim.idle();
    expect(receiver.received.map((d) => d.kind)).toEqual(['999']);
    const [ack] = read999Sync(receiver.received[0]?.body as string);
    expect(ack).toMatchObject({ groupControlNumber: '106', groupAccepted: false });
    expect(ack?.transactions[0]).toMatchObject({ accepted: false, code: 'R' });
    expect(receiver.received[0]?.body).toContain('IK5*R');
    expect(sim.stats().interchangesRejected).toBe(before + 1);
  });

  it('answers the same input with the same files for the same seed (timestamps aside)', async () => {
    const { x12 } = interchange(12, 120, 'DET');
    const runs: string[][] = [];
    for (const seed of [SEED, SEED, SEED + 1]) {
      const r = await startReceiver();
      const s = await startSim(r, seed);
      try {
        expect((await submit(x12, API_KEY, s.url)).status).toBe(202);
        await s.idle();
        runs.push(r.received.map((d) => withoutClock(d.body)));
      } finally {
        await s.stop();
        await r.close();
      }
    }
    expect(runs[0]).toHaveLength(3);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]?.[2]).not.toEqual(runs[0]?.[2]);
  });
});
