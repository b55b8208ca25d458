import { describe, expect, it } from 'vitest';
import { apiCall, bodyOf, createTestApp, pageGet, pageText } from './support/app.js';
import { movableClock } from './support/clock.js';
import { runToSeals, seedSession, recordStoredPv } from './support/scenario.js';

/**
 * Once the UD rejected the PV, its decisions no longer stand: the session's page must not offer
 * them as « provisoires » (they would become official on validation), but as rejected, until the
 * PV signed again replaces them; its steps (signature, CERES, transmission) are to do again.
 */
describe('the results of a rejected PV', () => {
  it('given a PV rejected by the UD, when the centre opens the session, then its decisions read as rejected, not provisional, and signing, CERES and transmission are to do again, until the PV is signed again', async () => {
    const clock = movableClock('2027-01-10T09:00:00.000Z');
    const app = createTestApp(clock);
    const seeded = await seedSession(app);
    await runToSeals(app, clock, seeded);
    const [lea, hugo] = seeded.candidateIds;
    const path = `/api/sessions/${seeded.sessionId}`;
    const page = `/centre/sessions/${seeded.sessionId}`;
    const sign = (decision: string, sha: string) =>
      apiCall(app, 'centre', 'POST', `${path}/pv`, {
        decisions: [
          { candidateId: lea, decision, ccpObtained: [] },
          { candidateId: hugo, decision: 'echec', ccpObtained: [] },
        ],
        signatoryIds: seeded.jurorIds,
        documentSha256: sha,
      });

    clock.set('2027-06-09T16:00:00.000Z');
    const signed = await sign('titre-obtenu', 'ab'.repeat(32));
    expect(signed.statusCode, signed.body).toBe(200);
    // The PV intake (S3 trigger, another function) records the stored file.
    await recordStoredPv(app, seeded.sessionId, 'ab'.repeat(32), clock.now());
    expect((await apiCall(app, 'centre', 'POST', `${path}/ceres-results`, {})).statusCode).toBe(200);
    expect((await apiCall(app, 'centre', 'POST', `${path}/pv/transmit`, {})).statusCode).toBe(200);
    expect(pageText((await pageGet(app, 'centre', page)).body)).toContain('Résultats provisoires');

    clock.set('2027-06-14T09:00:00.000Z');
    const rejected = await apiCall(app, 'ud', 'POST', `${path}/pv/reject`, { reason: 'Signature manquante page 2' });
    expect(rejected.statusCode, rejected.body).toBe(200);

    const afterRejection = pageText((await pageGet(app, 'centre', page)).body);
    expect(afterRejection).not.toContain('Résultats provisoires');
    expect(afterRejection).toContain('<strong>Décisions rejetées</strong> : l’unité départementale a rejeté le procès-verbal le 14/06/2027.');
    expect(afterRejection).toContain('Ces décisions ne valent pas en l’état : le procès-verbal signé à nouveau, avec les mêmes décisions ou d’autres, les remplacera.');
    expect(afterRejection).toContain('Décision (rejetée)');
    // Signing, entering in CERES and transmitting are to do again.
    expect(afterRejection).toMatch(/procès-verbal signé à nouveau \(PV rejeté\)<\/a><\/h3> <span class="badge info">À faire/);
    expect(afterRejection).toMatch(/Résultats saisis dans CERES<\/a><\/h3> <span class="badge info">À faire/);
    expect(afterRejection).toMatch(/PV transmis à l’unité départementale<\/a><\/h3> <span class="badge info">À faire/);
    const json = bodyOf(await apiCall(app, 'centre', 'GET', path));
    expect((json.session as { results: { status: string } }).results.status).toBe('rejected');

    clock.set('2027-06-15T09:00:00.000Z');
    const signedAgain = await sign('echec', 'cd'.repeat(32));
    expect(signedAgain.statusCode, signedAgain.body).toBe(200);
    const afterSigning = pageText((await pageGet(app, 'centre', page)).body);
    expect(afterSigning).toContain('Résultats provisoires');
    expect(afterSigning).not.toContain('Décisions rejetées');
    expect(afterSigning).toMatch(/Décisions et procès-verbal signé<\/a><\/h3> <span class="badge ok">Fait/);
    expect(afterSigning).toMatch(/Résultats saisis dans CERES<\/a><\/h3> <span class="badge info">À faire/);
    expect((bodyOf(await apiCall(app, 'centre', 'GET', path)).session as { results: { status: string } }).results.status).toBe('provisional');
  });
});
