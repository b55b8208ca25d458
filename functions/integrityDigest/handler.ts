import { integrityOf } from '../../shared/integrity/wiring.js';
import { configOf } from '../../shared/platform/config.js';
import { integrityDigest } from './function.js';
import { previousDay, utcDay, writeMissedDigests } from '../../shared/integrity/index.js';
import type { ScheduledEvent } from 'aws-lambda';
import { systemClock } from '../../shared/platform/clock.js';
import { edge, eventBridgeCorrelationId } from '../../shared/platform/edge.js';
import { logger } from '../../shared/platform/observability.js';

const { commits, archive } = integrityOf(configOf(integrityDigest));

/**
 * Digests yesterday (UTC), after the days a failed run left without a digest; a repeated firing
 * finds them written and writes nothing.
 */
export const handler = edge(
  async (_event: ScheduledEvent) => {
    const outcomes = await writeMissedDigests(commits, archive, previousDay(utcDay(systemClock.now())), systemClock);
    for (const outcome of outcomes) logger.info('store digest', { ...outcome });
    return outcomes;
  },
  { correlationIdOf: eventBridgeCorrelationId },
);
