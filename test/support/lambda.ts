import type { Context } from 'aws-lambda';
import { lambdaContext } from '../../local/emulators/lambda-context';

/** A Lambda context for handler tests (the same one the local runtime uses). */
export const fakeContext = (functionName = 'test-function'): Context => lambdaContext(functionName);

/** Environment every handler test needs: quiet Powertools, fake region and credentials. */
export function quietPowertools(): void {
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  process.env.POWERTOOLS_TRACE_ENABLED = 'false';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
}
