/**
 * `npm run bench:load`: concurrent submissions over HTTP against a fresh offline runtime, then the
 * no-lost-update and view checks of the load test, at a larger size. Prints throughput and
 * latency percentiles.
 *   --centres 20  --creations 400  --same-session 100  --no-programmes
 */
import { parseArgs } from 'node:util';
import { runLoad } from '../test/hardening/support/load.js';
import { startHardeningRuntime } from '../test/hardening/support/runtime.js';

const { values } = parseArgs({
  options: {
    centres: { type: 'string', default: '20' },
    creations: { type: 'string', default: '400' },
    'same-session': { type: 'string', default: '100' },
    'no-programmes': { type: 'boolean', default: false },
  },
});

const h = await startHardeningRuntime();
try {
  const result = await runLoad(h, {
    centres: Number(values.centres),
    creations: Number(values.creations),
    programmes: !values['no-programmes'],
    sameSession: Number(values['same-session']),
  });
  console.log(`Submissions      ${result.submissions}`);
  console.log(`Wall time        ${(result.wallMs / 1000).toFixed(1)} s`);
  console.log(`Throughput       ${result.throughputPerSecond.toFixed(1)} submissions/s`);
  console.log(`Latency          p50 ${result.p50Ms.toFixed(0)} ms, p95 ${result.p95Ms.toFixed(0)} ms, max ${result.maxMs.toFixed(0)} ms`);
  console.log(`Statuses         ${JSON.stringify(result.statuses)}`);
  console.log(`Mails            ${result.mails.sent} sent, ${result.mails.emulator} in the mailbox, ${result.mails.duplicateIds} duplicate ids`);
  console.log(result.problems.length === 0 ? 'Checks           ✓ no lost update, views consistent' : `Checks           ✗ ${result.problems.join('; ')}`);
  process.exitCode = result.problems.length === 0 ? 0 : 1;
} finally {
  await h.stop();
}
