import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { DomainEvent } from '../../events/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsFromStreamRecord } from '../../shared/eventStore/records.js';
import { ensureTables, tableNameMap } from '../../shared/platform/provision.js';
import { DynamoViews } from '../../shared/views/dynamoViews.js';
import { Projector } from '../../shared/views/projector.js';
import { progressBar, rebuildViews } from '../../shared/views/rebuild.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { seedYear, sessionCreated } from './fixtures.js';
import { append, eventStoreOn, shuffle, streamRecords } from './support.js';

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
    // A jury that changes (a member leaves and comes back, another leaves), then the session is cancelled: the juror items change at almost every step.
    const c = 'session-ses_lyon-c';
    let v = 0;
    // Named by its centre's account: the name rides into the session's view, its juror items and the centre's marker.
    const created = sessionCreated('ses_lyon-c', { startDate: '2027-10-04' });
    for (const events of [
      [{ ...created, data: { ...created.data, centreName: 'AFPA Lyon' } } as DomainEvent],
      [{ type: 'JuryAssigned', data: { jurorId: 'jur_anne', habilitationId: 'hab_anne-1', tiedCandidateIds: [] } }],
      [{ type: 'JuryAssigned', data: { jurorId: 'jur_marc', habilitationId: 'hab_marc-1', tiedCandidateIds: [] } }],
      [{ type: 'ConvocationsSent', data: { audience: 'jurors', recipientIds: ['jur_anne', 'jur_marc'], sentOn: '2027-06-01', dueOn: '2027-09-19', late: false } }],
      [{ type: 'JurorUnassigned', data: { jurorId: 'jur_anne', reason: 'Indisponible' } }],
      [{ type: 'JuryAssigned', data: { jurorId: 'jur_anne', habilitationId: 'hab_anne-1', tiedCandidateIds: [] } }],
      [{ type: 'JurorUnassigned', data: { jurorId: 'jur_marc', reason: 'Indisponible' } }],
      [{ type: 'SessionCancelled', data: { cancelledOn: '2027-07-01', reason: 'Plateau indisponible' } }],
      // Last, a change the jurors do not see: their items keep the cancellation's version, live or rebuilt.
      [{ type: 'CandidateWithdrawn', data: { candidateId: 'cand_alice' } }],
    ] satisfies DomainEvent[][])
      v = (await append(store, c, v, events)).version;
    const live = new Projector(new DynamoViews(dynamo.client, dynamo.tables.views), store);
    for (const record of shuffle(await streamRecords(dynamo.client, dynamo.tables.events), 3)) await live.apply(eventsFromStreamRecord(record.dynamodb?.NewImage ?? {}));
    const rebuiltTable = tableNameMap('rebuilt').views;
    // A stale item in the target table must not survive the rebuild.
    const target = new DynamoViews(dynamo.client, rebuiltTable);
    await target.markCentre('ctr_ghost', '01');
    const progress: string[] = [];

    const { streams } = await rebuildViews({
      client: dynamo.client,
      eventsTable: dynamo.tables.events,
      viewsTable: rebuiltTable,
      views: target,
      store,
      onProgress: (p) => progress.push(progressBar(p, 10)),
    });

    expect(streams).toBe(6);
    const rebuilt = await allItems(rebuiltTable);
    expect(rebuilt).toEqual(await allItems(dynamo.tables.views));
    // The juror items are part of what is compared: two sessions with a jury, two jurors each.
    expect(rebuilt.filter((item) => item.sk?.S?.startsWith('session#')).map((item) => `${item.pk?.S} ${item.sk?.S}`)).toEqual([
      'juror-jur_anne session#ses_lyon-a',
      'juror-jur_anne session#ses_lyon-c',
      'juror-jur_marc session#ses_lyon-a',
      'juror-jur_marc session#ses_lyon-c',
    ]);
    expect(rebuilt.find((item) => item.pk?.S === 'centre-ctr_lyon-1')?.centreName?.S).toBe('AFPA Lyon');
    expect(rebuilt.find((item) => item.pk?.S === 'juror-jur_anne' && item.sk?.S === 'session#ses_lyon-c')?.view?.S).toContain('"centreName":"AFPA Lyon"');
    expect(progress.at(0)).toBe('[----------]   0 %  0/6 flux');
    expect(progress.at(-1)).toBe('[##########] 100 %  6/6 flux');
  });
});
