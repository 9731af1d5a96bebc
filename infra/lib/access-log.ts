/**
 * The access log line of claimflow's HTTP APIs: request metadata only (the route template, never the
 * path, query string, headers or body, which can hold claim ids or PHI).
 */
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';

export function accessLogFormat(extra: Record<string, string> = {}): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      requestTime: '$context.requestTime',
      routeKey: '$context.routeKey',
      status: '$context.status',
      responseLength: '$context.responseLength',
      ...extra,
      integrationError: '$context.integrationErrorMessage',
    }),
  );
}
