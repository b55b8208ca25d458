import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../events/index.js';
import { DynamoDeadlineIndex } from '../../shared/deadlineIndex/dynamoDeadlines.js';
import { DeadlinePlanner } from '../../shared/deadlineIndex/planner.js';
import type { DynamoEventStore } from '../../shared/eventStore/dynamoEventStore.js';
import type { Clock } from '../../shared/platform/clock.js';
import { DynamoViews } from '../../shared/views/dynamoViews.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { sessionCreated } from './fixtures.js';
import { append, eventStoreOn, plannerSourceOn } from './support.js';

let dynamo: LocalDynamo;
let store: DynamoEventStore;
let planner: DeadlinePlanner;
const clock: Clock = { now: () => new Date('2027-01-10T08:00:00Z') };
const versions = new Map<string, number>();

const commit = async (streamId: string, events: DomainEvent[], plan = true) => {
  const result = await append(store, streamId, versions.get(streamId) ?? 0, events);
  versions.set(streamId, result.version);
  if (plan) await planner.onCommit(result.events);
};

const habilitated = (jurorId: string, validUntil: string): DomainEvent => ({
  type: 'JurorHabilitated',
  data: {
    jurorId,
    habilitationId: `hab_${jurorId.slice(4)}`,
    titreCode: 'RNCP37274',
    department: '69',
    validFrom: '2026-01-01',
    validUntil,
    professionalisationDate: '2025-11-01',
  },
});

const habilitationItems = async (sessionStream: string) =>
  (
    (
      await dynamo.client.send(
        new QueryCommand({ TableName: dynamo.tables.deadlines, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `habilitations@${sessionStream}` } } }),
      )
    ).Items ?? []
  ).map((item) => item.sk?.S ?? '');

beforeAll(async () => {
  dynamo = await startDynalite('habilitations');
  store = eventStoreOn(dynamo, clock);
  planner = new DeadlinePlanner(
    plannerSourceOn(dynamo, store),
    new DynamoDeadlineIndex(dynamo.client, dynamo.tables.deadlines),
    new DynamoViews(dynamo.client, dynamo.tables.views),
    clock,
  );
});
afterAll(() => dynamo.stop());

describe('habilitation expiry before an assigned session', () => {
  it('given a juror whose habilitation ends before the session, when the jury is assigned, then a habilitation deadline is planned for that juror only; once unassigned, it is closed', async () => {
    await commit('juror-jur_anne', [habilitated('jur_anne', '2027-03-01')], false);
    await commit('juror-jur_marc', [habilitated('jur_marc', '2028-12-31')], false);
    await commit('session-ses_h', [sessionCreated('ses_h', { late: false })]);
    await commit('session-ses_h', [
      { type: 'JuryAssigned', data: { jurorId: 'jur_anne', habilitationId: 'hab_anne', tiedCandidateIds: [] } },
      { type: 'JuryAssigned', data: { jurorId: 'jur_marc', habilitationId: 'hab_marc', tiedCandidateIds: [] } },
    ]);

    const planned = await habilitationItems('session-ses_h');
    expect(planned.length).toBeGreaterThan(0);
    expect(planned.every((sk) => sk.includes('juror-jur_anne/habilitation-expiry'))).toBe(true);

    await commit('session-ses_h', [{ type: 'JurorUnassigned', data: { jurorId: 'jur_anne', reason: 'Habilitation échue' } }]);
    expect(await habilitationItems('session-ses_h')).toEqual([]);
  });
});
