import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadlinePlanner } from '../../shared/deadlineIndex/planner.js';
import type { DeadlineRun } from '../../shared/deadlineIndex/run.js';
import type { DynamoEventStore } from '../../shared/eventStore/dynamoEventStore.js';
import type { Clock } from '../../shared/platform/clock.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { contacts } from './fixtures.js';
import { append, deadlineMachinery, startSes, type LocalSes } from './support.js';

/*
 * The daily run after an outage longer than two weeks, on dynalite and the SES emulator: the alerts
 * of deadlines still open go out, however long ago they fell due; a reminder whose due date has
 * passed meanwhile tells its audience the date has passed.
 */

let dynamo: LocalDynamo;
let ses: LocalSes;
let store: DynamoEventStore;
let planner: DeadlinePlanner;
let run: DeadlineRun;
let now = new Date('2027-01-10T08:00:00Z');
const clock: Clock = { now: () => new Date(now) };

/** The run at 08:00 in Paris on a day (07:00 UTC in winter). */
const runOn = async (day: string) => {
  now = new Date(`${day}T07:00:00Z`);
  const before = (await ses.emails()).length;
  const report = await run.run();
  return { report, mails: (await ses.emails()).slice(before) };
};

const stillDue = async (streamId: string) =>
  (
    (await dynamo.client.send(new QueryCommand({ TableName: dynamo.tables.deadlines, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: streamId } } })))
      .Items ?? []
  )
    .filter((item) => item.dueKey?.S)
    .map((item) => item.sk?.S);

beforeAll(async () => {
  dynamo = await startDynalite('deadline-outage');
  ses = await startSes();
  ({ store, planner, run } = deadlineMachinery(dynamo, ses, clock, contacts()));
});

afterAll(async () => {
  await ses.stop();
  await dynamo.stop();
});

describe('the daily run after an outage of more than two weeks', () => {
  it('given a programme reminder due 24 January and its alert due 1 February, when no run happens from 10 January to 15 March, then the run on 15 March reads every missed day, alerts the UD and the region, and tells the centre, whose reminder it held back, that the date has passed', async () => {
    const programme = 'programme-ctr_lyon-1-2027';
    const planned = await append(store, programme, 0, [
      {
        type: 'SessionPlanned',
        data: {
          plannedSessionId: 'pln_o',
          centreId: 'ctr_lyon-1',
          year: 2027,
          titreCode: 'RNCP37274',
          expectedStart: '2027-06-14',
          expectedEnd: '2027-06-15',
          expectedCandidates: 8,
        },
      },
    ]);
    await planner.onCommit(planned.events);
    const first = await runOn('2027-01-10');
    expect([first.report.failures, first.mails]).toEqual([0, []]);

    const caughtUp = await runOn('2027-03-15');

    expect(caughtUp.report.days[0]).toBe('2027-01-10');
    expect(caughtUp.report.days.at(-1)).toBe('2027-03-15');
    expect(caughtUp.report.days).toHaveLength(65);
    const programmeMails = caughtUp.mails.filter((mail) => mail.subject.includes('Programmation prévisionnelle'));
    // The UD and the region alerted; the centre, whose reminder the outage held back, told the date has passed.
    expect(programmeMails.map((mail) => mail.destination.to[0]).sort()).toEqual([
      'ara.titres-professionnels@direccte.gouv.fr',
      'ddets-titres-professionnels@rhone.gouv.fr',
      'responsable@afpa-lyon.example',
    ]);
    expect(programmeMails.every((mail) => mail.subject.startsWith('Échéance dépassée'))).toBe(true);
    expect(programmeMails.find((mail) => mail.destination.to[0] === 'responsable@afpa-lyon.example')?.body.text).toContain(
      'L’échéance ci-dessous est dépassée depuis le 31 janvier 2027',
    );
    expect(caughtUp.report.overdueReminders).toBe(1);
    expect(caughtUp.report.failures).toBe(0);
    // Both items are out of the index: the alert and the overdue reminder sent.
    expect(await stillDue(programme)).toEqual([]);

    // Nothing goes twice: the next day reads one day and mails nothing about the programme.
    const next = await runOn('2027-03-16');
    expect(next.report.days).toEqual(['2027-03-15', '2027-03-16']);
    expect(next.mails.filter((mail) => mail.subject.includes('Programmation prévisionnelle'))).toEqual([]);
  });
});

