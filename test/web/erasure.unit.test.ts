import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiCall, bodyOf, createTestApp, formPost, freshKey, httpEvent, pageGet, squeezed, type TestApp } from './support/app.js';
import { seedSession, type Seeded } from './support/scenario.js';

/*
 * Erasing a candidate's personal data at their request, through the JSON API and the pages, on the
 * in-memory ports: the event is recorded once, the personal data goes, a refused request writes
 * nothing, and a fault between the event and the erasure is healed by the retry with the same key.
 */

let app: TestApp;
let seeded: Seeded;
let lea: string;
let hugo: string;

beforeEach(async () => {
  app = createTestApp();
  seeded = await seedSession(app);
  [lea = '', hugo = ''] = seeded.candidateIds;
  const granted = await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/accommodations`, { candidateId: lea, adaptation: 'Tiers-temps' });
  expect(granted.statusCode, granted.body).toBe(200);
});

const erasurePath = (candidateId: string) => `/api/sessions/${seeded.sessionId}/candidates/${candidateId}/erasure`;
const erasedEvents = () => (app.store.streams.get(`session-${seeded.sessionId}`) ?? []).filter((event) => event.type === 'CandidatePersonalDataErased');
const erase = (candidateId: string, key = freshKey(), body: unknown = { confirmed: true }) =>
  app.api(
    httpEvent({
      method: 'POST',
      path: erasurePath(candidateId),
      as: 'centre',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    }),
  );

describe('erasure over the JSON API', () => {
  it('given a candidate with an adaptation, when the centre confirms the erasure, then the event names only ids and the identity and adaptation are gone, the other candidate kept', async () => {
    const response = await erase(lea);

    expect(response.statusCode, response.body).toBe(200);
    expect(bodyOf(response)).toMatchObject({ candidateId: lea, events: [{ type: 'CandidatePersonalDataErased' }] });
    expect(response.headers['idempotent-replayed']).toBeUndefined();
    expect(erasedEvents().map((event) => event.data)).toEqual([{ sessionId: seeded.sessionId, candidateId: lea, ground: 'demande-du-candidat' }]);
    expect(app.personalData.candidates.has(lea)).toBe(false);
    expect([...app.personalData.accommodations.values()].filter((entry) => entry.value.candidateId === lea)).toEqual([]);
    expect(app.personalData.candidates.get(hugo)?.value.lastName).toBe('Petit');
  });

  it('refuses a body without the confirmation, or with false, with a French message on the field, and writes nothing', async () => {
    const before = app.writes();
    for (const body of [{}, { confirmed: false }, { confirmed: 'oui' }]) {
      const response = await erase(lea, freshKey(), body);
      expect(response.statusCode, response.body).toBe(400);
      const field = bodyOf(response).error?.fields.find((error) => error.field === 'confirmed');
      expect(field?.message).toMatch(/Cochez la case pour confirmer l’effacement/);
    }
    expect(app.writes()).toBe(before);
    expect(app.personalData.candidates.has(lea)).toBe(true);
  });

  it('answers 404 for a candidate never registered in the session, and writes nothing', async () => {
    const before = app.writes();
    const response = await erase('cand_inconnu-1');
    expect(response.statusCode, response.body).toBe(404);
    expect(bodyOf(response).error?.code).toBe('erasure.candidate-unknown');
    expect(app.writes()).toBe(before);
  });

  it('refuses another centre (as an unknown session), the UD and the region, before reading the body, and writes nothing', async () => {
    const before = app.writes();
    for (const [as, status] of [
      ['centre2', 404],
      ['ud', 403],
      ['region', 403],
    ] as const) {
      const response = await apiCall(app, as, 'POST', erasurePath(lea), { confirmed: true });
      expect(response.statusCode, `${as}: ${response.body}`).toBe(status);
    }
    expect(app.writes()).toBe(before);
    expect(app.personalData.candidates.has(lea)).toBe(true);
  });

  it('given the store fails on the first erasure, when the client retries with the same key, then the data is erased and the event recorded once', async () => {
    const key = freshKey();
    const spy = vi.spyOn(app.personalData, 'eraseCandidate').mockRejectedValueOnce(new Error('personal data table unavailable'));

    const failed = await erase(lea, key);
    expect(failed.statusCode).toBe(500);
    // The event went first: the history already says it, the data is still there.
    expect(erasedEvents()).toHaveLength(1);
    expect(app.personalData.candidates.has(lea)).toBe(true);

    const retried = await erase(lea, key);
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(spy).toHaveBeenCalledTimes(2);
    expect(app.personalData.candidates.has(lea)).toBe(false);
    expect(erasedEvents()).toHaveLength(1);
  });

  it('given a candidate already erased, a new request (another key) records no second event and answers 200', async () => {
    expect((await erase(lea)).statusCode).toBe(200);
    const again = await erase(lea);
    expect(again.statusCode, again.body).toBe(200);
    expect(bodyOf(again)).toMatchObject({ events: [] });
    expect(erasedEvents()).toHaveLength(1);
  });

  it('given Léa erased, GET /api/sessions/{id} flags her erased: true, and not Hugo, whose identity it still gives', async () => {
    const before = bodyOf(await apiCall(app, 'centre', 'GET', `/api/sessions/${seeded.sessionId}`)).candidates;
    expect(before).toEqual([expect.not.objectContaining({ erased: true }), expect.not.objectContaining({ erased: true })]);

    expect((await erase(lea)).statusCode).toBe(200);

    for (const as of ['centre', 'ud', 'region'] as const) {
      const response = await apiCall(app, as, 'GET', `/api/sessions/${seeded.sessionId}`);
      expect(response.statusCode, response.body).toBe(200);
      const candidates = bodyOf(response).candidates as { candidateId: string; erased?: boolean }[];
      expect(
        candidates.find((candidate) => candidate.candidateId === lea),
        as,
      ).toEqual({ candidateId: lea, erased: true });
      expect(candidates.find((candidate) => candidate.candidateId === hugo)?.erased, as).toBeUndefined();
    }
    const centre = bodyOf(await apiCall(app, 'centre', 'GET', `/api/sessions/${seeded.sessionId}`)).candidates;
    expect(centre).toContainEqual(expect.objectContaining({ candidateId: hugo, lastName: 'Petit' }));
  });

  it('erases a candidate of a cancelled session', async () => {
    expect((await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/cancel`, { reason: 'Trop peu de candidats' })).statusCode).toBe(200);
    const response = await erase(hugo);
    expect(response.statusCode, response.body).toBe(200);
    expect(app.personalData.candidates.has(hugo)).toBe(false);
  });
});

