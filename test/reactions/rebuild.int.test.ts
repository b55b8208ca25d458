import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsFromStreamRecord } from '../../shared/eventStore/records.js';
import { ensureTables, tableNameMap } from '../../shared/platform/provision.js';
import { DynamoViews } from '../../shared/views/dynamoViews.js';
import { Projector } from '../../shared/views/projector.js';
import { progressBar, rebuildViews } from '../../shared/views/rebuild.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { seedYear } from './fixtures.js';
import { eventStoreOn, shuffle, streamRecords } from './support.js';

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite('live');
  await ensureTables(dynamo.client, tableNameMap('rebuilt'));
});
afterAll(() => dynamo.stop());

const allItems = async (table: string) => {
  const { Items = [] } = await dynamo.client.send(new ScanCommand({ TableName: table }));
  return Items.sort((a, b) => `${a.pk?.S}|${a.sk?.S}`.localeCompare(`${b.pk?.S}|${b.sk?.S}`));
};

describe('rebuild-views', () => {
  it('given live views kept by the stream, when the store is replayed into fresh views, then both tables hold the same items', async () => {
    const store = eventStoreOn(dynamo);
    await seedYear(store);
    const live = new Projector(new DynamoViews(dynamo.client, dynamo.tables.views), store);
    for (const record of shuffle(await streamRecords(dynamo.client, dynamo.tables.events), 3)) await live.apply(eventsFromStreamRecord(record.dynamodb?.NewImage ?? {}));
    const rebuiltTable = tableNameMap('rebuilt').views;
    // A stale item in the target table must not survive the rebuild.
    const target = new DynamoViews(dynamo.client, rebuiltTable);
    await target.markCentre('ctr_ghost', '01');
    const progress: string[] = [];

    const { streams } = await rebuildViews({ client: dynamo.client, eventsTable: dynamo.tables.events, viewsTable: rebuiltTable, views: target, store, onProgress: (p) => progress.push(progressBar(p, 10)) });

    expect(streams).toBe(5);
    expect(await allItems(rebuiltTable)).toEqual(await allItems(dynamo.tables.views));
    expect(progress.at(0)).toBe('[----------]   0 %  0/5 flux');
    expect(progress.at(-1)).toBe('[##########] 100 %  5/5 flux');
  });
});
