/** Secrets Manager GetSecretValue, locally (AWS JSON 1.1), serving seeded secrets. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startSecretsManager(secrets: Record<string, string>) {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      const target = String(req.headers['x-amz-target'] ?? '');
      if (target !== 'secretsmanager.GetSecretValue') {
        return send(400, { __type: 'UnknownOperationException', message: `${target} is not emulated` });
      }
      const { SecretId } = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
        SecretId?: string;
      };
      // By name, or by the ARN this stub gives the secret (arn:...:secret:<name>).
      const name = SecretId?.replace(/^arn:aws:secretsmanager:[^:]*:\d*:secret:/, '');
      const value = name === undefined ? undefined : secrets[name];
      if (value === undefined) {
        return send(400, {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        });
      }
      send(200, {
        ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}`,
        Name: name,
        SecretString: value,
        VersionId: 'local',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 0,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
