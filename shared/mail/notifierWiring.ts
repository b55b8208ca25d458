import { recipientsOf } from '../directory/wiring.js';
import { DynamoStreamReader } from '../eventStore/streamReader.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { defaultNotifierSettings, Notifier } from './notifier.js';
import { retryQueueOf } from './retryQueueWiring.js';
import { mailOf, type AddressedMailNeeds } from './wiring.js';

/**
 * Composition root of the notifier: mail (outbox, suppression list, SES and the retry queue), the
 * events table it folds a session's stream from, and the recipients (directory and contact book).
 */
export const notifierOf = (config: AddressedMailNeeds & { readonly tables: { readonly events: string } }, clock: Clock = systemClock): Notifier => {
  const mail = mailOf(config, retryQueueOf(config), { clock });
  return new Notifier(
    new DynamoStreamReader({ client: mail.dynamo, tables: config.tables }),
    recipientsOf(mail.dynamo, config.tables, config.env),
    mail.delivery,
    { ...defaultNotifierSettings, appUrl: config.appUrl, from: mail.from },
    () => clock.now(),
  );
};
