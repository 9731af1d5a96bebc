/**
 * The simulated clearinghouse: accepts 837P interchanges by HTTP POST (x-api-key), then answers
 * through claimflow's webhook, HMAC-signed like a real clearinghouse: a 999 for the file, a 277CA
 * per claim, and an 835 for the accepted claims, each after a small delay.
 *
 * An interchange with envelope defects (segment counts, control numbers, missing trailers) whose
 * group and transaction set control numbers can still be read is taken (202) and answered with a
 * rejecting 999 only; a body that is not X12 at all gets 400.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, signBody, TIMESTAMP_HEADER } from '../../shared/webhooks/signature';
import { type InterchangeEnvelope, write277CA, write835, write999, X12Error } from '../../shared/x12';
import { adjudicate, read837, type Submitted837 } from './payer';

export interface SimulatorOptions {
  seed: number;
  apiKey: string;
  webhookUrl: string;
  webhookKey: string;
  delays?: { ackMs?: number; claimAckMs?: number; remitMs?: number };
}

export async function startSimulator(opts: SimulatorOptions) {
  let control = 0;
  let traces = 0;
  let pending = 0;
  const stats = {
    interchangesReceived: 0,
    /** Interchanges answered with a rejecting 999 for envelope defects. */
    interchangesRejected: 0,
    claimsReceived: 0,
    /** Webhook deliveries the receiver accepted (2xx), by kind. */
    sent: { '999': 0, '277': 0, '835': 0 },
    /** Deliveries refused (non-2xx after retries) or not delivered at all. */
    webhookFailures: 0,
  };
  const sent835: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const envelope = (receiverId: string): InterchangeEnvelope => {
    control++;
    return {
      senderId: 'SIMCLEAR',
      receiverId,
      interchangeControlNumber: control,
      groupControlNumber: control,
      transactionSetControlNumber: control,
      usage: 'T',
      createdAt: new Date().toISOString(),
    };
  };

  async function post(body: string): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const ts = Math.floor(Date.now() / 1000);
      try {
        const res = await fetch(opts.webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/edi-x12',
            [TIMESTAMP_HEADER]: String(ts),
            [SIGNATURE_HEADER]: signBody(opts.webhookKey, ts, body),
          },
          body,
        });
        await res.arrayBuffer();
        if (res.status < 500 || attempt >= 5) {
          if (res.status >= 300) stats.webhookFailures++;
          return res.status;
        }
      } catch (err) {
        if (attempt >= 5 || stopped) {
          stats.webhookFailures++;
          throw err;
        }
      }
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }

  function later(ms: number, kind: '999' | '277' | '835', build: () => string | undefined) {
    pending++;
    const t = setTimeout(async () => {
      timers.delete(t);
      try {
        const body = build();
        if (body && !stopped) {
          if (kind === '835') sent835.push(body);
          if ((await post(body)) < 300) stats.sent[kind]++;
        }
      } catch {
        // counted in webhookFailures
      } finally {
        pending--;
      }
    }, ms);
    timers.add(t);
  }

  /** IK502 for an envelope defect of the transaction set. */
  const ik5Code = (e: X12Error) =>
    e.code === 'MISSING_SE'
      ? '2'
      : e.code === 'CONTROL_NUMBER_MISMATCH'
        ? '3'
        : e.code === 'SEGMENT_COUNT_MISMATCH'
          ? '4'
          : '5';

  function reject(sub: Submitted837, defects: X12Error[]) {
    const d = { ackMs: 20, ...opts.delays };
    const codes = [...new Set(defects.map(ik5Code))];
    later(
      d.ackMs,
      '999',
      () =>
        write999({
          envelope: envelope(sub.senderId),
          groupControlNumber: String(Number(sub.groupControlNumber)),
          transactions: sub.transactionSetControlNumbers.map((cn) => ({
            transactionSetId: '837',
            controlNumber: cn,
            code: 'R' as const,
            errorCodes: codes,
          })),
        }).x12,
    );
  }

  function answer(sub: Submitted837) {
    const d = { ackMs: 20, claimAckMs: 40, remitMs: 80, ...opts.delays };
    const today = new Date().toISOString().slice(0, 10);
    const decisions = sub.claims.map((c) => ({ claim: c, decision: adjudicate(opts.seed, c) }));
    later(
      d.ackMs,
      '999',
      () =>
        write999({
          envelope: envelope(sub.senderId),
          groupControlNumber: String(Number(sub.groupControlNumber)),
          transactions: sub.transactionSetControlNumbers.map((cn) => ({
            transactionSetId: '837',
            controlNumber: cn,
            code: 'A' as const,
          })),
        }).x12,
    );
    later(
      d.claimAckMs,
      '277',
      () =>
        write277CA({
          envelope: envelope(sub.senderId),
          payer: { name: 'SIMULATED PAYER', id: sub.claims[0]?.payerId ?? 'SIMPAYER' },
          receiver: { name: 'CLAIMFLOW', id: sub.senderId },
          batchReference: sub.interchangeControlNumber,
          receiptDate: today,
          processDate: today,
          claims: decisions.map(({ claim, decision }) => ({
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
              : { categoryCode: 'A7', statusCode: decision.statusCode, entityCode: '85' }),
          })),
        }).x12,
    );
    later(d.remitMs, '835', () => {
      const payments = decisions.flatMap(({ decision }) =>
        decision.ack === 'accepted' ? [decision.payment] : [],
      );
      if (payments.length === 0) return undefined;
      traces++;
      const first = sub.claims[0];
      return write835({
        envelope: envelope(sub.senderId),
        payer: {
          name: 'SIMULATED PAYER',
          identifier: '1999999999',
          address: { line1: '1 PAYER PLAZA', city: 'HARTFORD', state: 'CT', zip: '061030001' },
        },
        payee: { name: first?.billingName || 'BILLING PROVIDER', npi: first?.billingNpi ?? '' },
        traceNumber: `SIM${opts.seed}T${String(traces).padStart(6, '0')}`,
        paymentMethod: 'ACH',
        paymentDate: today,
        claims: payments,
      }).x12;
    });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST') return void res.writeHead(405).end();
      if (req.headers['x-api-key'] !== opts.apiKey) return void res.writeHead(401).end('unauthorized');
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
        return void res.end(`rejected: ${refusal?.message ?? 'no 837 transaction set'}`);
      }
      stats.interchangesReceived++;
      stats.claimsReceived += sub.claims.length;
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ accepted: refusal ? 0 : sub.claims.length }));
      if (refusal) {
        stats.interchangesRejected++;
        reject(sub, defects);
      } else answer(sub);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x12/837`,
    stats: () => structuredClone(stats),
    sent835: () => [...sent835],
    /** Posts the last 835 again, byte for byte, as a clearinghouse retry would. */
    async replayLast835(): Promise<number> {
      const last = sent835.at(-1);
      if (!last) throw new Error('no 835 sent yet');
      return post(last);
    },
    async idle(): Promise<void> {
      while (pending > 0) await new Promise((r) => setTimeout(r, 20));
    },
    async stop(): Promise<void> {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      pending -= timers.size; // answers that will never be sent
      timers.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Simulator = Awaited<ReturnType<typeof startSimulator>>;
