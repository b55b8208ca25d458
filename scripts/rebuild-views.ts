/**
 * `npm run rebuild-views`: replays the whole event store into fresh views, with a progress bar.
 * Offline (default) it targets the `npm start` emulator (DYNAMODB_ENDPOINT, default
 * http://127.0.0.1:4567, tables of the `local` stage); in AWS, set the table names
 * (EVENTS_TABLE_NAME, VIEWS_TABLE_NAME) and leave the
 * endpoint unset. Stop the projector (or accept that it catches up afterwards) while it runs.
 */
import { createDynamoClient } from '../shared/aws/dynamo.js';
import { DynamoEventStore } from '../shared/eventStore/dynamoEventStore.js';
import { ENV, tableEnv } from '../shared/platform/env.js';
import { tableNameMap } from '../shared/platform/provision.js';
import { DynamoViews } from '../shared/views/dynamoViews.js';
import { progressBar, rebuildViews } from '../shared/views/rebuild.js';

const inAws = Boolean(process.env[tableEnv.events]) && !process.env[ENV.DYNAMODB_ENDPOINT];
const endpoint = inAws ? undefined : (process.env[ENV.DYNAMODB_ENDPOINT] ?? 'http://127.0.0.1:4567');
const local = tableNameMap('local');
const name = (table: keyof typeof local) => process.env[tableEnv[table]] ?? local[table];

const client = createDynamoClient({ endpoint });
const store = new DynamoEventStore({ client, tables: { events: name('events') } });
const started = Date.now();
const { streams } = await rebuildViews({
  client,
  eventsTable: name('events'),
  viewsTable: name('views'),
  views: new DynamoViews(client, name('views')),
  store,
  onProgress: (progress) => process.stdout.write(`\r${progressBar(progress)}`),
});
process.stdout.write(`\nVues reconstruites : ${streams} flux rejoués en ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
client.destroy();
