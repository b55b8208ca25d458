import { describe, expect, it } from 'vitest';
import { apiCall, createTestApp, httpEvent, pageGet, pageText, type TestApp } from './support/app.js';
import { movableClock } from './support/clock.js';
import { runToSeals, seedSession, type Seeded, recordStoredPv } from './support/scenario.js';

/*
 * The UD validates a PV it must first read, and the centre keeps the PV it uploaded: the session's
 * page links the signed file (through the history's download route, which checks the reader's
 * scope) and the session's history, instead of showing only the file's SHA-256.
 */

const SHA = 'ab'.repeat(32);

/** The seeded session with its PV signed, its file in the vault, its results in CERES and transmitted to the UD. */
const transmitted = async (): Promise<{ app: TestApp; seeded: Seeded }> => {
  const clock = movableClock('2027-01-10T09:00:00.000Z');
  const app = createTestApp(clock);
  const seeded = await seedSession(app);
  await runToSeals(app, clock, seeded);
  const path = `/api/sessions/${seeded.sessionId}`;
  clock.set('2027-06-09T16:00:00.000Z');
  const signed = await apiCall(app, 'centre', 'POST', `${path}/pv`, {
    decisions: seeded.candidateIds.map((candidateId) => ({ candidateId, decision: 'titre-obtenu', ccpObtained: [] })),
    signatoryIds: seeded.jurorIds,
    documentSha256: SHA,
  });
  expect(signed.statusCode, signed.body).toBe(200);
  // The PV intake (S3 trigger, another function) records the stored file.
  await recordStoredPv(app, seeded.sessionId, SHA, clock.now());
  expect((await apiCall(app, 'centre', 'POST', `${path}/ceres-results`, {})).statusCode).toBe(200);
  expect((await apiCall(app, 'centre', 'POST', `${path}/pv/transmit`, {})).statusCode).toBe(200);
  return { app, seeded };
};

const hrefs = (body: string): string[] => [...body.matchAll(/href="([^"]+)"/g)].map((match) => match[1] ?? '');

describe('the signed PV and the history, from the session page', () => {
  it('given a PV transmitted to the UD, when the UD opens the session to instruct it, then it finds the signed file to read before validating, by the same link as the history’s', async () => {
    const { app, seeded } = await transmitted();
    const page = await pageGet(app, 'ud', `/ud/sessions/${seeded.sessionId}`);
    expect(page.statusCode).toBe(200);
    const text = pageText(page.body);
    const download = `/sessions/${seeded.sessionId}/historique/pv/1`;
    expect(text).toContain(`Lisez le procès-verbal signé avant de l’instruire : <a href="${download}">Télécharger le procès-verbal signé (PDF)</a>.`);
    // The history's own page links the same file: our link goes where the download route is.
    const timeline = await app.history(httpEvent({ path: `/sessions/${seeded.sessionId}/historique`, cookieOf: 'ud' }));
    expect(timeline.statusCode, timeline.body).toBe(200);
    expect(hrefs(timeline.body)).toContain(download);
  });

  it('given a session, when the centre or the UD opens it, then its page links the session’s history, which answers them', async () => {
    const { app, seeded } = await transmitted();
    for (const [who, path] of [
      ['centre', `/centre/sessions/${seeded.sessionId}`],
      ['ud', `/ud/sessions/${seeded.sessionId}`],
    ] as const) {
      const body = (await pageGet(app, who, path)).body;
      const history = `/sessions/${seeded.sessionId}/historique`;
      expect(hrefs(body), who).toContain(history);
      expect(pageText(body)).toContain(`<a href="${history}">Historique de la session</a>`);
      expect((await app.history(httpEvent({ path: history, cookieOf: who }))).statusCode, who).toBe(200);
      expect(hrefs(body), who).toContain(`/sessions/${seeded.sessionId}/historique/pv/1`);
    }
  });
});
