/**
 * A correction through the API resumes the claim's waiting execution: the synthesized claim state
 * machine on the local Step Functions emulator, the claim on dynalite, the real scrub and transition
 * code as its tasks (stand-in Lambdas calling shared/services and the repositories), the API's
 * SendTaskSuccess through the Lambdas' own task-token adapter.
 */
import { SendTaskSuccessCommand, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../functions/api/app';
import { localJwt, signLocalToken } from '../../../functions/api/auth';
import { taskTokens } from '../../../functions/lib/ports';
import { startQueuePoller } from '../../../local/emulators/queue-poller';
import { claimIdFor } from '../../../shared/claims/ids';
import type { TransitionInput } from '../../../shared/claims/workflow';
import {
  AccessAuditRepository,
  ClaimRepository,
  EventRepository,
  LedgerRepository,
  WorkItemRepository,
} from '../../../shared/store';
import { scrubStandIn, startClaimMachine } from '../../support/claim-machine';
import { type Harness, makeClaim, startHarness } from '../store/harness';

const SECRET = 'local-test-secret-0123456789-abcdefghij';

let h: Harness;
let machine: Awaited<ReturnType<typeof startClaimMachine>>;
let sfn: SFNClient;
let poller: ReturnType<typeof startQueuePoller>;
let claims: ClaimRepository;
let machineArn: string;
const submitted: string[] = [];

beforeAll(async () => {
  machine = await startClaimMachine({
    'scrub-claim': scrubStandIn(
      () => claims,
      () => sfn,
    ),
    'record-transition': async (event) => {
      const input = event as TransitionInput;
      const r = await claims.transition(input.claimId, input, new Date().toISOString());
      if (r.answer) {
        await sfn.send(
          new SendTaskSuccessCommand({
            taskToken: r.answer.taskToken,
            output: JSON.stringify(r.answer.output),
          }),
        );
      }
      return { claimId: input.claimId, status: r.record.status, followUps: r.record.followUps };
    },
  });
  ({ sfn, machineArn } = machine);
  // Stand-in for submit-batch: records what it was asked to send, leaves the token open.
  poller = startQueuePoller({
    sqs: machine.sqs,
    queueUrl: machine.queueUrl,
    queueArn: machine.queueArn,
    functionName: 'submit-batch',
    handler: async (event) => {
      for (const r of event.Records) submitted.push((JSON.parse(r.body) as { claimId: string }).claimId);
      return { batchItemFailures: [] };
    },
  });
  // After the synth (slow): dynalite drops idle keep-alive sockets, and the harness client does not retry.
  h = await startHarness();
  claims = new ClaimRepository(h.doc, h.tableName);
}, 120_000);

afterAll(async () => {
  await poller?.stop();
  await machine?.stop();
  await h?.stop();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a correction resumes the waiting execution', () => {
  it('a scrub-stopped claim, corrected through the API, is scrubbed again and submitted', async () => {
    const claimId = claimIdFor('PRAC1', 'ENC-SFN');
    const bad = { ...makeClaim(claimId), encounterId: 'ENC-SFN' };
    // A billing NPI that fails the check digit: intake takes it, the scrub rules stop it.
    bad.billingProvider = { ...bad.billingProvider, npi: '1234567890' };
    bad.lines = bad.lines.map((l) => ({ ...l, dateOfService: new Date().toISOString().slice(0, 10) }));
    await claims.putIfAbsent(bad, new Date().toISOString());
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machineArn,
        name: claimId,
        input: JSON.stringify({ claimId }),
      }),
    );
    const waiting = await until('the NeedsCorrection wait', async () => {
      const r = await claims.get(claimId);
      return r?.waiting?.kind === 'CORRECTION' ? r : undefined;
    });
    expect(waiting.status).toBe('NEEDS_CORRECTION');
    expect(waiting.scrubFindings?.map((f) => f.rule)).toContain('NPI_CHECK_DIGIT');
    expect(submitted).not.toContain(claimId);

    const app = createApi({
      repositories: {
        claims,
        events: new EventRepository(h.doc, h.tableName),
        ledger: new LedgerRepository(h.doc, h.tableName),
        work: new WorkItemRepository(h.doc, h.tableName),
        audit: new AccessAuditRepository(h.doc, h.tableName),
      },
      authenticate: localJwt(SECRET),
      tokens: taskTokens(sfn),
    });
    const token = await signLocalToken(SECRET, { sub: 'user-biller-1', groups: ['PRAC1', 'biller'] });
    const res = await app.request(`/api/claims/${claimId}/correction`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ version: waiting.version, fields: { billing_npi: '1234567893' } }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ resumed: 'answered', changedFields: ['billingProvider.npi'] });

    await until('the submission', async () => (submitted.includes(claimId) ? true : undefined));
    const after = await claims.require(claimId);
    expect(after.status).toBe('SCRUBBED');
    expect(after.claim.billingProvider.npi).toBe('1234567893');
    expect(after.claim.frequencyCode).toBe('1');
    const types = (await new EventRepository(h.doc, h.tableName).list(claimId)).map((e) => e.type);
    expect(types.slice(types.indexOf('CORRECTION_SAVED'))).toEqual(['CORRECTION_SAVED', 'SCRUBBED']);
  }, 60_000);
});
