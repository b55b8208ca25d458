import { describe, expect, it } from 'vitest';
import { apiCall, bodyOf, createTestApp, formPost, pageGet, squeezed, users, type TestApp } from './support/app.js';
import { movableClock } from './support/clock.js';
import { lateSessionInput, runToSeals, seedSession, type Seeded } from './support/scenario.js';

/*
 * What the permission table (shared/domain/permissions.ts) lets a juror do on a session whose jury
 * they sit on, through the HTTP API: declare their own tie with a candidate, report a fraud. A
 * juror off the jury learns nothing (the answer of an unknown id); a tie about another member is
 * refused. Each refusal writes nothing.
 */

const CLAIRE = String(users.juror?.['custom:jurorId']);

interface World {
  readonly app: TestApp;
  readonly seeded: Seeded;
  readonly clock: ReturnType<typeof movableClock>;
}

/** The seeded Lyon session with Claire (the demo juror) on its jury next to the two seeded jurors. */
const world = async (): Promise<World> => {
  const clock = movableClock('2027-02-01T09:00:00.000Z');
  const app = createTestApp(clock);
  const seeded = await seedSession(app);
  const habilitation = { jurorId: CLAIRE, titreCode: 'RNCP37674', department: '69', validFrom: '2026-01-01', validUntil: '2028-06-30', professionalisationDate: '2025-11-15' };
  expect((await apiCall(app, 'ud', 'POST', '/api/jurors', habilitation)).statusCode).toBe(201);
  const assigned = await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/jury`, { jurorId: CLAIRE, tiedCandidateIds: [] });
  expect(assigned.statusCode, assigned.body).toBe(200);
  return { app, seeded, clock };
};

const eventsOf = (app: TestApp, sessionId: string) => app.store.readStream(`session-${sessionId}`).then((read) => read.events);

describe('a juror on the jury, through the API', () => {
  it('declares their own tie with a candidate: recorded, and the candidate is no longer theirs to evaluate', async () => {
    const { app, seeded } = await world();
    const candidateId = seeded.candidateIds[0] ?? '';

    const response = await apiCall(app, 'juror', 'POST', `/api/sessions/${seeded.sessionId}/jury/${CLAIRE}/ties`, { candidateId });

    expect(response.statusCode, response.body).toBe(200);
    expect((bodyOf(response).events as { type: string }[]).map((event) => event.type)).toEqual(['TieDeclared']);
    const tie = (await eventsOf(app, seeded.sessionId)).at(-1);
    expect(tie).toMatchObject({ type: 'TieDeclared', data: { jurorId: CLAIRE, candidateId }, actor: { role: 'juror' } });
    const view = await app.deps.views.getSessionView(seeded.sessionId);
    expect(view?.jury.find((member) => member.jurorId === CLAIRE)?.tiedCandidateIds).toEqual([candidateId]);
  });

  it('reports a fraud during the session, recorded as reported by the jury', async () => {
    const { app, seeded, clock } = await world();
    await runToSeals(app, clock, seeded);
    const candidateId = seeded.candidateIds[1] ?? '';

    const response = await apiCall(app, 'juror', 'POST', `/api/sessions/${seeded.sessionId}/frauds`, { candidateId, facts: 'Téléphone consulté pendant la mise en situation.' });

    expect(response.statusCode, response.body).toBe(200);
    const fraud = (await eventsOf(app, seeded.sessionId)).at(-1);
    expect(fraud).toMatchObject({ type: 'FraudReported', data: { candidateId, reportedBy: 'jury', facts: 'Téléphone consulté pendant la mise en situation.' } });
  });

  it('may not declare a tie for another member of the jury: 403, nothing written', async () => {
    const { app, seeded } = await world();
    const before = app.writes();

    const response = await apiCall(app, 'juror', 'POST', `/api/sessions/${seeded.sessionId}/jury/${seeded.jurorIds[0] ?? ''}/ties`, { candidateId: seeded.candidateIds[0] });

    expect(response.statusCode, response.body).toBe(403);
    expect(bodyOf(response).error?.code).toBe('session.not-own-centre');
    expect(app.writes()).toBe(before);
  });
});

describe('a juror off the jury, through the API', () => {
  it('gets the answer of an unknown session id on the tie and fraud routes, and writes nothing', async () => {
    const { app, seeded } = await world();
    // Lyon's other session: Claire is not on its jury.
    const other = String(bodyOf(await apiCall(app, 'centre', 'POST', '/api/sessions', lateSessionInput)).sessionId);
    const unknown = 'ses_01J0000000000000000000000Z';
    const before = app.writes();

    for (const sessionId of [other, unknown]) {
      const tie = await apiCall(app, 'juror', 'POST', `/api/sessions/${sessionId}/jury/${CLAIRE}/ties`, { candidateId: seeded.candidateIds[0] });
      const fraud = await apiCall(app, 'juror', 'POST', `/api/sessions/${sessionId}/frauds`, { candidateId: seeded.candidateIds[0], facts: 'Faits.' });
      for (const response of [tie, fraud]) {
        expect(response.statusCode, response.body).toBe(404);
        expect(bodyOf(response).error).toEqual({ code: 'session.not-found', message: 'Cette session est introuvable.', fields: [] });
      }
    }
    expect(app.writes()).toBe(before);
  });

  it('still may not run a centre’s command on a session whose jury they sit on (403 before the scope)', async () => {
    const { app, seeded } = await world();
    const before = app.writes();

    const response = await apiCall(app, 'juror', 'POST', `/api/sessions/${seeded.sessionId}/cancel`, { reason: 'Essai' });

    expect(response.statusCode, response.body).toBe(403);
    expect(app.writes()).toBe(before);
  });
});

describe('a juror on the jury, through the pages', () => {
  it('finds the session from « Mes convocations » and declares a tie with a candidate it names (names only: no birth date, no contact)', async () => {
    const { app, seeded } = await world();
    const home = await pageGet(app, 'juror', '/jure');
    expect(home.body).toContain(`href="/jure/sessions/${seeded.sessionId}"`);

    const posted = await formPost(app, 'juror', `/jure/sessions/${seeded.sessionId}/liens`, [['candidateId', seeded.candidateIds[1] ?? '']]);

    expect(posted.statusCode, posted.body).toBe(303);
    expect(posted.headers.location).toBe(`/jure/sessions/${seeded.sessionId}?ok=lien`);
    const page = await pageGet(app, 'juror', `/jure/sessions/${seeded.sessionId}`, { ok: 'lien' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Le lien avec le candidat est déclaré');
    // The leaflet forbids evaluating a candidate one has a link with: the juror must know who the candidates are.
    expect(page.body).toContain('Liens déjà déclarés : PETIT Hugo.');
    expect(squeezed(page.body)).toContain(`<option value="${seeded.candidateIds[0]}">MARTIN Léa</option>`);
    // Nothing else of their identity.
    for (const other of ['1988-07-21', '21/07/1988', '1990-03-12', '12/03/1990', 'hugo@example.org']) expect(page.body).not.toContain(other);
    // A session whose jury she is not on: the page answers as for an unknown session, and names no one.
    const other = String(bodyOf(await apiCall(app, 'centre', 'POST', '/api/sessions', lateSessionInput)).sessionId);
    const outsider = await pageGet(app, 'juror', `/jure/sessions/${other}`);
    expect(outsider.statusCode).toBe(404);
    expect(outsider.body).not.toMatch(/ROUX|Inès/);
  });

  it('reports a fraud from its page; without the facts, the form comes back with a French message on the field and nothing is written', async () => {
    const { app, seeded, clock } = await world();
    await runToSeals(app, clock, seeded);
    const path = `/jure/sessions/${seeded.sessionId}/fraude`;
    const before = app.writes();

    const refused = await formPost(app, 'juror', path, [
      ['candidateId', seeded.candidateIds[0] ?? ''],
      ['facts', ''],
    ]);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toMatch(/id="f-facts-erreur">[^<]*obligatoire/);
    expect(app.writes()).toBe(before);

    const posted = await formPost(app, 'juror', path, [
      ['candidateId', seeded.candidateIds[0] ?? ''],
      ['facts', 'Notes sorties pendant l’entretien.'],
    ]);
    expect(posted.statusCode, posted.body).toBe(303);
    expect((await eventsOf(app, seeded.sessionId)).at(-1)).toMatchObject({ type: 'FraudReported', data: { reportedBy: 'jury' } });
  });

  it('a session off their jury reads as unknown on the page and its forms', async () => {
    const { app } = await world();
    const other = String(bodyOf(await apiCall(app, 'centre', 'POST', '/api/sessions', lateSessionInput)).sessionId);

    expect((await pageGet(app, 'juror', `/jure/sessions/${other}`)).statusCode).toBe(404);
    expect(
      (
        await formPost(app, 'juror', `/jure/sessions/${other}/fraude`, [
          ['candidateId', 'cand_x'],
          ['facts', 'x'],
        ])
      ).statusCode,
    ).toBe(404);
  });
});
