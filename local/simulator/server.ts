/**
 * The simulated clearinghouse + payer for the local demo. It takes 837P interchanges by HTTP POST
 * (header x-api-key) on 127.0.0.1, answers 202 at once, then, through claimflow's webhook
 * (HMAC-signed with shared/webhooks/signature.ts, like a real clearinghouse):
 *   1. a 999 per functional group (IK5 A, or R for an interchange with envelope defects),
 *   2. a 277CA listing every claim: A2:20 with REF*1K, or A7:562:85 (rejected),
 *   3. an 835 per payer (and payee) of the interchange for its accepted claims, unique TRN02.
 * Deliveries of one interchange go out in that order, each after its delay; 5xx and connection
 * errors are retried up to 5 times. Outgoing control numbers and trace numbers are allocated from
 * counters when the 837P arrives, so the output is a function of seed and input (timestamps aside).
 *
 * A body that is not X12 at all, or has no readable group / transaction set, gets 400.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, signBody, TIMESTAMP_HEADER } from '../../shared/webhooks/signature';
import {
  type ClaimPayment835Input,
  type InterchangeEnvelope,
  type ProviderAdjustment,
  type Write835Input,
  write277CA,
  write835,
  write999,
  X12Error,
} from '../../shared/x12';
import { type Decision, decide, decideVoid, reprocessAfterAppeal } from './adjudicate';
import { read837, type Submitted837, type SubmittedClaim } from './read837';

export interface SimulatorOptions {
  seed: number | string;
  apiKey: string;
  /** Full URL of the webhook, e.g. http://127.0.0.1:1234/webhooks/simclear */
  webhookUrl: string;
  webhookKey: string;
  /** Delays after receipt of the 837P; defaults 20 / 40 / 80 ms. */
  delays?: { ackMs?: number; claimAckMs?: number; remitMs?: number };
  /** Payer name written in the 277CA and 835 (default SIMULATED PAYER). */
  payerName?: string;
  /** Largest accepted 837P body (default 20 MiB); larger gets 413. */
  maxBodyBytes?: number;
  /** Fault hooks of the chaos harness. */
  faults?: SimulatorFaults;
}

export interface SimulatorFaults {
  /** true: the 837P is received and processed, but the POST never gets its answer (a timeout). */
  dropResponse?(interchangeControlNumber: string): boolean;
  /** true: this webhook delivery is sent once more, byte for byte. */
  resend?(kind: OutgoingKind, body: string): boolean;
  /** true: this 835's payments are sent once more under a new envelope and trace number. */
  reenvelope?(traceNumber: string): boolean;
  /** Provider-level adjustments (PLB) to put in this 835, if any. */
  providerAdjustments?(traceNumber: string, payeeNpi: string): ProviderAdjustment[];
}

/** What the payer decided for one claim: the truth a harness compares the ledger with. */
export interface Adjudication {
  claimId: string;
  outcome: Decision['outcome'];
  paidCents: number;
  /** How many times the payer adjudicated it (a duplicate interchange is not adjudicated again). */
  times: number;
}

export type OutgoingKind = '999' | '277' | '835';

export interface SimulatorStats {
  interchangesReceived: number;
  /** Interchanges answered with a rejecting 999 for envelope defects. */
  interchangesRejected: number;
  claimsReceived: number;
  /** Webhook deliveries the receiver accepted (2xx), by kind (replays not included). */
  sent: Record<OutgoingKind, number>;
  /** replayLast835 calls the receiver accepted (2xx). */
  replays: number;
  /** Deliveries refused (non-2xx after retries) or not delivered at all. */
  webhookFailures: number;
}

export interface Simulator {
  /** POST target for 837P interchanges. */
  url: string;
  stop(): Promise<void>;
  /** Resolves when nothing is scheduled or in flight. */
  idle(): Promise<void>;
  stats(): SimulatorStats;
  /** Posts the last 835 again, byte for byte (freshly signed); resolves with the HTTP status. */
  replayLast835(): Promise<number>;
  /** Every 835 text built so far, in order. */
  sent835(): string[];
  /** The payer's decision for every claim it received, by claim id. */
  adjudications(): Map<string, Adjudication>;
  /**
   * The payer decides an appeal of a claim it denied (appeals reach payers by mail or portal, not
   * X12): overturned -> it reprocesses the claim and sends an 835 paying it under a new claim
   * number ('sent'); upheld -> nothing is sent. 'unknown' for a claim it never received.
   */
  decideAppeal(claimId: string, overturned: boolean): 'sent' | 'upheld' | 'unknown';
}

