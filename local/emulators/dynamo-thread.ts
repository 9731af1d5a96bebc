/**
 * The local DynamoDB (dynamo.ts) in a worker thread of its own. The local runtime's handlers, Step
 * Functions emulator, queues and simulator keep the main thread busy; the DynamoDB emulator was about a
 * third of it, and the machine's other core idle. Same emulator, same answers: requests cross the
 * thread boundary as structured clones (the short-circuit's command input, or the in-process request
 * handler's HTTP request), and the endpoint is served from the worker.
 *
 * Not for runs with injected write faults or metering (their hooks are functions of the main thread):
 * those start the emulator in-process (startDynamo).
 */
import { Worker } from 'node:worker_threads';
import * as dynamoExceptions from '@aws-sdk/client-dynamodb';
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import type { LocalDynamo } from './dynamo';
import { isDocumentCommand, type LocalRequestHandler } from './in-process';

type Json = Record<string, unknown>;
type HttpRequest = Parameters<LocalRequestHandler['handle']>[0];
type HttpResponse = Awaited<ReturnType<LocalRequestHandler['handle']>>['response'];

/** What the main thread asks the worker. */
export type ThreadRequest =
  | { kind: 'document'; id: number; op: string; input: Json; document: boolean }
  | { kind: 'http'; id: number; request: HttpRequest };
/** What the worker answers (`error`: the emulator itself failed, not a DynamoDB error). */
export type ThreadReply =
  | { id: number; status: number; body: unknown }
  | { id: number; response: HttpResponse }
  | { id: number; error: string };

export async function startDynamoThread(): Promise<LocalDynamo> {
  const worker = new Worker(new URL('./dynamo-thread-entry.mjs', import.meta.url));
  const pending = new Map<number, { resolve(reply: ThreadReply): void; reject(err: Error): void }>();
  let nextId = 0;
  let failed: Error | undefined;
  const failAll = (err: Error) => {
    failed = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('error', (err) => failAll(err));
  worker.on('exit', (code) => failAll(new Error(`local DynamoDB thread exited (code ${code})`)));
  const endpoint = await new Promise<string>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: { endpoint: string }) => resolve(m.endpoint));
  });
  let stopped: Promise<void> | undefined;
  let onStopped = () => {};
  worker.on('message', (reply: ThreadReply | { stopped: true }) => {
    if ('stopped' in reply) return onStopped();
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if ('error' in reply) p.reject(new Error(`local DynamoDB thread: ${reply.error}`));
    else p.resolve(reply);
  });
  // Distributive: each member of the union without its id.
  type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
  const ask = (request: WithoutId<ThreadRequest>): Promise<ThreadReply> => {
    if (failed) return Promise.reject(failed);
    const id = ++nextId;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id });
    });
  };
  return {
    endpoint,
    requestHandler: {
      async handle(request) {
        const reply = await ask({
          kind: 'http',
          request: { headers: request.headers, body: request.body },
        });
        return { response: (reply as { response: HttpResponse }).response };
      },
      updateHttpClientConfig() {},
      httpHandlerConfigs: () => ({}),
      destroy() {},
    },
    shortCircuit: {
      // The worker gets a structured clone: it never holds the caller's objects.
      answer: async (op, input, context) => {
        const reply = await ask({ kind: 'document', op, input, document: isDocumentCommand(context) });
        return reply as { status: number; body: unknown };
      },
      exceptions: dynamoExceptions as Record<string, unknown>,
      baseException: DynamoDBServiceException as never,
      // The worker already gave the output its SDK shape.
    },
    threadHeapUsed: async () => (await worker.getHeapStatistics()).used_heap_size,
    stop() {
      stopped ??= (async () => {
        if (failed) return;
        await new Promise<void>((resolve) => {
          onStopped = resolve;
          worker.once('exit', () => resolve());
          worker.postMessage({ kind: 'stop' });
        });
        await worker.terminate();
      })();
      return stopped;
    },
  };
}
