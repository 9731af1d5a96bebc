/**
 * A correction through the API resumes the claim's waiting execution: the synthesized claim state
 * machine on the local Step Functions emulator, the claim on dynalite, the real scrub and transition
 * code as its tasks (stand-in Lambdas calling shared/services and the repositories), the API's
 * SendTaskSuccess through the Lambdas' own task-token adapter.
 */
import { SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../../functions/api/app';
import { localJwt, signLocalToken } from '../../../functions/api/auth';
import { taskTokens } from '../../../functions/lib/ports';
import { localClientConfig, startSqsS3 } from '../../../local/emulators/fauxqs';
import { startQueuePoller } from '../../../local/emulators/queue-poller';
import { type LocalStepFunctions, startStepFunctions } from '../../../local/emulators/sfn';
import { resolveStateMachine } from '../../../local/emulators/template';
import { claimIdFor } from '../../../shared/claims/ids';
import type { TransitionInput } from '../../../shared/claims/workflow';
import { scrubStoredClaim } from '../../../shared/services/scrub';
import {
  AccessAuditRepository,
  type ClaimRecord,
  ClaimRepository,
  EventRepository,
  LedgerRepository,
  VersionConflictError,
  WorkItemRepository,
} from '../../../shared/store';
import { synthApp } from '../../infra/template';
import { type Harness, makeClaim, startHarness } from '../store/harness';

const FN = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const SECRET = 'local-test-secret-0123456789-abcdefghij';

let h: Harness;
let aws: Awaited<ReturnType<typeof startSqsS3>>;
let emu: LocalStepFunctions;
let sfn: SFNClient;
let poller: ReturnType<typeof startQueuePoller>;
let claims: ClaimRepository;
let machineArn: string;
const submitted: string[] = [];

beforeAll(async () => {
  aws = await startSqsS3();
  const sqs = new SQSClient(localClientConfig(aws.endpoint));
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'submission' }))).QueueUrl as string;
  emu = await startStepFunctions({
    sqs,
    lambdas: {
      'scrub-claim': async (event) =>
        scrubStoredClaim(
          (event as { claimId: string }).claimId,
          { timelyFilingDays: 365 },
          {
            loadClaim: async (id) => (await claims.get(id))?.claim,
            getState: (id) => claims.get(id),
            getPayer: async () => undefined,
            saveScrub: async (from, next, ev, findings) => {
              try {
                await claims.save(from as ClaimRecord, next, ev, [], { scrubFindings: findings });
                return true;
              } catch (err) {
                if (err instanceof VersionConflictError) return false;
                throw err;
              }
            },
            now: () => new Date(),
          },
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
    },
  });
  sfn = new SFNClient({
    region: 'us-east-1',
    endpoint: emu.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  machineArn = emu.createStateMachine(
    'claims',
    resolveStateMachine(synthApp().appJson, { functionArn: FN, queueUrl: () => queueUrl }),
  );
  // Stand-in for submit-batch: records what it was asked to send, leaves the token open.
  poller = startQueuePoller({
    sqs,
    queueUrl,
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:submission',
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
  await emu?.stop();
  await aws?.stop();
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
