import { describe, expect, it } from 'vitest';
import { createTestApp, formPost, pageGet } from './support/app.js';

/*
 * A session of more than six candidates: the rows were added by a link to the same page, which
 * threw away everything typed (CERES number, dates, site, candidates). « Ajouter 10 lignes » now
 * posts the form: the page comes back with what was typed and ten more rows, and nothing is recorded.
 */

const typed: [string, string][] = [
  ['ceresReference', 'CERES-2027-0077'],
  ['titreCode', 'RNCP37674'],
  ['startDate', '07/06/2027'],
  ['endDate', '09/06/2027'],
  ['site', 'Lyon 7e'],
  ['candidates.0.lastName', 'Martin'],
  ['candidates.0.firstName', 'Léa'],
  ['candidates.0.birthDate', '12/03/1990'],
  ['candidates.5.lastName', 'Petit'],
];

const rowsOf = (body: string): number => [...body.matchAll(/<legend>Candidat n° \d+<\/legend>/g)].length;

describe('more candidate rows', () => {
  it('given a half-typed session, when the manager asks for 10 more rows, then the page comes back with 16 rows, what was typed, and nothing recorded', async () => {
    const app = createTestApp();
    const before = app.writes();

    const response = await formPost(app, 'centre', '/centre/sessions', [...typed, ['lignes', '16']]);

    expect(response.statusCode, response.body).toBe(200);
    expect(app.writes()).toBe(before);
    expect(rowsOf(response.body)).toBe(16);
    expect(response.body).not.toContain('error-summary');
    for (const value of ['CERES-2027-0077', 'Lyon 7e', 'Martin', 'Léa', 'Petit']) expect(response.body).toContain(`value="${value}"`);
    expect(response.body).toMatch(/<option value="RNCP37674"\s+selected>/);
    expect(response.body).toContain('name="lignes" value="26"');
  });

  it('offers the rows by a button of the form placed after its own submit button, so that Enter in a field still records the session', async () => {
    const app = createTestApp();

    const body = (await pageGet(app, 'centre', '/centre/sessions/nouvelle')).body;

    expect(body).not.toContain('href="/centre/sessions/nouvelle?lignes=');
    const record = body.indexOf('<button type="submit">Enregistrer la session</button>');
    const more = body.search(/<button type="submit" form="session-form" name="lignes" value="16"[^>]*>Ajouter 10 lignes<\/button>/);
    expect(record).toBeGreaterThan(0);
    expect(more).toBeGreaterThan(record);
    expect(body).toMatch(/<form[^>]*id="session-form"/);
  });
});

describe('rows sent back with an error', () => {
  it('given 16 rows with a candidate typed on the 12th and a mistake, when the form comes back with the error, then it still has the 16 rows and the 12th candidate', async () => {
    const app = createTestApp();
    const rows: [string, string][] = Array.from({ length: 16 }, (_, index): [string, string] => [`candidates.${index}.lastName`, '']);
    rows[11] = ['candidates.11.lastName', 'Roux'];

    const response = await formPost(app, 'centre', '/centre/sessions', [...typed.filter(([name]) => name !== 'candidates.0.birthDate'), ...rows.slice(1)]);

    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('error-summary');
    expect(rowsOf(response.body)).toBe(16);
    expect(response.body).toMatch(/id="f-candidates-11-lastName"[^>]*value="Roux"|value="Roux"[^>]*id="f-candidates-11-lastName"/);
  });
});
