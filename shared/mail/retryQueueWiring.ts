import type { Endpoints } from '../platform/config.js';
import { onFirstUse } from '../platform/lazy.js';
import { traced } from '../platform/tracer.js';
import { outboxOnlyDeadLetter, type DeadLetter } from './sender.js';

/**
 * The dead letter of the functions that put a mail SES keeps refusing on the retry queue (notifier,
 * deadline run, mail sweep: declared `mailRetryQueue: 'send'`), given to `mailOf` by their
 * composition roots. The retry function itself and `npm run replay-dlq` never import this module:
 * a mail failing again stays where it is, and their bundles hold no SQS client. Without a queue URL
 * (offline without the retry function), the outbox's dead status is the dead letter.
 *
 * The SQS client and its queue load with the first mail put on the queue, in a chunk of their own
 * (./sqsDeadLetter.ts), as the S3 client does in the HTTP functions: a mail failing for good is
 * rare, and the client was about 24 KB of each of these functions' cold starts (issue 16).
 */
export const retryQueueOf = (config: { readonly mailRetryQueueUrl: string | undefined; readonly endpoints: Endpoints }): DeadLetter => {
  const queueUrl = config.mailRetryQueueUrl;
  if (!queueUrl) return outboxOnlyDeadLetter;
  const queue = onFirstUse(async () => {
    const { SqsDeadLetter, sqsClient } = await import('./sqsDeadLetter.js');
    return new SqsDeadLetter(traced(sqsClient(config.endpoints.sqs)), queueUrl);
  });
  return { put: async (mail, reason) => (await queue()).put(mail, reason) };
};
