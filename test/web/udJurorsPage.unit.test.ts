import { describe, expect, it } from 'vitest';
import { apiCall, createTestApp, pageGet, pageText } from './support/app.js';
import { movableClock } from './support/clock.js';
import { newJurorInput, seedSession } from './support/scenario.js';

/*
 * The UD agent's page of jurors and habilitations (« Habilitations »): who is habilitated for
 * which titre, until when, and the forms to habilitate and to withdraw.
 */

/** The row of the habilitations table that names this juror, as a reader sees it. */
const rowOf = (page: string, name: string): string => {
  const row = [...page.matchAll(/<tr>[\s\S]*?<\/tr>/g)].map((match) => match[0]).find((markup) => markup.includes(name)) ?? '';
  expect(row, `a row for ${name}`).not.toBe('');
  return row;
};

describe('the UD’s habilitations page', () => {
  it('given a habilitation past its end and one not begun, when the UD opens « Habilitations », then the first reads as ended (no withdrawal offered) and the second as to come, not both « En cours »', async () => {
    const clock = movableClock('2027-02-01T09:00:00.000Z');
    const app = createTestApp(clock);
    await seedSession(app);
    // Dupont and Moreau are habilitated until 30/06/2028; Garnier from 16/07/2028 (the titre ends on 19/07/2028).
    const later = await apiCall(app, 'ud', 'POST', '/api/jurors', { ...newJurorInput('Garnier'), validFrom: '2028-07-16', validUntil: '2028-07-19' });
    expect(later.statusCode, later.body).toBe(201);
    clock.set('2028-07-15T09:00:00.000Z');

    const page = (await pageGet(app, 'ud', '/ud/jures')).body;

    const ended = rowOf(page, 'Camille DUPONT');
    expect(pageText(ended)).toContain('Expirée le 30/06/2028');
    expect(ended).not.toContain('En cours');
    expect(ended).not.toContain('/retrait');
    const toCome = rowOf(page, 'Camille GARNIER');
    expect(pageText(toCome)).toContain('À partir du 16/07/2028');
    expect(toCome).not.toContain('En cours');
  });
});
