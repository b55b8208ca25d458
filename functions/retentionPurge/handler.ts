import { purgeExpired } from '../../shared/retention/index.js';
import { retentionFromEnv } from '../../shared/retention/wiring.js';

const { deps, settings } = retentionFromEnv();

/** One purge; failures stay within the catch-up window and are retried by the next runs. */
export const handler = async () => {
  const report = await purgeExpired(deps, settings);
  console.log(JSON.stringify({ level: 'INFO', message: 'retention purge', ...report }));
  if (report.failures > 0) throw new Error(`${report.failures} retention item(s) failed; the next runs retry them`);
  return report;
};
