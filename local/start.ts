/**
 * `npm start`: the local runtime, kept running. Upload charge files to the printed bucket
 * (charges/<practiceId>/<file>.csv) with any S3 client pointed at the printed endpoint; Ctrl-C stops.
 */
import { startLocalRuntime } from './runtime';

const runtime = await startLocalRuntime({ verbose: process.argv.includes('--verbose') });
console.log('claimflow local runtime is up');
console.log(`  charges bucket: ${runtime.chargesBucket} (upload to charges/<practiceId>/<file>.csv)`);
console.log(`  S3/SQS endpoint: ${process.env.AWS_ENDPOINT_URL_S3}`);
console.log(`  DynamoDB endpoint: ${process.env.AWS_ENDPOINT_URL_DYNAMODB} table ${runtime.tableName}`);
console.log(`  webhook: ${runtime.webhookUrl}`);
const shutdown = async () => {
  await runtime.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
