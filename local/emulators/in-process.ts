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

/** The parts of a smithy middleware stack the short-circuit uses. */
interface MiddlewareStackLike {
  addRelativeTo(
    middleware: (next: unknown, context: SdkContext) => (args: { input: Json }) => Promise<unknown>,
    options: { name: string; relation: 'before'; toMiddleware: string; override?: boolean },
  ): void;
}
export interface SdkContext {
  commandName?: string;
  __aws_sdk_context?: { features?: Record<string, string> };
}
/** The command was sent through lib-dynamodb's document client (its output is unmarshalled). */
export const isDocumentCommand = (context: SdkContext): boolean =>
  context.__aws_sdk_context?.features?.DDB_MAPPER === 'd';

/** An SDK exception class of the service (`new Ctor({ message, $metadata, ...body })`). */
type ExceptionClass = new (opts: Record<string, unknown>) => Error;

export interface ShortCircuitOptions {
  /**
   * Answers one operation (command name without `Command`) with the emulator's status and JSON body.
   * The input may be the caller's own object: an emulator that keeps or rewrites it copies it first.
   * `context` is the command's (an emulator in another thread reads what `output` would).
   */
  answer: (op: string, input: Json, context: SdkContext) => Promise<{ status: number; body: unknown }>;
  /** The service's modelled exceptions by name, and its base exception for the rest. */
  exceptions: Record<string, unknown>;
  baseException: ExceptionClass;
  /** Turns the JSON body of a success into the SDK's output shape (dates, DynamoDB document values). */
  output?: (op: string, body: Json, context: SdkContext) => Json;
}

let requestCounter = 0;

/**
 * The fast in-process path: a middleware placed before the client's auth/endpoint/serializer
 * middlewares that hands the (already marshalled) command input to the emulator and returns its answer
 * as the command output, so the SDK neither serializes, signs, retries nor parses the request. What the
 * handlers' code sees is the same: the output shape of the command, or the service's exception class
 * with its name, message and fields. Used only in the local runtime, without injected faults (those need
 * the SDK's retries: the runtime then keeps the request-handler path above).
 */
export function shortCircuit(
  stack: MiddlewareStackLike,
  /** The emulator to answer this request, or undefined: the request takes the SDK's normal path. */
  target: () => ShortCircuitOptions | undefined,
): void {
  stack.addRelativeTo(
    (next, context) => async (args) => {
      const opts = target();
      if (!opts) return (next as (a: typeof args) => Promise<unknown>)(args);
      const op = String(context.commandName ?? '').replace(/Command$/, '');
      const out = await opts.answer(op, args.input, context);
      const $metadata = {
        httpStatusCode: out.status,
        requestId: `local-${++requestCounter}`,
        attempts: 1,
        totalRetryDelay: 0,
      };
      const body = (out.body ?? {}) as Json;
      if (out.status >= 300) throw serviceException(opts, body, out.status, $metadata);
      const output = opts.output ? opts.output(op, body, context) : body;
      return { output: { ...output, $metadata }, response: { statusCode: out.status, headers: {} } };
    },
    {
      name: 'localInProcessShortCircuit',
      relation: 'before',
      toMiddleware: 'httpAuthSchemeMiddleware',
      override: true,
    },
  );
}

function serviceException(
  opts: ShortCircuitOptions,
  body: Json,
  status: number,
  $metadata: Record<string, unknown>,
): Error {
  const type = String(body.__type ?? 'UnknownError');
  const name = type.slice(type.lastIndexOf('#') + 1);
  const { __type: _type, message, Message, ...fields } = body;
  const text = String(message ?? Message ?? name);
  const modelled = opts.exceptions[name];
  const Ctor =
    typeof modelled === 'function' && modelled.prototype instanceof opts.baseException
      ? (modelled as ExceptionClass)
      : undefined;
  const fault = status >= 500 ? 'server' : 'client';
  const err = Ctor
    ? new Ctor({ ...fields, message: text, $metadata })
    : new opts.baseException({ name, $fault: fault, message: text, $metadata });
  // As the SDK's protocol does for unmodelled errors: the name is the error code.
  if (!Ctor) Object.assign(err, { name, ...fields });
  return err;
}
