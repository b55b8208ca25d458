import { integrityFromEnv } from '../../shared/integrity/wiring.js';
import { previousDay, utcDay, writeDailyDigest } from '../../shared/integrity/index.js';
import type { ScheduledEvent } from 'aws-lambda';
import { systemClock } from '../../shared/platform/clock.js';
import { edge, eventBridgeCorrelationId } from '../../shared/platform/edge.js';
import { logger } from '../../shared/platform/observability.js';

const { commits, archive } = integrityFromEnv();

/** Digests yesterday (UTC); a repeated firing finds the digest written and writes nothing. */
export const handler = edge(
  async (_event: ScheduledEvent) => {
    const outcome = await writeDailyDigest(commits, archive, previousDay(utcDay(systemClock.now())), systemClock);
    logger.info('store digest', { ...outcome });
    return outcome;
  },
  { correlationIdOf: eventBridgeCorrelationId },
);
