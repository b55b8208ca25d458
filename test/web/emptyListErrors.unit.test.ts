import { describe, expect, it } from 'vitest';
import { createTestApp, formPost } from './support/app.js';

/*
 * A form of repeated rows sent with every row blank: the schema's « Au moins 1 élément. » told the
 * session manager nothing, and its summary link pointed at no element of the page. The summary now
 * says what to fill in, and its link lands on the rows (a focusable element with that id).
 */

const summaryOf = (body: string): string => /<div class="error-summary"[\s\S]*?<\/div>/.exec(body)?.[0] ?? '';
const targetOf = (summary: string): string => /<a href="#([^"]+)"/.exec(summary)?.[1] ?? '';

describe('a list left empty', () => {
  it('given a programme with every row blank, when the centre sends it, then the summary asks for one planned session and links the first row', async () => {
    const app = createTestApp();

    const response = await formPost(app, 'centre', '/centre/programme/2027', [
      ['sessions.0.titreCode', ''],
      ['sessions.0.expectedStart', ''],
    ]);

    expect(response.statusCode).toBe(400);
    const summary = summaryOf(response.body);
    expect(summary).toContain('Indiquez au moins une session prévue : son titre, ses dates de début et de fin prévues et le nombre de candidats attendus.');
    expect(summary).not.toContain('élément');
    const target = targetOf(summary);
    expect(response.body).toMatch(new RegExp(`<fieldset class="field" id="${target}" tabindex="-1">\\s*<legend>Session prévue n° 1</legend>`));
  });

  it('given a session with no candidate typed nor imported, when the centre records it, then the summary asks for one candidate and links the candidates’ heading', async () => {
    const app = createTestApp();

    const response = await formPost(app, 'centre', '/centre/sessions', [
      ['ceresReference', 'CERES-2027-0099'],
      ['titreCode', 'RNCP37674'],
      ['startDate', '07/06/2027'],
      ['endDate', '09/06/2027'],
      ['site', 'Lyon 7e'],
      ['candidates.0.lastName', ''],
    ]);

    expect(response.statusCode).toBe(400);
    const summary = summaryOf(response.body);
    expect(summary).toContain('Inscrivez au moins un candidat : saisissez son nom, son prénom et sa date de naissance ci-dessous, ou importez un fichier CSV.');
    expect(summary).not.toContain('élément');
    const target = targetOf(summary);
    expect(response.body).toContain(`<h2 id="${target}" tabindex="-1">Candidats</h2>`);
  });
});
