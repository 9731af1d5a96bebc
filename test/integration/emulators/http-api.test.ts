/**
 * The API Gateway HTTP API emulation: requests become payload 2.0 events, results become responses.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHttpApi } from '../../../local/emulators/http-api-server';

let api: Awaited<ReturnType<typeof startHttpApi>>;
let last: APIGatewayProxyEventV2 | undefined;
const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);

beforeAll(async () => {
  api = await startHttpApi({
    maxBodyBytes: 1024,
    routes: [
      {
        method: 'POST',
        path: '/webhooks/{clearinghouse}',
        functionName: 'receive-webhook',
        handler: async (event, context) => {
          last = event;
          if (event.pathParameters?.clearinghouse === 'explode') throw new Error('handler bug');
          return {
            statusCode: 202,
            headers: { 'content-type': 'application/json', 'x-fn': context.functionName },
            cookies: ['a=1; Path=/', 'b=2'],
            body: JSON.stringify({ ok: true }),
          };
        },
      },
      {
        method: 'GET',
        path: '/binary',
        functionName: 'binary',
        handler: async () => ({
          statusCode: 200,
          headers: { 'content-type': 'application/octet-stream' },
          isBase64Encoded: true,
          body: Buffer.from([0, 1, 2, 255]).toString('base64'),
        }),
      },
      { method: 'GET', path: '/plain', functionName: 'plain', handler: async () => ({ hello: 'world' }) },
    ],
  });
});
afterAll(async () => {
  await api?.stop();
  errors.mockRestore();
});

describe('HTTP API emulator', () => {
  it('maps a request to an APIGatewayProxyEventV2 and the result back to the response', async () => {
    const before = Date.now();
    const res = await fetch(`${api.url}/webhooks/simclear?x=1&x=2&y=3`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/edi-x12',
        'X-Claimflow-Signature': 'sha256=abc',
        Cookie: 'c1=v1; c2=v2',
      },
      body: 'ISA*00*~',
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('x-fn')).toBe('receive-webhook');
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2']);
    expect(await res.json()).toEqual({ ok: true });

    const e = last as APIGatewayProxyEventV2;
    expect(e).toMatchObject({
      version: '2.0',
      routeKey: 'POST /webhooks/{clearinghouse}',
      rawPath: '/webhooks/simclear',
      rawQueryString: 'x=1&x=2&y=3',
      queryStringParameters: { x: '1,2', y: '3' },
      cookies: ['c1=v1', 'c2=v2'],
      pathParameters: { clearinghouse: 'simclear' },
      body: 'ISA*00*~',
      isBase64Encoded: false,
      requestContext: {
        routeKey: 'POST /webhooks/{clearinghouse}',
        stage: '$default',
        http: { method: 'POST', path: '/webhooks/simclear', sourceIp: '127.0.0.1' },
      },
    });
    expect(e.headers['x-claimflow-signature']).toBe('sha256=abc');
    expect(e.headers['content-type']).toBe('application/edi-x12');
    expect(e.headers.cookie).toBeUndefined();
    expect(Object.keys(e.headers).every((k) => k === k.toLowerCase())).toBe(true);
    expect(e.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.requestContext.timeEpoch).toBeGreaterThanOrEqual(before);
  });

  it('base64-encodes a binary body', async () => {
    const bytes = Buffer.from([0x49, 0x53, 0x41, 0x00, 0xff, 0x7e]);
    await fetch(`${api.url}/webhooks/bin`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(last?.isBase64Encoded).toBe(true);
    expect(Buffer.from(last?.body ?? '', 'base64').equals(bytes)).toBe(true);
  });

  it('base64-encodes a text-typed body that is not valid UTF-8 instead of altering it', async () => {
    const bytes = Buffer.concat([
      Buffer.from('ISA*00*', 'utf8'),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('~'),
    ]);
    await fetch(`${api.url}/webhooks/bad-utf8`, {
      method: 'POST',
      headers: { 'content-type': 'application/edi-x12' },
      body: bytes,
    });
    expect(last?.isBase64Encoded).toBe(true);
    expect(Buffer.from(last?.body ?? '', 'base64').equals(bytes)).toBe(true);
  });

  it('answers 400 for a path with malformed percent-encoding, without calling the handler', async () => {
    last = undefined;
    const res = await fetch(`${api.url}/webhooks/%E0%A4%A`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(400);
    expect(last).toBeUndefined();
    // The emulator keeps serving.
    expect((await fetch(`${api.url}/webhooks/simclear`, { method: 'POST', body: 'x' })).status).toBe(202);
  });

  it('decodes a base64 result and sends a bare value as a JSON 200', async () => {
    const bin = await fetch(`${api.url}/binary`);
    expect(Buffer.from(await bin.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
    const plain = await fetch(`${api.url}/plain`);
    expect(plain.status).toBe(200);
    expect(await plain.json()).toEqual({ hello: 'world' });
  });

  it('decodes path parameters', async () => {
    await fetch(`${api.url}/webhooks/a%20b`, { method: 'POST', body: 'x' });
    expect(last?.pathParameters).toEqual({ clearinghouse: 'a b' });
  });

  it('answers 413 over the body limit, without calling the handler', async () => {
    last = undefined;
    const res = await fetch(`${api.url}/webhooks/simclear`, { method: 'POST', body: 'x'.repeat(1025) });
    expect(res.status).toBe(413);
    expect(last).toBeUndefined();
    const atLimit = await fetch(`${api.url}/webhooks/simclear`, { method: 'POST', body: 'x'.repeat(1024) });
    expect(atLimit.status).toBe(202);
  });

  it('answers 404 for unknown routes and methods, 500 when the handler throws', async () => {
    expect((await fetch(`${api.url}/nowhere`, { method: 'POST', body: 'x' })).status).toBe(404);
    expect((await fetch(`${api.url}/webhooks/simclear`)).status).toBe(404);
    expect((await fetch(`${api.url}/webhooks/simclear/extra`, { method: 'POST' })).status).toBe(404);
    const res = await fetch(`${api.url}/webhooks/explode`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: 'Internal Server Error' });
  });
});
