import { describe, expect, it } from 'vitest';
import { apiCall, bodyOf, createTestApp, formPost, pageGet, pageText } from './support/app.js';
import { movableClock } from './support/clock.js';
import { newJurorInput, runToSeals, seedSession } from './support/scenario.js';

/**
 * Convocations sent, then a member designated or a candidate registered: sending again convokes
 * only them (a second convocation, and a second event in a calendar, would confuse those already
 * convoked), and the page says who is still to convoke.
 */
describe('convocations sent again', () => {
  it('given the jury and the candidates convoked, when a member is designated and a candidate registered, then the page names them and sending again convokes only them', async () => {
    const clock = movableClock('2027-01-10T09:00:00.000Z');
    const app = createTestApp(clock);
    const third = await apiCall(app, 'ud', 'POST', '/api/jurors', newJurorInput('Bernard'));
    expect(third.statusCode, third.body).toBe(201);
    const seeded = await seedSession(app);
    const path = `/api/sessions/${seeded.sessionId}`;
    const page = `/centre/sessions/${seeded.sessionId}/convocations`;
    for (const jurorId of seeded.jurorIds) expect((await apiCall(app, 'centre', 'POST', `${path}/jury`, { jurorId, tiedCandidateIds: [] })).statusCode).toBe(200);
    for (const audience of ['jurors', 'candidates']) expect((await formPost(app, 'centre', page, [['audience', audience]])).statusCode).toBe(303);

    const allConvoked = pageText((await pageGet(app, 'centre', page)).body);
    expect(allConvoked).toContain('Tous les membres du jury sont convoqués.');
    expect(allConvoked).toContain('Tous les candidats inscrits sont convoqués.');
    const again = await apiCall(app, 'centre', 'POST', `${path}/convocations`, { audience: 'jurors' });
    expect([again.statusCode, (bodyOf(again).error as { message: string }).message]).toEqual([409, 'Tous les membres du jury ont déjà reçu leur convocation.']);

    const bernard = String(bodyOf(third).jurorId);
    expect((await apiCall(app, 'centre', 'POST', `${path}/jury`, { jurorId: bernard, tiedCandidateIds: [] })).statusCode).toBe(200);
    const registered = await apiCall(app, 'centre', 'POST', `${path}/candidates`, { lastName: 'Roux', firstName: 'Inès', birthDate: '1995-01-30' });
    expect(registered.statusCode, registered.body).toBe(200);
    const ines = (await app.deps.views.getSessionView(seeded.sessionId))?.candidateIds.find((id) => !seeded.candidateIds.includes(id));

    // The session's step is to do again.
    expect(pageText((await pageGet(app, 'centre', `/centre/sessions/${seeded.sessionId}`)).body)).toMatch(
      /Convocations du jury et des candidats<\/a><\/h3> <span class="badge info">À faire/,
    );
    const pending = pageText((await pageGet(app, 'centre', page)).body);
    expect(pending).toContain('Pas encore convoqué : Camille BERNARD.');
    expect(pending).toContain('Pas encore convoqué : ROUX Inès.');
    expect(pending.match(/Convoquer cette personne/g)).toHaveLength(2);

    for (const audience of ['jurors', 'candidates']) expect((await formPost(app, 'centre', page, [['audience', audience]])).statusCode).toBe(303);
    const sent = (await app.store.readStream(`session-${seeded.sessionId}`)).events.flatMap((event) => (event.type === 'ConvocationsSent' ? [event.data] : []));
    expect(sent.map((data) => [data.audience, data.recipientIds])).toEqual([
      ['jurors', seeded.jurorIds],
      ['candidates', seeded.candidateIds],
      ['jurors', [bernard]],
      ['candidates', [ines]],
    ]);
    expect(pageText((await pageGet(app, 'centre', page)).body)).toContain('Tous les membres du jury sont convoqués.');
    expect(pageText((await pageGet(app, 'centre', `/centre/sessions/${seeded.sessionId}`)).body)).toMatch(
      /Convocations du jury et des candidats<\/a><\/h3> <span class="badge ok">Fait/,
    );
  });

  it('given the session started and a member designated after day one to fill a tie gap, when the centre opens the convocations page, then it offers no sending and names that member, told by mail', async () => {
    const clock = movableClock('2027-01-10T09:00:00.000Z');
    const app = createTestApp(clock);
    const third = await apiCall(app, 'ud', 'POST', '/api/jurors', newJurorInput('Bernard'));
    const seeded = await seedSession(app);
    await runToSeals(app, clock, seeded);
    const path = `/api/sessions/${seeded.sessionId}`;
    const tie = await apiCall(app, 'centre', 'POST', `${path}/jury/${seeded.jurorIds[0]}/ties`, { candidateId: seeded.candidateIds[0] });
    expect(tie.statusCode, tie.body).toBe(200);
    expect((await apiCall(app, 'centre', 'POST', `${path}/jury`, { jurorId: String(bodyOf(third).jurorId), tiedCandidateIds: [] })).statusCode).toBe(200);

    const page = await pageGet(app, 'centre', `/centre/sessions/${seeded.sessionId}/convocations`);

    expect(page.statusCode).toBe(200);
    expect(pageText(page.body)).toContain('La session a commencé : les convocations ne s’envoient plus.');
    expect(pageText(page.body)).toContain('Désigné après le début de la session, sans convocation : Camille BERNARD.');
    expect(page.body).not.toContain('name="audience"');
  });
});
