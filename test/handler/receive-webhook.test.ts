import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signBody } from '../../shared/webhooks/signature';
import { fakeContext, quietPowertools } from '../support/lambda';

const KEY = 'a-very-secret-hmac-key-for-tests';
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
const secrets = mockClient(SecretsManagerClient);

const X12_835 =
  'ISA*00*          *00*          *ZZ*SIMCLEAR       *ZZ*CLAIMFLOW      *261101*1200*^*00501*000000001*0*T*:~' +
  'GS*HP*SIMCLEAR*CLAIMFLOW*20261101*1200*1*X*005010X221A1~ST*835*0001~';

type Handler = (e: APIGatewayProxyEventV2, c: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
let handler: Handler;

function request(
  body: string,
  headers: Record<string, string>,
  clearinghouse = 'simclear',
  opts: { isBase64Encoded?: boolean; sourceIp?: string } = {},
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/{clearinghouse}',
    rawPath: `/webhooks/${clearinghouse}`,
    rawQueryString: '',
    headers,
    pathParameters: { clearinghouse },
    body,
    isBase64Encoded: opts.isBase64Encoded ?? false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'local',
      http: {
        method: 'POST',
        path: `/webhooks/${clearinghouse}`,
        protocol: 'HTTP/1.1',
        sourceIp: opts.sourceIp ?? '127.0.0.1',
        userAgent: 't',
      },
      requestId: 'r',
      routeKey: 'POST /webhooks/{clearinghouse}',
      stage: '$default',
      time: '',
      timeEpoch: Date.now(),
    },
  };
}

function signed(
  body: string | Uint8Array,
  at = Math.floor(Date.now() / 1000),
  key = KEY,
): Record<string, string> {
  return { 'x-claimflow-timestamp': String(at), 'x-claimflow-signature': signBody(key, at, body) };
}

const MAX_BODY_BYTES = 2048;
const FENCED_KEY = 'the-fenced-clearinghouse-hmac-key';

beforeAll(async () => {
  quietPowertools();
  Object.assign(process.env, {
    X12_BUCKET: 'x12-bucket',
    REMIT_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/remit',
    ACK_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/ack',
    WEBHOOK_SECRET_ID: 'webhook-keys',
    MAX_BODY_BYTES: String(MAX_BODY_BYTES),
    WEBHOOK_ALLOWED_CIDRS: JSON.stringify({ fenced: ['203.0.113.0/24', '2001:db8::/32'] }),
  });
  handler = (await import('../../functions/receive-webhook/handler')).handler as unknown as Handler;
});

beforeEach(() => {
  s3.reset();
  sqs.reset();
  secrets.reset();
  secrets
    .on(GetSecretValueCommand)
    .resolves({ SecretString: JSON.stringify({ simclear: KEY, fenced: FENCED_KEY }) });
  s3.on(PutObjectCommand).resolves({});
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });
});

