import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../events/index.js';
import { DeadlinePlanner } from '../../shared/deadlineIndex/planner.js';
import { DeadlineRun } from '../../shared/deadlineIndex/run.js';
import { Directory } from '../../shared/directory/directory.js';
import type { DynamoEventStore } from '../../shared/eventStore/dynamoEventStore.js';
import type { Clock } from '../../shared/platform/clock.js';
import { Projector } from '../../shared/views/projector.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { contacts, sessionCreated } from './fixtures.js';
import { append, deadlineMachinery, startSes, type LocalSes } from './support.js';

/*
 * A jury short of members, through the deadline machinery on dynalite: the planner indexes the
 * deadline from the session's commits, the daily run reads what is due and mails through SES.
 * Session on 15 March 2027, one juror assigned; juror convocations due 28 February
 * (15 days), reminded 21 February (7 days before).
 */

let dynamo: LocalDynamo;
let ses: LocalSes;
let store: DynamoEventStore;
let planner: DeadlinePlanner;
let projector: Projector;
let run: DeadlineRun;
let now = new Date('2027-01-10T08:00:00Z');
const clock: Clock = { now: () => new Date(now) };
let version = 0;
const STREAM = 'session-ses_short';
const UD_MAILBOX = new Directory().ud('69').email;
const JURY = 'Jury complet (au moins deux membres habilités, sans lien avec les candidats) la veille de la session';

const commit = async (events: DomainEvent[]) => {
  const result = await append(store, STREAM, version, events);
  version = result.version;
  await projector.apply(result.events);
  await planner.onCommit(result.events);
};

/** The run at 08:00 in Paris on a day (07:00 UTC in winter). */
const runOn = async (day: string) => {
  now = new Date(`${day}T07:00:00Z`);
  const before = (await ses.emails()).length;
  await run.run();
  return (await ses.emails()).slice(before);
};

beforeAll(async () => {
  dynamo = await startDynalite('jury-deadline');
  ses = await startSes();
  ({ store, projector, planner, run } = deadlineMachinery(dynamo, ses, clock, contacts()));
  await commit([sessionCreated('ses_short', { late: false, startDate: '2027-03-15' })]);
  await commit([{ type: 'JuryAssigned', data: { jurorId: 'jur_anne', habilitationId: 'hab_anne-1', tiedCandidateIds: [] } }]);
  // Every morning up to the eve of the convocations' reminder: nothing about the jury yet.
  await runOn('2027-02-20');
});

afterAll(async () => {
  await ses.stop();
  await dynamo.stop();
});

describe('a session whose jury has fewer than two members', () => {
  it('warns the centre on the morning the convocations are reminded, naming the session in words', async () => {
    const mails = await runOn('2027-02-21');
    const jury = mails.filter((mail) => mail.subject === `Rappel d’échéance : ${JURY} — session CERES-ses_short`);
    expect(jury.map((mail) => mail.destination.to)).toEqual([['responsable@afpa-lyon.example']]);
    expect(mails.map((mail) => mail.subject)).toContain('Rappel d’échéance : Convocation des membres du jury — session CERES-ses_short');
    expect(jury[0]?.body.text).toContain('Session CERES-ses_short (titre RNCP37274, le 15 mars 2027, AFPA Lyon');
    expect(jury[0]?.body.text).not.toContain('Session ses_short');
  });

  it('does not alert the UD on the eve of the session', async () => {
    const mails = await runOn('2027-03-14');
    expect(mails.filter((mail) => mail.destination.to.includes(UD_MAILBOX))).toEqual([]);
  });

  it('alerts the UD on the morning of the first day, once', async () => {
    const mails = await runOn('2027-03-15');
    expect(mails.filter((mail) => mail.destination.to.includes(UD_MAILBOX)).map((mail) => mail.subject)).toEqual([`Échéance dépassée : ${JURY} — session CERES-ses_short`]);
    expect((await runOn('2027-03-16')).filter((mail) => mail.subject.includes(JURY))).toEqual([]);
  });
});
