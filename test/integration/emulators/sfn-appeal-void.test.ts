/**
 * Appeals, voids and corrections of claims whose execution ended, on the synthesized claim state
 * machine in the local Step Functions emulator: the real scrub and record-transition services as its
 * tasks (stand-ins calling shared/services with the repositories on dynalite), a submit-batch
 * stand-in recording what it was asked to send (frequency, REF*F8), acknowledgments and remittances
 * answered as process-ack / post-remittance would, and the workbench API for people's actions.
 */
import { SendTaskSuccessCommand, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../functions/api/app';
import { localJwt, signLocalToken } from '../../../functions/api/auth';
import { executions, taskTokens } from '../../../functions/lib/ports';
import { startQueuePoller } from '../../../local/emulators/queue-poller';
import type { LocalStepFunctions } from '../../../local/emulators/sfn';
import { claimIdFor } from '../../../shared/claims/ids';
import type { Claim } from '../../../shared/claims/model';
import type {
  AckOutcome,
  RemitOutcome,
  SettleInput,
  TransitionInput,
  WaitKind,
} from '../../../shared/claims/workflow';
import { balances } from '../../../shared/posting/ledger';
import { openBalanceWriteOff, recordOrSettle } from '../../../shared/services/transition';
import {
  AccessAuditRepository,
  type ClaimRecord,
  ClaimRepository,
  EventRepository,
  InterchangeRepository,
  LedgerRepository,
  StatementRepository,
  WorkItemRepository,
} from '../../../shared/store';
import { appendClaimEvent } from '../../../shared/workbench/billing';
import { saved, scrubStandIn, startClaimMachine } from '../../support/claim-machine';
import { type Harness, makeClaim, startHarness } from '../store/harness';

const SECRET = 'local-test-secret-0123456789-abcdefghij';
const TODAY = new Date().toISOString().slice(0, 10);
/** Payer whose registry entry gives no appeal window at all: its timer ends with the clock below. */
const EXPIRING_PAYER = 'PAYEREXP';

let h: Harness;
let machine: Awaited<ReturnType<typeof startClaimMachine>>;
let emu: LocalStepFunctions;
let sfn: SFNClient;
let poller: ReturnType<typeof startQueuePoller>;
let claims: ClaimRepository;
let ledger: LedgerRepository;
let events: EventRepository;
let work: WorkItemRepository;
let machineArn: string;
let app: ReturnType<typeof createApi>;
let biller: string;
let manager: string;
/** What the submit-batch stand-in was asked to send, in order. */
const sent: { claimId: string; frequencyCode: string; f8?: string }[] = [];

beforeAll(async () => {
  machine = await startClaimMachine({
    'scrub-claim': scrubStandIn(
      () => claims,
      () => sfn,
    ),
    'record-transition': async (event) => {
      const input = event as TransitionInput | SettleInput;
      const claim = (await claims.get(input.claimId))?.claim;
      // The expiring payer's appeal is decided on the last second but two of its deadline day.
      const now = () =>
        claim?.payer.payerId === EXPIRING_PAYER && 'to' in input && input.to === 'APPEAL'
          ? new Date(`${TODAY}T23:59:57.500Z`)
          : new Date();
      return recordOrSettle(input, {
        getState: (id) => claims.get(id),
        loadClaim: async (id) => (await claims.get(id))?.claim,
        payerClaimNumber: async (id) => (await claims.get(id))?.payerClaimControlNumber,
        saveTransition: (from, next, ev, c) =>
          saved(() => claims.save(from as ClaimRecord, next, ev, [], c ? { claim: c } : {})),
        saveState: (from, next) => saved(() => claims.save(from as ClaimRecord, next)),
        answer: (a, kind) => taskTokens(sfn).answer(a.taskToken, a.output, kind),
        now,
        appealDays: async (payerId) => (payerId === EXPIRING_PAYER ? 0 : 90),
        workItem: (kind, ref, detail) => work.add(kind, ref, detail, new Date().toISOString()),
        closeOpenBalance: async (claimId, reason) => {
          const entry = openBalanceWriteOff(
            claimId,
            await ledger.getEntries(claimId),
            reason,
            new Date().toISOString(),
          );
          if (entry) await ledger.postRemit(claimId, `${reason}#${claimId}`, [entry]);
        },
      });
    },
  });
  ({ emu, sfn, machineArn } = machine);
  // Stand-in for submit-batch: records the claim as it would write it, answers the Submit token.
  poller = startQueuePoller({
    sqs: machine.sqs,
    queueUrl: machine.queueUrl,
    queueArn: machine.queueArn,
    functionName: 'submit-batch',
    handler: async (event) => {
      for (const r of event.Records) {
        const { claimId, taskToken } = JSON.parse(r.body) as { claimId: string; taskToken: string };
        const c = (await claims.require(claimId)).claim;
        sent.push({
          claimId,
          frequencyCode: c.frequencyCode,
          ...(c.originalPayerClaimNumber ? { f8: c.originalPayerClaimNumber } : {}),
        });
        const result = {
          interchangeControlNumber: String(sent.length).padStart(9, '0'),
          groupControlNumber: String(sent.length),
          transactionSetControlNumber: '0001',
          x12Key: `x12/out/${sent.length}.x12`,
        };
        await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(result) }));
      }
      return { batchItemFailures: [] };
    },
  });
  h = await startHarness('claimflow-appeal-void-test');
  claims = new ClaimRepository(h.doc, h.tableName);
  ledger = new LedgerRepository(h.doc, h.tableName);
  events = new EventRepository(h.doc, h.tableName);
  work = new WorkItemRepository(h.doc, h.tableName);
  app = createApi({
    repositories: {
      claims,
      events,
      ledger,
      work,
      audit: new AccessAuditRepository(h.doc, h.tableName),
    },
    billing: {
      claims,
      interchanges: new InterchangeRepository(h.doc, h.tableName),
      statements: new StatementRepository(h.doc, h.tableName),
    },
    authenticate: localJwt(SECRET),
    tokens: taskTokens(sfn),
    executions: executions(sfn, machineArn),
  });
  biller = await signLocalToken(SECRET, { sub: 'user-biller-1', groups: ['PRAC1', 'biller'] });
  manager = await signLocalToken(SECRET, { sub: 'user-manager-1', groups: ['PRAC1', 'manager'] });
}, 120_000);

