/** Secrets Manager secrets for third-party credentials: CMK-encrypted, rotated by hand with the partner. */
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Secret, type SecretStringGenerator } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { markResource } from './metadata';
import { acknowledge } from './nag';

export function partnerSecret(
  scope: Construct,
  id: string,
  props: {
    name: 'webhook-keys' | 'clearinghouse';
    description: string;
    key: IKey;
    generate: SecretStringGenerator;
  },
): Secret {
  const secret = new Secret(scope, id, {
    description: props.description,
    encryptionKey: props.key,
    generateSecretString: props.generate,
  });
  markResource(secret, 'secret', props.name);
  const reason =
    'The value is a credential shared with the clearinghouse (their API key or the HMAC key they sign webhooks with); it can only be rotated together with the partner, by the documented put-secret-value procedure, so a rotation Lambda cannot do it.';
  acknowledge(secret, 'AwsSolutions-SMG4', reason);
  acknowledge(secret, 'HIPAA.Security-SecretsManagerRotationEnabled', reason);
  return secret;
}
