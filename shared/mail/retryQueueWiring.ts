import { SQSClient } from '@aws-sdk/client-sqs';
import { traced } from '../platform/tracer.js';
import type { Endpoints } from '../platform/config.js';
import { outboxOnlyDeadLetter, type DeadLetter } from './sender.js';
import { SqsDeadLetter } from './sqsDeadLetter.js';

/**
 * The dead letter of the functions that put a mail SES keeps refusing on the retry queue (notifier,
 * deadline run, mail sweep: declared `mailRetryQueue: 'send'`), given to `mailOf` by their
 * composition roots. The retry function itself and `npm run replay-dlq` never import this module:
 * a mail failing again stays where it is, and their bundles hold no SQS client. Without a queue URL
 * (offline without the retry function), the outbox's dead status is the dead letter.
 */
export const retryQueueOf = (config: { readonly mailRetryQueueUrl: string | undefined; readonly endpoints: Endpoints }): DeadLetter =>
  config.mailRetryQueueUrl
    ? new SqsDeadLetter(traced(new SQSClient({ ...(config.endpoints.sqs ? { endpoint: config.endpoints.sqs } : {}) })), config.mailRetryQueueUrl)
    : outboxOnlyDeadLetter;
