/**
 * Serves the workbench API locally with @hono/node-server on 127.0.0.1 (for `npm start` and tests).
 * The local runtime builds the app with createApi(...) and localJwt(secret).
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from './context';

export async function serveApi(
  app: OpenAPIHono<ApiEnv>,
  opts: { port?: number } = {},
): Promise<{ url: string; stop(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve(
      { fetch: app.fetch, hostname: '127.0.0.1', port: opts.port ?? 0 },
      (info: AddressInfo) => {
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          stop: () => new Promise<void>((done) => server.close(() => done())),
        });
      },
    );
  });
}
