import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../events/index.js';
import { DynamoDeadlineIndex } from '../../shared/deadlineIndex/dynamoDeadlines.js';
import { DeadlineRun } from '../../shared/deadlineIndex/run.js';
import type { Deadline } from '../../shared/domain/deadlines.js';
import type { DeadlinePlanner } from '../../shared/deadlineIndex/planner.js';
import type { DynamoEventStore } from '../../shared/eventStore/dynamoEventStore.js';
import type { Clock } from '../../shared/platform/clock.js';
import type { DynamoViews } from '../../shared/views/dynamoViews.js';
import type { Projector } from '../../shared/views/projector.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { contacts, sealsChecked, sessionCreated } from './fixtures.js';
import { append, deadlineMachinery, deadlineRunOn, startSes, type LocalSes } from './support.js';

/**
 * Deadlines whose step changes after they were planned: a PV rejected then signed again, a
 * habilitation withdrawn or renewed on the juror's own stream. Each commit goes through the
 * projector, then the planner, as functions/projector does.
 */

let dynamo: LocalDynamo;
let ses: LocalSes;
let store: DynamoEventStore;
let planner: DeadlinePlanner;
let projector: Projector;
let views: DynamoViews;
let run: DeadlineRun;
let now = new Date('2027-01-10T08:00:00Z');
const clock: Clock = { now: () => new Date(now) };
const versions = new Map<string, number>();

const commit = async (streamId: string, events: DomainEvent[]) => {
  const result = await append(store, streamId, versions.get(streamId) ?? 0, events);
  versions.set(streamId, result.version);
  await projector.apply(result.events);
  await planner.onCommit(result.events);
};

/** The run at 08:00 in Paris on a day (07:00 UTC in winter, 06:00 UTC in summer). */
const runOn = async (day: string) => {
  now = new Date(`${day}T06:00:00Z`);
  const before = (await ses.emails()).length;
  const report = await run.run();
  return { report, mails: (await ses.emails()).slice(before) };
};

const about = (sessionId: string, mails: Awaited<ReturnType<typeof runOn>>['mails']) =>
  mails.filter((m) => (m.body.text ?? '').includes(`CERES-${sessionId}`)).map((m) => `${m.destination.to[0]} ${m.subject}`);

const signed = (revision: number, signedOn: string): DomainEvent => ({
  type: 'PVSigned',
  data: {
    revision,
    signedOn,
    decisions: [
      { candidateId: 'cand_alice', decision: 'titre-obtenu', ccpObtained: ['CCP-1', 'CCP-2'], evaluatorIds: ['jur_anne', 'jur_marc'] },
      { candidateId: 'cand_bruno', decision: 'reussite-partielle', ccpObtained: ['CCP-1'], evaluatorIds: ['jur_anne', 'jur_marc'] },
    ],
    signatoryIds: ['jur_anne', 'jur_marc'],
    documentSha256: 'a'.repeat(64),
  },
});

const habilitated = (jurorId: string, habilitationId: string, validUntil: string): DomainEvent => ({
  type: 'JurorHabilitated',
  data: { jurorId, habilitationId, titreCode: 'RNCP37274', department: '69', validFrom: '2026-01-01', validUntil, professionalisationDate: '2025-11-01' },
});

const assigned = (jurorId: string, habilitationId: string): DomainEvent => ({ type: 'JuryAssigned', data: { jurorId, habilitationId, tiedCandidateIds: [] } });

beforeAll(async () => {
  dynamo = await startDynalite('deadline-changes');
  ses = await startSes();
  ({ store, planner, projector, views, run } = deadlineMachinery(dynamo, ses, clock, contacts()));
});

afterAll(async () => {
  await ses.stop();
  await dynamo.stop();
});

describe('a PV rejected, then signed again', () => {
  it('given a PV the UD rejected, when the centre signs it again, then its transmission stays due 8 days after the rejection: no alert to the UD the next morning', async () => {
    now = new Date('2027-03-10T08:00:00Z');
    await commit('session-ses_pv', [sessionCreated('ses_pv', { late: false })]);
    await commit('session-ses_pv', [assigned('jur_anne', 'hab_anne'), assigned('jur_marc', 'hab_marc')]);
    now = new Date('2027-03-15T08:00:00Z');
    await commit('session-ses_pv', [sealsChecked]);
    now = new Date('2027-03-16T16:00:00Z');
    await commit('session-ses_pv', [signed(1, '2027-03-16')]);
    await commit('session-ses_pv', [{ type: 'PVTransmitted', data: { transmittedOn: '2027-03-18', pvRevision: 1, department: '69' } }]);
    now = new Date('2027-04-10T09:00:00Z');
    await commit('session-ses_pv', [{ type: 'PVRejected', data: { rejectedOn: '2027-04-10', pvRevision: 1, reason: 'Signature manquante' } }]);
    expect((await views.getSessionView('ses_pv'))?.openDeadlines).toEqual([expect.objectContaining({ kind: 'pv-transmission', dueOn: '2027-04-18' })]);

    now = new Date('2027-04-12T09:00:00Z');
    await commit('session-ses_pv', [signed(2, '2027-04-12')]);

    // The page shows the delay counted from the rejection, and the UD hears of nothing overdue.
    expect((await views.getSessionView('ses_pv'))?.openDeadlines).toEqual([expect.objectContaining({ kind: 'pv-transmission', dueOn: '2027-04-18' })]);
    const next = await runOn('2027-04-13');
    expect(about('ses_pv', next.mails).filter((m) => m.includes('Échéance dépassée'))).toEqual([]);
  });
});

const habilitationItems = async (sessionId: string) =>
  (
    (
      await dynamo.client.send(
        new QueryCommand({
          TableName: dynamo.tables.deadlines,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: `habilitations@session-${sessionId}` } },
        }),
      )
    ).Items ?? []
  ).map((item) => item.sk?.S ?? '');

