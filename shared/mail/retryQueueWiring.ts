import { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { ENV, readEnv } from '../platform/env.js';
import { traced } from '../platform/tracer.js';
import { endpointsFromEnv } from '../platform/wiring.js';
import { outboxOnlyDeadLetter, type DeadLetter } from './sender.js';
import { SqsDeadLetter } from './sqsDeadLetter.js';

/**
 * The dead letter of the functions that put a mail SES keeps refusing on the retry queue (notifier,
 * deadline run, mail sweep: declared `mailRetryQueue: 'send'`), given to `mailFromEnv` by their
 * composition roots. The retry function itself and `npm run replay-dlq` never import this module:
 * a mail failing again stays where it is, and their bundles hold no SQS client.
 *
 * Variables: `MAIL_DLQ_URL` (optional: offline without the retry function, the outbox's dead status
 * is the dead letter) and offline `SQS_ENDPOINT`.
 */
export const retryQueueFromEnv = (source: NodeJS.ProcessEnv = process.env): DeadLetter => {
  const queueUrl = readEnv({ [ENV.MAIL_DLQ_URL]: z.string().min(1).optional() }, source)[ENV.MAIL_DLQ_URL];
  if (!queueUrl) return outboxOnlyDeadLetter;
  const { sqs } = endpointsFromEnv(source);
  return new SqsDeadLetter(traced(new SQSClient({ ...(sqs ? { endpoint: sqs } : {}) })), queueUrl);
};