afterAll(async () => {
  await poller?.stop();
  await machine?.stop();
  await h?.stop();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, tries = 500): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const statusOf = async (claimId: string) => (await claims.require(claimId)).status;
const untilStatus = (claimId: string, status: string) =>
  until(`${claimId} ${status}`, async () => ((await statusOf(claimId)) === status ? true : undefined));

/** Answers the claim's wait of `kind` as process-ack / post-remittance / the API would. */
async function answerWait(
  claimId: string,
  kind: WaitKind,
  output: unknown,
  attrs: Partial<ClaimRecord> = {},
) {
  await until(`the ${kind} wait of ${claimId}`, async () =>
    (await claims.get(claimId))?.waiting?.kind === kind ? true : undefined,
  );
  if (attrs.payerClaimControlNumber) {
    const r = await claims.require(claimId);
    await claims.save(r, { ...r, version: r.version + 1 }, undefined, [], attrs);
  }
  const token = await claims.takeWaiting(claimId, kind, new Date().toISOString());
  if (!token) throw new Error(`no ${kind} token`);
  // Success or the failure that routes it (tokenAnswer), as every answering Lambda does.
  await taskTokens(sfn).answer(token, output, kind);
}

const accepted: AckOutcome = { accepted: true, source: '277CA', codes: ['A2:20'] };
const remit = (route: RemitOutcome['route'], pcn: string, paidCents = 0): RemitOutcome => ({
  route,
  paidCents,
  patientResponsibilityCents: 0,
  adjustmentCents: 10000 - paidCents,
  carcs: route === 'APPEAL' ? ['CO-50'] : [],
  payerClaimControlNumber: pcn,
  traceNumber: `TRN-${pcn}`,
});

/** A scrub-clean claim of PRAC1 started on the state machine, submitted and accepted. */
async function startAccepted(enc: string, payerId = 'PAYER1'): Promise<Claim> {
  const claimId = claimIdFor('PRAC1', enc);
  const base = makeClaim(claimId);
  const claim: Claim = {
    ...base,
    encounterId: enc,
    payer: { payerId, name: `TEST ${payerId}` },
    lines: base.lines.map((l) => ({ ...l, dateOfService: TODAY })),
  };
  await claims.putIfAbsent(claim, new Date().toISOString());
  await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: machineArn,
      name: claimId,
      input: JSON.stringify({ claimId }),
    }),
  );
  await answerWait(claimId, 'ACK', accepted);
  return claim;
}

