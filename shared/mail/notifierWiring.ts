import type { Endpoints, MailConfig } from '../platform/config.js';
import { recipientsOf } from '../directory/wiring.js';
import { DynamoStreamReader } from '../eventStore/streamReader.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { defaultNotifierSettings, Notifier } from './notifier.js';
import { retryQueueOf } from './retryQueueWiring.js';
import { mailOf } from './wiring.js';

/**
 * Composition root of the notifier: mail (outbox, suppression list, SES and the retry queue), the
 * events table it folds a session's stream from, and the recipients (directory and contact book).
 */
export const notifierOf = (
  config: {
    readonly tables: { readonly events: string; readonly outbox: string; readonly personalData: string };
    readonly mail: MailConfig;
    readonly mailRetryQueueUrl: string | undefined;
    readonly endpoints: Endpoints;
    readonly appUrl: string;
    readonly env: NodeJS.ProcessEnv;
  },
  clock: Clock = systemClock,
): Notifier => {
  const mail = mailOf(config, retryQueueOf(config), { clock });
  return new Notifier(
    new DynamoStreamReader({ client: mail.dynamo, tables: config.tables }),
    recipientsOf(mail.dynamo, config.tables, config.env),
    mail.delivery,
    { ...defaultNotifierSettings, appUrl: config.appUrl, from: mail.from },
    () => clock.now(),
  );
};
