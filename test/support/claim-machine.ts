/**
 * The synthesized claim state machine on the local Step Functions emulator, for integration tests:
 * SQS (the submission queue) + the emulator with the given Lambda stand-ins, a client, and the
 * scrub-claim stand-in that runs the real scrub service against a ClaimRepository.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { taskTokens } from '../../functions/lib/ports';
import { localClientConfig, startSqsS3 } from '../../local/emulators/fauxqs';
import { type LocalLambda, startStepFunctions } from '../../local/emulators/sfn';
import { resolveStateMachine } from '../../local/emulators/template';
import type { ScrubInput } from '../../shared/claims/workflow';
import { scrubAndAnswer } from '../../shared/services/scrub';
import { type ClaimRecord, type ClaimRepository, VersionConflictError } from '../../shared/store';
import { synthApp } from '../infra/template';

const FN = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

export async function startClaimMachine(lambdas: Record<string, LocalLambda>) {
  const aws = await startSqsS3();
  const sqs = new SQSClient(localClientConfig(aws.endpoint));
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'submission' }))).QueueUrl as string;
  const emu = await startStepFunctions({ sqs, lambdas });
  const sfn = new SFNClient({
    region: 'us-east-1',
    endpoint: emu.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const machineArn = emu.createStateMachine(
    'claims',
    resolveStateMachine(synthApp().appJson, { functionArn: FN, queueUrl: () => queueUrl }),
  );
  return {
    sqs,
    queueUrl,
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:submission',
    emu,
    sfn,
    machineArn,
    async stop() {
      await emu.stop();
      await aws.stop();
    },
  };
}

/** true when saved, false on a version conflict (the services' save ports). */
export async function saved(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (err) {
    if (err instanceof VersionConflictError) return false;
    throw err;
  }
}

/**
 * scrub-claim as on AWS (no payer registry, no NCCI), on the repository `claims()` returns: scrubs,
 * then answers the Scrub task token through `sfn()` (scrubAnswer).
 */
export function scrubStandIn(claims: () => ClaimRepository, sfn: () => SFNClient): LocalLambda {
  return async (event) =>
    scrubAndAnswer(
      event as ScrubInput,
      { timelyFilingDays: 365 },
      {
        loadClaim: async (id) => (await claims().get(id))?.claim,
        getState: (id) => claims().get(id),
        getPayer: async () => undefined,
        saveScrub: (from, next, ev, findings) =>
          saved(() => claims().save(from as ClaimRecord, next, ev, [], { scrubFindings: findings })),
        now: () => new Date(),
        reply: (taskToken, reply) => taskTokens(sfn()).reply(taskToken, reply),
      },
    );
}
