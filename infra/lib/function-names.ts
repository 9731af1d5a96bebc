/**
 * The Lambda functions, by the name of their folder in functions/. A module of its own, without
 * aws-cdk-lib, so that the local runtime can list the handlers without loading the CDK.
 */
export const FUNCTION_NAMES = [
  'ingest-charges',
  'ingest-claims',
  'scrub-claim',
  'record-transition',
  'submit-batch',
  'receive-webhook',
  'process-ack',
  'post-remittance',
  'api',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];
