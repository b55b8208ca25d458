import { describe, expect, it } from 'vitest';
import { apiCall, bodyOf, createTestApp, pageGet, pageText } from './support/app.js';
import { movableClock } from './support/clock.js';
import { newJurorInput, runToSeals, seedSession } from './support/scenario.js';

/**
 * A tie declared during the session can leave a candidate with one member free of ties, where the
 * PV needs two evaluators: the PV page says so, and the centre may then add a member.
 */
describe('a tie declared during the session', () => {
  it('given a two-member jury and a tie declared on day one, when the centre opens the PV page, then it names the candidate short of evaluators; once a third member is assigned, the warning is gone and the PV is signed', async () => {
    const clock = movableClock('2027-01-10T09:00:00.000Z');
    const app = createTestApp(clock);
    const third = await apiCall(app, 'ud', 'POST', '/api/jurors', newJurorInput('Bernard'));
    expect(third.statusCode, third.body).toBe(201);
    const seeded = await seedSession(app);
    await runToSeals(app, clock, seeded);
    const [lea, hugo] = seeded.candidateIds;
    const path = `/api/sessions/${seeded.sessionId}`;
    const tie = await apiCall(app, 'centre', 'POST', `${path}/jury/${seeded.jurorIds[0]}/ties`, { candidateId: lea });
    expect(tie.statusCode, tie.body).toBe(200);

    const warned = await pageGet(app, 'centre', `/centre/sessions/${seeded.sessionId}/pv`);
    expect(warned.statusCode).toBe(200);
    expect(pageText(warned.body)).toContain('Il en manque pour MARTIN Léa : désignez un membre supplémentaire');
    expect(pageText(warned.body)).not.toContain('Il en manque pour MARTIN Léa, PETIT Hugo');

    const assigned = await apiCall(app, 'centre', 'POST', `${path}/jury`, { jurorId: String(bodyOf(third).jurorId), tiedCandidateIds: [] });
    expect(assigned.statusCode, assigned.body).toBe(200);
    const clear = await pageGet(app, 'centre', `/centre/sessions/${seeded.sessionId}/pv`);
    expect(pageText(clear.body)).not.toContain('Il en manque pour');

    clock.set('2027-06-09T16:00:00.000Z');
    const signed = await apiCall(app, 'centre', 'POST', `${path}/pv`, {
      decisions: [
        { candidateId: lea, decision: 'titre-obtenu', ccpObtained: [] },
        { candidateId: hugo, decision: 'echec', ccpObtained: [] },
      ],
      signatoryIds: [...seeded.jurorIds, String(bodyOf(third).jurorId)],
      documentSha256: 'ab'.repeat(32),
    });
    expect(signed.statusCode, signed.body).toBe(200);
  });
});
