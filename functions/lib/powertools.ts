/**
 * Powertools instances shared by a function's module scope, and the middy stack every handler uses.
 * Locally the runtime sets POWERTOOLS_TRACE_ENABLED=false and POWERTOOLS_METRICS_DISABLED=true.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';

export interface Observability {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
}

export function observability(serviceName: string): Observability {
  const logger = new Logger({ serviceName });
  return {
    logger,
    // Metrics' own warnings (e.g. "No application metrics to publish", which the local runtime's
    // concurrent invocations of one module caused) go through the logger and its level, not stdout.
    metrics: new Metrics({
      serviceName,
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'claimflow',
      logger,
    }),
    tracer: new Tracer({ serviceName }),
  };
}

/** Wraps a handler in middy with Powertools logger context, metrics flushing and tracing. */
export function wrap<E, R>(obs: Observability, fn: (event: E, context: Context) => Promise<R>) {
  return middy(fn)
    .before(() => {
      obs.metrics.addMetric('Invocations', 'Count', 1);
    })
    .use(captureLambdaHandler(obs.tracer))
    .use(injectLambdaContext(obs.logger, { clearState: true }))
    .use(logMetrics(obs.metrics));
}
