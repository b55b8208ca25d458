import { Logger } from './logger.js';
import { CountMetrics } from './metrics.js';

/**
 * The one logger and the one metrics emitter of every function (./logger.ts, ./metrics.ts, in
 * the formats Powertools wrote). Lines are JSON with the Lambda context and the correlation id the
 * edge sets (shared/platform/edge.ts); metrics are CloudWatch EMF lines in the same log stream, so
 * no `PutMetricData` call and no extra grant.
 *
 * Log lines carry codes, ids, counts and routes, never a body, a name, an address or a token:
 * personal data stays out of the logs (test/hardening/logs.e2e.test.ts).
 *
 * Under vitest, handlers are called thousands of times: the level is SILENT unless the environment
 * sets one (`AWS_LAMBDA_LOG_LEVEL`, as Lambda's log controls do, or `POWERTOOLS_LOG_LEVEL`): a
 * test that reads the lines sets one before the logger is built. SILENT writes nothing at all, EMF
 * lines included.
 */
const SERVICE_NAME = 'tp-sessions';

export const logger = new Logger({ serviceName: SERVICE_NAME, ...(process.env.VITEST !== undefined ? { defaultLevel: 'SILENT' as const } : {}) });

const silent = () => logger.level === 'SILENT';

const metrics = new CountMetrics(SERVICE_NAME, {
  service: SERVICE_NAME,
  // dev and prod may share an account: the stage tells their metrics apart.
  ...(process.env.STAGE ? { stage: process.env.STAGE } : {}),
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
  metrics.single(outcome === 'accepted' ? METRIC.commandAccepted : METRIC.commandRefused, 1, { command: commandType });
};

/** Adds to a count of this invocation; the edge writes them all in one EMF line when it ends. */
export const count = (name: (typeof METRIC)[keyof typeof METRIC], value = 1): void => {
  if (value > 0) metrics.add(name, value);
};

/** Writes the counts of the invocation (nothing when there are none: no empty EMF line). */
export const publishMetrics = (): void => {
  if (silent()) metrics.clear();
  else metrics.publish();
};
