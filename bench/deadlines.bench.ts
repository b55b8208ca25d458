/**
 * `npm run bench:deadlines`: the daily deadline run's cost against the size of the country.
 * For 10,000 and 100,000 sessions with an open deadline each in the due-date index, and the same
 * number of them (50) due today, it measures what the run reads (items, from ScannedCount, and
 * capacity units, from ReturnConsumedCapacity) and how long it takes. The figures should stay flat:
 * the run queries today's key, it never scans. Mails go to an in-process SES emulator.
 */
import { fixedClock } from '../shared/platform/clock.js';
import { seedDeadlines, seededCentreContacts } from '../test/reactions/deadlineSeed.js';
import { deadlineRunOn, startSes } from '../test/reactions/support.js';
import { startDynalite } from '../test/support/dynalite.js';

const DUE = 50;
const TODAY = '2027-03-01';
const sizes = (process.argv[2] ?? '10000,100000').split(',').map(Number);
const clock = fixedClock('2027-03-01T07:00:00Z');
const rows: string[] = [];

for (const sessions of sizes) {
  const dynamo = await startDynalite(`bench${sessions}`);
  const ses = await startSes();
  const seeding = Date.now();
  await seedDeadlines(dynamo.client, dynamo.tables.deadlines, { sessions, due: DUE, today: TODAY, concurrency: 32 });
  const seededIn = Date.now() - seeding;
  const { index, run } = deadlineRunOn(dynamo, ses, clock, seededCentreContacts());

  // The query alone (what the run reads), then the whole run (reads, mails through the outbox and SES).
  const queryStart = performance.now();
  const due = await index.due(TODAY);
  const queryMs = performance.now() - queryStart;
  const runStart = performance.now();
  const report = await run.run();
  const runMs = performance.now() - runStart;
  const rerunStart = performance.now();
  const rerun = await run.run();
  const rerunMs = performance.now() - rerunStart;
  rows.push(
    [
      sessions.toLocaleString('en').padStart(8),
      String(DUE).padStart(4),
      String(due.itemsRead).padStart(10),
      due.capacityUnits.toFixed(1).padStart(9),
      queryMs.toFixed(0).padStart(8),
      String(report.sent).padStart(6),
      runMs.toFixed(0).padStart(7),
      `${rerun.itemsRead}/${rerun.sent}`.padStart(11),
      rerunMs.toFixed(0).padStart(9),
      (seededIn / 1000).toFixed(0).padStart(8),
    ].join(' |'),
  );
  await ses.stop();
  await dynamo.stop();
}

console.log(' sessions | due | items read | RCU used | query ms | mails | run ms | rerun read/sent | rerun ms | seed s');
for (const row of rows) console.log(row);
