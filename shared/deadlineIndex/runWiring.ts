import { recipientsOf } from '../directory/wiring.js';
import { retryQueueOf } from '../mail/retryQueueWiring.js';
import { mailOf, type AddressedMailNeeds } from '../mail/wiring.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { DynamoSessionViews } from '../views/viewItem.js';
import { DynamoDeadlineIndex } from './dynamoDeadlines.js';
import { DeadlineRun } from './run.js';

/** Composition root of the daily run: the due dates, the views it names sessions from, mail and recipients. */
export const deadlineRunOf = (
  config: AddressedMailNeeds & { readonly tables: { readonly deadlines: string; readonly views: string } },
  clock: Clock = systemClock,
): DeadlineRun => {
  const mail = mailOf(config, retryQueueOf(config), { clock });
  return new DeadlineRun(
    new DynamoDeadlineIndex(mail.dynamo, config.tables.deadlines),
    new DynamoSessionViews(mail.dynamo, config.tables.views),
    recipientsOf(mail.dynamo, config.tables, config.env),
    mail.delivery,
    clock,
    config.appUrl,
  );
};
