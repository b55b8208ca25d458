import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad, type LoadResult } from './support/load.js';
import { startHardeningRuntime, type HardeningRuntime } from './support/runtime.js';

let h: HardeningRuntime;
let result: LoadResult;

beforeAll(async () => {
  h = await startHardeningRuntime();
  // 200 submissions at once from 20 centres: 130 session creations, 20 programmes, 50 registrations on one session.
  result = await runLoad(h, { centres: 20, creations: 130, programmes: true, sameSession: 50 });
  console.info(
    `load: ${result.submissions} submissions in ${(result.wallMs / 1000).toFixed(1)} s, ${result.throughputPerSecond.toFixed(1)}/s, p50 ${result.p50Ms.toFixed(0)} ms, p95 ${result.p95Ms.toFixed(0)} ms, statuses ${JSON.stringify(result.statuses)}, mails ${JSON.stringify(result.mails)}`,
  );
}, 170_000);

afterAll(async () => {
  await h?.stop();
});

describe('200 concurrent submissions from 20 centres, 50 of them on the same session, against the offline runtime', () => {
  it('no answer is a 5xx; every answer is a success, a 409 conflict or a 422 refusal', () => {
    expect(result.submissions).toBe(200);
    expect(Object.keys(result.statuses).filter((status) => Number(status) >= 500)).toEqual([]);
    expect(Object.keys(result.statuses).every((status) => ['200', '201', '409', '422'].includes(status))).toBe(true);
  });

  it('no lost update: every accepted command is in the store, the hot session holds exactly the accepted registrations, its chain verifies, and every view agrees', () => {
    expect(result.problems).toEqual([]);
    expect((result.statuses['200'] ?? 0) + (result.statuses['201'] ?? 0)).toBeGreaterThan(150);
  });

  it('one mail per notification id: the outbox ids are unique and the mailbox holds exactly the mails the outbox marked sent', () => {
    expect(result.mails.duplicateIds).toBe(0);
    expect(result.mails.sent).toBeGreaterThanOrEqual(20);
    expect(result.mails.emulator).toBe(result.mails.sent);
  });
});
