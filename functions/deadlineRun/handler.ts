import type { ScheduledEvent } from 'aws-lambda';
import { deadlineRunOf } from '../../shared/deadlineIndex/runWiring.js';
import { configOf } from '../../shared/platform/config.js';
import { deadlineRun } from './function.js';
import { edge, eventBridgeCorrelationId } from '../../shared/platform/edge.js';
import { count, logger, METRIC } from '../../shared/platform/observability.js';

const run = deadlineRunOf(configOf(deadlineRun));

/**
 * One run; a failed item keeps its due key and the day is caught up at the next run. A run that
 * stopped short of the timeout fails too, so that Lambda's retry of the schedule's asynchronous
 * invocation goes on with the items left.
 */
export const handler = edge(
  async (_event: ScheduledEvent, context) => {
    const report = await run.run({ remainingMs: () => context.getRemainingTimeInMillis() });
    // The items read are those due on the days run.
    count(METRIC.deadlinesDue, report.itemsRead);
    logger.info('deadline run', { ...report });
    if (report.failures > 0) throw new Error(`${report.failures} deadline item(s) failed; they stay due`);
    if (report.unfinished) throw new Error('The deadline run stopped before the function timeout; the items left stay due');
    return report;
  },
  { correlationIdOf: eventBridgeCorrelationId },
);
