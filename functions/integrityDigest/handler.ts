import { integrityFromEnv } from '../../shared/integrity/wiring.js';
import { previousDay, utcDay, writeDailyDigest } from '../../shared/integrity/index.js';
import { systemClock } from '../../shared/platform/clock.js';

const { commits, archive } = integrityFromEnv();

/** Digests yesterday (UTC); a repeated firing finds the digest written and writes nothing. */
export const handler = async () => {
  const outcome = await writeDailyDigest(commits, archive, previousDay(utcDay(systemClock.now())), systemClock);
  console.log(JSON.stringify({ level: 'INFO', message: 'store digest', ...outcome }));
  return outcome;
};
