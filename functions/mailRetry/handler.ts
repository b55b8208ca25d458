import { retryMailBatch } from '../../shared/mail/retryConsumer.js';
import { outboxOnlyDeadLetter } from '../../shared/mail/sender.js';
import { mailOf } from '../../shared/mail/wiring.js';
import { configOf } from '../../shared/platform/config.js';
import { mailRetry } from './function.js';
import { edge } from '../../shared/platform/edge.js';

// A mail failing again stays in this queue: it is not enqueued a second time (hence no SQS client here).
const { delivery } = mailOf(configOf(mailRetry), outboxOnlyDeadLetter);

/** Each message holds a whole mail (shared/mail/retryMessage.ts); each one failing is reported alone. */
export const handler = edge(retryMailBatch((mail, options) => delivery.deliver(mail, options)));