const MAX_RETRIES = 5;
const SENDER_ID = 'SIMCLEAR';
const PAYER_EIN_ID = '1999999999';

/** IK502 for an envelope defect of a transaction set. */
function ik5Code(e: X12Error): string {
  switch (e.code) {
    case 'MISSING_SE':
      return '2';
    case 'CONTROL_NUMBER_MISMATCH':
      return '3';
    case 'SEGMENT_COUNT_MISMATCH':
      return '4';
    default:
      return '5';
  }
}

interface Outgoing {
  kind: OutgoingKind;
  atMs: number;
  body: string;
  /** For an 835: what it was written from (to send the same payments under a new envelope). */
  remit?: Write835Input;
}

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const delays = { ackMs: 20, claimAckMs: 40, remitMs: 80, ...opts.delays };
  const payerName = opts.payerName ?? 'SIMULATED PAYER';
  const maxBody = opts.maxBodyBytes ?? 20 * 1024 * 1024;
  let control = 0;
  let traces = 0;
  let stopped = false;
  const stats: SimulatorStats = {
    interchangesReceived: 0,
    interchangesRejected: 0,
    claimsReceived: 0,
    sent: { '999': 0, '277': 0, '835': 0 },
    replays: 0,
    webhookFailures: 0,
  };
  const sent835: string[] = [];
  const adjudications = new Map<string, Adjudication>();
  /** What each claim was last sent as, and in which interchange (to answer an appeal later). */
  const received837 = new Map<string, { sub: Submitted837; claim: SubmittedClaim }>();
  /** Interchanges already taken, by sender and ISA13: a resend is not adjudicated again. */
  const received = new Set<string>();
  const faults = opts.faults ?? {};
  const inFlight = new Set<Promise<unknown>>();
  const sleepers = new Map<NodeJS.Timeout, () => void>();
  const aborts = new Set<AbortController>();

  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    void p.then(
      () => inFlight.delete(p),
      () => inFlight.delete(p),
    );
    return p;
  };

  /** Resolves after ms, or at once when the simulator stops. */
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped || ms <= 0) return resolve();
      const t = setTimeout(() => {
        sleepers.delete(t);
        resolve();
      }, ms);
      sleepers.set(t, resolve);
    });

  const nextControl = () => {
    control++;
    return {
      interchangeControlNumber: control,
      groupControlNumber: control,
      transactionSetControlNumber: control,
    };
  };

  const envelope = (sub: Submitted837): InterchangeEnvelope => {
    control++;
    return {
      senderId: SENDER_ID,
      receiverQualifier: sub.senderQualifier || 'ZZ',
      receiverId: sub.senderId,
      interchangeControlNumber: control,
      groupControlNumber: control,
      transactionSetControlNumber: control,
      usage: sub.usage === 'P' ? 'P' : 'T',
      createdAt: new Date().toISOString(),
    };
  };

  /** One signed POST with retries on 5xx / connection errors; resolves with the final status. */
  async function post(body: string): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const ts = Math.floor(Date.now() / 1000);
      const abort = new AbortController();
      aborts.add(abort);
      try {
        const res = await fetch(opts.webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/edi-x12',
            [TIMESTAMP_HEADER]: String(ts),
            [SIGNATURE_HEADER]: signBody(opts.webhookKey, ts, body),
          },
          body,
          signal: abort.signal,
        });
        await res.arrayBuffer();
        if (res.status < 500 || attempt >= MAX_RETRIES || stopped) {
          if (res.status < 200 || res.status >= 300) stats.webhookFailures++;
          return res.status;
        }
      } catch (err) {
        if (attempt >= MAX_RETRIES || stopped) {
          stats.webhookFailures++;
          throw err;
        }
      } finally {
        aborts.delete(abort);
      }
      await sleep(25 * (attempt + 1));
    }
  }

  /** Sends one interchange's answers in order, each not before its delay after receipt. */
  function deliver(outgoing: Outgoing[]): void {
    const start = Date.now();
    const run = async () => {
      for (const o of outgoing) {
        await sleep(o.atMs - (Date.now() - start));
        if (stopped) return;
        const bodies = [o.body];
        if (faults.resend?.(o.kind, o.body)) bodies.push(o.body);
        if (o.remit && faults.reenvelope?.(o.remit.traceNumber)) {
          traces++;
          const traceNumber = `SIMTRN${String(traces).padStart(6, '0')}S${opts.seed}R`;
          bodies.push(
            write835({ ...o.remit, envelope: { ...o.remit.envelope, ...nextControl() }, traceNumber }).x12,
          );
        }
        for (const body of bodies) {
          if (o.kind === '835') sent835.push(body);
          try {
            const status = await post(body);
            if (status >= 200 && status < 300) stats.sent[o.kind]++;
          } catch {
            // counted in webhookFailures
          }
        }
      }
    };
    track(run());
  }

  function ack999(sub: Submitted837, code: 'A' | 'R', errorCodes: string[] = []): Outgoing[] {
    return sub.groups
      .filter((g) => g.groupControlNumber && g.transactionSetControlNumbers.length > 0)
      .map((g) => ({
        kind: '999' as const,
        atMs: delays.ackMs,
        body: write999({
          envelope: envelope(sub),
          groupControlNumber: String(Number(g.groupControlNumber) || g.groupControlNumber),
          transactions: g.transactionSetControlNumbers.map((cn) => ({
            transactionSetId: '837',
            controlNumber: cn,
            code,
            ...(code === 'R' ? { errorCodes } : {}),
          })),
        }).x12,
      }));
  }

  function answer(sub: Submitted837): Outgoing[] {
    const out = ack999(sub, 'A');
    if (sub.claims.length === 0) return out;
    const today = new Date().toISOString().slice(0, 10);
    // A void (frequency 8) is acknowledged under the original's claim number; its 835 (a reversal of
    // what the original paid, if anything) goes with the others.
    const voids = sub.claims
      .filter((c) => c.frequencyCode === '8')
      .map((claim) => ({
        claim,
        answer: decideVoid(opts.seed, claim, received837.get(claim.claimId)?.claim.frequencyCode),
      }));
    const decisions: { claim: SubmittedClaim; decision: Decision }[] = sub.claims
      .filter((c) => c.frequencyCode !== '8')
      .map((claim) => ({ claim, decision: decide(opts.seed, claim) }));
    for (const { claim, decision } of decisions) {
      received837.set(claim.claimId, { sub, claim });
      const before = adjudications.get(claim.claimId);
      adjudications.set(claim.claimId, {
        claimId: claim.claimId,
        outcome: decision.outcome,
        paidCents: decision.payment?.paidCents ?? 0,
        times: (before?.times ?? 0) + 1,
      });
    }
    out.push({
      kind: '277',
      atMs: delays.claimAckMs,
      body: write277CA({
        envelope: envelope(sub),
        payer: { name: payerName, id: sub.claims[0]?.payerId || 'SIMPAYER' },
        receiver: { name: sub.senderId, id: sub.senderId },
        batchReference: sub.interchangeControlNumber,
        receiptDate: today,
        processDate: today,
        claims: [
          ...decisions,
          ...voids.map(({ claim, answer }) => ({
            claim,
            decision: { ack: 'accepted' as const, payerClaimControlNumber: answer.payerClaimControlNumber },
          })),
        ].map(({ claim, decision }) => ({
          patientControlNumber: claim.claimId,
          billingProviderNpi: claim.billingNpi,
          billingProviderName: claim.billingName || 'BILLING PROVIDER',
          patient: claim.subscriber,
          chargeCents: claim.chargeCents,
          serviceDateFrom: claim.lines[0]?.dateOfService ?? today,
          ...(decision.ack === 'accepted'
            ? {
                categoryCode: 'A2',
                statusCode: '20',
                payerClaimControlNumber: decision.payerClaimControlNumber,
              }
            : {
                categoryCode: decision.categoryCode,
                statusCode: decision.statusCode,
                entityCode: decision.entityCode,
              }),
        })),
      }).x12,
    });
    const payments: { claim: SubmittedClaim; payment: ClaimPayment835Input }[] = [
      ...decisions.flatMap(({ claim, decision }) =>
        decision.ack === 'accepted' ? [{ claim, payment: decision.payment }] : [],
      ),
      ...voids.flatMap(({ claim, answer }) => (answer.payment ? [{ claim, payment: answer.payment }] : [])),
    ];
    // One 835 per payer and payee (billing NPI), in order of first appearance.
    const remits = new Map<string, { claim: SubmittedClaim; payments: ClaimPayment835Input[] }>();
    for (const { claim, payment } of payments) {
      const key = `${claim.payerId}\u0000${claim.billingNpi}`;
      const r = remits.get(key) ?? { claim, payments: [] };
      r.payments.push(payment);
      remits.set(key, r);
    }
    for (const { claim, payments } of remits.values()) out.push(remit835(sub, claim, payments));
    return out;
  }

  /** One 835 (next trace number) paying `payments` to the claim's payee. */
  function remit835(sub: Submitted837, claim: SubmittedClaim, payments: ClaimPayment835Input[]): Outgoing {
    const today = new Date().toISOString().slice(0, 10);
    traces++;
    const traceNumber = `SIMTRN${String(traces).padStart(6, '0')}S${opts.seed}`;
    const pick = createHash('sha256').update(`${opts.seed}:${traceNumber}`).digest()[0] as number;
    const plb = faults.providerAdjustments?.(traceNumber, claim.billingNpi) ?? [];
    const remit: Write835Input = {
      envelope: envelope(sub),
      payer: {
        name: payerName,
        identifier: PAYER_EIN_ID,
        address: { line1: '1 PAYER PLAZA', city: 'HARTFORD', state: 'CT', zip: '061030001' },
      },
      payee: { name: claim.billingName || 'BILLING PROVIDER', npi: claim.billingNpi },
      traceNumber,
      paymentMethod: pick % 4 === 0 ? 'CHK' : 'ACH',
      paymentDate: today,
      claims: payments,
      ...(plb.length > 0 ? { providerAdjustments: plb } : {}),
    };
    return { kind: '835', atMs: delays.remitMs, body: write835(remit).x12, remit };
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBody) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      if (req.method !== 'POST') return void res.writeHead(405).end();
      if (req.headers['x-api-key'] !== opts.apiKey) return void res.writeHead(401).end('unauthorized');
      if (tooBig) return void res.writeHead(413).end('too large');
      const text = Buffer.concat(chunks).toString('utf8');
      let sub: Submitted837 | undefined;
      const defects: X12Error[] = [];
      let refusal: Error | undefined;
      try {
        sub = read837(text);
      } catch (err) {
        refusal = err as Error;
        if (err instanceof X12Error) {
          try {
            sub = read837(text, { envelope: 'lenient', onWarning: (w) => defects.push(w) });
          } catch {
            sub = undefined;
          }
          if (defects.length === 0) defects.push(err);
        }
      }
      if (!sub?.groupControlNumber || sub.transactionSetControlNumbers.length === 0) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        return void res.end(
          `rejected: ${refusal instanceof X12Error ? refusal.code : 'no 837 transaction set'}`,
        );
      }
      const interchangeKey = `${sub.senderId}\u0000${Number(sub.interchangeControlNumber)}`;
      if (!refusal && received.has(interchangeKey)) {
        // A clearinghouse takes an interchange once: a resend (same sender, same ISA13) is not processed again.
        res.writeHead(202, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ accepted: 0, duplicate: true }));
      }
      let outgoing: Outgoing[];
      try {
        outgoing = refusal ? ack999(sub, 'R', [...new Set(defects.map(ik5Code))]) : answer(sub);
      } catch (err) {
        // e.g. an NPI the 835 writer refuses: nothing is sent for this interchange
        res.writeHead(422, { 'content-type': 'text/plain' });
        return void res.end(`cannot answer: ${err instanceof X12Error ? err.code : 'invalid input'}`);
      }
      stats.interchangesReceived++;
      stats.claimsReceived += sub.claims.length;
      if (refusal) stats.interchangesRejected++;
      else received.add(interchangeKey);
      deliver(outgoing);
      if (faults.dropResponse?.(sub.interchangeControlNumber)) {
        // Received and processed, but the sender never hears back: its request times out.
        return void req.socket.destroy();
      }
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ accepted: refusal ? 0 : sub.claims.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x12/837`,
    stats: () => structuredClone(stats),
    sent835: () => [...sent835],
    adjudications: () => new Map(adjudications),
    decideAppeal(claimId, overturned) {
      const known = received837.get(claimId);
      if (!known) return 'unknown';
      if (!overturned) return 'upheld';
      deliver([remit835(known.sub, known.claim, [reprocessAfterAppeal(opts.seed, known.claim)])]);
      return 'sent';
    },
    async replayLast835(): Promise<number> {
      const last = sent835.at(-1);
      if (last === undefined) throw new Error('no 835 sent yet');
      const status = await track(post(last));
      if (status >= 200 && status < 300) stats.replays++;
      return status;
    },
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async stop(): Promise<void> {
      stopped = true;
      for (const [t, wake] of sleepers) {
        clearTimeout(t);
        wake();
      }
      sleepers.clear();
      for (const a of aborts) a.abort();
      await Promise.allSettled([...inFlight]);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
