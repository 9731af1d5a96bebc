/**
 * An AWS SDK v3 request handler that answers in-process, for emulators speaking the AWS JSON 1.0
 * protocol (DynamoDB, Step Functions): the client still builds, signs and parses every request as it
 * would over HTTP, only the socket is skipped. The local runtime gives it to the clients in its own
 * process; other processes keep using the emulator's HTTP endpoint.
 */
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

type Json = Record<string, unknown>;

/** Shape of @smithy/protocol-http's HttpRequest that this handler reads. */
interface SdkHttpRequest {
  headers: Record<string, string>;
  body?: unknown;
}

/** The parts of the SDK's HttpHandler interface that clients call. */
export interface LocalRequestHandler {
  handle(request: SdkHttpRequest): Promise<{
    response: { statusCode: number; reason?: string; headers: Record<string, string>; body: Uint8Array };
  }>;
  updateHttpClientConfig(key: never, value: never): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy(): void;
}

function bodyBuffer(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new Error('in-process handler: streaming request bodies are not supported');
}

/**
 * `answer(op, body)` gets the operation (the X-Amz-Target after `targetPrefix`) and the raw body, and
 * returns status and JSON body as the emulator's HTTP endpoint would.
 */
export function inProcessHandler(
  targetPrefix: string,
  answer: (op: string, body: Buffer) => Promise<{ status: number; body: unknown }>,
): LocalRequestHandler {
  return {
    async handle(request) {
      const target =
        request.headers['x-amz-target'] ??
        Object.entries(request.headers).find(([k]) => k.toLowerCase() === 'x-amz-target')?.[1] ??
        '';
      const op = target.startsWith(targetPrefix) ? target.slice(targetPrefix.length) : '';
      const out = await answer(op, bodyBuffer(request.body));
      const text = JSON.stringify(out.body as Json);
      const body = Buffer.from(text, 'utf8');
      return {
        response: {
          statusCode: out.status,
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'content-length': String(body.length),
            'x-amz-crc32': String(crc32(body)),
            'x-amzn-requestid': randomBytes(16).toString('hex').toUpperCase(),
          },
          body,
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
}
