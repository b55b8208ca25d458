import { describe, expect, it } from 'vitest';
import { apiCall, bodyOf, createTestApp, formPost, pageGet, pageText } from './support/app.js';
import { movableClock } from './support/clock.js';
import { newJurorInput, runToSeals, seedSession } from './support/scenario.js';

/**
 * A juror the UD strikes off after day one may not sign the PV: a PV signed by a member no longer
 * habilitated is void. The centre is told on the PV and jury pages, may then remove that member
 * (and only that one) after day one, and fill the gap with a habilitated member.
 */
describe('a jury member struck off by the UD after day one', () => {
  it('given the session started and the UD withdrawing a member’s habilitation on day two, when the centre signs the PV, then it is refused naming the member; once removed through the jury page and replaced, the PV is signed', async () => {
    const clock = movableClock('2027-01-10T09:00:00.000Z');
    const app = createTestApp(clock);
    const third = await apiCall(app, 'ud', 'POST', '/api/jurors', newJurorInput('Bernard'));
    expect(third.statusCode, third.body).toBe(201);
    const seeded = await seedSession(app);
    await runToSeals(app, clock, seeded);
    const [struck, kept] = seeded.jurorIds;
    const [lea, hugo] = seeded.candidateIds;
    const path = `/api/sessions/${seeded.sessionId}`;
    const page = `/centre/sessions/${seeded.sessionId}`;

    clock.set('2027-06-08T09:00:00.000Z');
    const withdrawal = await apiCall(app, 'ud', 'POST', `/api/jurors/${struck}/habilitations/${seeded.habilitationIds[0]}/withdraw`, {
      reason: 'Manquement aux obligations du jury',
    });
    expect(withdrawal.statusCode, withdrawal.body).toBe(200);

    clock.set('2027-06-09T16:00:00.000Z');
    // The PV page warns before anything is typed.
    const pvPage = pageText((await pageGet(app, 'centre', `${page}/pv`)).body);
    expect(pvPage).toContain('L’unité départementale a retiré l’habilitation de <strong>Camille DUPONT</strong> (le 08/06/2027) : ce membre ne peut plus siéger.');
    const sign = (signatoryIds: readonly string[]) =>
      apiCall(app, 'centre', 'POST', `${path}/pv`, {
        decisions: [
          { candidateId: lea, decision: 'titre-obtenu', ccpObtained: [] },
          { candidateId: hugo, decision: 'echec', ccpObtained: [] },
        ],
        signatoryIds,
        documentSha256: 'ab'.repeat(32),
      });
    const refused = await sign(seeded.jurorIds);
    expect(refused.statusCode, refused.body).toBe(422);
    const error = bodyOf(refused).error as { code: string; message: string };
    expect(error.code).toBe('jury.habilitation-withdrawn');
    expect(error.message).toContain('Le procès-verbal ne peut pas être signé : l’habilitation de Camille DUPONT a été retirée (le 08/06/2027)');
    expect(error.message).not.toContain(String(struck));
    expect((await app.deps.views.getSessionView(seeded.sessionId))?.status).toBe('started');

    // The jury page offers to remove the struck-off member only.
    const juryPage = (await pageGet(app, 'centre', `${page}/jury`)).body;
    expect(juryPage).toContain(`href="${page}/jury/${struck}/retrait"`);
    expect(juryPage).not.toContain(`href="${page}/jury/${kept}/retrait"`);
    const keptRemoval = await formPost(app, 'centre', `${page}/jury/${kept}/retrait`, [['reason', 'Indisponible']]);
    expect(keptRemoval.statusCode).toBe(422);
    expect(pageText(keptRemoval.body)).toContain('La session a commencé : le retrait d’un membre du jury n’est plus possible.');
    const removalPage = pageText((await pageGet(app, 'centre', `${page}/jury/${struck}/retrait`)).body);
    expect(removalPage).toContain('Vous retirez <strong>Camille DUPONT</strong> du jury de la session.');
    const removed = await formPost(app, 'centre', `${page}/jury/${struck}/retrait`, [['reason', 'Habilitation retirée par l’unité départementale']]);
    expect([removed.statusCode, removed.headers.location]).toEqual([303, `${page}/jury?ok=jury-retrait`]);

    // One member left: the gap may be filled after day one, and the PV is signed without the struck-off member.
    const assigned = await apiCall(app, 'centre', 'POST', `${path}/jury`, { jurorId: String(bodyOf(third).jurorId), tiedCandidateIds: [] });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(pageText((await pageGet(app, 'centre', `${page}/pv`)).body)).not.toContain('a retiré l’habilitation');
    const signed = await sign([String(kept), String(bodyOf(third).jurorId)]);
    expect(signed.statusCode, signed.body).toBe(200);
  });

  it('given a jury whose members are all habilitated, when the centre opens the jury page before day one, then every member may be removed; after day one, none', async () => {
    const clock = movableClock('2027-01-10T09:00:00.000Z');
    const app = createTestApp(clock);
    const seeded = await seedSession(app);
    const page = `/centre/sessions/${seeded.sessionId}`;
    for (const jurorId of seeded.jurorIds)
      expect((await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/jury`, { jurorId, tiedCandidateIds: [] })).statusCode).toBe(200);
    const before = (await pageGet(app, 'centre', `${page}/jury`)).body;
    for (const jurorId of seeded.jurorIds) expect(before).toContain(`href="${page}/jury/${jurorId}/retrait"`);
    expect(before).not.toContain('a retiré l’habilitation');
    const [first] = seeded.jurorIds;
    const removed = await formPost(app, 'centre', `${page}/jury/${first}/retrait`, [['reason', 'Indisponible']]);
    expect(removed.statusCode, removed.body).toBe(303);
    expect((await app.deps.views.getSessionView(seeded.sessionId))?.jury.map((member) => member.jurorId)).toEqual([seeded.jurorIds[1]]);

    // Designated again, day one done.
    await runToSeals(app, clock, { ...seeded, jurorIds: [String(first)] });
    expect((await pageGet(app, 'centre', `${page}/jury`)).body).not.toContain('/retrait"');
  });

  it('given a PV signed by a jury all habilitated, when the UD withdraws a member’s habilitation afterwards, then the jury page neither warns that the member must be removed nor offers to remove them (the signed PV stands)', async () => {
    const clock = movableClock('2027-01-10T09:00:00.000Z');
    const app = createTestApp(clock);
    const seeded = await seedSession(app);
    await runToSeals(app, clock, seeded);
    const [struck] = seeded.jurorIds;
    const [lea, hugo] = seeded.candidateIds;
    const page = `/centre/sessions/${seeded.sessionId}`;
    clock.set('2027-06-09T16:00:00.000Z');
    const signed = await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/pv`, {
      decisions: [
        { candidateId: lea, decision: 'titre-obtenu', ccpObtained: [] },
        { candidateId: hugo, decision: 'echec', ccpObtained: [] },
      ],
      signatoryIds: seeded.jurorIds,
      documentSha256: 'ab'.repeat(32),
    });
    expect(signed.statusCode, signed.body).toBe(200);

    clock.set('2027-06-12T09:00:00.000Z');
    const withdrawal = await apiCall(app, 'ud', 'POST', `/api/jurors/${struck}/habilitations/${seeded.habilitationIds[0]}/withdraw`, { reason: 'Manquement' });
    expect(withdrawal.statusCode, withdrawal.body).toBe(200);

    const juryPage = pageText((await pageGet(app, 'centre', `${page}/jury`)).body);
    expect(juryPage).not.toContain('Retirez-le du jury');
    expect(juryPage).not.toContain('ne peut plus siéger');
    expect(juryPage).not.toContain('/retrait"');
    // Reached by its address, the removal page says no member may be removed any more, and offers no form.
    const removalPage = pageText((await pageGet(app, 'centre', `${page}/jury/${struck}/retrait`)).body);
    expect(removalPage).toContain('Le procès-verbal est signé : le jury de cette session ne peut plus être modifié.');
    expect(removalPage).not.toContain('Retirer ce membre du jury</button>');
  });

  it('given two members struck off after day one, when the centre opens the PV page, then the warning speaks of both in the plural', async () => {
    const clock = movableClock('2027-01-10T09:00:00.000Z');
    const app = createTestApp(clock);
    const seeded = await seedSession(app);
    await runToSeals(app, clock, seeded);
    clock.set('2027-06-08T09:00:00.000Z');
    for (const [index, jurorId] of seeded.jurorIds.entries()) {
      const withdrawal = await apiCall(app, 'ud', 'POST', `/api/jurors/${jurorId}/habilitations/${seeded.habilitationIds[index]}/withdraw`, { reason: 'Manquement' });
      expect(withdrawal.statusCode, withdrawal.body).toBe(200);
    }
    const pvPage = pageText((await pageGet(app, 'centre', `/centre/sessions/${seeded.sessionId}/pv`)).body);
    expect(pvPage).toContain('(le 08/06/2027) : ces membres ne peuvent plus siéger.');
    expect(pvPage).toContain('>Retirez-les du jury</a>');
    expect(pvPage).not.toContain('ce membre ne peut plus siéger');
  });

  it('given a member convoked before day one, when the centre opens their removal page, then it says the member is told by mail and their calendar updated, not to warn them by hand (the notifier mails them)', async () => {
    const clock = movableClock('2027-01-10T09:00:00.000Z');
    const app = createTestApp(clock);
    const seeded = await seedSession(app);
    const path = `/api/sessions/${seeded.sessionId}`;
    for (const jurorId of seeded.jurorIds) expect((await apiCall(app, 'centre', 'POST', `${path}/jury`, { jurorId, tiedCandidateIds: [] })).statusCode).toBe(200);
    expect((await apiCall(app, 'centre', 'POST', `${path}/convocations`, { audience: 'jurors' })).statusCode).toBe(200);
    const removalPage = pageText((await pageGet(app, 'centre', `/centre/sessions/${seeded.sessionId}/jury/${seeded.jurorIds[0]}/retrait`)).body);
    expect(removalPage).not.toContain('prévenez-le');
    expect(removalPage).toContain('Ce membre en est informé par courriel ; s’il a reçu sa convocation, la session est retirée de son agenda.');
  });
});
