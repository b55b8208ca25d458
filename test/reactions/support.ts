import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import * as sesModule from 'aws-ses-v2-local';
import { afterAll, beforeAll } from 'vitest';
import S3rver from 's3rver';
import s3rverAccounts from 's3rver/lib/models/account.js';
import type { DomainEvent, EventScope } from '../../events/index.js';
import { createSesClient } from '../../shared/aws/ses.js';
import { DynamoDeadlineIndex } from '../../shared/deadlineIndex/dynamoDeadlines.js';
import { DeadlinePlanner, type PlannerSource } from '../../shared/deadlineIndex/planner.js';
import { DeadlineRun } from '../../shared/deadlineIndex/run.js';
import type { ContactBook } from '../../shared/directory/contacts.js';
import { Directory } from '../../shared/directory/directory.js';
import { DynamoEventStore } from '../../shared/eventStore/dynamoEventStore.js';
import { readStreamVersion } from '../../shared/eventStore/rawCommits.js';
import { Notifier, defaultNotifierSettings } from '../../shared/mail/notifier.js';
import { DynamoOutbox } from '../../shared/mail/outbox.js';
import { Recipients } from '../../shared/mail/recipients.js';
import { MailDelivery, outboxOnlyDeadLetter, SesMailer } from '../../shared/mail/sender.js';
import { DynamoViews } from '../../shared/views/dynamoViews.js';
import { Projector, type StreamSource } from '../../shared/views/projector.js';
import { DynamoSessionViews } from '../../shared/views/viewItem.js';
import type { EventStore } from '../../shared/eventStore/port.js';
import { fixedClock, type Clock } from '../../shared/platform/clock.js';
import { ENV, tableEnv } from '../../shared/platform/env.js';
import { tableNames } from '../../shared/platform/tables.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';

/** Emulators and fixtures shared by the reaction tests; everything on 127.0.0.1, ephemeral ports. */

type SesServer = (config: { host: string; port: number }) => Promise<Server>;

export interface LocalSes {
  readonly endpoint: string;
  /** The mails the emulator received (its `GET /store`). */
  emails(): Promise<StoredMail[]>;
  stop(): Promise<void>;
}

interface StoredMail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly body: { readonly text?: string; readonly html?: string };
  readonly attachments: readonly { readonly content: string; readonly contentType: string; readonly filename?: string }[];
}

export const startSes = async (): Promise<LocalSes> => {
  const candidates: unknown[] = [sesModule.default, (sesModule.default as unknown as { default?: unknown }).default];
  const factory = candidates.find((c): c is SesServer => typeof c === 'function');
  if (!factory) throw new Error('aws-ses-v2-local: no server factory');
  const server = await factory({ host: '127.0.0.1', port: 0 });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    emails: async () => ((await (await fetch(`${endpoint}/store`)).json()) as { emails: StoredMail[] }).emails,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

export interface LocalS3 {
  readonly endpoint: string;
  readonly bucket: string;
  stop(): Promise<void>;
}

export const startS3 = async (bucket = 'pv-test'): Promise<LocalS3> => {
  // s3rver knows only its S3RVER key; the offline clients sign with local/local (as infra/offline does).
  s3rverAccounts.DUMMY_ACCOUNT.createKeyPair('local', 'local');
  const directory = await mkdtemp(join(tmpdir(), 'tp-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, allowMismatchedSignatures: true, vhostBuckets: false, configureBuckets: [{ name: bucket }] });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
};

export const eventStoreOn = (dynamo: LocalDynamo, clock: Clock = fixedClock('2027-01-10T08:00:00Z')) =>
  new DynamoEventStore({
    client: dynamo.client,
    tables: dynamo.tables,
    clock,
  });

/** The store as the due-date planner reads it: the streams, and their versions read as the function reads them. */
export const plannerSourceOn = (dynamo: LocalDynamo, store: Pick<StreamSource, 'readStream'>): PlannerSource => ({
  readStream: (streamId) => store.readStream(streamId),
  versionOf: (streamId) => readStreamVersion(dynamo.client, dynamo.tables.events, streamId),
});

/** The environment a function's Lambda gets, bound to this dynalite (a handler module reads it when loaded). */
export const lambdaEnvOn = (dynamo: LocalDynamo): NodeJS.ProcessEnv => ({
  AWS_REGION: 'eu-west-3',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  [ENV.DYNAMODB_ENDPOINT]: dynamo.endpoint,
  [ENV.STAGE]: 'test',
  [ENV.APP_URL]: 'https://sessions.example',
  ...Object.fromEntries(tableNames.map((table) => [tableEnv[table], dynamo.tables[table]])),
});

export const scope = (centreId = 'ctr_lyon-1', department = '69'): EventScope => ({ centreId, department, region: '84' });

const systemActor = { role: 'system' as const, id: 'test', scope: {} };

/** Appends events as one commit, the way a command handler would. */
export const append = (store: Pick<EventStore, 'append'>, streamId: string, expectedVersion: number, events: DomainEvent[], eventScope: EventScope = scope()) =>
  store.append(streamId, expectedVersion, events, {
    actor: systemActor,
    scope: eventScope,
    correlationId: 'test',
    causationId: 'test',
    occurredAt: new Date('2027-01-10T08:00:00Z'),
  });

/** Every commit of the events table as the DynamoDB stream record Lambda would receive (INSERT, NewImage). */
export const streamRecords = async (client: DynamoDBClient, tableName: string): Promise<DynamoDBRecord[]> => {
  const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName }));
  return Items.map((item, index) => ({
    eventID: `r${index}`,
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      SequenceNumber: `${item.pk?.S}#${item.sk?.N}`,
      Keys: { pk: item.pk as never, sk: item.sk as never },
      NewImage: item as DynamoDBRecord['dynamodb'] extends infer D ? (D extends { NewImage?: infer N } ? N : never) : never,
    },
  }));
};

