import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { apiCall, bodyOf, createTestApp, httpEvent } from './support/app.js';

/*
 * Agréments through the API: the regional direction (or the UD of the department) records, amends,
 * withdraws and imports them; a centre creates sessions only within its own, and reads nobody
 * else's. The test app starts with the two demo centres' agréments, as `npm start` does.
 */

const newCentre = {
  centreId: 'ctr_givors-formation',
  centreName: 'Givors Formation',
  email: 'contact@givors.example',
  department: '69',
  titreCodes: ['RNCP37674'],
  sites: ['Givors, 3 quai du Rhône'],
  validFrom: '2026-01-01',
  validUntil: '2030-12-31',
};

const session = (overrides: Record<string, unknown> = {}) => ({
  ceresReference: 'CERES-2027-0100',
  titreCode: 'RNCP37674',
  startDate: '2027-06-07',
  endDate: '2027-06-09',
  site: 'Lyon 7e, salle 2',
  candidates: [{ lastName: 'Martin', firstName: 'Léa', birthDate: '1990-03-12' }],
  ...overrides,
});

const errorOf = (response: { body: string }) => (JSON.parse(response.body) as { error: { code: string; message: string; fields: { field: string; message: string }[] } }).error;

describe('recording agréments', () => {
  it('the region records one, the centre’s UD lists it, another department’s UD does not see it', async () => {
    const app = createTestApp();
    const recorded = await apiCall(app, 'region', 'POST', '/api/agrements', newCentre);
    expect(recorded.statusCode, recorded.body).toBe(201);
    expect((bodyOf(recorded).events as { type: string }[]).map((e) => e.type)).toEqual(['AgrementRecorded']);
    const listed = await apiCall(app, 'ud', 'GET', '/api/agrements');
    expect((bodyOf(listed).items as { centreId: string }[]).map((a) => a.centreId)).toEqual(['ctr_givors-formation', 'ctr_lyon-formation']);
    const region = await app.api(httpEvent({ path: '/api/agrements', query: { department: '38' }, as: 'region' }));
    expect((bodyOf(region).items as { centreName: string }[]).map((a) => a.centreName)).toEqual(['Grenoble Compétences']);
    // Its mailbox, for its programme reminders until a session manager of the centre signs in.
    expect(app.personalData.centreContacts.get('ctr_givors-formation')).toEqual({ email: 'contact@givors.example', displayName: 'Givors Formation' });
  });

  it('refuses bad input on its fields, in French, and writes nothing', async () => {
    const app = createTestApp();
    const response = await apiCall(app, 'region', 'POST', '/api/agrements', { ...newCentre, email: 'pas-une-adresse', sites: [], validFrom: '31/02/2026' });
    expect(response.statusCode).toBe(400);
    expect(
      errorOf(response)
        .fields.map((f) => f.field)
        .sort(),
    ).toEqual(['email', 'sites', 'validFrom']);
    expect(errorOf(response).fields.find((f) => f.field === 'sites')?.message).toBe('Indiquez au moins un lieu.');
    expect(app.writes()).toBe(0);
  });

  it('refuses a UD outside the centre’s department and a region that is not the centre’s', async () => {
    const app = createTestApp();
    expect((await apiCall(app, 'ud38', 'POST', '/api/agrements', newCentre)).statusCode).toBe(403);
    expect((await apiCall(app, 'region93', 'POST', '/api/agrements', newCentre)).statusCode).toBe(403);
    expect((await apiCall(app, 'centre', 'POST', '/api/agrements', newCentre)).statusCode).toBe(403);
    expect(app.writes()).toBe(0);
  });

  it('a centre reads its own agrément, and another centre’s reads exactly as one that does not exist', async () => {
    const app = createTestApp();
    expect((await apiCall(app, 'centre', 'GET', '/api/agrements/ctr_lyon-formation')).statusCode).toBe(200);
    const foreign = await apiCall(app, 'centre', 'GET', '/api/agrements/ctr_grenoble-competences');
    const unknown = await apiCall(app, 'centre', 'GET', '/api/agrements/ctr_nulle-part');
    expect([foreign.statusCode, foreign.body]).toEqual([unknown.statusCode, unknown.body]);
    expect(foreign.statusCode).toBe(404);
  });
});