describe('receive-webhook', () => {
  it('stores a signed 835 under its content hash, enqueues it on the remit queue and answers 202', async () => {
    const res = await handler(request(X12_835, signed(X12_835)), fakeContext());
    expect(res.statusCode).toBe(202);
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.Bucket).toBe('x12-bucket');
    expect(put?.Key).toMatch(/^inbound\/835\/simclear\/[0-9a-f]{64}\.x12$/);
    const sent = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(sent?.QueueUrl).toContain('/remit');
    expect(JSON.parse(sent?.MessageBody ?? '{}')).toMatchObject({ kind: '835', key: put?.Key });
  });

  it('answers 401 and stores nothing when the signature is wrong', async () => {
    const headers = signed(X12_835);
    headers['x-claimflow-signature'] = signBody(
      'another-key-another-key',
      Number(headers['x-claimflow-timestamp']),
      X12_835,
    );
    const res = await handler(request(X12_835, headers), fakeContext());
    expect(res.statusCode).toBe(401);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('answers 401 for a stale timestamp even with a valid signature (replay)', async () => {
    const old = Math.floor(Date.now() / 1000) - 3600;
    const res = await handler(request(X12_835, signed(X12_835, old)), fakeContext());
    expect(res.statusCode).toBe(401);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('answers 401 for an unknown clearinghouse and 400 for a body that is not X12', async () => {
    expect((await handler(request(X12_835, signed(X12_835), 'other'), fakeContext())).statusCode).toBe(401);
    const junk = 'hello';
    expect((await handler(request(junk, signed(junk)), fakeContext())).statusCode).toBe(400);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('routes 999 and 277CA to the ack queue', async () => {
    const ack = X12_835.replace('ST*835*0001', 'ST*999*0001').replace('HP', 'FA');
    const res = await handler(request(ack, signed(ack)), fakeContext());
    expect(res.statusCode).toBe(202);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.QueueUrl).toContain('/ack');
  });

  it('stores 999/277CA under inbound/<kind>/ so each consumer reads only its own prefix', async () => {
    const ack = X12_835.replace('ST*835*0001', 'ST*277*0001').replace('HP', 'HN');
    expect((await handler(request(ack, signed(ack)), fakeContext())).statusCode).toBe(202);
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.Key).toMatch(/^inbound\/277\/simclear\/[0-9a-f]{64}\.x12$/);
  });
});

describe('receive-webhook: nothing reveals which clearinghouses exist', () => {
  const badSignature = () => {
    const headers = signed(X12_835, undefined, 'another-key-another-key');
    return request(X12_835, headers);
  };

  it('answers an unknown clearinghouse exactly like a bad signature', async () => {
    const bad = await handler(badSignature(), fakeContext());
    const unknown = await handler(request(X12_835, signed(X12_835), 'other'), fakeContext());
    const unsigned = await handler(request(X12_835, {}, 'other'), fakeContext());
    expect(bad.statusCode).toBe(401);
    expect(unknown).toEqual(bad);
    expect(unsigned).toEqual(bad);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('treats names of Object.prototype members as unknown clearinghouses (no 500)', async () => {
    // `constructor` matches the name pattern and every object inherits it: a plain lookup takes the
    // Object function for a key.
    const bad = await handler(badSignature(), fakeContext());
    for (const name of ['constructor', 'tostring', 'hasownproperty']) {
      expect(await handler(request(X12_835, signed(X12_835), name), fakeContext())).toEqual(bad);
    }
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('answers an oversize body the same whether the clearinghouse exists or not', async () => {
    const big = X12_835 + 'X'.repeat(MAX_BODY_BYTES);
    const known = await handler(request(big, signed(big)), fakeContext());
    const unknown = await handler(request(big, signed(big), 'nobody-by-this-name'), fakeContext());
    const unsigned = await handler(request(big, {}, 'nobody'), fakeContext());
    expect(known.statusCode).toBe(413);
    expect(unknown).toEqual(known);
    expect(unsigned).toEqual(known);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });
});

describe('receive-webhook: binary or badly encoded bodies', () => {
  const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64');

  it('accepts a base64 body (as API Gateway sends non-text content types) and stores the decoded bytes', async () => {
    const res = await handler(
      request(b64(X12_835), signed(X12_835), 'simclear', { isBase64Encoded: true }),
      fakeContext(),
    );
    expect(res.statusCode).toBe(202);
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(Buffer.from(put?.Body as Uint8Array).toString('utf8')).toBe(X12_835);
  });

  const binaries: [string, Uint8Array][] = [
    ['NUL bytes', Buffer.from(`${X12_835}\u0000\u0000`, 'utf8')],
    ['invalid UTF-8', Buffer.concat([Buffer.from(X12_835, 'utf8'), Buffer.from([0xc3, 0x28, 0xff])])],
    ['a PNG', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])],
  ];
  for (const [what, bytes] of binaries) {
    it(`answers 400 and stores nothing for a signed base64 body with ${what}`, async () => {
      const res = await handler(
        request(b64(bytes), signed(bytes), 'simclear', { isBase64Encoded: true }),
        fakeContext(),
      );
      expect(res.statusCode).toBe(400);
      expect(JSON.parse(res.body ?? '{}').error).toMatch(/binary|UTF-8/);
      expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
      expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    });
  }

  it('answers 400 for a text body with a NUL character', async () => {
    const body = `${X12_835}\u0000`;
    const res = await handler(request(body, signed(body)), fakeContext());
    expect(res.statusCode).toBe(400);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('answers 400 for a text body with a lone surrogate instead of storing it altered', async () => {
    const body = `${X12_835}\uD800`;
    const res = await handler(request(body, signed(body)), fakeContext());
    expect(res.statusCode).toBe(400);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('answers 400 for a body flagged base64 that is not base64', async () => {
    const res = await handler(
      request('not*base64~', signed('not*base64~'), 'simclear', { isBase64Encoded: true }),
      fakeContext(),
    );
    expect(res.statusCode).toBe(400);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});

describe('receive-webhook: source IP allow-list', () => {
  const from = (sourceIp: string) =>
    request(X12_835, signed(X12_835, undefined, FENCED_KEY), 'fenced', { sourceIp });

  it('accepts a listed clearinghouse from inside its IPv4 or IPv6 networks', async () => {
    expect((await handler(from('203.0.113.77'), fakeContext())).statusCode).toBe(202);
    expect((await handler(from('2001:db8:42::1'), fakeContext())).statusCode).toBe(202);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(2);
  });

  it('answers a request from outside exactly like a bad signature and stores nothing', async () => {
    const bad = await handler(
      request(X12_835, signed(X12_835, undefined, 'wrong-key-wrong-key'), 'fenced', {
        sourceIp: '203.0.113.77',
      }),
      fakeContext(),
    );
    expect(bad.statusCode).toBe(401);
    for (const ip of ['198.51.100.7', '2001:db9::1', '']) {
      expect(await handler(from(ip), fakeContext())).toEqual(bad);
    }
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('leaves clearinghouses without a list unrestricted', async () => {
    const res = await handler(
      request(X12_835, signed(X12_835), 'simclear', { sourceIp: '198.51.100.7' }),
      fakeContext(),
    );
    expect(res.statusCode).toBe(202);
  });
});
