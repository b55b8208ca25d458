import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../events/index.js';
import { DeadlinePlanner } from '../../shared/deadlineIndex/planner.js';
import { DeadlineRun } from '../../shared/deadlineIndex/run.js';
import type { OutgoingMail } from '../../shared/mail/model.js';
import { MailInFlightError, type MailDelivery } from '../../shared/mail/sender.js';
import type { DynamoEventStore } from '../../shared/eventStore/dynamoEventStore.js';
import type { Clock } from '../../shared/platform/clock.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { contacts, sessionCreated } from './fixtures.js';
import { append, deadlineMachinery, deadlineRunOn, startSes, type LocalSes } from './support.js';

let dynamo: LocalDynamo;
let ses: LocalSes;
let store: DynamoEventStore;
let planner: DeadlinePlanner;
let run: DeadlineRun;
let now = new Date('2027-01-10T08:00:00Z');
const clock: Clock = { now: () => new Date(now) };
const versions = new Map<string, number>();

/** Appends a commit and hands it to the planner, as the stream would. */
const commit = async (streamId: string, events: DomainEvent[]) => {
  const result = await append(store, streamId, versions.get(streamId) ?? 0, events);
  versions.set(streamId, result.version);
  await planner.onCommit(result.events);
};

/** The run at 08:00 in Paris on a day (07:00 UTC in winter). */
const runOn = async (day: string) => {
  now = new Date(`${day}T07:00:00Z`);
  const before = (await ses.emails()).length;
  const report = await run.run();
  return { report, mails: (await ses.emails()).slice(before) };
};

const indexed = async (streamId: string) =>
  (await dynamo.client.send(new QueryCommand({ TableName: dynamo.tables.deadlines, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: streamId } } })))
    .Items ?? [];

beforeAll(async () => {
  dynamo = await startDynalite('deadlines');
  ses = await startSes();
  ({ store, planner, run } = deadlineMachinery(dynamo, ses, clock, contacts()));
});

afterAll(async () => {
  await ses.stop();
  await dynamo.stop();
});