describe('the daily run catching up on the due date itself', () => {
  it('given a programme reminder planned for 24 January 2028, due 31 January, when no run happens from 16 March 2027 until 31 January 2028, then that run sends the reminder as a reminder (the step can still be done today)', async () => {
    const programme = 'programme-ctr_lyon-1-2028';
    const planned = await append(store, programme, 0, [
      {
        type: 'SessionPlanned',
        data: {
          plannedSessionId: 'pln_p',
          centreId: 'ctr_lyon-1',
          year: 2028,
          titreCode: 'RNCP37274',
          expectedStart: '2028-06-12',
          expectedEnd: '2028-06-13',
          expectedCandidates: 8,
        },
      },
    ]);
    await planner.onCommit(planned.events);

    const onDueDate = await runOn('2028-01-31');

    expect(onDueDate.report.days[0]).toBe('2027-03-16');
    expect(onDueDate.report.overdueReminders).toBe(0);
    const reminders = onDueDate.mails.filter((mail) => mail.subject.includes('Programmation prévisionnelle'));
    expect(reminders.map((mail) => mail.subject)).toEqual(['Rappel d’échéance : Programmation prévisionnelle annuelle (avant le 31 janvier) — ctr_lyon-1, 2028']);
    // The alert, for 1 February, is still due.
    expect(await stillDue(programme)).toHaveLength(1);
  });
});

describe('a catch-up longer than the function may run', () => {
  it('given today’s alert and a missed reminder, when the time left runs short after one item, then today’s alert went first, the rest stays due and the day is not completed; the next run sends the rest, nothing twice', async () => {
    const programme = 'programme-ctr_lyon-1-2029';
    // This programme's mails, not those of the 2028 one the earlier test left due.
    const of2029 = (mail: Awaited<ReturnType<LocalSes['emails']>>[number]) =>
      mail.subject.includes('Programmation prévisionnelle') && (mail.body.text ?? '').includes('31 janvier 2029');
    const planned = await append(store, programme, 0, [
      {
        type: 'SessionPlanned',
        data: {
          plannedSessionId: 'pln_t',
          centreId: 'ctr_lyon-1',
          year: 2029,
          titreCode: 'RNCP37274',
          expectedStart: '2029-06-11',
          expectedEnd: '2029-06-12',
          expectedCandidates: 8,
        },
      },
    ]);
    await planner.onCommit(planned.events);
    now = new Date('2029-02-01T07:00:00Z');
    // Plenty of time for today's day and its one item, then less than a minute.
    let checks = 0;
    const budget = { remainingMs: () => (++checks <= 2 ? 600_000 : 30_000) };
    const before = (await ses.emails()).length;

    const short = await run.run(budget);

    const shortMails = (await ses.emails()).slice(before).filter((mail) => of2029(mail));
    expect(short.unfinished).toBe(true);
    expect(short.failures).toBe(0);
    expect(shortMails.map((mail) => mail.destination.to[0]).sort()).toEqual(['ara.titres-professionnels@direccte.gouv.fr', 'ddets-titres-professionnels@rhone.gouv.fr']);
    expect(await stillDue(programme)).toEqual([`${programme}/yearly-programme#remind`]);

    const rest = await runOn('2029-02-01');
    expect(rest.report.days[0]).toBe(short.days[0]);
    expect(rest.report.unfinished).toBe(false);
    expect(rest.mails.filter((mail) => of2029(mail)).map((mail) => mail.destination.to[0])).toEqual(['responsable@afpa-lyon.example']);
    expect(await stillDue(programme)).toEqual([]);
  });
});