describe('a session within the agrément', () => {
  it('is created on an agreed site, and refused for a site, titre or period outside it, naming the titre and the dates', async () => {
    const app = createTestApp();
    expect((await apiCall(app, 'centre', 'POST', '/api/sessions', session())).statusCode).toBe(201);

    const site = await apiCall(app, 'centre', 'POST', '/api/sessions', session({ site: 'Grenoble' }));
    expect(site.statusCode).toBe(422);
    expect(errorOf(site).fields).toEqual([{ field: 'site', message: expect.stringContaining('Lieux agréés : « Lyon 7e », « Lyon 3e, Part-Dieu », « Villeurbanne »') }]);

    const late = await apiCall(app, 'centre', 'POST', '/api/sessions', session({ startDate: '2032-01-05', endDate: '2032-01-06' }));
    expect(late.statusCode).toBe(422);
  });

  it('once the region narrows the agrément, a titre left out is refused with the new dates; once withdrawn, nothing', async () => {
    const app = createTestApp();
    const amended = await apiCall(app, 'region', 'POST', '/api/agrements/ctr_lyon-formation', {
      titreCodes: ['RNCP37873'],
      sites: ['Lyon 7e'],
      validFrom: '2026-01-01',
      validUntil: '2028-06-30',
      reason: 'Titre RNCP37674 non renouvelé',
    });
    expect(amended.statusCode, amended.body).toBe(200);
    const refused = await apiCall(app, 'centre', 'POST', '/api/sessions', session());
    expect(errorOf(refused).message).toBe(
      'Le titre Développeur web et web mobile (RNCP37674) ne figure pas dans l’agrément de votre centre (valable du 01/01/2026 au 30/06/2028).',
    );
    expect((await apiCall(app, 'ud', 'POST', '/api/agrements/ctr_lyon-formation/withdraw', { reason: 'Manquements graves' })).statusCode).toBe(200);
    const withdrawn = await apiCall(app, 'centre', 'POST', '/api/sessions', session({ titreCode: 'RNCP37873' }));
    expect(errorOf(withdrawn).code).toBe('session.agrement-withdrawn');
    const view = bodyOf(await apiCall(app, 'centre', 'GET', '/api/agrements/ctr_lyon-formation')).agrement as { withdrawn?: { reason: string }; amendments: unknown[] };
    expect(view.withdrawn?.reason).toBe('Manquements graves');
    expect(view.amendments).toHaveLength(1);
  });
});

