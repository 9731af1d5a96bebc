/**
 * functions/api/handler.ts as the local runtime runs it: behind local/emulators/http-api-server.ts
 * (API Gateway v2 events), against dynalite, with API_AUTH=local-jwt.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLocalToken } from '../../../functions/api/auth';
import { type Env, envSchema } from '../../../functions/api/env';
import { startHttpApi } from '../../../local/emulators/http-api-server';
import { ClaimRepository } from '../../../shared/store';
import { fakeContext, quietPowertools } from '../../support/lambda';
import { type Harness, makeClaim, startHarness } from '../store/harness';

const SECRET = 'handler-test-secret-0123456789-abcdefgh';
let h: Harness;
let http: Awaited<ReturnType<typeof startHttpApi>>;

beforeAll(async () => {
  h = await startHarness('claimflow-api-handler-test');
  await new ClaimRepository(h.doc, h.tableName).putIfAbsent(makeClaim('CLMH1', 'PRAC1'));
  quietPowertools();
  Object.assign(process.env, {
    TABLE_NAME: h.tableName,
    X12_BUCKET: 'claimflow-x12-test',
    AWS_ENDPOINT_URL_DYNAMODB: h.dynamo.endpoint,
    API_AUTH: 'local-jwt',
    LOCAL_JWT_SECRET: SECRET,
  });
  const { handler } = await import('../../../functions/api/handler');
  const route = (method: string, path: string) => ({
    method,
    path,
    functionName: 'api',
    handler: (event: APIGatewayProxyEventV2) => handler(event, fakeContext('api')),
  });
  http = await startHttpApi({
    routes: [
      route('GET', '/api/openapi.json'),
      route('GET', '/api/claims'),
      route('POST', '/api/claims/search'),
      route('GET', '/api/claims/{claimId}'),
      route('GET', '/api/reports/kpis'),
    ],
    maxBodyBytes: 64 * 1024,
  });
});
afterAll(async () => {
  await http?.stop();
  await h?.stop();
});

describe('api handler', () => {
  it('answers through the local HTTP API with a local token', async () => {
    const token = await signLocalToken(SECRET, { sub: 'u-1', groups: ['PRAC1', 'biller'] });
    const res = await fetch(`${http.url}/api/claims/CLMH1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { summary: { claimId: string } }).summary.claimId).toBe('CLMH1');
    expect((await fetch(`${http.url}/api/claims/CLMH1`)).status).toBe(401);
    const list = await fetch(`${http.url}/api/claims?status=RECEIVED`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(1);
    expect((await fetch(`${http.url}/api/openapi.json`)).status).toBe(200);
  });

  it('serves the billing routes (reports, appeals, statements) from the deployed handler', async () => {
    const token = await signLocalToken(SECRET, { sub: 'u-1', groups: ['PRAC1', 'biller'] });
    const doc = (await (await fetch(`${http.url}/api/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/reports/kpis', '/api/reports/ar-aging', '/api/statements/runs']),
    );
    const kpis = await fetch(`${http.url}/api/reports/kpis?practiceId=PRAC1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(kpis.status).toBe(200);
  });

  it('refuses local-jwt auth outside the emulators and cognito is the default', async () => {
    const { authenticateFor } = await import('../../../functions/api/handler');
    const base = envSchema.parse({ TABLE_NAME: 't', X12_BUCKET: 'x' }) as Env;
    expect(base.API_AUTH).toBe('cognito');
    expect(() => authenticateFor({ ...base, API_AUTH: 'local-jwt', LOCAL_JWT_SECRET: SECRET })).toThrow(
      /local emulators/,
    );
    expect(() =>
      authenticateFor({ ...base, API_AUTH: 'local-jwt', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1' }),
    ).toThrow(/LOCAL_JWT_SECRET/);
  });
});
