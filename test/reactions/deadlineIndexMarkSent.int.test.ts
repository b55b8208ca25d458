import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeadlineIndex } from '../../shared/deadlineIndex/dynamoDeadlines.js';
import type { Deadline } from '../../shared/domain/deadlines.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';

/*
 * The daily run reads the items due, sends their mails, then marks each sent. Meanwhile the
 * planner may move the same deadline (the session's dates changed): the run's mark must then leave
 * the moved item due on its new day, or its reminder is never sent.
 */

let dynamo: LocalDynamo;
let index: DynamoDeadlineIndex;

const transmission = (streamId: string, dueOn: string, remindOn: string): Deadline => ({
  id: `${streamId}/pv-transmission`,
  kind: 'pv-transmission',
  streamId,
  subject: '-',
  label: 'Transmettre le procès-verbal',
  dueOn,
  remindOn,
  remind: ['centre'],
  alert: ['ud'],
  scope: { centreId: 'ctr_lyon-1', department: '69' },
});

const dueOn = async (day: string, streamId: string) =>
  (await index.due(day)).items.filter((item) => item.pk.includes(streamId)).map((item) => `${item.sk.split('#').at(-1)} ${item.plannedDay}`);

beforeAll(async () => {
  dynamo = await startDynalite('deadline-mark');
  index = new DynamoDeadlineIndex(dynamo.client, dynamo.tables.deadlines);
});
afterAll(() => dynamo.stop());

describe('marking a deadline item sent', () => {
  it('takes the item out of the due index once its mails went out', async () => {
    const stream = 'session-ses_mark1';
    await index.sync(stream, [transmission(stream, '2027-03-11', '2027-03-10')], '2027-03-01');
    const [item] = (await index.due('2027-03-10')).items.filter((due) => due.pk.includes(stream));
    expect(item).toBeDefined();

    await index.markSent(item!, '2027-03-10');

    expect(await dueOn('2027-03-10', stream)).toEqual([]);
  });

  it('leaves an item the planner moved since the run read it due on its new day', async () => {
    const stream = 'session-ses_mark2';
    await index.sync(stream, [transmission(stream, '2027-03-11', '2027-03-10')], '2027-03-01');
    const [read] = (await index.due('2027-03-10')).items.filter((due) => due.pk.includes(stream));
    // The session moved by five days between the run's read and its mark.
    await index.sync(stream, [transmission(stream, '2027-03-16', '2027-03-15')], '2027-03-10');

    await index.markSent(read!, '2027-03-10');

    expect(await dueOn('2027-03-15', stream)).toEqual(['remind 2027-03-15']);
  });

  it('leaves a closed deadline’s item deleted', async () => {
    const stream = 'session-ses_mark3';
    await index.sync(stream, [transmission(stream, '2027-03-11', '2027-03-10')], '2027-03-01');
    const [read] = (await index.due('2027-03-10')).items.filter((due) => due.pk.includes(stream));
    await index.sync(stream, [], '2027-03-10');

    await index.markSent(read!, '2027-03-10');

    expect(await dueOn('2027-03-10', stream)).toEqual([]);
    expect(await dueOn('2027-03-12', stream)).toEqual([]);
  });
});