/** The payer denies the claim CO-50 (appealable): posted and routed to APPEAL as post-remittance would. */
async function denyForAppeal(claimId: string, pcn: string) {
  const at = new Date().toISOString();
  await ledger.postRemit(claimId, `TRN-${pcn}/${claimId}/${pcn}`, [
    {
      entryId: `R-${pcn}-001`,
      claimId,
      kind: 'ADJUSTMENT',
      amountCents: 10000,
      group: 'CO',
      carc: '50',
      source: { traceNumber: `TRN-${pcn}`, payerClaimControlNumber: pcn },
      at,
    },
  ]);
  await appendClaimEvent(
    { getClaim: (id) => claims.get(id), saveEventOnce: claims.saveOnce.bind(claims) },
    claimId,
    'REMIT_POSTED',
    { paidCents: 0, carcs: ['CO-50'], traceNumber: `TRN-${pcn}`, payerClaimControlNumber: pcn },
    `T-${pcn}`,
    at,
  );
  await answerWait(claimId, 'REMIT', remit('APPEAL', pcn), { payerClaimControlNumber: pcn });
}

const post = (path: string, body: unknown, token: string) =>
  app.request(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('appeals on the state machine', () => {
  it("an appeal won: the claim waits for the payer's new 835 and is paid", async () => {
    const { claimId } = await startAccepted('ENC-APWON');
    await denyForAppeal(claimId, 'PCN-AW1');
    await until('the appeal wait', async () =>
      (await claims.get(claimId))?.waiting?.kind === 'APPEAL' ? true : undefined,
    );
    expect(await statusOf(claimId)).toBe('APPEAL');
    const appealEvent = (await events.list(claimId)).find((e) => e.type === 'AWAITING_APPEAL');
    expect(appealEvent?.detail).toMatchObject({ wait: 'APPEAL' });

    const decided = { outcome: 'OVERTURNED', decidedOn: TODAY };
    const res = await post(`/api/claims/${claimId}/appeal/outcome`, decided, biller);
    expect(await res.json()).toEqual({ recorded: 'saved', route: 'REMIT', resumed: 'answered' });
    // Recorded once: the same request again changes nothing and answers nothing.
    const again = await post(`/api/claims/${claimId}/appeal/outcome`, decided, biller);
    expect(await again.json()).toMatchObject({ recorded: 'duplicate' });
    expect((await claims.require(claimId)).claim.reprocessedPayerClaimNumber).toBe('PCN-AW1');

    await answerWait(claimId, 'REMIT', remit('PAID', 'PCN-AW2', 10000));
    await untilStatus(claimId, 'CLOSED');
    const types = (await events.list(claimId)).map((e) => e.type);
    expect(types.slice(types.indexOf('APPEAL_OUTCOME'))).toEqual([
      'APPEAL_OUTCOME',
      'AWAITING_REMIT',
      'PAID',
      'CLOSED',
    ]);
  }, 60_000);

  it('an appeal lost and written off by a manager settles WRITTEN_OFF then CLOSED (AppealWriteOff)', async () => {
    const { claimId } = await startAccepted('ENC-APLOST');
    await denyForAppeal(claimId, 'PCN-AL1');
    await until('the appeal wait', async () =>
      (await claims.get(claimId))?.waiting?.kind === 'APPEAL' ? true : undefined,
    );
    const decided = { outcome: 'UPHELD', decidedOn: TODAY, next: 'WRITE_OFF' };
    expect((await post(`/api/claims/${claimId}/appeal/outcome`, decided, biller)).status).toBe(403);
    const res = await post(`/api/claims/${claimId}/appeal/outcome`, decided, manager);
    expect(await res.json()).toEqual({ recorded: 'saved', route: 'WRITE_OFF', resumed: 'answered' });
    await untilStatus(claimId, 'CLOSED');
    const types = (await events.list(claimId)).map((e) => e.type);
    expect(types.slice(types.indexOf('APPEAL_OUTCOME'))).toEqual(['APPEAL_OUTCOME', 'WRITTEN_OFF', 'CLOSED']);
    await emu.waitUntilSettled(10_000);
    expect(emu.executions().find((e) => e.name === claimId)?.status).toBe('SUCCEEDED');
  }, 60_000);

  it('the appeal deadline passes with no outcome: a work item, and the claim goes to human review', async () => {
    const { claimId } = await startAccepted('ENC-APEXP', EXPIRING_PAYER);
    await denyForAppeal(claimId, 'PCN-AX1');
    await untilStatus(claimId, 'HUMAN_REVIEW');
    const types = (await events.list(claimId)).map((e) => e.type);
    expect(types.slice(-3)).toEqual(['APPEAL', 'AWAITING_APPEAL', 'APPEAL_EXPIRED']);
    expect(await work.get('APPEAL_EXPIRED', claimId)).toMatchObject({ kind: 'APPEAL_EXPIRED' });
    // In the practice's work queue, naming the claim.
    const queue = await app.request('/api/work-items?kind=APPEAL_EXPIRED', {
      headers: { authorization: `Bearer ${biller}` },
    });
    const { items } = (await queue.json()) as { items: { claimId?: string; claimStatus?: string }[] };
    expect(items).toContainEqual(expect.objectContaining({ claimId, claimStatus: 'HUMAN_REVIEW' }));
    // Too late now: the outcome is only recorded.
    const res = await post(
      `/api/claims/${claimId}/appeal/outcome`,
      { outcome: 'UPHELD', decidedOn: TODAY },
      biller,
    );
    expect(await res.json()).toMatchObject({ resumed: 'none' });
  }, 60_000);
});

describe('claims whose execution ended', () => {
  it('a corrected closed claim goes out as frequency 7 with REF*F8 in a new execution and is paid', async () => {
    const { claimId } = await startAccepted('ENC-FIXC');
    await answerWait(claimId, 'REMIT', remit('PAID', 'PCN-FC1', 10000), {
      payerClaimControlNumber: 'PCN-FC1',
    });
    await untilStatus(claimId, 'CLOSED');
    const closed = await claims.require(claimId);
    const body = { version: closed.version, fields: { billing_name: 'TEST CLINIC CORRECTED' } };
    const res = await post(`/api/claims/${claimId}/correction`, body, biller);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'CORRECTED', resumed: 'started', frequencyCode: '7' });
    // The same request retried starts nothing new: before the new execution moved the claim it
    // finds its own execution ('exists'), after it a version conflict.
    const retried = await post(`/api/claims/${claimId}/correction`, body, biller);
    if (retried.status === 200) expect(await retried.json()).toMatchObject({ resumed: 'exists' });
    else expect(retried.status).toBe(409);

    await answerWait(claimId, 'ACK', accepted);
    await answerWait(claimId, 'REMIT', remit('PAID', 'PCN-FC2', 10000));
    await untilStatus(claimId, 'CLOSED');
    expect(sent.filter((s) => s.claimId === claimId)).toEqual([
      { claimId, frequencyCode: '1' },
      { claimId, frequencyCode: '7', f8: 'PCN-FC1' },
    ]);
    const runs = emu.executions().filter((e) => e.name.startsWith(claimId));
    expect(runs.map((e) => [e.name, e.status])).toEqual([
      [claimId, 'SUCCEEDED'],
      [`${claimId}-fix-${closed.version}`, 'SUCCEEDED'],
    ]);
  }, 60_000);

  it('a void goes out once as frequency 8 with REF*F8, even when the request is retried, and ends VOIDED', async () => {
    const { claimId } = await startAccepted('ENC-VOID');
    // Paid in part, the rest left to human review: 40.00 still open on the insurance side.
    await ledger.postRemit(claimId, `TRN-PCN-V1/${claimId}/PCN-V1`, [
      {
        entryId: 'R-V1-001',
        claimId,
        kind: 'PAYMENT',
        amountCents: 6000,
        source: { traceNumber: 'TRN-PCN-V1', payerClaimControlNumber: 'PCN-V1' },
        at: new Date().toISOString(),
      },
    ]);
    await answerWait(claimId, 'REMIT', remit('HUMAN_REVIEW', 'PCN-V1', 6000), {
      payerClaimControlNumber: 'PCN-V1',
    });
    await untilStatus(claimId, 'HUMAN_REVIEW');
    const version = (await claims.require(claimId)).version;
    const body = { version, reason: 'SENT_IN_ERROR' };
    expect((await post(`/api/claims/${claimId}/void`, body, biller)).status).toBe(403);
    const first = await post(`/api/claims/${claimId}/void`, body, manager);
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ started: 'started', payerClaimControlNumber: 'PCN-V1' });
    const retried = await post(`/api/claims/${claimId}/void`, body, manager);
    expect([202, 409]).toContain(retried.status);

    await answerWait(claimId, 'ACK', accepted);
    await untilStatus(claimId, 'VOIDED');
    await emu.waitUntilSettled(10_000);
    expect(sent.filter((s) => s.claimId === claimId)).toEqual([
      { claimId, frequencyCode: '1' },
      { claimId, frequencyCode: '8', f8: 'PCN-V1' },
    ]);
    expect(emu.executions().filter((e) => e.name === `${claimId}-void-${version}`)).toHaveLength(1);
    // The open 40.00 is written off (VOID); the ledger balances at zero.
    const entries = await ledger.getEntries(claimId);
    expect(entries.filter((e) => e.kind === 'WRITE_OFF').map((e) => [e.amountCents, e.carc])).toEqual([
      [4000, 'VOID'],
    ]);
    expect(balances(entries).balanceCents).toBe(0);
  }, 60_000);
});
