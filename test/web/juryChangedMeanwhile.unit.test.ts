import { describe, expect, it } from 'vitest';
import type { EventStore } from '../../shared/eventStore/port.js';
import { apiCall, bodyOf, createTestApp } from './support/app.js';
import { movableClock } from './support/clock.js';
import { newJurorInput, runToSeals, seedSession } from './support/scenario.js';

/**
 * A command that reads other streams to be decided (the PV's signature reads every jury member's
 * habilitations) is decided again when another command lands on the session in between: it must be
 * built again for the jury it is then decided against, else a member designated meanwhile signs
 * unchecked.
 */
const signWhileJuryChanges = async (strikeOff: boolean) => {
  const clock = movableClock('2027-01-10T09:00:00.000Z');
  const app = createTestApp(clock);
  const third = await apiCall(app, 'ud', 'POST', '/api/jurors', newJurorInput('Bernard'));
  expect(third.statusCode, third.body).toBe(201);
  const thirdId = String(bodyOf(third).jurorId);
  const thirdHabilitation = (await app.deps.views.getJurorView(thirdId))?.habilitations[0]?.habilitationId;
  const seeded = await seedSession(app);
  await runToSeals(app, clock, seeded);
  const [first, second] = seeded.jurorIds;
  const [lea, hugo] = seeded.candidateIds;
  const path = `/api/sessions/${seeded.sessionId}`;
  clock.set('2027-06-09T16:00:00.000Z');

  // Another tab, while the signature is on its way to the store: a tie of the second member opens
  // a gap, the third member fills it (and the UD strikes them off).
  const store = app.store as EventStore;
  const append = store.append.bind(store);
  let rivalDone = false;
  store.append = async (...args) => {
    const [, , events] = args;
    if (!rivalDone && events.some((event) => event.type === 'PVSigned')) {
      rivalDone = true;
      const tie = await apiCall(app, 'centre', 'POST', `${path}/jury/${second}/ties`, { candidateId: lea });
      expect(tie.statusCode, tie.body).toBe(200);
      const filled = await apiCall(app, 'centre', 'POST', `${path}/jury`, { jurorId: thirdId, tiedCandidateIds: [] });
      expect(filled.statusCode, filled.body).toBe(200);
      if (strikeOff) {
        const withdrawn = await apiCall(app, 'ud', 'POST', `/api/jurors/${thirdId}/habilitations/${thirdHabilitation}/withdraw`, { reason: 'Manquement aux obligations du jury' });
        expect(withdrawn.statusCode, withdrawn.body).toBe(200);
      }
    }
    return append(...args);
  };

  const signed = await apiCall(app, 'centre', 'POST', `${path}/pv`, {
    decisions: [
      { candidateId: lea, decision: 'titre-obtenu', ccpObtained: [] },
      { candidateId: hugo, decision: 'echec', ccpObtained: [] },
    ],
    signatoryIds: [first, second],
    documentSha256: 'ab'.repeat(32),
  });
  expect(rivalDone).toBe(true);
  return { app, signed, seeded, thirdId };
};

describe('the PV signed while the jury changes', () => {
  it('given a member designated (to fill a gap a tie opened) and struck off by the UD while the PV was being signed, when the signature is decided again, then it is refused naming that member, not signed unchecked', async () => {
    const { app, signed, seeded } = await signWhileJuryChanges(true);

    expect(signed.statusCode, signed.body).toBe(422);
    const error = bodyOf(signed).error as { code: string; message: string };
    expect(error.code).toBe('jury.habilitation-withdrawn');
    expect(error.message).toContain('Le procès-verbal ne peut pas être signé : l’habilitation de Camille BERNARD a été retirée');
    expect((await app.deps.views.getSessionView(seeded.sessionId))?.status).toBe('started');
  });

  it('given a tie declared and a member designated to fill its gap while the PV was being signed, when the signature is decided again, then it asks for the new member’s signature (the jury as it now is), not for a tie of the jury it was first built for', async () => {
    const { app, signed, seeded } = await signWhileJuryChanges(false);

    expect(signed.statusCode, signed.body).toBe(422);
    const error = bodyOf(signed).error as { code: string; message: string };
    expect(error.code).toBe('pv.missing-signature');
    expect(error.message).toBe('Le procès-verbal doit être signé par tous les membres du jury : il manque la signature de Camille BERNARD.');
    expect((await app.deps.views.getSessionView(seeded.sessionId))?.status).toBe('started');
  });
});
