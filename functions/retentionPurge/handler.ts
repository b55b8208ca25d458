import { purgeExpired } from '../../shared/retention/index.js';
import type { ScheduledEvent } from 'aws-lambda';
import { edge, eventBridgeCorrelationId } from '../../shared/platform/edge.js';
import { logger } from '../../shared/platform/observability.js';
import { retentionOf } from '../../shared/retention/wiring.js';
import { configOf } from '../../shared/platform/config.js';
import { retentionPurge } from './function.js';

const { deps, settings } = retentionOf(configOf(retentionPurge));

/** One purge; failures stay within the catch-up window and are retried by the next runs. */
export const handler = edge(
  async (_event: ScheduledEvent) => {
    const report = await purgeExpired(deps, settings);
    logger.info('retention purge', { ...report });
    if (report.failures > 0) throw new Error(`${report.failures} retention item(s) failed; the next runs retry them`);
    return report;
  },
  { correlationIdOf: eventBridgeCorrelationId },
);
