import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleTitres } from '../support/titres.js';
import { csrfTokenFor } from '../../shared/http/csrf.js';
import { apiCall, bodyOf, createTestApp, freshKey, httpEvent, pageGet, squeezed } from './support/app.js';

/*
 * The titres as data: a regional direction imports France Compétences' RNCP export (the fiches and
 * their blocks of skills); the habilitation rule, the forms and the agréments read what was
 * recorded. The test app starts with the four sample titres recorded, as `npm start` imports them.
 */

const sample = (name: string) => readFileSync(new URL(`../../docs/samples/rncp/${name}`, import.meta.url), 'utf8');
const fiches = sample('export_fiches_CSV_Standard_echantillon.csv');
const blocs = sample('export_fiches_CSV_Blocs_De_Competences_echantillon.csv');

/** The sample fiches with RNCP37674 revised on 1 October 2026 and registered until 30 September 2031. */
const revisedFiches = fiches.replace('19/07/2028;01/09/2023', '30/09/2031;01/10/2026');

describe('importing the RNCP export', () => {
  it('the sample export holds exactly the sample titres: importing it over them records nothing, and the BTS is left out', async () => {
    const app = createTestApp();
    const response = await apiCall(app, 'region', 'POST', '/api/titres/import', { fiches, blocs });
    expect(response.statusCode, response.body).toBe(200);
    expect(bodyOf(response)).toEqual({ titres: 4, recorded: 0, unchanged: 4 });
    expect(app.writes()).toBe(0);
    const listed = bodyOf(await apiCall(app, 'centre', 'GET', '/api/titres')).items as { code: string; label: string; ccps: unknown[]; validUntil: string; revisedOn?: string }[];
    expect(listed.map(({ code, label, ccps, validUntil, revisedOn }) => ({ code, label, ccps, validUntil, revisedOn }))).toEqual(
      [...sampleTitres].sort((a, b) => a.code.localeCompare(b.code)).map(({ code, label, ccps, validUntil, revisedOn }) => ({ code, label, ccps, validUntil, revisedOn })),
    );
  });

  it('a retried import (same key) answers the same, flagged idempotent-replayed as other commands are; the first answer is not', async () => {
    const app = createTestApp();
    const key = { 'idempotency-key': 'import-titres-replayed' };
    const first = await apiCall(app, 'region', 'POST', '/api/titres/import', { fiches: revisedFiches, blocs }, key);
    expect(bodyOf(first)).toEqual({ titres: 4, recorded: 1, unchanged: 3 });
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const retry = await apiCall(app, 'region', 'POST', '/api/titres/import', { fiches: revisedFiches, blocs }, key);
    expect([retry.statusCode, retry.body]).toEqual([200, first.body]);
    expect(retry.headers['idempotent-replayed']).toBe('true');
  });

  it('a revision in the export is recorded, listed with the earlier one, and read at once by the habilitation rule and form', async () => {
    const app = createTestApp();
    const response = await apiCall(app, 'region', 'POST', '/api/titres/import', { fiches: revisedFiches, blocs });
    expect(bodyOf(response)).toEqual({ titres: 4, recorded: 1, unchanged: 3 });
    const titre = (bodyOf(await apiCall(app, 'ud', 'GET', '/api/titres')).items as { code: string; revisions: string[]; validUntil: string }[]).find((t) => t.code === 'RNCP37674');
    expect(titre).toMatchObject({ revisions: ['2023-09-01', '2026-10-01'], validUntil: '2031-09-30' });
    // Revised on 1 October 2026: a professionalisation of 1 October 2024 is now too old.
    const habilitation = (professionalisationDate: string) =>
      apiCall(app, 'ud', 'POST', '/api/jurors', {
        lastName: 'Dupont',
        firstName: 'Claire',
        email: `claire.${professionalisationDate}@jury.example`,
        titreCode: 'RNCP37674',
        department: '69',
        validFrom: '2027-01-01',
        validUntil: '2030-06-30',
        professionalisationDate,
      });
    const refused = await habilitation('2024-10-01');
    expect(refused.statusCode).toBe(422);
    expect(bodyOf(refused).error?.message).toContain('révisé le 01/10/2026');
    expect((await habilitation('2024-10-02')).statusCode).toBe(201);
    const form = squeezed((await pageGet(app, 'ud', '/ud/jures')).body);
    expect(form).toContain('<th scope="row">Développeur web et web mobile (RNCP37674)</th><td>01/10/2026</td><td>après le 01/10/2024');
  });

  it('a titre the export adds can be named in an agrément; before, it is unknown', async () => {
    const app = createTestApp();
    const amend = () =>
      apiCall(app, 'region', 'POST', '/api/agrements/ctr_lyon-formation', {
        titreCodes: ['RNCP37674', 'RNCP38000'],
        sites: ['Lyon 7e'],
        validFrom: '2026-01-01',
        validUntil: '2031-12-31',
        reason: 'Nouveau titre',
      });
    expect(bodyOf(await amend()).error?.message).toBe('Le titre RNCP38000 est inconnu.');
    const added = await apiCall(app, 'region', 'POST', '/api/titres/import', {
      fiches: `${fiches.trimEnd()}\r\n38000;RNCP38000;Technicien d'assistance en informatique;TP;Titre professionnel;NIV4;Niveau 4;Non;Non;;;01/10/2028;01/10/2023;Enregistrement de droit;Oui;ACTIVE\r\n`,
      blocs: `${blocs.trimEnd()}\r\nRNCP38000;RNCP38000BC01;Assister les utilisateurs\r\n`,
    });
    expect(bodyOf(added)).toEqual({ titres: 5, recorded: 1, unchanged: 4 });
    expect((await amend()).statusCode).toBe(200);
  });

  it('refuses files without the export’s columns, or with a bad line, naming the file and the line, and writes nothing', async () => {
    const app = createTestApp();
    const columns = await apiCall(app, 'region', 'POST', '/api/titres/import', { fiches: 'Numero_Fiche;Intitule\nRNCP1;X', blocs });
    expect(columns.statusCode).toBe(400);
    expect(bodyOf(columns).error?.fields).toEqual([
      { field: 'fiches', message: 'Fichier des fiches, ligne 1 : colonnes manquantes : Abrege_Libelle, Date_Fin_Enregistrement, Date_Effet.' },
    ]);
    const badDate = await apiCall(app, 'region', 'POST', '/api/titres/import', { fiches: revisedFiches.replace('18/12/2028', '31/12/28'), blocs });
    expect(bodyOf(badDate).error?.fields).toEqual([
      { field: 'fiches', message: 'Fichier des fiches, ligne 3 : date de fin d’enregistrement du titre RNCP37873 invalide (jj/mm/aaaa attendu).' },
    ]);
    expect(app.writes()).toBe(0);
  });

  describe('size: each file up to the 2 Mo the form states, both in one request', () => {
    /** The file grown to `bytes` with copies of its last line (a BTS fiche, or its block: left out of the import). */
    const grown = (file: string, bytes: number) => {
      const lines = file.trimEnd().split('\n');
      const last = `${lines.at(-1) ?? ''}\n`;
      return `${lines.join('\n')}\n${last.repeat(Math.floor((bytes - Buffer.byteLength(file) - 1) / Buffer.byteLength(last)))}`;
    };
    const bigFiches = grown(revisedFiches, 1_990_000);
    const bigBlocs = grown(blocs, 1_990_000);
    const multipart = (parts: Record<string, string>) =>
      [
        `--b\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrfTokenFor('region')}\r\n`,
        `--b\r\nContent-Disposition: form-data; name="idempotencyKey"\r\n\r\n${freshKey()}\r\n`,
      ]
        .concat(
          Object.entries(parts).map(
            ([name, content]) => `--b\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.csv"\r\nContent-Type: text/csv\r\n\r\n${content}\r\n`,
          ),
        )
        .concat('--b--\r\n')
        .join('');
    // API Gateway passes a multipart body in base64.
    const pagePost = (app: ReturnType<typeof createTestApp>, parts: Record<string, string>) =>
      app.pages(
        httpEvent({
          method: 'POST',
          path: '/titres/import',
          cookieOf: 'region',
          headers: { 'content-type': 'multipart/form-data; boundary=b', accept: 'text/html' },
          body: Buffer.from(multipart(parts)).toString('base64'),
          base64: true,
        }),
      );

    it('two files just under 2 Mo each go through, from the API (JSON) and from the page (multipart in base64)', async () => {
      expect([Buffer.byteLength(bigFiches), Buffer.byteLength(bigBlocs)].every((size) => size > 1_900_000 && size <= 2_000_000)).toBe(true);
      const api = await apiCall(createTestApp(), 'region', 'POST', '/api/titres/import', { fiches: bigFiches, blocs: bigBlocs });
      expect([api.statusCode, bodyOf(api)]).toEqual([200, { titres: 4, recorded: 1, unchanged: 3 }]);
      const page = await pagePost(createTestApp(), { fiches: bigFiches, blocs: bigBlocs });
      expect([page.statusCode, page.headers.location]).toEqual([303, '/titres?ok=titres']);
    });

    it('a file over 2 Mo is told so on its field; a request over the limit is refused (413) with the real limit, in French, and it leaves room for two files of 2 Mo', async () => {
      const over = await apiCall(createTestApp(), 'region', 'POST', '/api/titres/import', { fiches: grown(revisedFiches, 2_100_000), blocs });
      expect(bodyOf(over).error?.fields).toEqual([{ field: 'fiches', message: 'Le fichier dépasse 2 Mo : ne gardez que les titres professionnels (TP).' }]);
      const huge = await apiCall(createTestApp(), 'region', 'POST', '/api/titres/import', { fiches: grown(revisedFiches, 2_500_000), blocs: grown(blocs, 2_500_000) });
      expect([huge.statusCode, bodyOf(huge).error?.message]).toEqual([413, 'La requête dépasse la taille autorisée (4,4 Mo).']);
      const page = await pagePost(createTestApp(), { fiches: grown(revisedFiches, 2_500_000), blocs: grown(blocs, 2_500_000) });
      expect(page.statusCode).toBe(413);
      expect(page.body).toContain('La requête dépasse la taille autorisée (4,4 Mo).');
    });

    it('a file of fewer than 2 million characters but more than 2 Mo in UTF-8 (accented text) is told it is over 2 Mo', async () => {
      const accented = `${revisedFiches}${'é'.repeat(1_050_000)}`;
      expect([accented.length < 2_000_000, Buffer.byteLength(accented) > 2_000_000]).toEqual([true, true]);
      const app = createTestApp();
      const over = await apiCall(app, 'region', 'POST', '/api/titres/import', { fiches: accented, blocs });
      expect([over.statusCode, bodyOf(over).error?.fields]).toEqual([
        400,
        [{ field: 'fiches', message: 'Le fichier dépasse 2 Mo : ne gardez que les titres professionnels (TP).' }],
      ]);
      expect(app.writes()).toBe(0);
    });

    it('the other routes keep their limits, stated in their messages: 256 Ko for the JSON API', async () => {
      const response = await apiCall(createTestApp(), 'centre', 'POST', '/api/sessions', { site: 'x'.repeat(300 * 1024) });
      expect([response.statusCode, bodyOf(response).error?.message]).toEqual([413, 'La requête dépasse la taille autorisée (256 Ko).']);
    });
  });

  it('is for the regional directions only', async () => {
    const app = createTestApp();
    expect((await apiCall(app, 'ud', 'POST', '/api/titres/import', { fiches, blocs })).statusCode).toBe(403);
    expect((await apiCall(app, 'centre', 'POST', '/api/titres/import', { fiches, blocs })).statusCode).toBe(403);
  });

  it('the region imports the two files through its page; the UD reads the list without the form', async () => {
    const app = createTestApp();
    const boundary = 'rncp';
    const file = (name: string, content: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.csv"\r\nContent-Type: text/csv\r\n\r\n${content}\r\n`;
    const response = await app.pages(
      httpEvent({
        method: 'POST',
        path: '/titres/import',
        cookieOf: 'region',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, accept: 'text/html' },
        body:
          `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrfTokenFor('region')}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="idempotencyKey"\r\n\r\n${freshKey()}\r\n` +
          file('fiches', revisedFiches) +
          file('blocs', blocs) +
          `--${boundary}--\r\n`,
      }),
    );
    expect(response.statusCode, response.body).toBe(303);
    expect(response.headers.location).toBe('/titres?ok=titres');
    const page = squeezed((await pageGet(app, 'region', '/titres', { ok: 'titres' })).body);
    expect(page).toContain('<th scope="row">Développeur web et web mobile (RNCP37674)</th>');
    expect(page).toContain('01/09/2023, 01/10/2026');
    expect(page).toContain('action="/titres/import"');
    expect((await pageGet(app, 'ud', '/titres')).body).not.toContain('action="/titres/import"');
  });
});
