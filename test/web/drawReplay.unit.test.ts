import { beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../events/index.js';
import { drawCandidate } from '../../shared/domain/draw.js';
import { apiCall, bodyOf, createTestApp, pageGet, type TestApp } from './support/app.js';
import { movableClock } from './support/clock.js';
import { runToSeals, seedSession, type Seeded } from './support/scenario.js';

/*
 * The seal-check draw replayed from its recorded seed, by anyone who may read the session: the API
 * and a button on the session page give the same candidate as the day-one draw.
 */

let app: TestApp;
let seeded: Seeded;
let draw: { drawnCandidateId: string; seed: string };

const nameOf = (candidateId: string) => (candidateId === seeded.candidateIds[0] ? 'MARTIN Léa' : 'PETIT Hugo');

beforeAll(async () => {
  const clock = movableClock('2027-02-01T09:00:00.000Z');
  app = createTestApp(clock);
  seeded = await seedSession(app);
  draw = await runToSeals(app, clock, seeded);
});

describe('GET /api/sessions/{sessionId}/seals/draw', () => {
  it.each(['centre', 'ud', 'region'] as const)('gives %s the recorded draw and the same candidate replayed from its seed', async (as) => {
    const response = await apiCall(app, as, 'GET', `/api/sessions/${seeded.sessionId}/seals/draw`);
    expect(response.statusCode, response.body).toBe(200);
    const body = bodyOf(response);
    expect(body).toMatchObject({ seed: draw.seed, recordedCandidateId: draw.drawnCandidateId, replayedCandidateId: draw.drawnCandidateId, same: true, checkedOn: '2027-06-07' });
    expect([...(body.presentCandidateIds as string[])].sort()).toEqual([...seeded.candidateIds].sort());
  });

  it('answers 404 in French before the seals are checked', async () => {
    const other = createTestApp();
    const fresh = await seedSession(other);
    const response = await apiCall(other, 'centre', 'GET', `/api/sessions/${fresh.sessionId}/seals/draw`);
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error?.code).toBe('draw.not-yet');
  });

  it('refuses the juror, whose role reads no session', async () => {
    expect((await apiCall(app, 'juror', 'GET', `/api/sessions/${seeded.sessionId}/seals/draw`)).statusCode).toBe(403);
  });
});

describe('the replay button', () => {
  it('sits on the centre’s and the UD’s session page once the seals are checked', async () => {
    for (const path of [`/centre/sessions/${seeded.sessionId}`, `/ud/sessions/${seeded.sessionId}`]) {
      const page = (await pageGet(app, path.startsWith('/ud') ? 'ud' : 'centre', path)).body;
      expect(page).toContain(`action="${path}/tirage"`);
      expect(page).toContain('Rejouer le tirage au sort');
    }
  });

  it('shows the same candidate, by name, with the seed', async () => {
    for (const [as, path] of [
      ['centre', `/centre/sessions/${seeded.sessionId}/tirage`],
      ['ud', `/ud/sessions/${seeded.sessionId}/tirage`],
    ] as const) {
      const response = await pageGet(app, as, path);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.body).toContain(`Même candidat : le tirage rejoué désigne ${nameOf(draw.drawnCandidateId)}`);
      expect(response.body).toContain(draw.seed);
    }
  });

  it('says so when the recorded candidate is not the one the seed gives (a tampered record)', async () => {
    const stream = app.store.streams.get(`session-${seeded.sessionId}`) ?? [];
    const other = seeded.candidateIds.find((id) => id !== draw.drawnCandidateId) ?? '';
    const tampered = stream.map((event) => (event.type === 'SealsChecked' ? ({ ...event, data: { ...event.data, drawnCandidateId: other } } as StoredEvent) : event));
    const tamperedApp = createTestApp();
    for (const [id, events] of app.store.streams) tamperedApp.store.streams.set(id, id === `session-${seeded.sessionId}` ? tampered : events);
    for (const [id, entry] of app.personalData.candidates) tamperedApp.personalData.candidates.set(id, entry);

    const body = bodyOf(await apiCall(tamperedApp, 'ud', 'GET', `/api/sessions/${seeded.sessionId}/seals/draw`));
    expect(body).toMatchObject({ recordedCandidateId: other, replayedCandidateId: drawCandidate(draw.seed, seeded.candidateIds), same: false });
    const page = (await pageGet(tamperedApp, 'ud', `/ud/sessions/${seeded.sessionId}/tirage`)).body;
    expect(page).toContain('Le tirage rejoué ne donne pas le candidat enregistré');
  });
});
