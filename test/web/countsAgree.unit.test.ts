import { describe, expect, it } from 'vitest';
import { apiCall, createTestApp, formPost, pageGet, pageText } from './support/app.js';
import { movableClock } from './support/clock.js';
import { runToSeals, seedSession } from './support/scenario.js';

/*
 * Counts read as French sentences: « 1 session prévue », « 2 signalements de fraude », never the
 * « session(s) prévue(s) » of a form letter.
 */

describe('counts in words', () => {
  it('given a programme of one session, then the centre’s dashboard says « 1 session prévue », and « 2 sessions prévues » for two', async () => {
    const app = createTestApp();
    const row = (index: number, start: string, end: string): [string, string][] => [
      [`sessions.${index}.titreCode`, 'RNCP37674'],
      [`sessions.${index}.expectedStart`, start],
      [`sessions.${index}.expectedEnd`, end],
      [`sessions.${index}.expectedCandidates`, '8'],
    ];
    expect((await formPost(app, 'centre', '/centre/programme/2027', row(0, '2027-06-07', '2027-06-09'))).statusCode).toBe(303);
    const one = pageText((await pageGet(app, 'centre', '/centre')).body);
    expect(one).toContain('— 1 session prévue.');

    expect((await formPost(app, 'centre2', '/centre/programme/2027', [...row(0, '2027-06-07', '2027-06-09'), ...row(1, '2027-10-04', '2027-10-06')])).statusCode).toBe(303);
    const two = pageText((await pageGet(app, 'centre2', '/centre')).body);
    expect(two).toContain('— 2 sessions prévues.');
    expect(one + two).not.toContain('(s)');
  });

  it('given two fraud reports and no sanction, then the UD’s session page says « 2 signalements de fraude, aucune sanction notifiée »', async () => {
    const clock = movableClock('2027-01-10T09:00:00.000Z');
    const app = createTestApp(clock);
    const seeded = await seedSession(app);
    await runToSeals(app, clock, seeded);
    for (const candidateId of seeded.candidateIds) {
      const reported = await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/frauds`, { candidateId, facts: 'Téléphone consulté pendant la mise en situation.' });
      expect(reported.statusCode, reported.body).toBe(200);
    }

    const text = pageText((await pageGet(app, 'ud', `/ud/sessions/${seeded.sessionId}`)).body);

    expect(text).toContain('2 signalements de fraude, aucune sanction notifiée.');
    expect(text).not.toContain('(s)');
  });
});
