import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../events/index.js';
import { DynamoDeadlineIndex } from '../../shared/deadlineIndex/dynamoDeadlines.js';
import { DeadlinePlanner, type PlannedSessionMarks, type PlannerSource } from '../../shared/deadlineIndex/planner.js';
import type { DynamoEventStore } from '../../shared/eventStore/dynamoEventStore.js';
import type { Clock } from '../../shared/platform/clock.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { sessionCreated } from './fixtures.js';
import { append, eventStoreOn, plannerSourceOn } from './support.js';

/**
 * A session's commit and a commit of one of its jurors are planned by two invocations at once (two
 * shards of the events table's stream). The due-date index is written unconditionally: the one
 * that folded the older state must not be the one that stays.
 */
let dynamo: LocalDynamo;
let store: DynamoEventStore;
const clock: Clock = { now: () => new Date('2027-01-10T08:00:00Z') };
const marks = (sessionsOfLise: string[]): PlannedSessionMarks => ({
  markPlannedSessionCreated: async () => undefined,
  createdPlannedSessions: async () => new Set(),
  sessionsOfJuror: async (jurorId) => (jurorId === 'jur_lise' ? sessionsOfLise : []),
});

const habilitationItems = async (sessionStream: string) =>
  (
    (
      await dynamo.client.send(
        new QueryCommand({ TableName: dynamo.tables.deadlines, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `habilitations@${sessionStream}` } } }),
      )
    ).Items ?? []
  ).map((item) => item.sk?.S ?? '');

/** A habilitation for the sessions' titre and department, valid through 2028. */
const habilitated = (jurorId: string, habilitationId: string): DomainEvent => ({
  type: 'JurorHabilitated',
  data: { jurorId, habilitationId, titreCode: 'RNCP37274', department: '69', validFrom: '2026-01-01', validUntil: '2028-12-31', professionalisationDate: '2025-11-01' },
});

const withdrawal: DomainEvent = { type: 'HabilitationWithdrawn', data: { jurorId: 'jur_lise', habilitationId: 'hab_lise', withdrawnOn: '2027-01-10', reason: 'Manquement' } };

beforeAll(async () => {
  dynamo = await startDynalite('planner-race');
  store = eventStoreOn(dynamo, clock);
});
afterAll(() => dynamo.stop());

describe('due dates planned from two streams at once', () => {
  it('given the session’s planner reading the juror’s stream just before the UD withdraws their habilitation, and the juror’s planner writing first, when the session’s planner writes its older plan, then it sees the juror’s stream moved and plans again: the habilitation deadline stays', async () => {
    const sessionId = 'ses_race';
    const sessionStream = `session-${sessionId}`;
    await append(store, 'juror-jur_lise', 0, [habilitated('jur_lise', 'hab_lise')]);
    await append(store, sessionStream, 0, [sessionCreated(sessionId, { late: false })]);
    const assigned = await append(store, sessionStream, 1, [{ type: 'JuryAssigned', data: { jurorId: 'jur_lise', habilitationId: 'hab_lise', tiedCandidateIds: [] } }]);

    const jurorPlanner = new DeadlinePlanner(plannerSourceOn(dynamo, store), new DynamoDeadlineIndex(dynamo.client, dynamo.tables.deadlines), marks([sessionId]), clock);
    let raced = false;
    // The session's planner's source: right after its first read of the juror's stream, the UD
    // withdraws the habilitation and that commit is planned to the end, before this plan is written.
    const racing: PlannerSource = {
      versionOf: (streamId) => plannerSourceOn(dynamo, store).versionOf(streamId),
      readStream: async (streamId) => {
        const read = await store.readStream(streamId);
        if (streamId === 'juror-jur_lise' && !raced) {
          raced = true;
          const withdrawn = await append(store, 'juror-jur_lise', 1, [withdrawal]);
          await jurorPlanner.onCommit(withdrawn.events);
          expect(await habilitationItems(sessionStream)).not.toEqual([]);
        }
        return read;
      },
    };
    const sessionPlanner = new DeadlinePlanner(racing, new DynamoDeadlineIndex(dynamo.client, dynamo.tables.deadlines), marks([sessionId]), clock);

    await sessionPlanner.onCommit(assigned.events);

    expect(raced).toBe(true);
    const planned = await habilitationItems(sessionStream);
    expect(planned.length).toBeGreaterThan(0);
    expect(planned.every((sk) => sk.includes('juror-jur_lise/habilitation-expiry'))).toBe(true);
  });

  it('given the commit’s own stream moving while it is planned, when the plan is written, then it is not made again (its later commits plan after it, in order)', async () => {
    const sessionStream = 'session-ses_own';
    await append(store, sessionStream, 0, [sessionCreated('ses_own', { late: false })]);
    let version = 1;
    let reads = 0;
    const moving: PlannerSource = {
      versionOf: (streamId) => plannerSourceOn(dynamo, store).versionOf(streamId),
      readStream: async (streamId) => {
        const read = await store.readStream(streamId);
        if (streamId === sessionStream) {
          reads += 1;
          await append(store, sessionStream, version, [{ type: 'CandidateRegistered', data: { candidateId: `cand_m${version}` } }]);
          version += 1;
        }
        return read;
      },
    };
    const planner = new DeadlinePlanner(moving, new DynamoDeadlineIndex(dynamo.client, dynamo.tables.deadlines), marks([]), clock);

    await planner.onCommit((await store.readStream(sessionStream)).events);

    expect(reads).toBe(1);
  });

  it('given a juror’s stream that moves under every plan of a session’s commit, when the planner has planned three times, then it keeps the last plan rather than fail the record (which would hold back every record behind it)', async () => {
    const sessionId = 'ses_busy';
    const sessionStream = `session-${sessionId}`;
    await append(store, 'juror-jur_busy', 0, [habilitated('jur_busy', 'hab_busy')]);
    await append(store, sessionStream, 0, [sessionCreated(sessionId, { late: false })]);
    const assigned = await append(store, sessionStream, 1, [{ type: 'JuryAssigned', data: { jurorId: 'jur_busy', habilitationId: 'hab_busy', tiedCandidateIds: [] } }]);
    let jurorVersion = 1;
    const moving: PlannerSource = {
      versionOf: (streamId) => plannerSourceOn(dynamo, store).versionOf(streamId),
      readStream: async (streamId) => {
        const read = await store.readStream(streamId);
        if (streamId === 'juror-jur_busy') {
          await append(store, 'juror-jur_busy', jurorVersion, [habilitated('jur_busy', `hab_busy-${jurorVersion}`)]);
          jurorVersion += 1;
        }
        return read;
      },
    };
    const planner = new DeadlinePlanner(moving, new DynamoDeadlineIndex(dynamo.client, dynamo.tables.deadlines), marks([sessionId]), clock);

    await expect(planner.onCommit(assigned.events)).resolves.toBeUndefined();
    expect(jurorVersion).toBe(4);
  });
});