describe('erasure through the pages', () => {
  const sessionPath = () => `/centre/sessions/${seeded.sessionId}`;
  const erasurePage = (candidateId: string) => `${sessionPath()}/candidats/${candidateId}/effacement`;

  it('links each candidate of the session page to a confirmation page that says what goes, what stays and that it is final', async () => {
    const session = await pageGet(app, 'centre', sessionPath());
    expect(session.body).toContain(`href="${erasurePage(lea)}"`);
    expect(session.body).toContain(`href="${erasurePage(hugo)}"`);

    const page = await pageGet(app, 'centre', erasurePage(lea));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('MARTIN Léa');
    expect(page.body).toMatch(/identité : nom, prénom, date de naissance/);
    expect(page.body).toMatch(/aménagements d’épreuves/);
    expect(page.body).toContain(lea);
    expect(page.body).toMatch(/L’effacement est définitif/);
    expect(page.body).toMatch(/name="_csrf"/);
    expect(page.body).toMatch(/type="checkbox"[^>]*name="confirmed" value="true"/);
  });

  it('given the box unticked, the form comes back with the message next to it and nothing is written', async () => {
    const before = app.writes();
    const response = await formPost(app, 'centre', erasurePage(lea), []);
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatch(/id="f-confirmed-erreur">Cochez la case pour confirmer l’effacement/);
    expect(app.writes()).toBe(before);
  });

  it('given the box ticked, erases, redirects to the session, and the pages show the candidate as erased', async () => {
    const response = await formPost(app, 'centre', erasurePage(lea), [['confirmed', 'true']]);
    expect(response.statusCode, response.body).toBe(303);
    expect(response.headers.location).toBe(`${sessionPath()}?ok=effacement`);
    expect(app.personalData.candidates.has(lea)).toBe(false);

    const session = await pageGet(app, 'centre', sessionPath(), { ok: 'effacement' });
    expect(session.body).toContain('Les données personnelles du candidat ont été effacées');
    expect(session.body).toContain(`Candidat·e ${lea} (données effacées)`);
    expect(session.body).toContain('PETIT Hugo');
    expect(session.body).not.toContain('MARTIN');
    expect(session.body).not.toContain(`href="${erasurePage(lea)}"`);
    expect((await pageGet(app, 'centre', `${sessionPath()}/amenagements`)).body).not.toContain('Tiers-temps');

    const ud = await pageGet(app, 'ud', `/ud/sessions/${seeded.sessionId}`);
    expect(ud.body).toContain(`Candidat·e ${lea} (données effacées)`);

    const again = await pageGet(app, 'centre', erasurePage(lea));
    expect(again.body).toContain('sont déjà effacées');
    expect(again.body).not.toMatch(/name="confirmed"/);
  });

  it('given Hugo withdrawn, lists him under « Candidats retirés de la session » with the erasure link, erases him through the page, then shows him erased without the link', async () => {
    const withdrawn = await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/candidates/${hugo}/withdraw`, { reason: 'Désistement' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);

    const before = await pageGet(app, 'centre', sessionPath());
    const section = (body: string) => body.slice(body.indexOf('Candidats retirés de la session'));
    expect(before.body).toContain('Candidats retirés de la session');
    expect(section(before.body)).toContain('PETIT Hugo');
    expect(section(before.body)).toContain(`href="${erasurePage(hugo)}"`);
    // Listed once, among the withdrawn only: the table of registered candidates has Léa alone.
    expect(before.body.indexOf(`href="${erasurePage(hugo)}"`)).toBe(before.body.lastIndexOf(`href="${erasurePage(hugo)}"`));
    expect(squeezed(before.body)).toContain('1 candidat </caption>');
    expect((await pageGet(app, 'centre', erasurePage(hugo))).body).toMatch(/type="checkbox"[^>]*name="confirmed" value="true"/);

    const response = await formPost(app, 'centre', erasurePage(hugo), [['confirmed', 'true']]);
    expect(response.statusCode, response.body).toBe(303);
    expect(erasedEvents().map((event) => event.data.candidateId)).toEqual([hugo]);
    expect(app.personalData.candidates.has(hugo)).toBe(false);

    const after = await pageGet(app, 'centre', sessionPath());
    expect(section(after.body)).toContain(`Candidat·e ${hugo} (données effacées)`);
    expect(after.body).not.toContain('PETIT');
    expect(after.body).not.toContain(`href="${erasurePage(hugo)}"`);
    expect(after.body).toContain(`href="${erasurePage(lea)}"`);

    const again = await pageGet(app, 'centre', erasurePage(hugo));
    expect(again.body).toContain('sont déjà effacées');
    expect(again.body).not.toMatch(/name="confirmed"/);
  });

  it('shows no « Candidats retirés » section while nobody was withdrawn, nor to the UD', async () => {
    expect((await pageGet(app, 'centre', sessionPath())).body).not.toContain('Candidats retirés de la session');
    expect((await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/candidates/${hugo}/withdraw`, {})).statusCode).toBe(200);
    expect((await pageGet(app, 'ud', `/ud/sessions/${seeded.sessionId}`)).body).not.toContain('Candidats retirés de la session');
  });

  it('refuses the confirmation page to another centre (as an unknown session) and to the UD', async () => {
    expect((await pageGet(app, 'centre2', erasurePage(lea))).statusCode).toBe(404);
    expect((await pageGet(app, 'ud', erasurePage(lea))).statusCode).toBe(403);
  });
});
