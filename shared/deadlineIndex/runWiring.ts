import { recipientsFromEnv } from '../directory/wiring.js';
import { retryQueueFromEnv } from '../mail/retryQueueWiring.js';
import { mailFromEnv } from '../mail/wiring.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { appUrlFromEnv, tablesFromEnv } from '../platform/wiring.js';
import { DynamoViews } from '../views/dynamoViews.js';
import { DynamoDeadlineIndex } from './dynamoDeadlines.js';
import { DeadlineRun } from './run.js';

/**
 * Composition root of the daily deadline run, read once at cold start: `DEADLINES_TABLE_NAME`,
 * `VIEWS_TABLE_NAME` (the session of each due item), the mail wiring (shared/mail/wiring.ts) with
 * the retry queue (shared/mail/retryQueueWiring.ts), the recipients (shared/directory/wiring.ts) and `APP_URL` for the links. Apart from ./wiring.ts, so the planner's bundle holds no mail code.
 */
export const deadlineRunFromEnv = (source: NodeJS.ProcessEnv = process.env, clock: Clock = systemClock): DeadlineRun => {
  const tables = tablesFromEnv(['deadlines', 'views'], source);
  const mail = mailFromEnv(source, retryQueueFromEnv(source), { clock });
  return new DeadlineRun(
    new DynamoDeadlineIndex(mail.dynamo, tables.deadlines),
    new DynamoViews(mail.dynamo, tables.views),
    recipientsFromEnv(mail.dynamo, source),
    mail.delivery,
    clock,
    appUrlFromEnv(source),
  );
};
