/**
 * The clearinghouse/payer simulator against a fake webhook receiver: 837P in, signed 999, 277CA and
 * 835 out (read back with shared/x12), deterministic adjudication, retries, replays, rejections.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../../local/simulator/clearinghouse';
import { adjudicate, outcomeFor, read837 } from '../../../local/simulator/payer';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../../../shared/webhooks/signature';
import {
  checkBalance,
  detectTransaction,
  read277CASync,
  read835Sync,
  read999Sync,
  write837P,
} from '../../../shared/x12';
import { makeClaim, makeEnvelope, makeLine } from '../../unit/x12/fixtures';

const SEED = 7;
const API_KEY = 'test-api-key';
const WEBHOOK_KEY = 'test-webhook-hmac-key-0123456789';

interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  kind: string;
}

let received: Delivery[] = [];
/** How many upcoming deliveries the receiver answers with 503. */
let failNext = 0;
let receiver: { url: string; close: () => Promise<void> };
let sim: Simulator;

beforeAll(async () => {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failNext > 0) {
        failNext--;
        return void res.writeHead(503).end();
      }
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        body,
        kind: detectTransaction(body).transactionSetId,
      });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  sim = await startSimulator({
    seed: SEED,
    apiKey: API_KEY,
    webhookUrl: `${receiver.url}/webhooks/simclear`,
    webhookKey: WEBHOOK_KEY,
    delays: { ackMs: 5, claimAckMs: 15, remitMs: 30 },
  });
});
afterAll(async () => {
  await sim?.stop();
  await receiver?.close();
});
beforeEach(() => {
  received = [];
  failNext = 0;
});

/** An 837P with `count` claims (two lines each), group control number `gcn`. */
function interchange(count: number, gcn: number, prefix = 'SIM') {
  const claims = Array.from({ length: count }, (_, i) =>
    makeClaim({
      claimId: `${prefix}${String(i + 1).padStart(4, '0')}`,
      lines: [
        makeLine({ lineId: 'L1', chargeCents: 12_500 }),
        makeLine({ lineId: 'L2', procedureCode: '36415', chargeCents: 2_000 + i * 37 }),
      ],
    }),
  );
  const written = write837P({
    claims,
    envelope: makeEnvelope({ interchangeControlNumber: gcn, groupControlNumber: gcn }),
  });
  return { x12: written.x12, claims };
}

const submit = (body: string, apiKey: string | null = API_KEY) =>
  fetch(sim.url, {
    method: 'POST',
    headers: { 'content-type': 'application/edi-x12', ...(apiKey ? { 'x-api-key': apiKey } : {}) },
    body,
  });

function verified(d: Delivery, key = WEBHOOK_KEY) {
  return verifySignature({
    key,
    body: Buffer.from(d.body),
    signature: d.headers[SIGNATURE_HEADER] as string | undefined,
    timestamp: d.headers[TIMESTAMP_HEADER] as string | undefined,
    nowSeconds: Math.floor(Date.now() / 1000),
    toleranceSeconds: 300,
  });
}

