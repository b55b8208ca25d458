import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '../aws/dynamo.js';
import { createSesClient } from '../aws/ses.js';
import { systemClock, type Clock } from '../platform/clock.js';
import type { Endpoints, MailConfig } from '../platform/config.js';
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
 * It takes the part of the function's configuration (shared/platform/config.ts) it needs: the
 * outbox and personalData (the suppression list) tables, the mail settings and the endpoints.
 */
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
 * queue (`retryQueueOf`) or `outboxOnlyDeadLetter`, chosen by the caller's import.
 */
export interface MailNeeds {
  readonly tables: { readonly outbox: string; readonly personalData: string };
  readonly mail: MailConfig;
  readonly endpoints: Endpoints;
}

/** What a function that mails people (the notifier, the daily run) needs besides its own tables: mail, the retry queue, links and the directory. */
export interface AddressedMailNeeds extends MailNeeds {
  readonly mailRetryQueueUrl: string | undefined;
  readonly appUrl: string;
  readonly env: NodeJS.ProcessEnv;
}

export const mailOf = ({ tables, mail, endpoints }: MailNeeds, deadLetter: DeadLetter, options: MailOptions = {}): MailWiring => {
  const clock = options.clock ?? systemClock;
  const dynamo = createDynamoClient({ endpoint: endpoints.dynamodb });
  const from = { name: 'Sessions du titre professionnel', email: mail.from };
  const outbox = new DynamoOutbox(dynamo, tables.outbox);
  const mailer = new SesMailer(createSesClient({ endpoint: endpoints.ses, maxAttempts: 1 }), from, mail.configurationSet);
  const suppression = new DynamoSuppressionList(dynamo, tables.personalData);
  return { dynamo, outbox, from, delivery: new MailDelivery(outbox, mailer, deadLetter, clock, undefined, undefined, undefined, suppression) };
};
