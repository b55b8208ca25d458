import { describe, expect, it } from 'vitest';
import { apiCall, createTestApp, pageGet, pageText } from './support/app.js';
import { movableClock } from './support/clock.js';
import { runToSeals, seedSession } from './support/scenario.js';

/*
 * The UD pronounces the sanction after a fraud report (DOMAIN.md §10): it needs to know whom the
 * report concerns, when and by whom it was made, and whether its sanction is notified yet.
 */

const text = (markup: string) => pageText(markup.replace(/<[^>]+>/g, ' '));

describe('the fraud reports on the UD’s session page', () => {
  it('given a fraud reported for Hugo Petit on day one, when the UD opens the session, then the report is listed by name, day and author, its sanction to notify, and the sanction form offers Hugo Petit alone', async () => {
    const clock = movableClock('2027-01-10T09:00:00.000Z');
    const app = createTestApp(clock);
    const seeded = await seedSession(app);
    await runToSeals(app, clock, seeded);
    const [lea = '', hugo = ''] = seeded.candidateIds;
    const reported = await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/frauds`, {
      candidateId: hugo,
      facts: 'Téléphone consulté pendant la mise en situation.',
    });
    expect(reported.statusCode, reported.body).toBe(200);

    const page = (await pageGet(app, 'ud', `/ud/sessions/${seeded.sessionId}`)).body;

    const section = page.slice(page.indexOf('<h2>Sanction pour fraude</h2>'));
    expect(text(section)).toMatch(/PETIT Hugo 07\/06\/2027 Responsable de session À notifier/);
    const select = /<select\s+id="f-candidateId"[\s\S]*?<\/select>/.exec(section)?.[0] ?? '';
    expect(select).toContain(`value="${hugo}"`);
    expect(select).not.toContain(`value="${lea}"`);
  });

  it('given the sanction notified, when the UD opens the session, then the report reads sanctioned, with the sanction and its day, and no sanction form is left to fill', async () => {
    const clock = movableClock('2027-01-10T09:00:00.000Z');
    const app = createTestApp(clock);
    const seeded = await seedSession(app);
    await runToSeals(app, clock, seeded);
    const [, hugo = ''] = seeded.candidateIds;
    expect((await apiCall(app, 'centre', 'POST', `/api/sessions/${seeded.sessionId}/frauds`, { candidateId: hugo, facts: 'Téléphone consulté.' })).statusCode).toBe(200);
    clock.set('2027-06-14T09:00:00.000Z');
    const notified = await apiCall(app, 'ud', 'POST', `/api/sessions/${seeded.sessionId}/sanctions`, { candidateId: hugo, sanction: 'avertissement', pronouncedOn: '2027-06-14' });
    expect(notified.statusCode, notified.body).toBe(200);

    const page = (await pageGet(app, 'ud', `/ud/sessions/${seeded.sessionId}`)).body;

    expect(text(page.slice(page.indexOf('<h2>Sanction pour fraude</h2>')))).toMatch(
      /PETIT Hugo 07\/06\/2027 Responsable de session Avertissement \(sanction notifiée le 14\/06\/2027\)/,
    );
    expect(text(page)).toContain('Chaque signalement a sa sanction notifiée.');
    expect(page).not.toContain('/sanction"');
  });
});
