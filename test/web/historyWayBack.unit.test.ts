import { describe, expect, it } from 'vitest';
import { apiCall, createTestApp, httpEvent, squeezed, type UserHandle } from './support/app.js';
import { seedSession } from './support/scenario.js';

/*
 * A session's history is opened from the session's page (centre, UD) or from the region's list of
 * sessions: it leads back there, like every page under a session, and the menu says where one is.
 */

const historyOf = async (as: UserHandle, jurySeated = false) => {
  const app = createTestApp();
  const seeded = await seedSession(app);
  if (jurySeated)
    for (const jurorId of seeded.jurorIds)
      expect((await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/jury`, { jurorId, tiedCandidateIds: [] })).statusCode).toBe(200);
  const response = await app.history(httpEvent({ path: `/sessions/${seeded.sessionId}/historique`, cookieOf: as, headers: { accept: 'text/html' } }));
  expect(response.statusCode, response.body).toBe(200);
  return { page: squeezed(response.body), sessionId: seeded.sessionId };
};

describe('the way back from a session’s history', () => {
  it('given a UD agent on a session’s history, when they look for the way back, then the breadcrumb leads to the dashboard and to the session’s UD page, and the menu marks « Tableau de bord »', async () => {
    const { page, sessionId } = await historyOf('ud');

    expect(page).toContain(
      `<nav aria-label="Fil d’Ariane" class="breadcrumb"><ol><li><a href="/ud">Tableau de bord</a></li><li><a href="/ud/sessions/${sessionId}">Session CERES-2027-0042</a></li><li aria-current="page">Historique de la session CERES-2027-0042</li></ol></nav>`,
    );
    expect(page).toContain('<a href="/ud" aria-current="page">Tableau de bord</a>');
  });

  it('given the centre on its session’s history, then the breadcrumb leads to its session page', async () => {
    const { page, sessionId } = await historyOf('centre');

    expect(page).toContain(`<li><a href="/centre/sessions/${sessionId}">Session CERES-2027-0042</a></li>`);
    expect(page).toContain('<a href="/centre" aria-current="page">Tableau de bord</a>');
  });

  it('given the regional admin on a session’s history, then the breadcrumb leads to the region’s sessions', async () => {
    const { page } = await historyOf('region');

    expect(page).toContain('<li><a href="/region/sessions">Sessions de la région</a></li>');
    expect(page).toContain('<a href="/region/sessions" aria-current="page">Sessions de la région</a>');
  });

  it('given a member designated with no tie declared, when the UD reads the history, then the designation says « Candidats liés : néant », not « 0 élément »', async () => {
    const { page } = await historyOf('ud', true);

    const words = page.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(words).toContain('Candidats liés : néant');
    expect(words).not.toContain('0 élément');
  });
});
