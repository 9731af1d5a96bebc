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
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/{clearinghouse}',
    rawPath: `/webhooks/${clearinghouse}`,
    rawQueryString: '',
    headers,
    pathParameters: { clearinghouse },
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'local',
      http: {
        method: 'POST',
        path: `/webhooks/${clearinghouse}`,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
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

function signed(body: string, at = Math.floor(Date.now() / 1000)): Record<string, string> {
  return { 'x-claimflow-timestamp': String(at), 'x-claimflow-signature': signBody(KEY, at, body) };
}

beforeAll(async () => {
  quietPowertools();
  Object.assign(process.env, {
    X12_BUCKET: 'x12-bucket',
    REMIT_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/remit',
    ACK_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/ack',
    WEBHOOK_SECRET_ID: 'webhook-keys',
  });
  handler = (await import('../../functions/receive-webhook/handler')).handler as unknown as Handler;
});

beforeEach(() => {
  s3.reset();
  sqs.reset();
  secrets.reset();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ simclear: KEY }) });
  s3.on(PutObjectCommand).resolves({});
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });
});

describe('receive-webhook', () => {
  it('stores a signed 835 under its content hash, enqueues it on the remit queue and answers 202', async () => {
    const res = await handler(request(X12_835, signed(X12_835)), fakeContext());
    expect(res.statusCode).toBe(202);
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.Bucket).toBe('x12-bucket');
    expect(put?.Key).toMatch(/^inbound\/simclear\/[0-9a-f]{64}\.x12$/);
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
});