describe('importing agréments from a CSV file', () => {
  const sample = readFileSync(new URL('../../docs/samples/agrements.csv', import.meta.url), 'utf8');

  it('records every line of the sample file, sites with commas and semicolons included', async () => {
    const app = createTestApp();
    const key = { 'idempotency-key': 'import-2026-12' };
    const response = await apiCall(app, 'region', 'POST', '/api/agrements/import', { csv: sample }, key);
    expect(response.statusCode, response.body).toBe(201);
    expect(bodyOf(response)).toEqual({ imported: 3, centreIds: ['ctr_villeurbanne-metiers', 'ctr_annecy-formation', 'ctr_valence-competences'] });
    const annecy = bodyOf(await apiCall(app, 'region', 'GET', '/api/agrements/ctr_annecy-formation')).agrement as { sites: string[]; validUntil: string };
    expect(annecy).toMatchObject({ sites: ['Annecy; site du lac'], validUntil: '2031-02-28' });
    // The same request again (a retry, same key) answers the same and records nothing more.
    const retry = await apiCall(app, 'region', 'POST', '/api/agrements/import', { csv: sample }, key);
    expect([retry.statusCode, retry.body]).toEqual([201, response.body]);
    expect(app.store.appends).toBe(3);
  });

  it('a retried import (same key) is flagged idempotent-replayed as other commands are; a retry that records the lines a crash left out is not', async () => {
    const app = createTestApp();
    const key = { 'idempotency-key': 'import-replayed' };
    const append = app.store.append.bind(app.store);
    let appends = 0;
    // The function dies on the second line's commit: the first line is recorded, the others are not.
    vi.spyOn(app.store, 'append').mockImplementation((...args) => (++appends === 2 ? Promise.reject(new Error('the function died')) : append(...args)));
    expect((await apiCall(app, 'region', 'POST', '/api/agrements/import', { csv: sample }, key)).statusCode).toBe(500);
    const resumed = await apiCall(app, 'region', 'POST', '/api/agrements/import', { csv: sample }, key);
    expect(resumed.statusCode, resumed.body).toBe(201);
    expect(resumed.headers['idempotent-replayed']).toBeUndefined();
    const replayed = await apiCall(app, 'region', 'POST', '/api/agrements/import', { csv: sample }, key);
    expect([replayed.statusCode, replayed.body]).toEqual([201, resumed.body]);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
  });

  it('refuses the whole file when a line is bad, naming each bad line and its column, and writes nothing', async () => {
    const app = createTestApp();
    const lines = sample.trimEnd().split(/\r?\n/);
    const bad = [
      ...lines,
      'ctr_lyon-formation;Lyon Formation;accueil@lyon-formation.example;69;RNCP37674;Lyon 7e;01/01/2026;31/12/2031',
      'ctr_x;X;x@x.example;69;RNCP99999;Lyon;01/01/2026;31/12/2030',
      'ctr_y;Y;pas-une-adresse;69;RNCP37674;Lyon;01/01/2026;31/12/2030',
      'ctr_valence-competences;Valence;v@v.example;26;RNCP37274;Valence;01/01/2026;31/12/2030',
      'ctr_z;Z;z@z.example;69',
    ].join('\n');
    const response = await apiCall(app, 'region', 'POST', '/api/agrements/import', { csv: bad });
    expect(response.statusCode).toBe(400);
    const messages = errorOf(response).fields.map((f) => f.message);
    expect(messages).toEqual([
      'Ligne 7 du fichier, colonne « courriel » : Adresse électronique invalide.',
      'Ligne 8 du fichier : le centre ctr_valence-competences figure déjà ligne 4.',
      'Ligne 9 du fichier : 8 colonnes attendues, 4 trouvées.',
    ]);
    expect(app.writes()).toBe(0);
    // Once the file is well-formed, the domain's refusals come back the same way, line by line.
    const wellFormed = [
      ...lines,
      'ctr_lyon-formation;Lyon Formation;accueil@lyon-formation.example;69;RNCP37674;Lyon 7e;01/01/2026;31/12/2031',
      'ctr_x;X;x@x.example;69;RNCP99999;Lyon;01/01/2026;31/12/2030',
    ].join('\n');
    const refused = await apiCall(app, 'region', 'POST', '/api/agrements/import', { csv: wellFormed });
    expect(refused.statusCode).toBe(400);
    expect(errorOf(refused).fields.map((f) => f.message)).toEqual([
      expect.stringMatching(/^Ligne 5 du fichier : Un agrément est déjà enregistré pour le centre Lyon Formation/),
      'Ligne 6 du fichier : Le titre RNCP99999 est inconnu.',
    ]);
    expect(app.writes()).toBe(0);
  });

  it('refuses a file without the documented header', async () => {
    const app = createTestApp();
    const response = await apiCall(app, 'region', 'POST', '/api/agrements/import', { csv: 'a;b\n1;2' });
    expect(errorOf(response).fields[0]?.message).toMatch(/^Ligne 1 du fichier : colonnes attendues, dans cet ordre : centre;nom du centre;courriel/);
  });
});