describe('a habilitation withdrawn or renewed on the juror’s stream', () => {
  it('given a jury whose habilitations cover the session, when the UD withdraws one, then the juror and the centre are reminded before the session, with no commit of the session in between', async () => {
    now = new Date('2027-05-02T08:00:00Z');
    await commit('juror-jur_anne', [habilitated('jur_anne', 'hab_anne', '2029-12-31')]);
    await commit('juror-jur_marc', [habilitated('jur_marc', 'hab_marc', '2029-12-31')]);
    await commit('session-ses_w', [sessionCreated('ses_w', { late: false, startDate: '2027-06-14' })]);
    await commit('session-ses_w', [assigned('jur_anne', 'hab_anne'), assigned('jur_marc', 'hab_marc')]);
    expect(await habilitationItems('ses_w')).toEqual([]);

    now = new Date('2027-05-20T09:00:00Z');
    await commit('juror-jur_marc', [{ type: 'HabilitationWithdrawn', data: { jurorId: 'jur_marc', habilitationId: 'hab_marc', withdrawnOn: '2027-05-20', reason: 'Retrait' } }]);

    expect(await habilitationItems('ses_w')).toEqual(['juror-jur_marc/habilitation-expiry/ses_w#alert', 'juror-jur_marc/habilitation-expiry/ses_w#remind']);
    const reminder = await runOn('2027-06-07');
    expect(about('ses_w', reminder.mails).filter((m) => m.includes('Habilitation'))).toEqual([
      'marc.durand@example.org Rappel d’échéance : Habilitation du membre de jury valable pour la session — session CERES-ses_w',
      'responsable@afpa-lyon.example Rappel d’échéance : Habilitation du membre de jury valable pour la session — session CERES-ses_w',
    ]);
    // Each in their own words, with a link to their own page: the juror renews with the UD, the centre acts on its session.
    const toMarc = reminder.mails.find((m) => m.destination.to[0] === 'marc.durand@example.org' && m.subject.includes('Habilitation'));
    expect(toMarc?.body.text).toContain(
      'Votre habilitation ne couvre pas la session ci-dessous, dont vous êtes membre du jury. Demandez son renouvellement à l’unité départementale avant le 14 juin 2027',
    );
    expect(toMarc?.body.text).not.toContain('l’étape n’est pas encore enregistrée');
    expect(toMarc?.body.text).toContain('Ouvrir dans l’application : https://tp.example/jure\n');
    const toCentre = reminder.mails.find((m) => m.destination.to[0] === 'responsable@afpa-lyon.example' && m.subject.includes('Habilitation'));
    expect(toCentre?.body.text).toContain('Ouvrir dans l’application : https://tp.example/centre/sessions/ses_w\n');
  });

  it('given a juror whose habilitation does not cover two sessions, when the UD habilitates the juror again, then the reminders and the UD’s alerts stop', async () => {
    now = new Date('2027-06-08T09:00:00Z');
    await commit('session-ses_r', [sessionCreated('ses_r', { late: false, startDate: '2027-07-12' })]);
    await commit('session-ses_r', [assigned('jur_anne', 'hab_anne'), assigned('jur_marc', 'hab_marc')]);
    expect(await habilitationItems('ses_r')).toHaveLength(2);

    now = new Date('2027-06-10T09:00:00Z');
    await commit('juror-jur_marc', [habilitated('jur_marc', 'hab_marc-2', '2030-12-31')]);

    expect(await habilitationItems('ses_w')).toEqual([]);
    expect(await habilitationItems('ses_r')).toEqual([]);
    const alertDay = await runOn('2027-06-15');
    expect(about('ses_w', alertDay.mails).filter((m) => m.includes('Habilitation'))).toEqual([]);
    const reminderDay = await runOn('2027-07-05');
    expect(about('ses_r', reminderDay.mails).filter((m) => m.includes('Habilitation'))).toEqual([]);
  });
});

describe('a deadline planned while the daily run goes', () => {
  it('given a reminder planned for today after the run read today’s mails but before it recorded the day, when the next run goes, then the reminder goes out', async () => {
    await runOn('2027-07-20');
    const stream = 'session-ses_race';
    const reminder: Deadline = {
      id: `${stream}/pv-transmission`,
      kind: 'pv-transmission',
      streamId: stream,
      subject: '-',
      label: 'Transmission du procès-verbal signé à l’unité départementale',
      dueOn: '2027-07-25',
      remindOn: '2027-07-18',
      remind: ['centre'],
      alert: ['ud'],
      scope: { centreId: 'ctr_lyon-1', department: '69', sessionId: 'ses_race' },
    };
    // The planner commits between the run's read of the day and its record of the day.
    class Interleaved extends DynamoDeadlineIndex {
      override async due(day: string) {
        const read = await super.due(day);
        if (day === '2027-07-21') await new DynamoDeadlineIndex(dynamo.client, dynamo.tables.deadlines).sync(stream, [reminder], day);
        return read;
      }
    }
    const { run: interleaved } = deadlineRunOn(dynamo, ses, clock, contacts(), { index: new Interleaved(dynamo.client, dynamo.tables.deadlines) });
    now = new Date('2027-07-21T06:00:00Z');
    expect((await interleaved.run()).failures).toBe(0);

    const next = await runOn('2027-07-22');
    expect(next.mails.filter((m) => (m.body.text ?? '').includes('ses_race')).map((m) => `${m.destination.to[0]} ${m.subject}`)).toEqual([
      'responsable@afpa-lyon.example Rappel d’échéance : Transmission du procès-verbal signé à l’unité départementale — session ses_race',
    ]);
  });
});
