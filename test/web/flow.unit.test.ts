import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../shared/web/html.js';
import { createTestApp, formPost, pageGet, pageText, apiCall, bodyOf } from './support/app.js';
import { movableClock } from './support/clock.js';

const location = (response: { headers: Record<string, string> }) => response.headers.location ?? '';

describe('a session from the programme to the validated PV, through the form posts', () => {
  it('given habilitated jurors, when the centre runs every step and the UD validates, then results turn official', async () => {
    const clock = movableClock('2027-01-10T09:00:00.000Z');
    const app = createTestApp(clock);

    // The UD habilitates two jurors.
    for (const [lastName, firstName] of [
      ['Dupont', 'Claire'],
      ['Moreau', 'Louis'],
    ] as const) {
      const response = await formPost(app, 'ud', '/ud/jures', [
        ['lastName', lastName],
        ['firstName', firstName],
        ['email', `${firstName.toLowerCase()}@jury.example`],
        ['titreCode', 'RNCP37674'],
        ['department', '69'],
        ['validFrom', '01/01/2026'],
        ['validUntil', '30/06/2028'],
        ['professionalisationDate', '15/11/2025'],
      ]);
      expect(response.statusCode, response.body).toBe(303);
    }

    // The centre submits its programme.
    const programme = await formPost(app, 'centre', '/centre/programme/2027', [
      ['sessions.0.titreCode', 'RNCP37674'],
      ['sessions.0.expectedStart', '2027-06-07'],
      ['sessions.0.expectedEnd', '2027-06-09'],
      ['sessions.0.expectedCandidates', '2'],
      ['sessions.1.titreCode', ''],
      ['sessions.1.expectedStart', ''],
      ['sessions.1.expectedEnd', ''],
      ['sessions.1.expectedCandidates', ''],
    ]);
    expect(programme.statusCode, programme.body).toBe(303);

    // Session creation, candidates typed.
    const created = await formPost(app, 'centre', '/centre/sessions', [
      ['ceresReference', 'CERES-2027-0042'],
      ['titreCode', 'RNCP37674'],
      ['startDate', '07/06/2027'],
      ['endDate', '09/06/2027'],
      ['site', 'Lyon 7e'],
      ['candidates.0.lastName', 'Martin'],
      ['candidates.0.firstName', 'Léa'],
      ['candidates.0.birthDate', '12/03/1990'],
      ['candidates.1.lastName', 'Petit'],
      ['candidates.1.firstName', 'Hugo'],
      ['candidates.1.birthDate', '1988-07-21'],
      ['candidates.2.lastName', ''],
      ['candidates.2.firstName', ''],
      ['candidates.2.birthDate', ''],
    ]);
    expect(created.statusCode, created.body).toBe(303);
    const sessionPath = location(created).split('?')[0] ?? '';
    expect(sessionPath).toMatch(/^\/centre\/sessions\/ses_/);
    const sessionId = sessionPath.split('/').pop() ?? '';
    const view = await app.deps.views.getSessionView(sessionId);
    expect(view?.candidateCount).toBe(2);
    const [candA, candB] = view?.candidateIds ?? [];

    // The jury page offers the two habilitated jurors.
    const juryPage = await pageGet(app, 'centre', `${sessionPath}/jury`);
    expect(juryPage.body).toContain('Claire DUPONT');
    const jurorIds = [...juryPage.body.matchAll(/name="jurorId" value="(jur_[A-Z0-9]+)"/g)].map((m) => m[1] ?? '');
    expect(jurorIds).toHaveLength(2);
    for (const jurorId of jurorIds) {
      const assigned = await formPost(app, 'centre', `${sessionPath}/jury`, [['jurorId', jurorId]]);
      expect(assigned.statusCode, assigned.body).toBe(303);
    }

    for (const audience of ['jurors', 'candidates']) {
      const sent = await formPost(app, 'centre', `${sessionPath}/convocations`, [['audience', audience]]);
      expect(sent.statusCode, sent.body).toBe(303);
    }

    clock.set('2027-06-07T06:00:00.000Z');
    const plateau = await formPost(app, 'centre', `${sessionPath}/plateau`, [
      ['durationMinutes', '60'],
      ...jurorIds.map((id) => ['jurorIds', id] as [string, string]),
      ['compliant', 'true'],
    ]);
    expect(plateau.statusCode, plateau.body).toBe(303);
    const seals = await formPost(app, 'centre', `${sessionPath}/plis`, [
      ['presentCandidateIds', candA ?? ''],
      ['presentCandidateIds', candB ?? ''],
      ['sealsIntact', 'true'],
    ]);
    expect(seals.statusCode, seals.body).toBe(303);
    expect(location(seals)).toMatch(/tirage=cand_/);
    const afterDraw = await pageGet(app, 'centre', sessionPath, Object.fromEntries(new URLSearchParams(location(seals).split('?')[1])));
    expect(afterDraw.body).toMatch(/Candidat tiré au sort pour vérifier les plis : (MARTIN Léa|PETIT Hugo)/);

    clock.set('2027-06-09T16:00:00.000Z');
    const pv = await formPost(app, 'centre', `${sessionPath}/pv`, [
      ['decisions.0.candidateId', candA ?? ''],
      ['decisions.0.decision', 'titre-obtenu'],
      ['decisions.1.candidateId', candB ?? ''],
      ['decisions.1.decision', 'reussite-partielle'],
      ['decisions.1.ccpObtained', 'RNCP37674BC01'],
      ...jurorIds.map((id) => ['signatoryIds', id] as [string, string]),
      ['documentSha256', 'ab'.repeat(32)],
    ]);
    expect(pv.statusCode, pv.body).toBe(303);
    const provisional = await pageGet(app, 'centre', sessionPath);
    expect(provisional.body).toContain('Résultats provisoires');
    // The CCP block obtained reads by its code and its label, as the PV form offered it.
    expect(pageText(provisional.body)).toContain(
      `CCP obtenu : <ul> <li>RNCP37674BC01 — ${escapeHtml("Développer la partie front-end d'une application web ou web mobile sécurisée")}</li> </ul>`,
    );

    // The PV intake (S3 trigger, another function) records the stored file.
    const stream = await app.store.readStream(`session-${sessionId}`);
    await app.store.append(
      `session-${sessionId}`,
      stream.version,
      [{ type: 'PVDocumentStored', data: { revision: 1, objectKey: `pv/${sessionId}/${'ab'.repeat(32)}.pdf`, versionId: 'v1', sha256: 'ab'.repeat(32), sizeBytes: 1024 } }],
      {
        actor: { role: 'system', id: 'pv-intake', scope: {} },
        scope: { centreId: 'ctr_lyon-formation', department: '69', region: '84' },
        correlationId: 'c',
        causationId: 'c',
        occurredAt: clock.now(),
      },
    );
    expect((await formPost(app, 'centre', `${sessionPath}/ceres`, [])).statusCode).toBe(303);
    const transmitted = await formPost(app, 'centre', `${sessionPath}/transmission`, []);
    expect(transmitted.statusCode, transmitted.body).toBe(303);

    clock.set('2027-06-14T09:00:00.000Z');
    const udList = await pageGet(app, 'ud', '/ud');
    expect(udList.body).toContain(`/ud/sessions/${sessionId}`);
    const validated = await formPost(app, 'ud', `/ud/sessions/${sessionId}/validation`, []);
    expect(validated.statusCode, validated.body).toBe(303);

    const official = await pageGet(app, 'centre', sessionPath);
    expect(official.body).toContain('Résultats officiels');
    expect(official.body).toContain('Titre obtenu');
    const json = bodyOf(await apiCall(app, 'centre', 'GET', `/api/sessions/${sessionId}`));
    expect((json.session as { results: { status: string } }).results.status).toBe('official');
  });
});
