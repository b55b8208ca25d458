import { beforeAll, describe, expect, it } from 'vitest';
import { templates, type SessionSummary } from '../../shared/mail/templates.js';
import { apiCall, bodyOf, createTestApp, formPost, type TestApp } from './support/app.js';
import { seedSession, type Seeded } from './support/scenario.js';

/*
 * Words, not ids: a refusal names the candidates and jurors its reader may see, through the API as
 * through the pages; the centre's copy of the official results names its candidates.
 */

let app: TestApp;
let seeded: Seeded;
let lea: string;
let dupont: string;

beforeAll(async () => {
  app = createTestApp();
  seeded = await seedSession(app);
  lea = seeded.candidateIds[0] ?? '';
  dupont = seeded.jurorIds[0] ?? '';
  expect((await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/jury`, { jurorId: dupont, tiedCandidateIds: [lea] })).statusCode).toBe(200);
});

describe('a refusal', () => {
  it('through the API names the juror and the candidate, never their ids', async () => {
    const response = await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/jury/${dupont}/ties`, { candidateId: lea });
    expect(response.statusCode, response.body).toBe(409);
    const message = bodyOf(response).error?.message ?? '';
    expect(message).toBe('Le lien entre Camille DUPONT et le candidat MARTIN Léa est déjà déclaré.');
  });

  it('to the UD names the candidate of its department', async () => {
    const response = await apiCall(app, 'ud', 'POST', `/api/sessions/${seeded.sessionId}/sanctions`, { candidateId: lea, sanction: 'avertissement', pronouncedOn: '2027-02-01' });
    expect(response.statusCode, response.body).toBe(422);
    expect(bodyOf(response).error?.message).toContain('MARTIN Léa');
    expect(response.body).not.toContain(lea);
  });

  it('on a page names them the same way', async () => {
    const response = await formPost(app, 'centre', `/centre/sessions/${seeded.sessionId}/jury`, [['jurorId', dupont]]);
    expect(response.statusCode).toBe(409);
    expect(response.body).toContain('Camille DUPONT');
    expect(response.body).not.toMatch(new RegExp(`<p[^>]*>[^<]*${dupont}`));
  });
});

describe('the centre’s copy of the official results', () => {
  const session: SessionSummary = {
    sessionId: 'ses_x',
    centreId: 'ctr_lyon-formation',
    centreName: 'Lyon Formation',
    titreCode: 'RNCP37674',
    ceresReference: 'CERES-2027-0042',
    site: 'Lyon 7e',
    startDate: '2027-06-07',
    endDate: '2027-06-09',
    department: '69',
  };

  it('names each candidate, and an erased one by the bare id', () => {
    const results = [
      { candidateId: 'cand_lea', decision: 'titre-obtenu', ccpObtained: [] },
      { candidateId: 'cand_erased', decision: 'echec', ccpObtained: [] },
    ] as const;
    const mail = templates.pvValidatedCentre(
      'Camille',
      session,
      { validatedOn: '2027-06-20', results: [...results], names: new Map([['cand_lea', 'Léa Martin']]) },
      'https://tp.example',
    );
    expect(mail.text).toContain('Léa Martin : Titre obtenu');
    expect(mail.text).toContain('Candidat cand_erased : Échec');
    expect(mail.text).not.toContain('cand_lea');
  });
});
