/**
 * `npm start`: the local runtime with the demo data settled, kept running until Ctrl-C.
 * Prints the web console and workbench API (`console http://127.0.0.1:<port>`, same origin) and a
 * bearer token of a biller of the demo practices (`token <jwt>`, HS256 with this run's local key,
 * valid 12 h). The console (web/dist, built first when missing or stale) offers a local sign-in as
 * biller, manager or admin. Charge files can still be uploaded to the printed bucket
 * (charges/<practiceId>/<file>.csv) with any S3 client.
 */
import { DIST_DIR, ensureWebBuilt } from '../web/build';
import { DEMO_PRACTICES, uploadDemoFiles } from './demo';
import { boundHeapGrowth, startLocalRuntime } from './runtime';

boundHeapGrowth();
await ensureWebBuilt();
const runtime = await startLocalRuntime({
  verbose: process.argv.includes('--verbose'),
  webConsole: { distDir: DIST_DIR, practices: DEMO_PRACTICES },
});
const shutdown = async () => {
  await runtime.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

console.log('claimflow local runtime is up; loading the demo charge files...');
await uploadDemoFiles(runtime, { seed: 42, claims: 64, today: new Date().toISOString().slice(0, 10) });
await runtime.settle();
const token = await runtime.apiToken({ sub: 'local-biller', groups: [...DEMO_PRACTICES, 'biller'] });
console.log(`  charges bucket: ${runtime.chargesBucket} (upload to charges/<practiceId>/<file>.csv)`);
console.log(`  S3/SQS endpoint: ${process.env.AWS_ENDPOINT_URL_S3}`);
console.log(`  DynamoDB endpoint: ${process.env.AWS_ENDPOINT_URL_DYNAMODB} table ${runtime.tableName}`);
console.log(`  webhook: ${runtime.webhookUrl}`);
console.log(`  API: ${runtime.apiUrl}/api (OpenAPI: ${runtime.apiUrl}/api/openapi.json)`);
console.log(`console ${runtime.apiUrl}`);
console.log(`token ${token}`);
