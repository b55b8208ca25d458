import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../events/index.js';
import { DeadlinePlanner } from '../../shared/deadlineIndex/planner.js';
import { DeadlineRun } from '../../shared/deadlineIndex/run.js';
import { Directory } from '../../shared/directory/directory.js';
import type { DynamoEventStore } from '../../shared/eventStore/dynamoEventStore.js';
import type { Clock } from '../../shared/platform/clock.js';
import { Projector } from '../../shared/views/projector.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { contacts } from './fixtures.js';
import { append, deadlineMachinery, startSes, type LocalSes } from './support.js';

/*
 * The yearly programme is owed by every approved centre, whether or not it wrote anything: from
 * its agrément, through the planner, the index and the daily run on dynalite, mailed through SES.
 * Three centres of the Rhône approved in 2026; one sends its 2027 programme on 25 January, one never
 * does, the third loses its agrément on 10 January.
 */

let dynamo: LocalDynamo;
let ses: LocalSes;
let store: DynamoEventStore;
let planner: DeadlinePlanner;
let projector: Projector;
let run: DeadlineRun;
let now = new Date('2026-12-01T08:00:00Z');
const clock: Clock = { now: () => new Date(now) };
const UD_MAILBOX = new Directory().ud('69').email;
const REGION_MAILBOX = new Directory().region('84').email;
const CENTRE_MAILBOX = 'responsable@afpa-lyon.example';
const PROGRAMME = 'Programmation prévisionnelle annuelle (avant le 31 janvier)';

const commit = async (streamId: string, events: DomainEvent[], centreId: string) => {
  const { version } = await store.readStream(streamId);
  const result = await append(store, streamId, version, events, { centreId, department: '69', region: '84' });
  await projector.apply(result.events);
  await planner.onCommit(result.events);
};

const approve = (centreId: string, centreName: string) =>
  commit(
    `agrement-${centreId}`,
    [
      {
        type: 'AgrementRecorded',
        data: { centreId, centreName, department: '69', region: '84', titreCodes: ['RNCP37674'], sites: ['Lyon 7e'], validFrom: '2026-01-01', validUntil: '2027-12-31' },
      },
    ],
    centreId,
  );

/** The run at 08:00 in Paris on a day (07:00 UTC in winter). */
const runOn = async (day: string) => {
  now = new Date(`${day}T07:00:00Z`);
  const before = (await ses.emails()).length;
  await run.run();
  return (await ses.emails()).slice(before).filter((mail) => mail.subject.includes(PROGRAMME));
};

beforeAll(async () => {
  dynamo = await startDynalite('owed-programme');
  ses = await startSes();
  const book = contacts()
    .set('centre', 'ctr_villeurbanne-2', { email: 'contact@villeurbanne.example', displayName: 'Villeurbanne Métiers' })
    .set('centre', 'ctr_givors-3', { email: 'contact@givors.example', displayName: 'Givors Formation' })
    .set('centre', 'ctr_venissieux-4', { email: 'contact@venissieux.example', displayName: 'Vénissieux Formation' });
  ({ store, projector, planner, run } = deadlineMachinery(dynamo, ses, clock, book));
  await approve('ctr_lyon-1', 'AFPA Lyon');
  await approve('ctr_villeurbanne-2', 'Villeurbanne Métiers');
  // A third centre loses its agrément on 10 January: it owes nothing any more.
  await approve('ctr_givors-3', 'Givors Formation');
  await commit('agrement-ctr_givors-3', [{ type: 'AgrementWithdrawn', data: { centreId: 'ctr_givors-3', withdrawnOn: '2027-01-10', reason: 'Fermeture' } }], 'ctr_givors-3');
  // A fourth had begun its 2027 programme (a session planned, nothing submitted) when it lost its agrément.
  await approve('ctr_venissieux-4', 'Vénissieux Formation');
  now = new Date('2027-01-05T09:00:00Z');
  await commit(
    'programme-ctr_venissieux-4-2027',
    [
      {
        type: 'SessionPlanned',
        data: {
          plannedSessionId: 'pln_v',
          centreId: 'ctr_venissieux-4',
          year: 2027,
          titreCode: 'RNCP37674',
          expectedStart: '2027-03-15',
          expectedEnd: '2027-03-16',
          expectedCandidates: 6,
        },
      },
    ],
    'ctr_venissieux-4',
  );
  await commit(
    'agrement-ctr_venissieux-4',
    [{ type: 'AgrementWithdrawn', data: { centreId: 'ctr_venissieux-4', withdrawnOn: '2027-01-12', reason: 'Fermeture' } }],
    'ctr_venissieux-4',
  );
  await runOn('2027-01-23');
});

afterAll(async () => {
  await ses.stop();
  await dynamo.stop();
});

describe('an approved centre owes its yearly programme before it wrote anything', () => {
  it('reminds both approved centres on 24 January, seven days before the 31st, each at its own mailbox, and not the one whose agrément was withdrawn', async () => {
    const mails = await runOn('2027-01-24');
    expect(mails.map((mail) => mail.destination.to).sort()).toEqual([['contact@villeurbanne.example'], [CENTRE_MAILBOX]]);
    expect(mails.map((mail) => mail.subject).sort()).toEqual([
      `Rappel d’échéance : ${PROGRAMME} — AFPA Lyon, 2027`,
      `Rappel d’échéance : ${PROGRAMME} — Villeurbanne Métiers, 2027`,
    ]);
  });

  it('alerts the UD and the region from 1 February about the centre whose programme never came, and nothing about the other', async () => {
    await commit(
      'programme-ctr_villeurbanne-2-2027',
      [
        {
          type: 'ProgrammeSubmitted',
          data: {
            centreId: 'ctr_villeurbanne-2',
            year: 2027,
            revision: 1,
            plannedSessionIds: [],
            withdrawnPlannedSessionIds: [],
            submittedOn: '2027-01-25',
            deadline: '2027-01-31',
            onTime: true,
          },
        },
      ],
      'ctr_villeurbanne-2',
    );
    const mails = await runOn('2027-02-01');
    expect(mails.map((mail) => mail.destination.to[0]).sort()).toEqual([REGION_MAILBOX, UD_MAILBOX].sort());
    expect(mails.every((mail) => mail.subject === `Échéance dépassée : ${PROGRAMME} — AFPA Lyon, 2027`)).toBe(true);
    expect(mails.map((mail) => mail.body.text).join('\n')).toContain('AFPA Lyon');
    expect(mails.map((mail) => mail.body.text).join('\n')).not.toContain('Villeurbanne');
  });

  it('reminds nobody and alerts nobody about a centre that had begun its programme when it lost its agrément: not its programme, not its planned session', async () => {
    const all = await ses.emails();
    expect(all.filter((mail) => mail.destination.to.some((to) => to.includes('venissieux')))).toEqual([]);
    expect(all.filter((mail) => `${mail.body.text ?? ''}`.includes('Vénissieux') || `${mail.body.text ?? ''}`.includes('ctr_venissieux-4'))).toEqual([]);
    // Nor later, when its planned session should have been created in CERES (three months before 14 June).
    await runOn('2027-03-20');
    expect((await ses.emails()).filter((mail) => mail.destination.to.some((to) => to.includes('venissieux')) || `${mail.body.text ?? ''}`.includes('Vénissieux'))).toEqual([]);
  });
});
