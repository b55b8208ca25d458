import { randomBytes } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { createDynamoClient } from '../aws/dynamo.js';
import { createS3Client } from '../aws/s3.js';
import { createSesClient } from '../aws/ses.js';
import { DynamoDeadlineIndex } from '../deadlineIndex/dynamoDeadlines.js';
import { DeadlinePlanner } from '../deadlineIndex/planner.js';
import { DeadlineRun } from '../deadlineIndex/run.js';
import { DynamoContactBook } from '../directory/dynamoContacts.js';
import { loadDirectory } from '../directory/directory.js';
import { DynamoEventStore } from '../eventStore/dynamoEventStore.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { ENV, readEnv, tableEnv } from '../platform/env.js';
import { PvIntake } from '../vault/intake.js';
import { PvVault } from '../vault/vault.js';
import { DynamoViews } from '../views/dynamoViews.js';
import { Projector } from '../views/projector.js';
import { defaultNotifierSettings, Notifier } from './notifier.js';
import { DynamoOutbox } from './outbox.js';
import { Recipients } from './recipients.js';
import { MailDelivery, outboxOnlyDeadLetter, SesMailer, SqsDeadLetter, type DeadLetter } from './sender.js';
import { DynamoSuppressionList } from './suppression.js';

/**
 * Composition root of the reacting functions (projector, planner, notifier, daily run, PV intake,
 * mail retry, mail sweep): reads the environment once and builds adapters lazily, so a function
 * only needs the variables of what it uses (a missing one fails its cold start, naming it).
 *
 * Variables: the table names (shared/platform/env.ts), `MAIL_FROM_ADDRESS`, `APP_URL`,
 * `SES_CONFIGURATION_SET` (optional), `MAIL_DLQ_URL` (optional: without it, offline, the outbox's
 * dead status is the dead letter), `PV_BUCKET_NAME`, `UNIT_DIRECTORY_JSON` (optional overrides of
 * the directory of units), and the emulator endpoints offline.
 */
const optional = z.string().min(1).optional();

export const reactionsFromEnv = (source: NodeJS.ProcessEnv = process.env, clock: Clock = systemClock) => {
  const env = readEnv(
    {
      events: optional,
      history: optional,
      idempotency: optional,
      views: optional,
      outbox: optional,
      deadlines: optional,
      personalData: optional,
      bucket: optional,
      mailFrom: optional,
      appUrl: optional,
      configurationSet: optional,
      dlqUrl: optional,
      cursorSecret: optional,
      dynamoEndpoint: optional,
      s3Endpoint: optional,
      sesEndpoint: optional,
      sqsEndpoint: optional,
    },
    {
      events: source[tableEnv.events],
      history: source[tableEnv.history],
      idempotency: source[tableEnv.idempotency],
      views: source[tableEnv.views],
      outbox: source[tableEnv.outbox],
      deadlines: source[tableEnv.deadlines],
      personalData: source[tableEnv.personalData],
      bucket: source[ENV.PV_BUCKET],
      mailFrom: source[ENV.MAIL_FROM],
      appUrl: source[ENV.APP_URL],
      configurationSet: source[ENV.SES_CONFIGURATION_SET],
      dlqUrl: source[ENV.MAIL_DLQ_URL],
      cursorSecret: source[ENV.CURSOR_SECRET],
      dynamoEndpoint: source[ENV.DYNAMODB_ENDPOINT],
      s3Endpoint: source[ENV.S3_ENDPOINT],
      sesEndpoint: source[ENV.SES_ENDPOINT],
      sqsEndpoint: source[ENV.SQS_ENDPOINT],
    },
  );
  const need = (value: string | undefined, name: string): string => {
    if (!value) throw new Error(`Missing or invalid environment variables: ${name}`);
    return value;
  };
  const dynamo = createDynamoClient({ endpoint: env.dynamoEndpoint });
  const store = () =>
    new DynamoEventStore({
      client: dynamo,
      tables: { events: need(env.events, tableEnv.events), history: need(env.history, tableEnv.history), idempotency: need(env.idempotency, tableEnv.idempotency) },
      // Reactions never issue history cursors; a per-process secret satisfies the store when none is set.
      cursorSecret: env.cursorSecret ?? randomBytes(32).toString('hex'),
      clock,
    });
  const views = () => new DynamoViews(dynamo, need(env.views, tableEnv.views));
  const deadlines = () => new DynamoDeadlineIndex(dynamo, need(env.deadlines, tableEnv.deadlines));
  const recipients = () => new Recipients(loadDirectory(source), new DynamoContactBook(dynamo, need(env.personalData, tableEnv.personalData)));
  const from = () => ({ name: 'Sessions du titre professionnel', email: need(env.mailFrom, ENV.MAIL_FROM) });
  const outbox = () => new DynamoOutbox(dynamo, need(env.outbox, tableEnv.outbox));
  /** `toQueue: false` for the retry function itself: a mail failing again stays in its queue, not re-enqueued. */
  const delivery = (toQueue = true) => {
    const deadLetter: DeadLetter = toQueue && env.dlqUrl ? new SqsDeadLetter(new SQSClient({ ...(env.sqsEndpoint ? { endpoint: env.sqsEndpoint } : {}) }), env.dlqUrl) : outboxOnlyDeadLetter;
    // One SDK attempt per call: the delivery owns retries and backoff, so it can count them and dead-letter.
    const mailer = new SesMailer(createSesClient({ endpoint: env.sesEndpoint, maxAttempts: 1 }), from(), env.configurationSet);
    const suppression = env.personalData ? new DynamoSuppressionList(dynamo, env.personalData) : undefined;
    return new MailDelivery(outbox(), mailer, deadLetter, clock, undefined, undefined, undefined, suppression);
  };
  return {
    store,
    projector: () => new Projector(views(), store()),
    planner: () => new DeadlinePlanner(store(), deadlines(), views(), clock),
    notifier: () => new Notifier(store(), recipients(), delivery(), { ...defaultNotifierSettings, appUrl: need(env.appUrl, ENV.APP_URL), from: from() }, () => clock.now()),
    deadlineRun: () => new DeadlineRun(deadlines(), views(), recipients(), delivery(), clock, need(env.appUrl, ENV.APP_URL)),
    delivery,
    outbox,
    intake: () => new PvIntake(new PvVault(createS3Client({ endpoint: env.s3Endpoint }), need(env.bucket, ENV.PV_BUCKET)), store(), clock),
  };
};
