import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { createDynamoClient } from '../aws/dynamo.js';
import { createSesClient } from '../aws/ses.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { ENV, readEnv } from '../platform/env.js';
import { endpointsFromEnv, tablesFromEnv } from '../platform/wiring.js';
import { DynamoOutbox } from './outbox.js';
import { MailDelivery, SesMailer, type DeadLetter } from './sender.js';
import { DynamoSuppressionList } from './suppression.js';

/**
 * What every function that sends mail shares (notifier, deadline run, mail retry, mail sweep, and
 * `npm run replay-dlq`), read once at cold start: the outbox, the suppression list and SES, with
 * the dead letter its caller chose. Nothing else: the retry queue is wired in ./retryQueueWiring.ts,
 * imported only by the functions that put mails on it (the retry function and the replay command
 * pass `outboxOnlyDeadLetter`, so their bundles hold no SQS client); the notifier's and the daily
 * run's own parts are wired in ./notifierWiring.ts and shared/deadlineIndex/runWiring.ts, and the
 * functions that send no mail (projector, planner, PV intake, history indexer) never import this
 * module, so their bundles hold neither SES, SQS nor the templates.
 *
 * Variables: `OUTBOX_TABLE_NAME`, `PERSONAL_DATA_TABLE_NAME` (the suppression list),
 * `MAIL_FROM_ADDRESS`, `SES_CONFIGURATION_SET` (optional), and offline the emulator endpoints.
 */
const optional = z.string().min(1).optional();

export interface MailWiring {
  readonly dynamo: DynamoDBClient;
  readonly outbox: DynamoOutbox;
  readonly delivery: MailDelivery;
  readonly from: { readonly name: string; readonly email: string };
}

export interface MailOptions {
  readonly clock?: Clock;
}

/**
 * The outbox and the delivery through SES (one SDK attempt per call: the delivery owns retries,
 * counts them and dead-letters). `deadLetter` is where a mail SES keeps refusing goes: the retry
 * queue (`retryQueueFromEnv`) or `outboxOnlyDeadLetter`, chosen by the caller's import.
 */
export const mailFromEnv = (source: NodeJS.ProcessEnv, deadLetter: DeadLetter, options: MailOptions = {}): MailWiring => {
  const clock = options.clock ?? systemClock;
  const tables = tablesFromEnv(['outbox', 'personalData'], source);
  const env = readEnv({ [ENV.MAIL_FROM]: z.string().min(1), [ENV.SES_CONFIGURATION_SET]: optional }, source);
  const endpoints = endpointsFromEnv(source);
  const dynamo = createDynamoClient({ endpoint: endpoints.dynamodb });
  const from = { name: 'Sessions du titre professionnel', email: env[ENV.MAIL_FROM] };
  const outbox = new DynamoOutbox(dynamo, tables.outbox);
  const mailer = new SesMailer(createSesClient({ endpoint: endpoints.ses, maxAttempts: 1 }), from, env[ENV.SES_CONFIGURATION_SET]);
  const suppression = new DynamoSuppressionList(dynamo, tables.personalData);
  return { dynamo, outbox, from, delivery: new MailDelivery(outbox, mailer, deadLetter, clock, undefined, undefined, undefined, suppression) };
};
