// Entry of the local DynamoDB's worker thread (dynamo-thread.ts): TypeScript through tsx, in this
// thread too, whatever started the process (tsx, vitest, plain node).
import { register } from 'tsx/esm/api';

register();
await import('./dynamo-thread-worker.ts');
