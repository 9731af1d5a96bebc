/**
 * API Gateway HTTP API, locally: routes requests to handlers as APIGatewayProxyEventV2 events and
 * writes their structured results back. Bodies over maxBodyBytes get 413, unknown routes 404, a path
 * with malformed percent-encoding 400. A body is passed as text only when its content type is textual
 * and its bytes are valid UTF-8; anything else arrives base64-encoded, byte for byte (never altered).
 */
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { lambdaContext } from './lambda-context';

export interface Route {
  method: string;
  path: string; // e.g. /webhooks/{clearinghouse}
  functionName: string;
  /** A structured result, or (as HTTP API payload 2.0 allows) any other value, sent as 200 JSON. */
  handler: (
    event: APIGatewayProxyEventV2,
    context: Context,
  ) => Promise<APIGatewayProxyStructuredResultV2 | string | Record<string, unknown>>;
}

const TEXT = /^(text\/|application\/(json|edi-x12|x-www-form-urlencoded|xml))/;

class BadPath extends Error {}

/** Client address as API Gateway reports it: IPv4 dotted (not IPv4-mapped IPv6). */
function sourceIp(remote: string | undefined): string {
  const ip = remote ?? '127.0.0.1';
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip) ? ip.slice(7) : ip;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new BadPath(segment);
  }
}

function match(route: Route, method: string, path: string): Record<string, string> | undefined {
  if (route.method !== method) return undefined;
  const want = route.path.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const g = got[i] as string;
    if (w.startsWith('{') && w.endsWith('}')) params[w.slice(1, -1)] = decodeSegment(g);
    else if (w !== g) return undefined;
  }
  return params;
}

export async function startHttpApi(opts: { routes: Route[]; maxBodyBytes: number }) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > opts.maxBodyBytes) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', async () => {
      const reply = (
        status: number,
        body: string | Buffer,
        headers: Record<string, string> = {},
        cookies: string[] = [],
      ) => {
        res.writeHead(status, {
          'content-type': 'application/json',
          ...headers,
          ...(cookies.length > 0 ? { 'set-cookie': cookies } : {}),
        });
        res.end(body);
      };
      if (tooBig) return reply(413, JSON.stringify({ message: 'Request Entity Too Large' }));
      for (const route of opts.routes) {
        let pathParameters: Record<string, string> | undefined;
        try {
          pathParameters = match(route, method, url.pathname);
        } catch (err) {
          if (err instanceof BadPath) return reply(400, JSON.stringify({ message: 'Bad Request' }));
          throw err;
        }
        if (!pathParameters) continue;
        // Payload 2.0: lower-cased names, duplicates joined with commas, cookies in their own field.
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers))
          if (v !== undefined && k !== 'cookie')
            headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
        const cookies = (req.headers.cookie ?? '')
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean);
        const query: Record<string, string> = {};
        for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
        const raw = Buffer.concat(chunks);
        // Invalid UTF-8 under a text content type would be altered by decoding: send it as base64.
        const text = TEXT.test(headers['content-type'] ?? 'text/plain') && isUtf8(raw);
        const now = new Date();
        const routeKey = `${route.method} ${route.path}`;
        const event: APIGatewayProxyEventV2 = {
          version: '2.0',
          routeKey,
          rawPath: url.pathname,
          rawQueryString: url.search.slice(1),
          ...(cookies.length > 0 ? { cookies } : {}),
          headers,
          ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
          pathParameters,
          requestContext: {
            accountId: '000000000000',
            apiId: 'local',
            domainName: '127.0.0.1',
            domainPrefix: 'local',
            http: {
              method,
              path: url.pathname,
              protocol: 'HTTP/1.1',
              sourceIp: sourceIp(req.socket.remoteAddress),
              userAgent: headers['user-agent'] ?? '',
            },
            requestId: randomUUID(),
            routeKey,
            stage: '$default',
            time: now.toUTCString(),
            timeEpoch: now.getTime(),
          },
          ...(raw.length > 0 ? { body: text ? raw.toString('utf8') : raw.toString('base64') } : {}),
          isBase64Encoded: raw.length > 0 && !text,
        };
        try {
          const result = await route.handler(event, lambdaContext(route.functionName));
          if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
            // Payload 2.0 without a statusCode: the value is the JSON body of a 200.
            return reply(200, typeof result === 'string' ? result : JSON.stringify(result));
          }
          const structured = result as APIGatewayProxyStructuredResultV2;
          const headersOut = Object.fromEntries(
            Object.entries(structured.headers ?? {}).map(([k, v]) => [k, String(v)]),
          );
          const body = structured.body ?? '';
          return reply(
            structured.statusCode ?? 200,
            structured.isBase64Encoded ? Buffer.from(body, 'base64') : body,
            headersOut,
            structured.cookies ?? [],
          );
        } catch (err) {
          console.error(`${route.functionName} failed`, err);
          return reply(500, JSON.stringify({ message: 'Internal Server Error' }));
        }
      }
      reply(404, JSON.stringify({ message: 'Not Found' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
