/**
 * The Secrets Manager stub, reached the way handlers reach it: the real SDK client and Powertools
 * parameters, pointed at it by AWS_ENDPOINT_URL_SECRETS_MANAGER.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecretsManager } from '../../../local/emulators/secrets-stub';

let stub: Awaited<ReturnType<typeof startSecretsManager>>;
const saved = { ...process.env };

beforeAll(async () => {
  stub = await startSecretsManager({
    'claimflow/webhook-keys': JSON.stringify({ simclear: 'k'.repeat(32) }),
    'claimflow/clearinghouse': 'api-key-1',
  });
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: stub.endpoint,
  });
});
afterAll(async () => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  await stub?.stop();
});

describe('Secrets Manager stub', () => {
  it('listens on 127.0.0.1', () => {
    expect(stub.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves GetSecretValue to the SDK client configured only by environment', async () => {
    const client = new SecretsManagerClient({});
    const out = await client.send(new GetSecretValueCommand({ SecretId: 'claimflow/clearinghouse' }));
    expect(out.SecretString).toBe('api-key-1');
    expect(out.Name).toBe('claimflow/clearinghouse');
    expect(out.VersionStages).toEqual(['AWSCURRENT']);
    // By ARN too, as a deployed function may be configured.
    const byArn = await client.send(new GetSecretValueCommand({ SecretId: out.ARN }));
    expect(byArn.SecretString).toBe('api-key-1');
  });

  it('answers ResourceNotFoundException for an unknown secret', async () => {
    const client = new SecretsManagerClient({});
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'nope' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('works with Powertools parameters (as the handlers use it)', async () => {
    expect(await getSecret('claimflow/clearinghouse')).toBe('api-key-1');
    expect(await getSecret('claimflow/webhook-keys', { transform: 'json' })).toEqual({
      simclear: 'k'.repeat(32),
    });
  });
});
