import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { csrfTokenFor } from '../../shared/http/csrf.js';
import { apiCall, createTestApp, formPost, freshKey, httpEvent, pageGet, type TestApp } from './support/app.js';

/*
 * The agréments' pages: the regional direction records one through the form (titres ticked, one
 * site per line), imports a CSV file, amends and withdraws one; a refused form comes back with
 * what was typed and each error on its field; a UD of another department cannot open one.
 */

const recordFields = (overrides: [string, string][] = []): [string, string][] => [
  ['centreId', 'ctr_givors-formation'],
  ['centreName', 'Givors Formation'],
  ['email', 'contact@givors.example'],
  ['department', '69'],
  ['titreCodes', 'RNCP37674'],
  ['titreCodes', 'RNCP37873'],
  ['sites', 'Givors, 3 quai du Rhône\r\n\r\nGrigny, atelier\r\n'],
  ['validFrom', '01/01/2026'],
  ['validUntil', '31/12/2030'],
  ...overrides,
];

const upload = (app: TestApp, csv: string) => {
  const boundary = 'f0rm';
  const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  return app.pages(
    httpEvent({
      method: 'POST',
      path: '/agrements/import',
      cookieOf: 'region',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, accept: 'text/html' },
      body:
        part('_csrf', csrfTokenFor('region')) +
        part('idempotencyKey', freshKey()) +
        `--${boundary}\r\nContent-Disposition: form-data; name="csv"; filename="agrements.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`,
    }),
  );
};

describe('the agréments’ pages', () => {
  it('the region records an agrément through the form: two titres, the sites one per line', async () => {
    const app = createTestApp();
    const response = await formPost(app, 'region', '/agrements', recordFields());
    expect(response.statusCode, response.body).toBe(303);
    expect(response.headers.location).toBe('/agrements?ok=agrement');
    const view = await app.deps.views.getAgrementView('ctr_givors-formation');
    expect(view).toMatchObject({
      titreCodes: ['RNCP37674', 'RNCP37873'],
      sites: ['Givors, 3 quai du Rhône', 'Grigny, atelier'],
      validFrom: '2026-01-01',
      validUntil: '2030-12-31',
    });
    const list = await pageGet(app, 'region', '/agrements');
    expect(list.body).toContain('Givors Formation');
    expect(list.body).toContain('Grigny, atelier');
    expect(list.body).toContain('En vigueur');
  });

  it('a refused form comes back with what was typed, each error on its field, and nothing written', async () => {
    const app = createTestApp();
    const response = await formPost(
      app,
      'region',
      '/agrements',
      recordFields([['validUntil', '31/02/2030']]).filter(([name]) => name !== 'titreCodes'),
    );
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('href="#f-titreCodes"');
    expect(response.body).toContain('Indiquez au moins un titre.');
    expect(response.body).toContain('href="#f-validUntil"');
    expect(response.body).toContain('value="Givors Formation"');
    expect(app.writes()).toBe(0);
  });

  it('imports the sample CSV file, and a bad file names its lines and writes nothing', async () => {
    const app = createTestApp();
    const bad = await upload(app, 'centre;nom du centre;courriel;département;titres;lieux;début;fin\nctr_a;A;pas-une-adresse;69;RNCP37674;Lyon;01/01/2026;31/12/2030\n');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Ligne 2 du fichier, colonne « courriel » : Adresse électronique invalide.');
    expect(app.writes()).toBe(0);
    const good = await upload(app, readFileSync(new URL('../../docs/samples/agrements.csv', import.meta.url), 'utf8'));
    expect(good.statusCode, good.body).toBe(303);
    expect((await pageGet(app, 'region', '/agrements')).body).toContain('Valence Compétences');
  });

  it('amends an agrément from its page, prefilled, then withdraws it; the list says so', async () => {
    const app = createTestApp();
    const page = await pageGet(app, 'ud', '/agrements/ctr_lyon-formation');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Lyon 3e, Part-Dieu');
    const amended = await formPost(app, 'ud', '/agrements/ctr_lyon-formation', [
      ['titreCodes', 'RNCP37674'],
      ['sites', 'Lyon 7e\nVilleurbanne'],
      ['validFrom', '01/01/2026'],
      ['validUntil', '31/12/2029'],
      ['reason', 'Fin du site de la Part-Dieu'],
    ]);
    expect(amended.statusCode, amended.body).toBe(303);
    expect((await pageGet(app, 'ud', '/agrements/ctr_lyon-formation')).body).toContain('Fin du site de la Part-Dieu');
    const withdrawn = await formPost(app, 'ud', '/agrements/ctr_lyon-formation/retrait', [['reason', 'Manquements graves']]);
    expect(withdrawn.headers.location).toBe('/agrements/ctr_lyon-formation?ok=agrement-retire');
    expect((await pageGet(app, 'ud', '/agrements')).body).toMatch(/Retiré le \d{2}\/\d{2}\/\d{4}/);
  });

  it('a UD of another department cannot open a centre’s agrément, nor the centre itself', async () => {
    const app = createTestApp();
    expect((await pageGet(app, 'ud38', '/agrements/ctr_lyon-formation')).statusCode).toBe(403);
    expect((await pageGet(app, 'centre', '/agrements')).statusCode).toBe(403);
  });
});

describe('the centre’s « Enregistrer une session » form', () => {
  it('offers only the agreed titres, lists the agreed sites and the agrément’s period', async () => {
    const app = createTestApp();
    await apiCall(app, 'region', 'POST', '/api/agrements/ctr_lyon-formation', {
      titreCodes: ['RNCP37873'],
      sites: ['Lyon 7e'],
      validFrom: '2026-01-01',
      validUntil: '2028-06-30',
      reason: 'Un seul titre',
    });
    const page = await pageGet(app, 'centre', '/centre/sessions/nouvelle');
    expect(page.body).toContain('value="RNCP37873"');
    expect(page.body).not.toContain('value="RNCP37674"');
    expect(page.body).toContain('Lieux agréés : Lyon 7e.');
    expect(page.body).toContain('du 01/01/2026 au 30/06/2028');
  });

  it('says so when the centre’s agrément was withdrawn', async () => {
    const app = createTestApp();
    await apiCall(app, 'region', 'POST', '/api/agrements/ctr_lyon-formation/withdraw', { reason: 'Fermeture' });
    expect((await pageGet(app, 'centre', '/centre/sessions/nouvelle')).body).toMatch(/L’agrément de votre centre a été retiré le \d{2}\/\d{2}\/\d{4}/);
    expect((await pageGet(app, 'centre2', '/centre/sessions/nouvelle')).body).not.toContain('Aucun agrément');
  });

  it('names the centre on its agrément page as the agents’ other pages do: its name, then its id in small print, in parentheses', async () => {
    const app = createTestApp();
    const page = await pageGet(app, 'region', '/agrements/ctr_lyon-formation');
    const stylesheet = (await pageGet(app, undefined, '/static/app.css')).body;

    expect(page.body).toMatch(/<dt>Centre<\/dt>\s*<dd>Lyon Formation <span class="hint">\(ctr_lyon-formation\)<\/span><\/dd>/);
    // The small print is a class the stylesheet styles: the id does not run on as if part of the name.
    expect(stylesheet).toMatch(/\.hint\{[^}]*font-size/);
  });
});
