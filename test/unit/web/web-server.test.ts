/** The console's local routes: static files from web/dist only, config.json, the local sign-in. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../local/emulators/lambda-context';
import { webConsoleRoutes } from '../../../local/emulators/web-server';
import { parseConsoleConfig } from '../../../web/src/config';

const dist = mkdtempSync(path.join(tmpdir(), 'claimflow-dist-'));
writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>x</title>');
writeFileSync(path.join(dist, 'app.js'), 'console.log(1)');
writeFileSync(path.join(path.dirname(dist), 'secret.txt'), 'not served');

const signed: string[] = [];
const routes = webConsoleRoutes({
  distDir: dist,
  idleMinutes: 5,
  signIn: async (role) => {
    signed.push(role);
    return `token-for-${role}`;
  },
});

async function call(method: string, routePath: string, opts: { file?: string; body?: string } = {}) {
  const route = routes.find((r) => r.method === method && r.path === routePath);
  if (!route) throw new Error(`no route ${method} ${routePath}`);
  const event = {
    pathParameters: opts.file !== undefined ? { file: opts.file } : {},
    ...(opts.body !== undefined ? { body: opts.body } : {}),
  } as unknown as APIGatewayProxyEventV2;
  const out = (await route.handler(event, lambdaContext('web-console'))) as APIGatewayProxyStructuredResultV2;
  const body = out.isBase64Encoded ? Buffer.from(out.body ?? '', 'base64').toString() : (out.body ?? '');
  return { status: out.statusCode, headers: out.headers ?? {}, body };
}

describe('local web console routes', () => {
  it('serves index.html at / and the bundle, with a same-origin CSP', async () => {
    const index = await call('GET', '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.headers['content-security-policy']).toContain("default-src 'self'");
    expect(index.body).toContain('<title>x</title>');
    const js = await call('GET', '/{file}', { file: 'app.js' });
    expect(js).toMatchObject({ status: 200, body: 'console.log(1)' });
    expect(js.headers['content-type']).toMatch(/javascript/);
  });

  it('serves nothing outside web/dist, hidden files or unknown types', async () => {
    for (const file of ['../secret.txt', '..', '.env', 'missing.js', 'app.js.map', 'index'])
      expect((await call('GET', '/{file}', { file })).status).toBe(404);
  });

  it('serves a config.json the console accepts (local sign-in, the idle time)', async () => {
    const res = await call('GET', '/config.json');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(parseConsoleConfig(JSON.parse(res.body))).toEqual({
      apiBaseUrl: '',
      idleMinutes: 5,
      auth: { kind: 'local' },
    });
  });

  it('signs in a known role only', async () => {
    const ok = await call('POST', '/local/token', { body: '{"role":"manager"}' });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ token: 'token-for-manager' });
    for (const body of ['{"role":"root"}', '{}', 'not json', '{"role":["admin"]}'])
      expect((await call('POST', '/local/token', { body })).status).toBe(400);
    expect(signed).toEqual(['manager']);
  });
});
