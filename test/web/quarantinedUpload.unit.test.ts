import { describe, expect, it } from 'vitest';
import { apiCall, createTestApp, pageGet, pageText, type TestApp } from './support/app.js';
import { movableClock } from './support/clock.js';
import { runToSeals, seedSession, type Seeded } from './support/scenario.js';

/*
 * The PV intake (an S3 trigger, another function) refuses a file that is not the signed PV and
 * records why. The centre reads it on its session page, in French, with what to do next; not a
 * storage key and an English code.
 */

const SHA = 'cd'.repeat(32);

const signed = async (): Promise<{
  app: TestApp;
  seeded: Seeded;
  intake: (type: 'PVDocumentQuarantined' | 'PVDocumentStored', data: Record<string, unknown>) => Promise<void>;
}> => {
  const clock = movableClock('2027-01-10T09:00:00.000Z');
  const app = createTestApp(clock);
  const seeded = await seedSession(app);
  await runToSeals(app, clock, seeded);
  clock.set('2027-06-09T16:00:00.000Z');
  const response = await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/pv`, {
    decisions: seeded.candidateIds.map((candidateId) => ({ candidateId, decision: 'titre-obtenu', ccpObtained: [] })),
    signatoryIds: seeded.jurorIds,
    documentSha256: SHA,
  });
  expect(response.statusCode, response.body).toBe(200);
  const stream = `session-${seeded.sessionId}`;
  const intake = async (type: 'PVDocumentQuarantined' | 'PVDocumentStored', data: Record<string, unknown>) => {
    const { version } = await app.store.readStream(stream);
    await app.store.append(stream, version, [{ type, data } as never], {
      actor: { role: 'system', id: 'pv-intake', scope: {} },
      scope: { centreId: 'ctr_lyon-formation', department: '69', region: '84' },
      correlationId: 'c',
      causationId: 'c',
      occurredAt: clock.now(),
    });
  };
  return { app, seeded, intake };
};

describe('a PV file refused at upload, on the session page', () => {
  it('given an uploaded file that was not a PDF, when the centre opens its session, then it reads why in French and finds where to upload the signed file again; no storage key, no code', async () => {
    const { app, seeded, intake } = await signed();
    await intake('PVDocumentQuarantined', { objectKey: `quarantine/pv/${seeded.sessionId}/${SHA}.pdf`, reason: 'not-pdf' });

    const text = pageText((await pageGet(app, 'centre', `/centre/sessions/${seeded.sessionId}`)).body);
    expect(text).toContain('Le fichier déposé a été refusé :</p> <ul> <li>le fichier n’est pas un PDF.</li>');
    expect(text).toContain(`Déposez le fichier du procès-verbal tel qu’il a été signé, en PDF : <a href="/centre/sessions/${seeded.sessionId}/pv">Déposer le fichier signé</a>.`);
    expect(text).not.toContain('quarantine/');
    expect(text).not.toContain('not-pdf');

    // The UD reads the same reason, without the centre's upload link.
    const ud = pageText((await pageGet(app, 'ud', `/ud/sessions/${seeded.sessionId}`)).body);
    expect(ud).toContain('le fichier n’est pas un PDF.');
    expect(ud).not.toContain(`/centre/sessions/${seeded.sessionId}/pv`);
  });

  it('given two refused files, then the signed file stored, when the centre opens its session, then it first reads both reasons, and once the file is stored no refusal is left (the history keeps them)', async () => {
    const { app, seeded, intake } = await signed();
    await intake('PVDocumentQuarantined', { objectKey: `quarantine/pv/${seeded.sessionId}/${SHA}.pdf`, reason: 'checksum-mismatch' });
    await intake('PVDocumentQuarantined', { objectKey: `quarantine/pv/${seeded.sessionId}/${'ef'.repeat(32)}.pdf`, reason: 'too-large' });
    const page = `/centre/sessions/${seeded.sessionId}`;

    const refused = pageText((await pageGet(app, 'centre', page)).body);
    expect(refused).toContain('2 fichiers déposés ont été refusés :');
    expect(refused).toContain('l’empreinte SHA-256 du fichier reçu ne correspond pas à celle déclarée.');
    expect(refused).toContain('le fichier dépasse la taille autorisée.');

    await intake('PVDocumentStored', { revision: 1, objectKey: `pv/${seeded.sessionId}/${SHA}.pdf`, versionId: 'v1', sha256: SHA, sizeBytes: 1024 });
    const stored = pageText((await pageGet(app, 'centre', page)).body);
    expect(stored).toContain('PV signé déposé');
    expect(stored).not.toContain('refusé');
  });
});