describe('clearinghouse simulator', () => {
  it('refuses a submission without the right API key, and a body that is not X12', async () => {
    const { x12 } = interchange(1, 100);
    expect((await submit(x12, null)).status).toBe(401);
    expect((await submit(x12, 'wrong')).status).toBe(401);
    expect((await submit('hello, not x12')).status).toBe(400);
    await sim.idle();
    expect(received).toEqual([]);
  });

  it('answers an 837P with a signed 999, 277CA and 835 that read back and balance', async () => {
    const { x12, claims } = interchange(40, 101);
    const res = await submit(x12);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 40 });
    await sim.idle();

    expect(received.map((d) => d.kind)).toEqual(['999', '277', '835']);
    for (const d of received) {
      expect(d.path).toBe('/webhooks/simclear');
      expect(d.headers['content-type']).toBe('application/edi-x12');
      expect(d.headers[SIGNATURE_HEADER]).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(verified(d)).toEqual({ ok: true });
      expect(verified(d, 'some-other-key-0123456789abcdef')).toEqual({ ok: false, reason: 'bad-signature' });
    }

    const [ack] = read999Sync(received[0]?.body as string);
    expect(ack).toMatchObject({ groupControlNumber: '101', groupAccepted: true });
    expect(ack?.transactions).toEqual([expect.objectContaining({ transactionSetId: '837', accepted: true })]);

    const outcomes = new Map(claims.map((c) => [c.claimId, outcomeFor(SEED, c.claimId)]));
    const [claimAcks] = read277CASync(received[1]?.body as string);
    expect(claimAcks?.claims).toHaveLength(40);
    for (const a of claimAcks?.claims ?? []) {
      if (outcomes.get(a.patientControlNumber) === 'REJECTED') {
        expect(a).toMatchObject({ accepted: false, categoryCode: 'A7' });
      } else {
        expect(a).toMatchObject({ accepted: true, categoryCode: 'A2', statusCode: '20' });
        expect(a.payerClaimControlNumber).toBeTruthy();
      }
    }

    const [remit] = read835Sync(received[2]?.body as string);
    expect(remit).toBeDefined();
    if (!remit) return;
    expect(checkBalance(remit)).toEqual([]);
    const accepted = claims.filter((c) => outcomes.get(c.claimId) !== 'REJECTED');
    expect(remit.claims.map((c) => c.patientControlNumber).sort()).toEqual(
      accepted.map((c) => c.claimId).sort(),
    );
    expect(remit.traceNumber).toMatch(/^SIM7T/);
    for (const cp of remit.claims) {
      const outcome = outcomes.get(cp.patientControlNumber);
      const adjustments = cp.services.flatMap((s) => s.adjustments);
      const codes = adjustments.map((a) => `${a.group}-${a.reason}`);
      expect(cp.chargeCents).toBe(14_500 + Number(cp.patientControlNumber.slice(3)) * 37 - 37);
      if (outcome === 'PAID') {
        expect(cp).toMatchObject({ statusCode: '1', patientResponsibilityCents: 0 });
        expect(codes.every((c) => c === 'CO-45')).toBe(true);
        expect(cp.paidCents).toBeGreaterThan(0);
      } else if (outcome === 'PATIENT_RESPONSIBILITY') {
        expect(cp.statusCode).toBe('1');
        expect(cp.patientResponsibilityCents).toBeGreaterThan(0);
        expect(codes.some((c) => /^PR-[123]$/.test(c))).toBe(true);
      } else {
        expect(cp).toMatchObject({ statusCode: '4', paidCents: 0 });
        expect(new Set(codes)).toEqual(new Set([`CO-${outcome?.slice(7)}`]));
      }
    }
    // The seeded mix has the outcomes the demo needs.
    const mix = new Set(outcomes.values());
    expect(mix.has('PAID')).toBe(true);
    expect(mix.has('PATIENT_RESPONSIBILITY')).toBe(true);
    expect([...mix].some((o) => o.startsWith('DENIED'))).toBe(true);
    expect(sim.stats()).toMatchObject({ claimsReceived: 40 });
  });

  it('adjudicates deterministically from seed and claim id', () => {
    const { x12 } = interchange(5, 102);
    const sub = read837(x12);
    for (const c of sub.claims) {
      expect(adjudicate(SEED, c)).toEqual(adjudicate(SEED, c));
      expect(outcomeFor(SEED, c.claimId)).toBe(outcomeFor(SEED, c.claimId));
    }
    // Another seed deals another hand.
    const ids = Array.from({ length: 50 }, (_, i) => `X${i}`);
    expect(ids.map((id) => outcomeFor(1, id))).not.toEqual(ids.map((id) => outcomeFor(2, id)));
  });

  it('gives every 835 its own trace number and replays the last one byte for byte', async () => {
    await submit(interchange(6, 103, 'TRA').x12);
    await sim.idle();
    await submit(interchange(6, 104, 'TRB').x12);
    await sim.idle();
    const remits = received.filter((d) => d.kind === '835');
    expect(remits).toHaveLength(2);
    const traces = remits.map((d) => read835Sync(d.body)[0]?.traceNumber);
    expect(new Set(traces).size).toBe(2);

    const status = await sim.replayLast835();
    expect(status).toBe(202);
    const replay = received.at(-1) as Delivery;
    expect(replay.body).toBe(remits[1]?.body);
    expect(verified(replay)).toEqual({ ok: true });
    expect(sim.sent835().at(-1)).toBe(remits[1]?.body);
  });

  it('retries a webhook delivery the receiver answered with 5xx', async () => {
    failNext = 2;
    await submit(interchange(2, 105).x12);
    await sim.idle();
    // Each delivered once; a retried one may arrive after a later one, as real webhooks do.
    expect(received.map((d) => d.kind).sort()).toEqual(['277', '835', '999']);
    expect(sim.stats().webhookFailures).toBe(0);
  });

  it('rejects an interchange with envelope defects with a 999 only', async () => {
    const { x12 } = interchange(3, 106);
    // Break SE01 (the segment count).
    const broken = x12.replace(/SE\*(\d+)\*/, (_m, n: string) => `SE*${Number(n) + 5}*`);
    const before = sim.stats().interchangesRejected;
    const res = await submit(broken);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 0 });
    await sim.idle();
    expect(received.map((d) => d.kind)).toEqual(['999']);
    const [ack] = read999Sync(received[0]?.body as string);
    expect(ack).toMatchObject({ groupControlNumber: '106', groupAccepted: false });
    expect(ack?.transactions[0]).toMatchObject({ accepted: false, code: 'R' });
    expect(sim.stats().interchangesRejected).toBe(before + 1);
  });
});
