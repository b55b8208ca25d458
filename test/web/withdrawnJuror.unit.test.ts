import { describe, expect, it } from 'vitest';
import { apiCall, bodyOf, createTestApp } from './support/app.js';
import { movableClock } from './support/clock.js';
import { seedSession } from './support/scenario.js';

/**
 * A juror assigned while habilitated, whose habilitation the UD withdraws before the session: the
 * session does not start with them. Through the API, with each member's habilitations read from
 * their own stream when the seals are checked.
 */
describe('day one with a juror whose habilitation was withdrawn since the assignment', () => {
  it('given both jurors assigned and one habilitation withdrawn by the UD, when the centre checks the seals on day one, then it is refused naming the juror, and nothing is recorded', async () => {
    const clock = movableClock('2027-01-10T09:00:00.000Z');
    const app = createTestApp(clock);
    const seeded = await seedSession(app);
    const path = `/api/sessions/${seeded.sessionId}`;
    for (const jurorId of seeded.jurorIds) expect((await apiCall(app, 'centre', 'POST', `${path}/jury`, { jurorId, tiedCandidateIds: [] })).statusCode).toBe(200);
    const [withdrawnJuror] = seeded.jurorIds;
    const withdrawal = await apiCall(app, 'ud', 'POST', `/api/jurors/${withdrawnJuror}/habilitations/${seeded.habilitationIds[0]}/withdraw`, {
      reason: 'Manquement aux obligations du jury',
    });
    expect(withdrawal.statusCode, withdrawal.body).toBe(200);
    clock.set('2027-06-07T06:00:00.000Z');
    expect((await apiCall(app, 'centre', 'POST', `${path}/plateau`, { durationMinutes: 60, jurorIds: seeded.jurorIds, compliant: true })).statusCode).toBe(200);

    const seals = await apiCall(app, 'centre', 'POST', `${path}/seals`, { presentCandidateIds: seeded.candidateIds, sealsIntact: true });

    expect(seals.statusCode, seals.body).toBe(422);
    const error = bodyOf(seals).error as { code: string; message: string };
    expect(error.code).toBe('jury.habilitation-withdrawn');
    // The juror is named as the centre knows them (Dupont, the first juror seeded), not by id.
    expect(error.message).toContain('l’habilitation de Camille DUPONT a été retirée (le 10/01/2027)');
    expect(error.message).not.toContain(String(withdrawnJuror));
    expect((await app.deps.views.getSessionView(seeded.sessionId))?.status).not.toBe('started');
  });
});
