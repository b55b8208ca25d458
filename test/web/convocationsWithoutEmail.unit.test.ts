import { describe, expect, it } from 'vitest';
import { createTestApp, formPost, pageGet, pageText } from './support/app.js';
import { movableClock } from './support/clock.js';
import { seedSession } from './support/scenario.js';

/**
 * A candidate registered without an email address gets no convocation mail (the notifier parks it):
 * the convocations page names them, so that the centre convokes them by post.
 */
describe('convocations of candidates without an email address', () => {
  it('given a session with one candidate without email and one with, when the centre opens the convocations page, before and after sending, then only the one without is named, with what to do', async () => {
    const app = createTestApp(movableClock('2027-01-10T09:00:00.000Z'));
    const { sessionId } = await seedSession(app);
    const path = `/centre/sessions/${sessionId}/convocations`;

    const before = await pageGet(app, 'centre', path);
    expect(before.statusCode, before.body).toBe(200);
    expect(pageText(before.body)).toContain('Ce candidat n’a pas d’adresse électronique : il ne recevra pas sa convocation par courriel. Convoquez-le par courrier.');
    expect(before.body).toContain('<li>MARTIN Léa</li>');
    expect(before.body).not.toContain('<li>PETIT Hugo</li>');

    const sent = await formPost(app, 'centre', path, [['audience', 'candidates']]);
    expect(sent.statusCode, sent.body).toBe(303);
    const after = await pageGet(app, 'centre', path);
    expect(after.body).toContain('<span class="badge ok">Envoyées</span>');
    expect(after.body).toContain('<li>MARTIN Léa</li>');
  });

  it('given every candidate has an email address, when the centre opens the convocations page, then no warning is shown', async () => {
    const app = createTestApp(movableClock('2027-01-10T09:00:00.000Z'));
    const { sessionId, candidateIds } = await seedSession(app);
    const [lea] = candidateIds;
    const identities = await app.deps.personalData.readCandidates(
      { actor: { role: 'centre', id: 'usr', scope: { centreId: 'ctr_lyon-formation', department: '69', region: '84' } } } as never,
      candidateIds,
    );
    const leaIdentity = identities.get(lea ?? '');
    if (!leaIdentity) throw new Error('seeded candidate without identity');
    await app.deps.personalData.saveCandidates({ centreId: 'ctr_lyon-formation', department: '69', region: '84' }, [{ ...leaIdentity, email: 'lea@example.org' }]);

    const page = await pageGet(app, 'centre', `/centre/sessions/${sessionId}/convocations`);

    expect(page.statusCode, page.body).toBe(200);
    expect(page.body).not.toContain('adresse électronique');
  });
});
