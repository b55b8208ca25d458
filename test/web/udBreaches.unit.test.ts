import { describe, expect, it } from 'vitest';
import { apiCall, bodyOf, createTestApp, pageGet, pageText } from './support/app.js';
import { newJurorInput } from './support/scenario.js';

/*
 * A step done late is a breach the UD is told of (DOMAIN.md: the UD is alerted when a deadline is
 * missed). The UD's session page names each, as the region's list does.
 */

const text = (markup: string) => pageText(markup.replace(/<[^>]+>/g, ' '));

describe('the breaches on the UD’s session page', () => {
  it('given jurors convoked on 1 February for a session of 11 February (15 days before at the latest: 27 January), when the UD opens the session, then it reads « Manquement : Jury convoqué en retard (le 01/02/2027 au lieu du 27/01/2027) »', async () => {
    const app = createTestApp();
    const jurorIds: string[] = [];
    for (const name of ['Dupont', 'Moreau']) {
      const response = await apiCall(app, 'ud', 'POST', '/api/jurors', newJurorInput(name));
      expect(response.statusCode, response.body).toBe(201);
      jurorIds.push(String(bodyOf(response).jurorId));
    }
    const created = await apiCall(app, 'centre', 'POST', '/api/sessions', {
      ceresReference: 'CERES-2027-0111',
      titreCode: 'RNCP37674',
      startDate: '2027-02-11',
      endDate: '2027-02-12',
      site: 'Lyon 7e',
      candidates: [{ lastName: 'Roux', firstName: 'Inès', birthDate: '1995-01-30' }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const sessionId = String(bodyOf(created).sessionId);
    for (const jurorId of jurorIds) expect((await apiCall(app, 'centre', 'POST', `/api/sessions/${sessionId}/jury`, { jurorId, tiedCandidateIds: [] })).statusCode).toBe(200);
    const sent = await apiCall(app, 'centre', 'POST', `/api/sessions/${sessionId}/convocations`, { audience: 'jurors' });
    expect(sent.statusCode, sent.body).toBe(200);

    const page = text((await pageGet(app, 'ud', `/ud/sessions/${sessionId}`)).body);

    expect(page).toContain('Manquement : Jury convoqué en retard (le 01/02/2027 au lieu du 27/01/2027)');
    expect(page).toContain('Manquement : Créée dans CERES moins de trois mois avant le début');
  });
});
