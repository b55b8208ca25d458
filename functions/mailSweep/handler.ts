import type { Context, ScheduledEvent } from 'aws-lambda';
import { defaultSweepOptions, sweepStaleMails } from '../../shared/mail/sweeper.js';
import { retryQueueOf } from '../../shared/mail/retryQueueWiring.js';
import { mailOf } from '../../shared/mail/wiring.js';
import { configOf } from '../../shared/platform/config.js';
import { mailSweep } from './function.js';
import { systemClock } from '../../shared/platform/clock.js';
import { edge, eventBridgeCorrelationId } from '../../shared/platform/edge.js';
import { logger } from '../../shared/platform/observability.js';

// A mail SES refuses again goes to the retry queue, as on its first attempt.
const config = configOf(mailSweep);
const { outbox, delivery } = mailOf(config, retryQueueOf(config));

/** Stops taking new mails this long before the timeout: one delivery with its retries fits in it. */
const SAFETY_MS = 30_000;

/** One sweep; the log holds counts only. A failure leaves the claim for the next run, and the run fails so the alarm shows it. */
export const sweep = async (context?: Pick<Context, 'getRemainingTimeInMillis'>) => {
  const report = await sweepStaleMails(outbox, delivery, systemClock, {
    ...defaultSweepOptions,
    shouldStop: () => (context ? context.getRemainingTimeInMillis() < SAFETY_MS : false),
  });
  if (report.failures > 0) {
    logger.error('mail sweep', { ...report });
    throw new Error(`${report.failures} stale mail(s) could not be resent; the next sweep retries them`);
  }
  logger.info('mail sweep', { ...report });
  return report;
};

export const handler = edge((_event: ScheduledEvent, context: Context) => sweep(context), { correlationIdOf: eventBridgeCorrelationId });
