/**
 * The worker side of dynamo-thread.ts: the local DynamoDB (dynamo.ts, with its HTTP endpoint) in this
 * thread, answering the main thread's requests. A short-circuit request's output is put in the SDK's
 * shape here (binary values as bytes, document items unmarshalled), so the main thread only receives it.
 */
import { parentPort } from 'node:worker_threads';
import { documentOutput, startDynamo } from './dynamo';
import type { ThreadReply, ThreadRequest } from './dynamo-thread';

const port = parentPort;
if (!port) throw new Error('dynamo-thread-worker.ts runs in a worker thread (dynamo-thread.ts starts it)');
const dynamo = await startDynamo();
const DOCUMENT = { __aws_sdk_context: { features: { DDB_MAPPER: 'd' } } };

async function answer(request: ThreadRequest): Promise<ThreadReply> {
  if (request.kind === 'document') {
    const out = await dynamo.shortCircuit.answer(request.op, request.input, {});
    const body =
      request.document && out.status < 300
        ? documentOutput(request.op, out.body as Record<string, unknown>, DOCUMENT)
        : out.body;
    return { id: request.id, status: out.status, body };
  }
  const { response } = await dynamo.requestHandler.handle(request.request);
  return { id: request.id, response };
}

port.on('message', (request: ThreadRequest | { kind: 'stop' }) => {
  if (request.kind === 'stop') {
    dynamo.stop().then(
      () => port.postMessage({ stopped: true }),
      () => port.postMessage({ stopped: true }),
    );
    return;
  }
  answer(request).then(
    (reply) => port.postMessage(reply),
    (err: unknown) => port.postMessage({ id: request.id, error: String((err as Error)?.stack ?? err) }),
  );
});
port.postMessage({ endpoint: dynamo.endpoint });