export const batchOf = (records: readonly DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: [...records] });

/** A seeded shuffle (deterministic, so a failure can be replayed). */
export const shuffle = <T>(items: readonly T[], seed: number): T[] => {
  const out = [...items];
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
};

/**
 * The daily deadline run on dynalite, mailing through the SES emulator (one attempt: a failure shows
 * at once). A test may put its own index in (one that interleaves another write) or wrap the delivery
 * (one that finds a mail held by another sender).
 */
/** The sender the tests' mails leave from. */
const testSender = { name: 'Sessions du titre professionnel', email: 'ne-pas-repondre@tp-sessions.example' };

/** Delivery through the outbox in `dynamo` and the SES emulator, one attempt: a failure shows at once. */
const deliveryOn = (dynamo: LocalDynamo, ses: Pick<LocalSes, 'endpoint'>, clock: Clock) =>
  new MailDelivery(
    new DynamoOutbox(dynamo.client, dynamo.tables.outbox),
    new SesMailer(createSesClient({ endpoint: ses.endpoint, maxAttempts: 1 }), testSender),
    outboxOnlyDeadLetter,
    clock,
  );

/** The notifier on dynalite (its streams from `store`) mailing through the SES emulator. */
export const notifierOn = (dynamo: LocalDynamo, ses: Pick<LocalSes, 'endpoint'>, clock: Clock, contacts: ContactBook, store: StreamSource) =>
  new Notifier(
    store,
    new Recipients(new Directory(), contacts),
    deliveryOn(dynamo, ses, clock),
    { ...defaultNotifierSettings, appUrl: 'https://tp.example', from: testSender },
    () => clock.now(),
  );

export const deadlineRunOn = (
  dynamo: LocalDynamo,
  ses: Pick<LocalSes, 'endpoint'>,
  clock: Clock,
  contacts: ContactBook,
  parts: { readonly index?: DynamoDeadlineIndex; readonly wrapDelivery?: (delivery: MailDelivery) => MailDelivery } = {},
) => {
  const views = new DynamoViews(dynamo.client, dynamo.tables.views);
  const index = parts.index ?? new DynamoDeadlineIndex(dynamo.client, dynamo.tables.deadlines);
  const delivery = deliveryOn(dynamo, ses, clock);
  // The run reads the session views as the function does (runWiring.ts): by key, without the rest of the views table.
  const sessionViews = new DynamoSessionViews(dynamo.client, dynamo.tables.views);
  const run = new DeadlineRun(
    index,
    sessionViews,
    new Recipients(new Directory(), contacts),
    parts.wrapDelivery ? parts.wrapDelivery(delivery) : delivery,
    clock,
    'https://tp.example',
  );
  return { views, index, run };
};

/**
 * The deadline machinery on dynalite and the SES emulator, wired as the functions wire it: the
 * store, the views and their projector, the planner and its index, and the daily run mailing
 * through SES (one attempt: a failure shows at once).
 */
export const deadlineMachinery = (dynamo: LocalDynamo, ses: Pick<LocalSes, 'endpoint'>, clock: Clock, contacts: ContactBook) => {
  const store = eventStoreOn(dynamo, clock);
  const { views, index, run } = deadlineRunOn(dynamo, ses, clock, contacts);
  return {
    store,
    views,
    index,
    projector: new Projector(views, store),
    planner: new DeadlinePlanner(plannerSourceOn(dynamo, store), index, views, clock),
    run,
  };
};

/**
 * A notifier test file's machinery, on its own dynalite and SES emulator (started before the file's
 * tests, stopped after): `commit` appends events to one stream at its next version, notifies the
 * commit twice as a redelivering stream would (the second sends nothing new), and gives the mails
 * that went out.
 */
export const notifiedStream = (
  name: string,
  streamId: string,
  clock: Clock,
  contactBook: ContactBook,
  eventScope: EventScope = scope(),
  /** Other streams recorded first, not notified (a titre the mails name). */
  recorded: Readonly<Record<string, DomainEvent[]>> = {},
) => {
  let dynamo: LocalDynamo | undefined;
  let ses: LocalSes | undefined;
  let notifier: Notifier | undefined;
  let store: DynamoEventStore | undefined;
  let version = 0;
  beforeAll(async () => {
    dynamo = await startDynalite(name);
    ses = await startSes();
    store = eventStoreOn(dynamo);
    notifier = notifierOn(dynamo, ses, clock, contactBook, store);
    for (const [other, events] of Object.entries(recorded)) await append(store, other, 0, events, { region: eventScope.region });
  });
  afterAll(async () => {
    await ses?.stop();
    await dynamo?.stop();
  });
  return async (events: DomainEvent[]) => {
    if (!ses || !store || !notifier) throw new Error('the notifier machinery is not started');
    const before = (await ses.emails()).length;
    const result = await append(store, streamId, version, events, eventScope);
    version = result.version;
    await notifier.onCommit(result.events);
    await notifier.onCommit(result.events);
    return (await ses.emails()).slice(before);
  };
};
