import { deadlineRunFromEnv } from '../../shared/deadlineIndex/runWiring.js';

const run = deadlineRunFromEnv();

/** One run; a failed item keeps its due key and the day is caught up at the next run. */
export const handler = async () => {
  const report = await run.run();
  console.log(JSON.stringify({ level: 'INFO', message: 'deadline run', ...report }));
  if (report.failures > 0) throw new Error(`${report.failures} deadline item(s) failed; they stay due`);
  return report;
};
