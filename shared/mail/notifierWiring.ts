import { recipientsFromEnv } from '../directory/wiring.js';
import { streamReaderFromEnv } from '../eventStore/wiring.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { appUrlFromEnv } from '../platform/wiring.js';
import { defaultNotifierSettings, Notifier } from './notifier.js';
import { retryQueueFromEnv } from './retryQueueWiring.js';
import { mailFromEnv } from './wiring.js';

/**
 * Composition root of the notifier, read once at cold start: the mail wiring (./wiring.ts) with the
 * retry queue (./retryQueueWiring.ts), the recipients (shared/directory/wiring.ts), `APP_URL` for
 * the links, and the stream reader (`EVENTS_TABLE_NAME`): a session's details are folded from its stream, not read from the views.
 */
export const notifierFromEnv = (source: NodeJS.ProcessEnv = process.env, clock: Clock = systemClock): Notifier => {
  const mail = mailFromEnv(source, retryQueueFromEnv(source), { clock });
  return new Notifier(
    streamReaderFromEnv(mail.dynamo, source),
    recipientsFromEnv(mail.dynamo, source),
    mail.delivery,
    { ...defaultNotifierSettings, appUrl: appUrlFromEnv(source), from: mail.from },
    () => clock.now(),
  );
};
