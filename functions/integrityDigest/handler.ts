import { integrityOf } from '../../shared/integrity/wiring.js';
import { configOf } from '../../shared/platform/config.js';
import { integrityDigest } from './function.js';
import { previousDay, utcDay, writeDailyDigest } from '../../shared/integrity/index.js';
import type { ScheduledEvent } from 'aws-lambda';
import { systemClock } from '../../shared/platform/clock.js';
import { edge, eventBridgeCorrelationId } from '../../shared/platform/edge.js';
import { logger } from '../../shared/platform/observability.js';

const { commits, archive } = integrityOf(configOf(integrityDigest));

/** Digests yesterday (UTC); a repeated firing finds the digest written and writes nothing. */
export const handler = edge(
  async (_event: ScheduledEvent) => {
    const outcome = await writeDailyDigest(commits, archive, previousDay(utcDay(systemClock.now())), systemClock);
    logger.info('store digest', { ...outcome });
    return outcome;
  },
  { correlationIdOf: eventBridgeCorrelationId },
);
