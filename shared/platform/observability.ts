import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * The one logger and the one metrics emitter of every function (Powertools). Lines are JSON with
 * the Lambda context and the correlation id the edge sets (shared/platform/edge.ts); metrics are
 * CloudWatch EMF lines in the same log stream, so no `PutMetricData` call and no extra grant.
 *
 * Log lines carry codes, ids, counts and routes, never a body, a name, an address or a token:
 * personal data stays out of the logs (test/hardening/logs.e2e.test.ts).
 *
 * Under vitest, handlers are called thousands of times: the level is SILENT unless the environment
 * sets one (`AWS_LAMBDA_LOG_LEVEL`, as Lambda's log controls do, or `POWERTOOLS_LOG_LEVEL`), and a
 * test that reads the lines lifts it with `logger.setLogLevel`. SILENT writes nothing at all, EMF
 * lines included.
 */
const SERVICE_NAME = 'tp-sessions';

const silentUnderTest = process.env.VITEST !== undefined && !process.env.AWS_LAMBDA_LOG_LEVEL && !process.env.POWERTOOLS_LOG_LEVEL;

export const logger = new Logger({ serviceName: SERVICE_NAME, ...(silentUnderTest ? { logLevel: 'SILENT' as const } : {}) });

const silent = () => logger.getLevelName() === 'SILENT';

const metrics = new Metrics({
  namespace: SERVICE_NAME,
  serviceName: SERVICE_NAME,
  // dev and prod may share an account: the stage tells their metrics apart.
  ...(process.env.STAGE ? { defaultDimensions: { stage: process.env.STAGE } } : {}),
  logger,
});

/** Metric names, for the dashboards and alarms of the stack as much as for the code. */
export const METRIC = {
  commandAccepted: 'CommandAccepted',
  commandRefused: 'CommandRefused',
  mailSent: 'MailSent',
  mailFailed: 'MailFailed',
  deadlinesDue: 'DeadlinesDue',
  streamBatchFailures: 'StreamBatchFailures',
} as const;

/**
 * A command the domain accepted (events recorded) or refused (a domain error), by command type.
 * One EMF document per command, with its own `command` dimension, written at once.
 */
export const countCommand = (commandType: string, outcome: 'accepted' | 'refused'): void => {
  if (silent()) return;
  metrics
    .singleMetric()
    .addDimension('command', commandType)
    .addMetric(outcome === 'accepted' ? METRIC.commandAccepted : METRIC.commandRefused, MetricUnit.Count, 1);
};

/** Adds to a count of this invocation; the edge writes them all in one EMF line when it ends. */
export const count = (name: (typeof METRIC)[keyof typeof METRIC], value = 1): void => {
  if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
};

/** Writes the counts of the invocation (nothing when there are none: no empty EMF line, no warning). */
export const publishMetrics = (): void => {
  if (silent()) metrics.clearMetrics();
  else if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
};
