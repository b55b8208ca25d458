import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadlineRun } from '../../shared/deadlineIndex/run.js';
import { fixedClock } from '../../shared/platform/clock.js';
import { startDynalite, type LocalDynamo } from '../support/dynalite.js';
import { seedDeadlines, seededCentreContacts } from './deadlineSeed.js';
import { deadlineRunOn, startSes, type LocalSes } from './support.js';

// Reading exactly the due items proves the run queries by day instead of scanning, at any size far above DUE;
// `npm run bench:deadlines` measures larger tables.
const SESSIONS = 20_000;
const DUE = 50;
const TODAY = '2027-03-01';
// 08:00 in Paris on the 1st of March (07:00 UTC).
const clock = fixedClock('2027-03-01T07:00:00Z');

let dynamo: LocalDynamo;
let ses: LocalSes;
let run: DeadlineRun;

beforeAll(async () => {
  dynamo = await startDynalite('scale');
  ses = await startSes();
  await seedDeadlines(dynamo.client, dynamo.tables.deadlines, { sessions: SESSIONS, due: DUE, today: TODAY, concurrency: 32 });
  ({ run } = deadlineRunOn(dynamo, ses, clock, seededCentreContacts()));
}, 300_000);

afterAll(async () => {
  await ses.stop();
  await dynamo.stop();
});

describe('daily deadline run at scale', () => {
  it(`given ${SESSIONS.toLocaleString('en')} sessions with open deadlines of which ${DUE} are due today, when the run goes, then it reads about ${DUE} items and sends ${DUE} mails`, async () => {
    const report = await run.run();

    expect(report.days).toEqual([TODAY]);
    expect(report.itemsRead).toBe(DUE);
    expect(report.capacityUnits).toBeGreaterThan(0);
    expect(report.capacityUnits).toBeLessThan(DUE);
    expect(report).toMatchObject({ mails: DUE, sent: DUE, failures: 0 });
    const mails = await ses.emails();
    expect(mails).toHaveLength(DUE);
    expect(mails.filter((m) => m.subject.startsWith('Rappel d’échéance'))).toHaveLength(DUE / 2);
    expect(mails.filter((m) => m.subject.startsWith('Échéance dépassée'))).toHaveLength(DUE / 2);
    expect(mails.filter((m) => m.subject.startsWith('Échéance dépassée')).every((m) => m.destination.to[0]?.includes('ddets-titres-professionnels@rhone.gouv.fr'))).toBe(true);
  });

  it('given the run already went today, when it runs again the same day, then it reads nothing and sends nothing new', async () => {
    const report = await run.run();

    expect(report).toMatchObject({ itemsRead: 0, mails: 0, sent: 0 });
    expect(await ses.emails()).toHaveLength(DUE);
  });
});
