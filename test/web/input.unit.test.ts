import { beforeAll, describe, expect, it, vi } from 'vitest';
import { apiCall, bodyOf, createTestApp, formPost, freshKey, httpEvent, pageGet, squeezed, type TestApp } from './support/app.js';
import { newJurorInput, seedSession, type Seeded } from './support/scenario.js';

let app: TestApp;
let seeded: Seeded;

beforeAll(async () => {
  app = createTestApp();
  seeded = await seedSession(app);
});

const validSession = {
  ceresReference: 'CERES-1',
  titreCode: 'RNCP37674',
  startDate: '2027-09-01',
  endDate: '2027-09-02',
  site: 'Lyon 7e',
  candidates: [{ lastName: 'A', firstName: 'B', birthDate: '1990-01-01' }],
};

describe('bad input costs a 4xx with French field messages and writes nothing', () => {
  it.each([
    ['a wrong type', { ...validSession, candidates: 'Martin' }, 'candidates', /liste/],
    ['an unknown field', { ...validSession, admin: true }, 'admin', /Champ inconnu/],
    ['a date that does not exist', { ...validSession, startDate: '2027-02-30' }, 'startDate', /n'existe pas/],
    ['a missing field', { ...validSession, site: undefined }, 'site', /obligatoire/],
    ['an empty text', { ...validSession, site: '   ' }, 'site', /obligatoire/],
    ['a nested wrong type', { ...validSession, candidates: [{ lastName: 'A', firstName: 'B', birthDate: 19900101 }] }, 'candidates.0.birthDate', /texte/],
  ])('%s', async (_name, body, field, message) => {
    const before = app.writes();
    const response = await apiCall(app, 'centre', 'POST', '/api/sessions', body);
    expect(response.statusCode).toBe(400);
    const error = bodyOf(response).error;
    expect(error?.fields.find((f) => f.field === field)?.message).toMatch(message);
    expect(app.writes()).toBe(before);
  });

  it('a write without an idempotency key is refused', async () => {
    const before = app.writes();
    const response = await app.api(
      httpEvent({ method: 'POST', path: '/api/sessions', as: 'centre', headers: { 'content-type': 'application/json' }, body: JSON.stringify(validSession) }),
    );
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error?.code).toBe('idempotency.key-missing');
    expect(app.writes()).toBe(before);
  });

  it('a multipart body is refused by the JSON API (only the pages take file uploads)', async () => {
    const before = app.writes();
    const boundary = 'B0und';
    const body = [`--${boundary}`, 'Content-Disposition: form-data; name="site"', '', 'Lyon 7e', `--${boundary}--`, ''].join('\r\n');
    const headers = { 'content-type': `multipart/form-data; boundary=${boundary}`, 'idempotency-key': freshKey() };
    const response = await app.api(httpEvent({ method: 'POST', path: '/api/sessions', as: 'centre', headers, body }));
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error?.fields[0]?.message).toBe('Type de contenu non pris en charge : JSON ou formulaire attendu.');
    expect(app.writes()).toBe(before);
  });

  it('a session or a juror the domain refuses stores no name: the identities are written only once the command is accepted', async () => {
    const before = [app.personalData.writes, app.personalData.candidates.size, app.personalData.jurors.size];
    const session = await apiCall(app, 'centre', 'POST', '/api/sessions', { ...validSession, site: 'Marseille' });
    expect(session.statusCode, session.body).toBe(422);
    // An habilitation that ends before it begins.
    const juror = await apiCall(app, 'ud', 'POST', '/api/jurors', { ...newJurorInput('Durand'), validFrom: '2027-06-30', validUntil: '2026-01-01' });
    expect(juror.statusCode, juror.body).toBe(422);
    expect([app.personalData.writes, app.personalData.candidates.size, app.personalData.jurors.size]).toEqual(before);
  });

  it('a rule of the domain answers 422 with its French message', async () => {
    const response = await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/pv/transmit`, {});
    expect(response.statusCode).toBe(422);
    expect(bodyOf(response).error?.message).toMatch(/[éà]/);
  });
});

describe('idempotency', () => {
  it('given the same key twice, then one write and the same answer', async () => {
    const key = freshKey();
    const send = () =>
      apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/candidates`, { lastName: 'Roux', firstName: 'Inès', birthDate: '1995-05-05' }, { 'idempotency-key': key });
    const [events, personal] = [app.store.appends, app.personalData.writes];
    const first = await send();
    const second = await send();
    expect(first.statusCode, first.body).toBe(200);
    expect(second.body).toBe(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect([app.store.appends, app.personalData.writes]).toEqual([events + 1, personal + 1]);
  });

  it('given a session creation that died after saving the names and before its commit, when retried with the same key, then the session is created once, under the id and candidate ids the first attempt used', async () => {
    const key = freshKey();
    const send = () => apiCall(app, 'centre', 'POST', '/api/sessions', { ...validSession, ceresReference: 'CERES-CRASH' }, { 'idempotency-key': key });
    const namesBefore = app.personalData.candidates.size;
    vi.spyOn(app.store, 'append').mockRejectedValueOnce(new Error('the function died'));
    const first = await send();
    expect(first.statusCode).toBe(500);
    expect(app.personalData.candidates.size).toBe(namesBefore + 1);
    const retried = await send();
    expect(retried.statusCode, retried.body).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    // The names the first attempt saved are those the session names: nothing orphaned, nothing twice.
    expect(app.personalData.candidates.size).toBe(namesBefore + 1);
    const created = [...app.store.streams.values()].flat().filter((event) => event.type === 'SessionCreated' && event.data.ceresReference === 'CERES-CRASH');
    expect(created.map((event) => event.streamId)).toEqual([`session-${String(bodyOf(retried).sessionId)}`]);
    expect((await send()).body).toBe(retried.body);
  });

  it('given a key reused for other data, then 422 and no write', async () => {
    const key = freshKey();
    await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/accommodations`, { candidateId: seeded.candidateIds[0], adaptation: 'A' }, { 'idempotency-key': key });
    const before = app.writes();
    const reused = await apiCall(
      app,
      'centre',
      'POST',
      `/api/sessions/${seeded.sessionId}/accommodations`,
      { candidateId: seeded.candidateIds[0], adaptation: 'B' },
      { 'idempotency-key': key },
    );
    expect(reused.statusCode).toBe(422);
    expect(app.writes()).toBe(before);
  });

  it('given a double click on a form, then one write and the same redirect', async () => {
    const key = freshKey();
    const post = () =>
      formPost(
        app,
        'centre',
        `/centre/sessions/${seeded.sessionId}/amenagements`,
        [
          ['candidateId', seeded.candidateIds[1] ?? ''],
          ['adaptation', 'Tiers-temps'],
        ],
        { key },
      );
    const before = app.store.appends;
    const [first, second] = [await post(), await post()];
    expect(first.statusCode).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    expect(app.store.appends).toBe(before + 1);
  });
});

describe('forms', () => {
  it('given errors, the form comes back with what was typed and each error linked to its field', async () => {
    const response = await formPost(app, 'centre', '/centre/sessions', [
      ['ceresReference', 'CERES-9'],
      ['titreCode', 'RNCP37674'],
      ['startDate', '31/02/2027'],
      ['endDate', '02/03/2027'],
      ['site', '<img src=x onerror=alert(1)>'],
      ['candidates.0.lastName', 'Durand'],
      ['candidates.0.firstName', 'Zoé'],
      ['candidates.0.birthDate', 'hier'],
    ]);
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('<a href="#f-startDate">Date de début : Cette date n&#39;existe pas.</a>');
    expect(response.body).toContain('<a href="#f-candidates-0-birthDate">Date de naissance, ligne 1 : ');
    expect(response.body).toContain('href="#f-candidates-0-birthDate"');
    expect(squeezed(response.body)).toMatch(
      /id="f-startDate" name="startDate" type="date" value="31\/02\/2027"[^>]*aria-describedby="f-startDate-aide f-startDate-erreur" aria-invalid="true"/,
    );
    expect(response.body).toContain('value="Zoé"');
    expect(response.body).toContain('value="&lt;img src=x onerror=alert(1)&gt;"');
    expect(response.body).not.toContain('<img src=x');
  });

  it('a CSV import creates the candidates; a bad line points at the file with its number', async () => {
    const boundary = 'b0undary';
    const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const post = (csv: string) =>
      app.pages(
        httpEvent({
          method: 'POST',
          path: '/centre/sessions',
          cookieOf: 'centre',
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, accept: 'text/html' },
          body:
            part('_csrf', csrf) +
            part('idempotencyKey', freshKey()) +
            part('ceresReference', 'CERES-CSV') +
            part('titreCode', 'RNCP37674') +
            part('startDate', '2027-10-04') +
            part('endDate', '2027-10-05') +
            part('site', 'Villeurbanne') +
            `--${boundary}\r\nContent-Disposition: form-data; name="candidatesCsv"; filename="c.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`,
        }),
      );
    const csrf = (await import('../../shared/http/csrf.js')).csrfTokenFor('centre');
    const bad = await post('nom;prénom;date de naissance\nMartin;Léa;12/03/1990\nPetit;Hugo;31/02/1988\n');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Ligne 3 du fichier : Cette date n&#39;existe pas.');
    const good = await post('nom;prénom;date de naissance\nMartin;Léa;12/03/1990\nPetit;Hugo;21/07/1988\n');
    expect(good.statusCode, good.body).toBe(303);
    const sessionId = (good.headers.location ?? '').split('/')[3]?.split('?')[0] ?? '';
    expect((await app.deps.views.getSessionView(sessionId))?.candidateCount).toBe(2);
  });

  it('text typed by a user is escaped wherever it is shown', async () => {
    await formPost(app, 'centre', `/centre/sessions/${seeded.sessionId}/amenagements`, [
      ['candidateId', seeded.candidateIds[0] ?? ''],
      ['adaptation', '<script>alert(1)</script>'],
    ]);
    const page = await pageGet(app, 'centre', `/centre/sessions/${seeded.sessionId}/amenagements`);
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain('<script>alert');
  });

  it('health data is shown to the centre only: the UD reads names, never adaptations', async () => {
    const forUd = bodyOf(await apiCall(app, 'ud', 'GET', `/api/sessions/${seeded.sessionId}`));
    expect(forUd.accommodations).toEqual([]);
    expect(JSON.stringify(forUd.candidates)).toContain('Martin');
    const forRegion = bodyOf(await apiCall(app, 'region', 'GET', `/api/sessions/${seeded.sessionId}`));
    expect(JSON.stringify(forRegion.candidates)).not.toContain('Martin');
  });
});
