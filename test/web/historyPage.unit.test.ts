import { beforeAll, describe, expect, it } from 'vitest';
import { fieldLabels } from '../../shared/history/fieldLabels.js';
import { createTestApp, httpEvent, type TestApp, type UserHandle } from './support/app.js';
import { movableClock } from './support/clock.js';
import { runToSeals, seedSession, type Seeded } from './support/scenario.js';

/*
 * The history page of a session speaks in words: French labels for every field, the session by its
 * CERES reference, titre and dates, people by name where the reader may see them.
 */

let app: TestApp;
let seeded: Seeded;
let drawn: string;

const timeline = async (as: UserHandle) => {
  const response = await app.history(httpEvent({ path: `/sessions/${seeded.sessionId}/historique`, cookieOf: as, headers: { accept: 'text/html' } }));
  expect(response.statusCode, response.body).toBe(200);
  return response.body;
};

/** The details' text, tags dropped, so a label and its value read as one line. */
const text = (page: string) => page.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

beforeAll(async () => {
  const clock = movableClock('2027-02-01T09:00:00.000Z');
  app = createTestApp(clock);
  seeded = await seedSession(app);
  drawn = (await runToSeals(app, clock, seeded)).drawnCandidateId;
});

describe('the timeline of a session', () => {
  it('names the session by its CERES reference, titre and dates, the id in small print', async () => {
    const page = await timeline('centre');
    expect(page).toContain('<title>Historique de la session CERES-2027-0042');
    expect(text(page)).toContain('Titre Développeur web et web mobile (RNCP37674), du 07/06/2027 au 09/06/2027, Lyon 7e.');
    expect(page).toContain(`<span class="hint id">${seeded.sessionId}</span>`);
  });

  it('shows no raw field name of the catalogue, and labels the plateau and the draw in French', async () => {
    const page = text(await timeline('centre'));
    for (const field of ['durationMinutes', 'presentCandidateIds', 'seed', 'drawnCandidateId', 'plannedSessionId', 'sealsIntact'])
      expect(page).not.toMatch(new RegExp(`\\b${field} :`));
    expect(page).toContain(`${fieldLabels.durationMinutes} : 60`);
    expect(page).toContain(`${fieldLabels.seed} :`);
  });

  it('names candidates and jurors for the centre, with their ids in small print', async () => {
    const page = await timeline('centre');
    const drawnName = drawn === seeded.candidateIds[0] ? 'Léa Martin' : 'Hugo Petit';
    expect(text(page)).toContain(`Candidat tiré au sort : ${drawnName} ${drawn}`);
    expect(text(page)).toContain(`Candidats présents : Léa Martin ${seeded.candidateIds[0]} , Hugo Petit ${seeded.candidateIds[1]}`);
    expect(text(page)).toContain(`Membre du jury : Camille Dupont ${seeded.jurorIds[0]}`);
  });

  it('names jurors but not candidates for the regional admin, who may not read candidates’ identities', async () => {
    const page = text(await timeline('region'));
    expect(page).toContain('Camille Moreau');
    expect(page).not.toContain('Martin');
    expect(page).not.toContain('Petit');
    expect(page).toContain(`Candidat tiré au sort : ${drawn}`);
  });
});
