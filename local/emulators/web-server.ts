/**
 * The web console on the local HTTP API (`npm start`): web/dist's files, `/config.json` (auth kind
 * "local") and `POST /local/token`, a local-only sign-in that mints a token for a demo user of the
 * chosen role with the run's key. Served on the same origin as the workbench API, as routes of the
 * local HTTP API emulator; the Lambda app never has these routes. On AWS the console comes from S3 +
 * CloudFront and signs in with Cognito.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ConsoleConfig } from '../../web/src/config';
import type { Route } from './http-api-server';

export const LOCAL_ROLES = ['biller', 'manager', 'admin'] as const;
export type LocalRole = (typeof LOCAL_ROLES)[number];

export interface WebConsoleOptions {
  /** The built console (web/dist). */
  distDir: string;
  /** Minutes without input before the console signs out (default 15). */
  idleMinutes?: number;
  /** Signs a token for a demo user of this role (the runtime's apiToken with its practices). */
  signIn: (role: LocalRole) => Promise<string>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Same policy the CloudFront distribution sends: own origin only, no framing, no referrer. */
export const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function file(distDir: string, name: string): APIGatewayProxyStructuredResultV2 {
  const type = TYPES[path.extname(name)];
  if (!SAFE_NAME.test(name) || !type) return notFound();
  let body: Buffer;
  try {
    body = readFileSync(path.join(distDir, name));
  } catch {
    return notFound();
  }
  return {
    statusCode: 200,
    headers: {
      'content-type': type,
      'cache-control': name === 'index.html' ? 'no-cache' : 'public, max-age=300',
      ...SECURITY_HEADERS,
    },
    body: body.toString('base64'),
    isBase64Encoded: true,
  };
}

const json = (statusCode: number, value: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...SECURITY_HEADERS },
  body: JSON.stringify(value),
});

const notFound = () => json(404, { message: 'Not Found' });

/** Routes for the local HTTP API emulator; register them after the API's own routes. */
export function webConsoleRoutes(opts: WebConsoleOptions): Route[] {
  const config: ConsoleConfig = {
    apiBaseUrl: '',
    idleMinutes: opts.idleMinutes ?? 15,
    auth: { kind: 'local' },
  };
  const route = (method: string, p: string, handler: Route['handler']): Route => ({
    method,
    path: p,
    functionName: 'web-console',
    handler,
  });
  return [
    route('GET', '/', async () => file(opts.distDir, 'index.html')),
    route('GET', '/config.json', async () => json(200, config)),
    route('POST', '/local/token', async (event) => {
      let role: unknown;
      try {
        role = (JSON.parse(event.body ?? '{}') as { role?: unknown }).role;
      } catch {
        return json(400, { error: 'bad_request' });
      }
      if (!(LOCAL_ROLES as readonly unknown[]).includes(role)) return json(400, { error: 'bad_request' });
      return json(200, { token: await opts.signIn(role as LocalRole) });
    }),
    route('GET', '/{file}', async (event) => file(opts.distDir, event.pathParameters?.file ?? '')),
  ];
}
