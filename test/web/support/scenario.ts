import { expect } from 'vitest';
import { apiCall, bodyOf, type TestApp } from './app.js';

export interface Seeded {
  readonly sessionId: string;
  readonly candidateIds: readonly string[];
  readonly jurorIds: readonly string[];
  readonly habilitationIds: readonly string[];
}

/** What the UD types to habilitate a new juror of the Rhône for RNCP37674. */
export const newJurorInput = (lastName: string) => ({
  lastName,
  firstName: 'Camille',
  email: `${lastName.toLowerCase()}@jury.example`,
  titreCode: 'RNCP37674',
  department: '69',
  validFrom: '2026-01-01',
  validUntil: '2028-06-30',
  professionalisationDate: '2025-11-15',
});

/** What the UD types to habilitate a juror whose identity is recorded already (the demo's Claire Dupont), for RNCP37674 in the Rhône. */
export const knownJurorInput = (jurorId: string) => ({
  jurorId,
  titreCode: 'RNCP37674',
  department: '69',
  validFrom: '2026-01-01',
  validUntil: '2028-06-30',
  professionalisationDate: '2025-11-15',
});

/** Two habilitated jurors in the Rhône and a session of Lyon Formation with two candidates. */
export const seedSession = async (app: TestApp): Promise<Seeded> => {
  const jurorIds: string[] = [];
  for (const name of ['Dupont', 'Moreau']) {
    const response = await apiCall(app, 'ud', 'POST', '/api/jurors', newJurorInput(name));
    expect(response.statusCode, response.body).toBe(201);
    jurorIds.push(String(bodyOf(response).jurorId));
  }
  const programme = await apiCall(app, 'centre', 'POST', '/api/programmes/2027', {
    sessions: [{ titreCode: 'RNCP37674', expectedStart: '2027-06-07', expectedEnd: '2027-06-09', expectedCandidates: 2 }],
  });
  expect(programme.statusCode, programme.body).toBe(200);
  const created = await apiCall(app, 'centre', 'POST', '/api/sessions', {
    ceresReference: 'CERES-2027-0042',
    titreCode: 'RNCP37674',
    startDate: '2027-06-07',
    endDate: '2027-06-09',
    site: 'Lyon 7e',
    candidates: [
      { lastName: 'Martin', firstName: 'Léa', birthDate: '1990-03-12' },
      { lastName: 'Petit', firstName: 'Hugo', birthDate: '1988-07-21', email: 'hugo@example.org' },
    ],
  });
  expect(created.statusCode, created.body).toBe(201);
  const sessionId = String(bodyOf(created).sessionId);
  const view = await app.deps.views.getSessionView(sessionId);
  const habilitationIds = await Promise.all(jurorIds.map(async (id) => (await app.deps.views.getJurorView(id))?.habilitations[0]?.habilitationId ?? ''));
  return { sessionId, candidateIds: view?.candidateIds ?? [], jurorIds, habilitationIds };
};

/** A session created on 1 February 2027 for 12 April: less than three months ahead, so the UD gets a mail. */
export const lateSessionInput = {
  ceresReference: 'CERES-2027-0077',
  titreCode: 'RNCP37674',
  startDate: '2027-04-12',
  endDate: '2027-04-13',
  site: 'Villeurbanne, atelier 2',
  candidates: [{ lastName: 'Roux', firstName: 'Inès', birthDate: '1995-01-30' }],
};

/**
 * The seeded session up to its first morning: both jurors assigned and convoked, the clock moved to
 * 7 June 2027, the plateau checked (60 minutes) and the seals checked with a candidate drawn by lot.
 */
export const runToSeals = async (app: TestApp, clock: { set(instant: string): void }, seeded: Seeded): Promise<{ drawnCandidateId: string; seed: string }> => {
  const path = `/api/sessions/${seeded.sessionId}`;
  for (const jurorId of seeded.jurorIds) expect((await apiCall(app, 'centre', 'POST', `${path}/jury`, { jurorId, tiedCandidateIds: [] })).statusCode).toBe(200);
  for (const audience of ['jurors', 'candidates']) expect((await apiCall(app, 'centre', 'POST', `${path}/convocations`, { audience })).statusCode).toBe(200);
  clock.set('2027-06-07T06:00:00.000Z');
  const plateau = await apiCall(app, 'centre', 'POST', `${path}/plateau`, { durationMinutes: 60, jurorIds: seeded.jurorIds, compliant: true });
  expect(plateau.statusCode, plateau.body).toBe(200);
  const seals = await apiCall(app, 'centre', 'POST', `${path}/seals`, { presentCandidateIds: seeded.candidateIds, sealsIntact: true });
  expect(seals.statusCode, seals.body).toBe(200);
  return { drawnCandidateId: String(bodyOf(seals).drawnCandidateId), seed: String(bodyOf(seals).seed) };
};

/** What the PV intake (an S3 trigger, another function) records once it stored the signed file of revision 1, SHA-256 `sha`. */
export const recordStoredPv = async (app: TestApp, sessionId: string, sha: string, at: Date): Promise<void> => {
  const stream = `session-${sessionId}`;
  const { version } = await app.store.readStream(stream);
  await app.store.append(
    stream,
    version,
    [{ type: 'PVDocumentStored', data: { revision: 1, objectKey: `pv/${sessionId}/${sha}.pdf`, versionId: 'v1', sha256: sha, sizeBytes: 1024 } }],
    {
      actor: { role: 'system', id: 'pv-intake', scope: {} },
      scope: { centreId: 'ctr_lyon-formation', department: '69', region: '84' },
      correlationId: 'c',
      causationId: 'c',
      occurredAt: at,
    },
  );
};