describe('deadline planner and daily run', () => {
  it('given a programme planned but not submitted, when 24 January comes, then the centre is reminded; on 1 February the UD and the region are alerted', async () => {
    await commit('programme-ctr_lyon-1-2027', [
      {
        type: 'SessionPlanned',
        data: {
          plannedSessionId: 'pln_x',
          centreId: 'ctr_lyon-1',
          year: 2027,
          titreCode: 'RNCP37274',
          expectedStart: '2027-03-15',
          expectedEnd: '2027-03-16',
          expectedCandidates: 8,
        },
      },
    ]);

    const reminder = await runOn('2027-01-24');
    expect(reminder.mails.map((m) => [m.destination.to[0], m.subject])).toEqual([
      ['responsable@afpa-lyon.example', 'Rappel d’échéance : Programmation prévisionnelle annuelle (avant le 31 janvier) — ctr_lyon-1, 2027'],
    ]);

    const alert = await runOn('2027-02-01');
    expect(alert.report.days).toEqual(['2027-01-24', '2027-01-25', '2027-01-26', '2027-01-27', '2027-01-28', '2027-01-29', '2027-01-30', '2027-01-31', '2027-02-01']);
    expect(alert.mails.map((m) => m.destination.to[0]).sort()).toEqual(['ara.titres-professionnels@direccte.gouv.fr', 'ddets-titres-professionnels@rhone.gouv.fr']);
    expect(alert.mails.every((m) => m.subject.startsWith('Échéance dépassée'))).toBe(true);
  });

  it('given a session with jurors to convoke, when the reminder day comes, then the centre is reminded; once convoked, the alert never goes out', async () => {
    now = new Date('2027-02-02T08:00:00Z');
    await commit('programme-ctr_lyon-1-2027', [
      {
        type: 'ProgrammeSubmitted',
        data: {
          centreId: 'ctr_lyon-1',
          year: 2027,
          revision: 1,
          plannedSessionIds: ['pln_x'],
          withdrawnPlannedSessionIds: [],
          submittedOn: '2027-02-02',
          deadline: '2027-01-31',
          onTime: false,
        },
      },
    ]);
    const creation = (items: Awaited<ReturnType<typeof indexed>>) => items.map((i) => i.sk?.S ?? '').filter((sk) => sk.includes('session-creation'));
    // Due 15 December 2026, already past: no reminder, only the alert.
    expect(creation(await indexed('programme-ctr_lyon-1-2027'))).toEqual(['programme-ctr_lyon-1-2027/session-creation/pln_x#alert']);

    await commit('session-ses_x', [sessionCreated('ses_x', { late: false, plannedSessionId: 'pln_x' })]);
    // The creation of the planned session closes its creation deadline in the programme.
    expect(creation(await indexed('programme-ctr_lyon-1-2027'))).toEqual([]);

    const reminder = await runOn('2027-02-21');
    expect(reminder.mails.map((m) => m.subject)).toContainEqual(expect.stringMatching(/^Rappel d’échéance : Convocation des membres du jury — session \S+$/));

    now = new Date('2027-02-22T10:00:00Z');
    await commit('session-ses_x', [
      { type: 'JuryAssigned', data: { jurorId: 'jur_anne', habilitationId: 'hab_anne-1', tiedCandidateIds: [] } },
      { type: 'JuryAssigned', data: { jurorId: 'jur_marc', habilitationId: 'hab_marc-1', tiedCandidateIds: [] } },
    ]);
    await commit('session-ses_x', [
      { type: 'ConvocationsSent', data: { audience: 'jurors', recipientIds: ['jur_anne', 'jur_marc'], sentOn: '2027-02-22', dueOn: '2027-02-28', late: false } },
    ]);
    expect((await indexed('session-ses_x')).map((i) => i.sk?.S).filter((sk) => sk?.includes('juror-convocations'))).toEqual([]);

    const afterDue = await runOn('2027-03-01');
    expect(afterDue.mails.map((m) => m.subject).filter((s) => s.includes('Convocation des membres du jury'))).toEqual([]);
  });

  it('given a cancelled session, when planned again, then none of its deadlines stays in the index', async () => {
    now = new Date('2027-03-02T08:00:00Z');
    expect((await indexed('session-ses_x')).length).toBeGreaterThan(0);

    await commit('session-ses_x', [{ type: 'SessionCancelled', data: { cancelledOn: '2027-03-02', reason: 'Salle indisponible' } }]);

    expect(await indexed('session-ses_x')).toEqual([]);
    const later = await runOn('2027-03-25');
    expect(later.mails).toEqual([]);
  });

  it('given a deadline already overdue when planned, when the next run goes, then it alerts that day (missed, not lost)', async () => {
    now = new Date('2027-03-25T10:00:00Z');
    await commit('session-ses_y', [sessionCreated('ses_y', { late: true, startDate: '2027-03-10' })]);

    const next = await runOn('2027-03-26');
    const subjects = next.mails.map((m) => m.subject);
    expect(subjects).toContainEqual(expect.stringMatching(/^Échéance dépassée : Transmission du procès-verbal signé à l’unité départementale — session \S+$/));
    // Its reminder day had passed with the due date: only the alert.
    expect(subjects.filter((s) => s.startsWith('Rappel'))).toEqual([]);
  });

  it('given a session whose centre recorded its name, when its deadline mail goes out, then the mail names the centre, not its id', async () => {
    now = new Date('2027-03-27T10:00:00Z');
    const created = sessionCreated('ses_z', { late: true, startDate: '2027-03-12' });
    await commit('session-ses_z', [{ ...created, data: { ...created.data, centreName: 'Lyon Formation' } } as DomainEvent]);

    const next = await runOn('2027-03-28');
    const texts = next.mails.map((m) => m.body.text ?? '');
    expect(texts.length).toBeGreaterThan(0);
    expect(texts.every((text) => text.includes('Session ses_z du centre Lyon Formation') && !text.includes('du centre ctr_lyon-1'))).toBe(true);
  });

  it("given one alert of an item held by another sender (a run that died mid-item), when the run goes, then the item's other alert goes out and the item fails; the next run sends the held one, and the other not again", async () => {
    now = new Date('2028-01-10T10:00:00Z');
    await commit('programme-ctr_lyon-1-2028', [
      {
        type: 'SessionPlanned',
        data: {
          plannedSessionId: 'pln_h',
          centreId: 'ctr_lyon-1',
          year: 2028,
          titreCode: 'RNCP37274',
          expectedStart: '2028-06-12',
          expectedEnd: '2028-06-13',
          expectedCandidates: 6,
        },
      },
    ]);
    // The UD's alert, first of the item's audiences, is claimed by a run that died a moment ago.
    const { run: heldRun } = deadlineRunOn(dynamo, ses, clock, contacts(), {
      wrapDelivery: (delivery) =>
        Object.assign(Object.create(delivery) as MailDelivery, {
          deliver: (mail: OutgoingMail) =>
            mail.to.key === 'ud#69' ? Promise.reject(new MailInFlightError(`Mail ${mail.id} is being sent by another delivery`)) : delivery.deliver(mail),
        }),
    });

    now = new Date('2028-02-01T07:00:00Z');
    const before = (await ses.emails()).length;
    const report = await heldRun.run();
    const alerts = (await ses.emails()).slice(before).filter((m) => m.subject.startsWith('Échéance dépassée'));

    expect(report.failures).toBe(1);
    // No run read 24 January: the centre's reminder, caught up after the due date, tells it the date has passed.
    expect(alerts.map((m) => m.destination.to[0]).sort()).toEqual(['ara.titres-professionnels@direccte.gouv.fr', 'responsable@afpa-lyon.example']);

    const next = await runOn('2028-02-02');
    expect(next.report.failures).toBe(0);
    expect(next.mails.filter((m) => m.subject.startsWith('Échéance dépassée')).map((m) => m.destination.to[0])).toEqual(['ddets-titres-professionnels@rhone.gouv.fr']);
  });

  it('given a jury whose first member was convoked and a second assigned after, when the convocations are overdue, then the alert goes to the centre and the member not convoked, not to the one already convoked', async () => {
    const { projector } = deadlineMachinery(dynamo, ses, clock, contacts());
    const projected = async (streamId: string, events: DomainEvent[]) => {
      const result = await append(store, streamId, versions.get(streamId) ?? 0, events);
      versions.set(streamId, result.version);
      await projector.apply(result.events);
      await planner.onCommit(result.events);
    };
    now = new Date('2028-02-10T10:00:00Z');
    await projected('session-ses_conv', [sessionCreated('ses_conv', { late: false, startDate: '2028-04-03' })]);
    await projected('session-ses_conv', [{ type: 'JuryAssigned', data: { jurorId: 'jur_anne', habilitationId: 'hab_anne', tiedCandidateIds: [] } }]);
    await projected('session-ses_conv', [
      { type: 'ConvocationsSent', data: { audience: 'jurors', recipientIds: ['jur_anne'], sentOn: '2028-02-10', dueOn: '2028-03-19', late: false } },
    ]);
    await projected('session-ses_conv', [{ type: 'JuryAssigned', data: { jurorId: 'jur_marc', habilitationId: 'hab_marc', tiedCandidateIds: [] } }]);

    const { mails } = await runOn('2028-03-25');
    const alerts = mails.filter((m) => m.subject.startsWith('Échéance dépassée') && m.body.text?.includes('CERES-ses_conv'));

    expect(alerts.map((m) => m.destination.to[0]).sort()).toEqual(['marc.durand@example.org', 'responsable@afpa-lyon.example'].sort());
  });
});
